/**
 * Fuzzing the CLI's model metadata (model.json's `metadata`, or an old
 * neurite.json): generated edits of valid metadata, and arbitrary values,
 * must give checked metadata or a ModelFormatError naming the file, nothing
 * else; and what passes must be safe to use (a scaler of the model's width
 * with finite values, class and feature names that fit the model).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ModelFormatError } from '@neurite/core';
import { DELETE, ODD_JSON_VALUES, damageJson } from '@neurite/core/testing';
import { parseModelMeta } from './model-meta.js';

const RUNS = Number(process.env.NEURITE_FUZZ_RUNS ?? 1000);
const outcome = { accepted: 0, refused: 0 };
afterAll(() => console.log(`metadata fuzz: ${outcome.accepted + outcome.refused} cases (${outcome.accepted} accepted, ${outcome.refused} refused)`));

const shape = { inputSize: 4, outputUnits: 3 };
const valid = {
  createdBy: 'neurite train',
  task: 'multiclass',
  dataset: 'iris',
  model: 'mlp',
  seed: 42,
  classes: ['setosa', 'versicolor', 'virginica'],
  featureNames: ['a', 'b', 'c', 'd'],
  targetName: 'species',
  scaler: { kind: 'standard', mean: [5.8, 3, 3.7, 1.2], std: [0.8, 0.4, 1.7, 0.7] },
  epochs: 100,
  interrupted: false,
};

function check(raw: unknown): void {
  try {
    const meta = parseModelMeta(raw, 'm/model.json (metadata)', shape);
    outcome.accepted++;
    if (meta.scaler?.kind === 'standard') expect([meta.scaler.mean.length, meta.scaler.std.length, meta.scaler.std.every((s) => s > 0 && Number.isFinite(s))]).toEqual([4, 4, true]);
    if (meta.classes) expect(meta.classes.length).toBe(meta.task === 'binary' ? 2 : 3);
    if (meta.featureNames) expect(meta.featureNames.length).toBe(4);
    if (meta.dataset !== undefined) expect(['xor', 'linear', 'mnist', 'iris']).toContain(meta.dataset.trim().toLowerCase());
  } catch (e) {
    if (!(e instanceof ModelFormatError)) throw e;
    expect(e.message).toMatch(/^m\/model.json \(metadata\): '/);
    outcome.refused++;
  }
}

describe('metadata fuzz', () => {
  it('generated edits of valid metadata', () => {
    const value = fc.oneof(fc.constantFrom(...ODD_JSON_VALUES), fc.jsonValue({ maxDepth: 2 }), fc.constant(DELETE));
    fc.assert(fc.property(fc.array(fc.record({ site: fc.nat(), value }), { minLength: 1, maxLength: 3 }), (edits) => check(damageJson(valid, edits))), { numRuns: RUNS, seed: 6 });
  });

  it('arbitrary values in place of the whole metadata', () => {
    fc.assert(fc.property(fc.anything(), (v) => check(v)), { numRuns: RUNS, seed: 7 });
  });
});
