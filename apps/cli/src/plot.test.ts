import { describe, expect, it } from 'vitest';
import { curvesSvg, historyPanels } from './plot.js';

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
