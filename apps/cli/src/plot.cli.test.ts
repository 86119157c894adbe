/** `--plot x.png` and `explain --format png` through the built CLI, read back as pixels. */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countColor, decodeRgbPng } from './test-support/png.js';
import { requireBuild, run } from './test-support/run.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'neurite-plot-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('charts as PNG from the command line', () => {
  it('train --plot curves.png writes the loss and accuracy curves as a PNG; explain --format png writes its charts as PNG', async () => {
    const model = join(dir, 'iris');
    const plot = join(dir, 'curves.png');
    const r = await run(['train', '-d', 'iris', '--epochs', '12', '--validation-split', '0.2', '--out', model, '--plot', plot, '--json', '--backend', 'js']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).plot).toBe(plot);
    expect(readdirSync(dir).sort()).toEqual(['curves.png', 'iris']); // no temporary file left behind
    const curves = decodeRgbPng(readFileSync(plot));
    // Two panels (loss, accuracy) of 420 x 300 under a 24-pixel title, at twice the SVG's size.
    expect([curves.width, curves.height]).toEqual([2 * 840, 2 * 324]);
    expect(curves.pixel(1, 1)).toEqual([255, 255, 255]);
    expect(countColor(curves, '#1f77b4')).toBeGreaterThan(1000); // train lines
    expect(countColor(curves, '#ff7f0e')).toBeGreaterThan(300); // validation lines

    const out = join(dir, 'explained');
    const p = await run(['explain', '-m', model, '--method', 'permutation', '--samples', '2', '-o', out, '--format', 'png', '--json', '--backend', 'js']);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(p.stdout).files).toEqual([join(out, 'importance.png')]);
    const bars = decodeRgbPng(readFileSync(join(out, 'importance.png')));
    // Four iris features: 150 + 420 + 70 wide, 36 + 4 * 22 + 30 high, doubled.
    expect([bars.width, bars.height]).toEqual([2 * 640, 2 * 154]);
    expect(countColor(bars, '#b2182b') + countColor(bars, '#2166ac')).toBeGreaterThan(0);

    const d = await run(['explain', '-m', model, '--method', 'pdp', '--feature', '2', '--steps', '5', '-o', out, '--format', 'png', '--json', '--backend', 'js']);
    expect(d.code, d.stderr).toBe(0);
    const pdp = decodeRgbPng(readFileSync(join(out, 'pdp.png')));
    expect([pdp.width, pdp.height]).toEqual([2 * 560, 2 * 360]);
    expect(countColor(pdp, '#b2182b')).toBeGreaterThan(200); // the thick average curve
  });

  it('an unknown chart format is one line and exit code 2', async () => {
    const r = await run(['explain', '-m', join(dir, 'iris'), '--method', 'permutation', '--format', 'jpg', '--backend', 'js']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^neurite: --format 'jpg' is not a chart format - use png or svg$/);
    const t = await run(['train', '--plot', 'curves.gif']);
    expect(t.code).toBe(2);
    expect(t.stderr).toMatch(/--plot needs a file name ending in \.png or \.svg, got 'curves\.gif'/);
  });
});
