import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { chartSvg, rasterizeChart, renderChart, type Chart } from './chart.js';
import { barChart, barChartPng, lineChart, lineChartPng, partialDependencePng } from './charts.js';
import { FONT, glyphRows, textWidth } from './font.js';
import { Canvas, parseColor } from './raster.js';

/** A minimal PNG reader for 8-bit RGB images with filter 0 rows (what encodePng writes), via Node's zlib. */
function readPng(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(Array.from(png.subarray(1, 4), (c) => String.fromCharCode(c)).join('')).toBe('PNG');
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let ihdr: Uint8Array | undefined;
  for (let o = 8; o < png.length; ) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    types.push(type);
    if (type === 'IHDR') ihdr = png.subarray(o + 8, o + 8 + len);
    if (type === 'IDAT') idat.push(png.subarray(o + 8, o + 8 + len));
    o += 12 + len;
  }
  expect(types[0]).toBe('IHDR');
  expect(types.at(-1)).toBe('IEND');
  const h = new DataView(ihdr!.buffer, ihdr!.byteOffset, 13);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  expect([ihdr![8], ihdr![9]]).toEqual([8, 2]); // 8 bits, RGB
  const raw = inflateSync(Buffer.concat(idat));
  expect(raw.length).toBe(height * (width * 3 + 1));
  const pixel = (x: number, y: number) => {
    const o = y * (width * 3 + 1) + 1 + x * 3;
    expect(raw[y * (width * 3 + 1)]).toBe(0);
    return [raw[o], raw[o + 1], raw[o + 2]];
  };
  return { width, height, pixel };
}

const WHITE = [255, 255, 255];
const hex = (c: string) => [...parseColor(c)];

