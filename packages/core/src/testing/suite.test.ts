import { describe, expect, it } from 'vitest';
import { checkSkips, conformanceCaseNames, conformanceGroups } from './suite.js';

describe('conformance suite bookkeeping', () => {
  it('names every case uniquely', () => {
    const names = conformanceCaseNames();
    expect(names.length).toBeGreaterThan(600);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('gelu gradient');
  });

  it('refuses skips without a reason or naming no case', () => {
    const groups = conformanceGroups();
    expect(() => checkSkips(groups, { 'gelu gradient': 'BUG: example' })).not.toThrow();
    expect(() => checkSkips(groups, { 'gelu gradient': '  ' })).toThrow(/no reason/);
    expect(() => checkSkips(groups, { 'gelu gradients': 'typo' })).toThrow(/not a conformance case/);
    const twice = [{ name: 'g', cases: [...groups[0].cases.slice(0, 1), ...groups[0].cases.slice(0, 1)] }];
    expect(() => checkSkips(twice, {})).toThrow(/two cases are named/);
  });
});
