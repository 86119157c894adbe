// @ts-check
import { Random } from '@neurite/core';

/**
 * Seeded standard-normal data, so every run and every contender sees the same
 * inputs. Each input of a case gets its own stream (seed + index) so adding a
 * case never changes the data of another.
 * @param {number[][]} shapes
 * @param {number} seed
 * @returns {Float32Array[]}
 */
export function makeInputs(shapes, seed) {
  return shapes.map((shape, i) => {
    const random = new Random(seed + i);
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let j = 0; j < data.length; j++) data[j] = random.normal();
    return data;
  });
}
