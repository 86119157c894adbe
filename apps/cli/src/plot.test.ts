import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from './errors.js';
import { curvesPng, curvesSvg, historyPanels, plotFormat, writePlot } from './plot.js';
import { countColor, decodeRgbPng } from './test-support/png.js';

const dir = mkdtempSync(join(tmpdir(), 'neurite-plot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('curvesSvg', () => {
  it('draws a panel per quantity with a line per series, escaped text, finite coordinates', () => {
    const svg = curvesSvg(historyPanels({ loss: [1, 0.5, 0.25], val_loss: [1.1, 0.7, 0.6], accuracy: [0.5, 0.8, 0.9] }, 'accuracy'), 'mlp on <csv:a&b>');
    expect(svg.match(/<polyline/g)).toHaveLength(3);
    expect(svg).toContain('mlp on &lt;csv:a&amp;b&gt;');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toMatch(/<svg [^>]*width="840"/);
  });

  it('handles one epoch and constant values', () => {
    const svg = curvesSvg(historyPanels({ loss: [0.3] }, 'accuracy'), 'one');
    expect(svg).toContain('<circle');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('curvesPng', () => {
  it('is a PNG of the same layout at twice the size, with each series in its colour', () => {
    const panels = historyPanels({ loss: [1, 0.5, 0.25], val_loss: [1.1, 0.7, 0.6], accuracy: [0.5, 0.8, 0.9] }, 'accuracy');
    const png = decodeRgbPng(curvesPng(panels, 'mlp on iris'));
    expect([png.width, png.height]).toEqual([2 * 840, 2 * 324]);
    expect(png.pixel(2, 2)).toEqual([255, 255, 255]);
    expect(countColor(png, '#1f77b4')).toBeGreaterThan(500); // two train lines and their legend keys
    expect(countColor(png, '#ff7f0e')).toBeGreaterThan(100); // the dashed validation line
    // The first panel's plot area spans (56, 24 + 36) to (404, 280) in chart pixels: validation loss starts at
    // the maximum (top left), train loss ends at the minimum (bottom right).
    expect(png.pixel(2 * 56 + 2, 2 * 60)).toEqual([0xff, 0x7f, 0x0e]);
    expect(png.pixel(2 * 404 - 3, 2 * 280 - 1)).toEqual([0x1f, 0x77, 0xb4]);
  });
});

describe('writePlot', () => {
  it('picks the format by extension and writes whole files only', async () => {
    const panels = historyPanels({ loss: [1, 0.5] }, 'accuracy');
    expect(await writePlot(join(dir, 'a.PNG'), panels, 't')).toBe('png');
    expect(readFileSync(join(dir, 'a.PNG')).subarray(1, 4).toString()).toBe('PNG');
    expect(await writePlot(join(dir, 'a.svg'), panels, 't')).toBe('svg');
    expect(readFileSync(join(dir, 'a.svg'), 'utf8')).toMatch(/^<\?xml/);
    expect(readdirSync(dir).sort()).toEqual(['a.PNG', 'a.svg']);
    expect(() => plotFormat('curves.jpg')).toThrow(/--plot needs a file name ending in \.png or \.svg, got 'curves\.jpg'/);
    await expect(writePlot(join(dir, 'missing', 'x.png'), panels, 't')).rejects.toThrow(UsageError);
    await expect(writePlot(join(dir, 'missing', 'x.png'), panels, 't')).rejects.toThrow(/cannot write the plot '.*x\.png'/);
  });

  it('draws accuracy per federated round with a round axis', async () => {
    const panels = [{ title: 'test accuracy', series: [{ label: 'fedavg', values: [0.3, 0.6, 0.8, 0.85], color: '#1f77b4' }] }];
    await writePlot(join(dir, 'rounds.svg'), panels, 'federated fedavg', { xLabel: 'round' });
    const svg = readFileSync(join(dir, 'rounds.svg'), 'utf8');
    expect(svg).toContain('>round</text>');
    expect(svg).not.toContain('>epoch</text>');
    await writePlot(join(dir, 'rounds.png'), panels, 'federated fedavg', { xLabel: 'round' });
    const png = decodeRgbPng(readFileSync(join(dir, 'rounds.png')));
    expect([png.width, png.height]).toEqual([840, 648]);
    expect(countColor(png, '#1f77b4')).toBeGreaterThan(300);
  });
});