describe('Canvas', () => {
  it('fills rectangles with coverage on fractional edges and blends by opacity', () => {
    const c = new Canvas(10, 4);
    c.fillRect(1, 1, 2.5, 2, '#000000');
    expect(c.pixel(1, 1)).toEqual([0, 0, 0]);
    expect(c.pixel(2, 2)).toEqual([0, 0, 0]);
    expect(c.pixel(3, 1)).toEqual([128, 128, 128]);
    expect(c.pixel(4, 1)).toEqual([255, 255, 255]);
    expect(c.pixel(1, 0)).toEqual([255, 255, 255]);
    c.fillRect(6, 0, 2, 2, '#ff0000', 0.5);
    expect(c.pixel(6, 0)).toEqual([255, 128, 128]);
  });

  it('a horizontal line on pixel edges is crisp; a sloped one is anti-aliased and symmetric', () => {
    const c = new Canvas(20, 20);
    c.stroke([[2, 5], [18, 5]], '#0000ff', { width: 2 });
    for (let x = 3; x < 17; x++) {
      expect(c.pixel(x, 4)).toEqual([0, 0, 255]);
      expect(c.pixel(x, 5)).toEqual([0, 0, 255]);
      expect(c.pixel(x, 3)).toEqual(WHITE);
      expect(c.pixel(x, 6)).toEqual(WHITE);
    }
    const d = new Canvas(20, 20);
    d.stroke([[2, 2], [18, 18]], '#000000', { width: 1 });
    expect(d.pixel(10, 10)).toEqual([0, 0, 0]);
    const grey = d.pixel(11, 10)[0];
    expect(grey).toBeGreaterThan(0);
    expect(grey).toBeLessThan(255);
    expect(d.pixel(10, 11)[0]).toBe(grey);
    expect(d.pixel(14, 10)).toEqual(WHITE);
  });

  it('dashes a line with the pattern and blends a translucent polyline once at its joints', () => {
    const c = new Canvas(60, 10);
    c.stroke([[0, 5], [60, 5]], '#000000', { width: 2, dash: [6, 4] });
    const row = Array.from({ length: 60 }, (_, x) => (c.pixel(x, 5)[0] < 128 ? 1 : 0)).join('');
    expect(row).toBe('1111110000'.repeat(6));
    const t = new Canvas(30, 30);
    t.stroke([[5, 5.5], [15, 5.5], [15, 25]], '#000000', { width: 3, opacity: 0.5 });
    expect(t.pixel(15, 5)).toEqual(t.pixel(10, 5));
    expect(t.pixel(15, 5)).toEqual([128, 128, 128]);
  });

  it('draws a disc and rejects colours it cannot parse', () => {
    const c = new Canvas(20, 20);
    c.fillCircle(10, 10, 4, '#f00');
    expect(c.pixel(10, 10)).toEqual([255, 0, 0]);
    expect(c.pixel(10, 16)).toEqual(WHITE);
    expect(() => c.fillCircle(1, 1, 1, 'red')).toThrow(/#rgb or #rrggbb/);
  });
});

describe('bitmap font', () => {
  /** The glyph's bits read back from the canvas at a scale, top row first. */
  const readBack = (c: Canvas, left: number, top: number, scale: number, rows: number) =>
    Array.from({ length: rows }, (_, r) => {
      let bits = 0;
      for (let col = 0; col < FONT.width; col++) if (c.pixel(left + col * scale, top + r * scale)[0] === 0) bits |= 0x10 >> col;
      return bits;
    });

  it("'A' renders its bit rows above the baseline, at scale 1 and 3", () => {
    expect(glyphRows('A')).toEqual([0x0e, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11]);
    const c = new Canvas(40, 40);
    c.text('A', 3, 10, '#000000');
    expect(readBack(c, 3, 10 - FONT.ascent, 1, 7)).toEqual(glyphRows('A'));
    expect(c.pixel(3, 10)).toEqual(WHITE); // nothing on or below the baseline
    const big = new Canvas(40, 40);
    big.text('A', 5, 30, '#000000', { scale: 3 });
    expect(readBack(big, 6, 30 - 3 * FONT.ascent + 1, 3, 7)).toEqual(glyphRows('A'));
  });

  it('every printable character has a glyph of 5-bit rows; descenders go below the baseline', () => {
    for (let k = 32; k < 127; k++) {
      const rows = glyphRows(String.fromCharCode(k));
      expect(rows.length).toBeLessThanOrEqual(FONT.ascent + FONT.descent);
      for (const r of rows) expect(r).toBeLessThan(32);
      if (k > 32) expect(rows.some((r) => r > 0)).toBe(true);
    }
    expect(glyphRows('g').length).toBe(9);
    expect(glyphRows('\u00e9')).toEqual(glyphRows('?'));
  });

  it('anchors text at its start, middle or end, and rotates it to read upwards', () => {
    expect(textWidth('abc', 2)).toBe((3 * 6 - 1) * 2);
    const inkX = (c: Canvas) => {
      const xs: number[] = [];
      for (let x = 0; x < c.width; x++) for (let y = 0; y < c.height; y++) if (c.pixel(x, y)[0] < 128) xs.push(x);
      return [Math.min(...xs), Math.max(...xs)];
    };
    const end = new Canvas(60, 12);
    end.text('H', 50, 10, '#000000', { anchor: 'end' });
    expect(inkX(end)).toEqual([45, 49]);
    const mid = new Canvas(60, 12);
    mid.text('HH', 30, 10, '#000000', { anchor: 'middle' });
    expect(inkX(mid)).toEqual([25, 35]);
    // 'L' turned a quarter left: its stem lies along the baseline's row, its foot stands up at the baseline's end.
    const up = new Canvas(20, 20);
    up.text('L', 10, 15, '#000000', { rotate: -90 });
    const ink: string[] = [];
    for (let y = 0; y < 20; y++) for (let x = 0; x < 20; x++) if (up.pixel(x, y)[0] < 128) ink.push(`${x},${y}`);
    // The stem (font column 0) is device row 14, from x 3 (glyph top) to 9 (baseline); the foot (font row 6) is device column 9, rows 10-14.
    expect(ink.filter((p) => p.endsWith(',14')).map((p) => Number(p.split(',')[0]))).toEqual([3, 4, 5, 6, 7, 8, 9]);
    expect(ink.filter((p) => p.startsWith('9,')).map((p) => Number(p.split(',')[1])).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14]);
  });
});

