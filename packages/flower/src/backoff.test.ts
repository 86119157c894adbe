import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { backoffDelay } from './backoff.js';

describe('backoffDelay', () => {
  const at = (attempt: number, r: number) => backoffDelay(attempt, { initialMs: 100, maxMs: 1000, random: () => r });

  it('doubles per attempt, is capped, and jitters between half and all of its ceiling', () => {
    // Ceilings 100, 200, 400, 800, then the 1000 cap.
    expect([0, 1, 2, 3, 4, 10].map((a) => at(a, 0))).toEqual([50, 100, 200, 400, 500, 500]);
    expect([0, 1, 2, 3, 4, 10].map((a) => at(a, 1))).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(at(2, 0.5)).toBe(300);
  });

  it('rejects settings that would not back off', () => {
    expect(() => backoffDelay(0, { initialMs: 0 })).toThrow(ArgumentError);
    expect(() => backoffDelay(0, { initialMs: 100, maxMs: 50 })).toThrow(/initialMs <= maxMs/);
  });
});
