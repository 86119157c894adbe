import { inflateSync } from 'node:zlib';
import { crc32 } from '@neurite/layers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { barChartSvg, partialDependenceSvg } from './charts.js';
import { DIVERGING, SEQUENTIAL, colorAt } from './colormap.js';
import { attributionScale, colorize, heatmapGrid } from './heatmap.js';
import { adler32, encodePng, zlib } from './png.js';

/** Reads a PNG back with Node's zlib: chunk CRCs checked, IDAT inflated, filter bytes stripped. */
function decodePng(png: Uint8Array) {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let o = 8;
  const chunks: Record<string, Uint8Array> = {};
  while (o < png.length) {
    const len = view.getUint32(o);
    const type = String.fromCharCode(...png.subarray(o + 4, o + 8));
    expect(view.getUint32(o + 8 + len)).toBe(crc32(png.subarray(o + 4, o + 8 + len)));
    chunks[type] = png.subarray(o + 8, o + 8 + len);
    o += 12 + len;
  }
  const h = new DataView(chunks.IHDR.buffer, chunks.IHDR.byteOffset);
  const width = h.getUint32(0);
  const height = h.getUint32(4);
  const channels = { 0: 1, 2: 3, 6: 4 }[chunks.IHDR[9]]!;
  const raw = inflateSync(chunks.IDAT);
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (width * channels + 1)]).toBe(0);
    data.set(raw.subarray(y * (width * channels + 1) + 1, (y + 1) * (width * channels + 1)), y * width * channels);
  }
  return { width, height, channels, data, hasEnd: 'IEND' in chunks };
}

describe('PNG encoder', () => {
  it('round-trips grayscale, RGB and RGBA images through Node zlib, stored and deflated', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 30 }), fc.constantFrom(1 as const, 3 as const, 4 as const), fc.constantFrom('stored' as const, 'deflate' as const), fc.integer(), (w, h, c, compression, seed) => {
        // Mostly runs (compressible) with some noise, like a heatmap.
        const data = Uint8Array.from({ length: w * h * c }, (_, i) => ((i * 7 + seed) % 13 < 3 ? (i * 31 + seed) & 255 : (seed & 0xf0)));
        const back = decodePng(encodePng({ width: w, height: h, channels: c, data }, { compression }));
        expect(back).toMatchObject({ width: w, height: h, channels: c, hasEnd: true });
        expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('deflate output inflates correctly for long runs, long distances and large inputs', () => {
    const big = new Uint8Array(200_000);
    for (let i = 0; i < big.length; i++) big[i] = i % 40_000 < 20_000 ? (i >> 8) & 255 : 7;
    const z = zlib(big);
    expect(z.length).toBeLessThan(big.length / 4);
    expect(Buffer.from(inflateSync(z)).equals(Buffer.from(big))).toBe(true);
    const stored = zlib(big, 'stored');
    expect(Buffer.from(inflateSync(stored)).equals(Buffer.from(big))).toBe(true);
    expect(Buffer.from(inflateSync(zlib(new Uint8Array(0)))).length).toBe(0);
  });

  it('Adler-32 and CRC-32 match known values', () => {
    const wiki = new TextEncoder().encode('Wikipedia');
    expect(adler32(wiki)).toBe(0x11e60398);
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it('rejects data of the wrong size', () => {
    expect(() => encodePng({ width: 2, height: 2, channels: 1, data: new Uint8Array(3) })).toThrow(/width \* height \* channels/);
  });
});

describe('colour maps and heatmaps', () => {
  it('the diverging map is white at zero, blue for negative and red for positive; the sequential map brightens', () => {
    expect(colorAt(DIVERGING, 0.5)).toEqual([247, 247, 247]);
    const [r0, , b0] = colorAt(DIVERGING, 0);
    const [r1, , b1] = colorAt(DIVERGING, 1);
    expect(b0).toBeGreaterThan(r0);
    expect(r1).toBeGreaterThan(b1);
    const lum = (t: number) => colorAt(SEQUENTIAL, t).reduce((a, b) => a + b, 0);
    for (let k = 0; k < 10; k++) expect(lum((k + 1) / 10)).toBeGreaterThan(lum(k / 10));
  });

  it('colorize scales by the percentile so one outlier does not wash out the map', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i === 0 ? 1000 : 1));
    expect(attributionScale(values, 99)).toBe(1);
    const rgb = colorize(values, { signed: false });
    expect(Array.from(rgb.subarray(3, 6))).toEqual([...colorAt(SEQUENTIAL, 1)]);
  });

  it('heatmapGrid lays out image, heatmap and overlay per row', () => {
    const img = heatmapGrid(
      [
        { image: [0, 1, 1, 0], attribution: [1, -1, 0, 0.5] },
        { image: [1, 1, 1, 1], attribution: [0, 0, 0, 0] },
      ],
      { height: 2, width: 2, zoom: 3 },
    );
    expect(img.width).toBe(3 * 6 + 4 * 2);
    expect(img.height).toBe(2 * 6 + 3 * 2);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    // Row 0, image column: pixel (0,0) is black, (1,0) white.
    expect(px(2, 2)).toEqual([0, 0, 0]);
    expect(px(2 + 3, 2)).toEqual([255, 255, 255]);
    // Heatmap column: +1 is the top of the diverging map.
    expect(px(2 + 6 + 2, 2)).toEqual([...colorAt(DIVERGING, 1)]);
    expect(decodePng(encodePng(img)).width).toBe(img.width);
  });

  it('SVG charts escape labels and draw one bar per feature and one path per curve', () => {
    const svg = barChartSvg(['a<b', 'c', 'd'], [0.5, -0.2, 0.1], { title: 'Importance', errors: [0.1, 0.05, 0] });
    expect(svg).toContain('a&lt;b');
    expect(svg.match(/<rect /g)!.length).toBe(1 + 3);
    const pdp = partialDependenceSvg([0, 1, 2], [1, 2, 3], [1, 2, 3, 0, 1, 2], { title: 'PDP', xLabel: 'x0' });
    expect(pdp.match(/<polyline /g)!.length).toBe(3);
  });
});