describe('charts as PNG', () => {
  it('a bar chart decodes to the chart size with bars as long as their values, background elsewhere', () => {
    const values = [0.4, 0.1, 0.3];
    const chart = barChart(['a', 'b', 'c'], values, { title: 'Importance' });
    const { width, height, pixel } = readPng(barChartPng(['a', 'b', 'c'], values, { title: 'Importance', pixelRatio: 2 }));
    expect([width, height]).toEqual([chart.width * 2, chart.height * 2]);
    const red = hex('#b2182b');
    // Rows are sorted by |value|: 0.4, 0.3, 0.1; measure each bar's red run through its middle.
    // Bars start at the zero line (x = 150, under the 2-pixel axis) and end at their last red pixel.
    const lengths = [0, 1, 2].map((r) => {
      const y = (36 + r * 22 + 11) * 2;
      let last = -1;
      for (let x = 0; x < width; x++) if (pixel(x, y).join() === red.join()) last = x;
      expect(pixel(last - 20, y)).toEqual(red);
      return last + 1 - 150 * 2;
    });
    expect(lengths[0]).toBe(420 * 2);
    expect(Math.abs(lengths[1] - (lengths[0] * 0.3) / 0.4)).toBeLessThanOrEqual(1);
    expect(Math.abs(lengths[2] - (lengths[0] * 0.1) / 0.4)).toBeLessThanOrEqual(1);
    // Between the rows and right of the bars: background.
    expect(pixel(160 * 2, (36 + 22) * 2)).toEqual(WHITE);
    expect(pixel(width - 5, height - 5)).toEqual(WHITE);
  });

  it('a line chart draws a constant series along its y and the panel frame; SVG and PNG come from the same marks', () => {
    const panels = [{ title: 'loss', series: [{ label: 'train', values: [2, 2, 2, 2], color: '#1f77b4' }] }];
    const { width, height, pixel } = readPng(lineChartPng(panels, { pixelRatio: 1, xLabel: 'epoch' }));
    expect([width, height]).toEqual([420, 324]);
    // Constant values sit mid-panel: y = 24 + 36 + 220 / 2; the line is 2 px wide, centred there.
    const y = 24 + 36 + 110;
    for (let x = 70; x < 290; x += 7) {
      expect(pixel(x, y - 1)).toEqual(hex('#1f77b4'));
      expect(pixel(x, y)).toEqual(hex('#1f77b4'));
      expect(pixel(x, y - 30)).toEqual(WHITE);
    }
    expect(pixel(56, y - 30)).toEqual(hex('#999999')); // the frame's left edge
    const svg = renderChart(lineChart(panels, { xLabel: 'epoch' }), 'svg');
    expect(svg.match(/<polyline /g)).toHaveLength(1);
    expect(svg).toContain('>epoch</text>');
  });

  it('partial dependence rasterises the thick average over translucent ICE curves', () => {
    const png = partialDependencePng([0, 1], [0, 1], [0.5, 0.5], { pixelRatio: 1 });
    const { width, height, pixel } = readPng(png);
    expect([width, height]).toEqual([560, 360]);
    // The ICE curve (0.5 everywhere) mid-plot: blue at 25% over white, not full blue.
    const [r, g, b] = pixel(100, 360 - 44 - 0.5 * (360 - 16 - 44));
    expect(b).toBeGreaterThan(r);
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(255);
  });

  it('rasterizeChart draws each kind of mark and checks its pixel ratio', () => {
    const chart: Chart = {
      width: 40,
      height: 20,
      background: '#000000',
      marks: [
        { kind: 'rect', x: 0, y: 0, width: 10, height: 10, fill: '#ffffff' },
        { kind: 'circle', cx: 30, cy: 10, r: 4, fill: '#00ff00' },
        { kind: 'text', x: 12, y: 18, text: 'I', color: '#ff0000', size: 10 },
      ],
    };
    const img = rasterizeChart(chart, { pixelRatio: 1 });
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * 40 + x) * 3, (y * 40 + x) * 3 + 3));
    expect(px(5, 5)).toEqual(WHITE);
    expect(px(10, 5)).toEqual([0, 0, 0]);
    expect(px(30, 10)).toEqual([0, 255, 0]);
    expect(px(14, 17)).toEqual([255, 0, 0]); // the stem of 'I' (column 2, bottom row)
    expect(() => rasterizeChart(chart, { pixelRatio: 1.5 })).toThrow(/pixelRatio/);
    expect(chartSvg(chart)).toContain('<circle');
  });
});
