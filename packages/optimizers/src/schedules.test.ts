import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { cosineDecay, exponentialDecay, linearWarmup, oneCycle, stepDecay } from './schedules.js';

const at = (f: (s: number) => number, steps: number[]) => steps.map(f);

describe('schedules, on hand-computed values', () => {
  it('stepDecay', () => {
    expect(at(stepDecay({ initial: 0.1, factor: 0.5, every: 10 }), [0, 9, 10, 19, 20, 35])).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.0125]);
  });

  it('exponentialDecay, smooth and staircase', () => {
    const smooth = exponentialDecay({ initial: 1, rate: 0.5, decaySteps: 2 });
    expect(smooth(0)).toBe(1);
    expect(smooth(1)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(smooth(4)).toBe(0.25);
    expect(at(exponentialDecay({ initial: 1, rate: 0.5, decaySteps: 2, staircase: true }), [0, 1, 2, 3, 4])).toEqual([1, 1, 0.5, 0.5, 0.25]);
  });

  it('linearWarmup, then constant or a following schedule', () => {
    expect(at(linearWarmup({ peak: 1, warmupSteps: 4 }), [0, 1, 2, 4, 100])).toEqual([0, 0.25, 0.5, 1, 1]);
    expect(at(linearWarmup({ peak: 1, warmupSteps: 2, initial: 0.5 }), [0, 1, 2])).toEqual([0.5, 0.75, 1]);
    const then = linearWarmup({ peak: 0.1, warmupSteps: 2, then: stepDecay({ initial: 0.1, factor: 0.1, every: 1 }) });
    expect(at(then, [0, 1, 2, 3])).toEqual([0, 0.05, 0.1, 0.1 * 0.1]);
  });

  it('cosineDecay with warm-up', () => {
    const f = cosineDecay({ peak: 1, warmupSteps: 2, decaySteps: 4, final: 0.2 });
    expect(f(0)).toBe(0);
    expect(f(1)).toBe(0.5);
    expect(f(2)).toBe(1);
    // s = 2 of 4: halfway down the cosine, (1 + 0.2) / 2.
    expect(f(4)).toBeCloseTo(0.6, 15);
    // s = 1: 0.2 + 0.8 * (1 + cos(pi/4)) / 2
    expect(f(3)).toBeCloseTo(0.2 + 0.4 * (1 + Math.SQRT1_2), 15);
    expect(f(6)).toBeCloseTo(0.2, 15);
    expect(f(60)).toBeCloseTo(0.2, 15);
    expect(cosineDecay({ peak: 0.1, decaySteps: 10 })(0)).toBe(0.1);
  });

  it('oneCycle (cosine): up over pctStart, down to maxLr / (div * finalDiv)', () => {
    // 10 steps, pctStart 0.3: the up phase ends at step 2, the down phase at step 9.
    const f = oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 0.3, divFactor: 10, finalDivFactor: 100 });
    expect(f(0)).toBeCloseTo(0.1, 15);
    expect(f(1)).toBeCloseTo(0.55, 15);
    expect(f(2)).toBe(1);
    expect(f(9)).toBeCloseTo(0.001, 15);
    // One step into the down phase: p = (3 - 2) / (9 - 2) = 1/7.
    expect(f(3)).toBeCloseTo(0.001 + (0.999 * (1 + Math.cos(Math.PI / 7))) / 2, 15);
    expect(f(50)).toBeCloseTo(0.001, 15);
  });

  it('oneCycle (linear)', () => {
    const f = oneCycle({ maxLr: 1, totalSteps: 5, pctStart: 0.6, divFactor: 4, finalDivFactor: 2, anneal: 'linear' });
    // up ends at step 2, down at step 4; initial 0.25, final 0.125.
    expect(at(f, [0, 1, 2, 3, 4])).toEqual([0.25, 0.625, 1, 0.5625, 0.125]);
  });

  it('rejects bad options and bad steps, naming them', () => {
    expect(() => stepDecay({ initial: -1, factor: 0.5, every: 1 })).toThrow(/stepDecay: option 'initial'/);
    expect(() => stepDecay({ initial: 1, factor: 0.5, every: 0 })).toThrow(/'every'/);
    expect(() => exponentialDecay({ initial: 1, rate: 0.5, decaySteps: 0 })).toThrow(/'decaySteps'/);
    expect(() => linearWarmup({ peak: 1, warmupSteps: 1.5 })).toThrow(/'warmupSteps'/);
    expect(() => cosineDecay({ peak: 1, decaySteps: 0 })).toThrow(/'decaySteps'/);
    expect(() => oneCycle({ maxLr: 1, totalSteps: 10, pctStart: 1 })).toThrow(/'pctStart'/);
    expect(() => oneCycle({ maxLr: 1, totalSteps: 10, anneal: 'exp' as 'cos' })).toThrow(/'anneal'/);
    expect(() => stepDecay({ initial: 1, factor: 0.5, every: 1 })(-1)).toThrow(ArgumentError);
  });
});
