import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as nt from '@neurite/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, SKIP_ENV, type Chromium } from '../e2e/chromium.js';
import { serveStatic, type StaticServer } from '../e2e/server.js';
import { workload } from '../e2e/workload.js';
import { createWasmBackend } from './index.js';

/**
 * Loads the BUILT packages (dist/, as published) into headless Chromium with
 * an import map and no bundler, fetches the .wasm by URL, as bytes and from
 * the packaged default, and checks the results against the same workload run
 * on this backend in Node (a backend never depends on another one, even in tests). A missing browser fails the run unless NEURITE_SKIP_BROWSER=1.
 */
const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const MOUNTS = {
  '/core/': here('../../core/dist'),
  '/backend-wasm/': here('../dist'),
  '/': here('../e2e'),
};
const BUILT = ['../../core/dist/index.js', '../dist/index.js', '../dist/neurite-simd.wasm', '../dist/neurite-scalar.wasm', '../dist/neurite-simd-threads.wasm'].map(here);
const VARIANTS = ['simd-url', 'scalar-url', 'simd-bytes', 'scalar-bytes', 'packaged', 'threads'] as const;

type Result = ReturnType<typeof workload> & {
  backend: string;
  simd: boolean;
  simdSupported: boolean;
  threads: number;
  threadsReason?: string;
  crossOriginIsolated: boolean;
};

/** float32 in the browser against float32 in Node: the SIMD and scalar builds sum in different orders. */
function expectClose(label: string, actual: readonly number[], expected: readonly number[]): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  const worst = actual.reduce((m, a, i) => Math.max(m, Math.abs(a - expected[i]) / Math.max(1, Math.abs(expected[i]))), 0);
  expect(worst, `${label}: largest relative difference from Node`).toBeLessThan(1e-5);
  expect(actual.every(Number.isFinite), `${label}: all finite`).toBe(true);
}

/**
 * CI (CI=true, where .ci/run installs Chromium) must run this test: a missing
 * browser fails there. On a developer's machine with only Node and npm, the
 * README's test command must still pass, so a missing browser skips it, saying why.
 */
const noBrowserHere = process.env.CI !== 'true' && chromiumMissing() !== undefined;
if (noBrowserHere) console.warn(`browser test skipped: ${chromiumMissing()} (CI installs it and runs the test)`);

/**
 * The page twice: served plainly, and cross-origin isolated (COOP/COEP), where
 * SharedArrayBuffer exists and the threaded build runs matMul on a Web Worker
 * too. Plainly served, asking for threads must fall back to one, saying why.
 */
describe.skipIf(process.env[SKIP_ENV] === '1' || noBrowserHere).each([
  { isolated: false, label: 'plain page' },
  { isolated: true, label: 'cross-origin isolated page' },
])('backend-wasm in Chromium (built dist/, import map, no bundler): $label', ({ isolated }) => {
  let server: StaticServer | undefined;
  let browser: Chromium | undefined;
  let page: Page;
  let expected: ReturnType<typeof workload>;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const missing = chromiumMissing();
    if (missing) throw new Error(missing);
    const unbuilt = BUILT.filter((f) => !existsSync(f));
    if (unbuilt.length > 0) throw new Error(`browser test: ${unbuilt.join(', ')} missing - run 'npm run build' first (npm test does)`);

    const previous = (await nt.listBackends()).find((s) => s.active)?.name;
    nt.registerBackend('node-oracle', () => createWasmBackend({ simd: true }));
    try {
      await nt.setBackend('node-oracle');
      expected = workload(nt);
    } finally {
      nt.removeBackend('node-oracle');
      if (previous !== undefined) await nt.setBackend(previous);
    }

    server = await serveStatic(MOUNTS, { isolated });
    browser = await launchChromium();
    page = await browser.context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
      // A failed request is reported below with its URL.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) pageErrors.push(m.text());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) pageErrors.push(`HTTP ${r.status()} for ${r.url()}`);
    });
    await page.goto(`${server.origin}/`);
    await page
      .waitForFunction(() => (window as unknown as { neuriteReady?: boolean }).neuriteReady === true, undefined, { timeout: 10_000 })
      .catch((e: Error) => {
        throw new Error(`browser test: the page never became ready (${pageErrors.join('; ') || e.message})`);
      });
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const variant of VARIANTS) {
    it(`loads the ${variant} wasm and matches Node on matMul, softmax and a gradient`, async () => {
      const result = await page.evaluate(
        (v) => (window as unknown as { neurite: { run(v: string): Promise<unknown> } }).neurite.run(v),
        variant,
      ) as Result;
      expect(result.backend).toBe('wasm');
      expect(result.simdSupported, 'Chromium validates WebAssembly SIMD').toBe(true);
      expect(result.simd).toBe(!variant.startsWith('scalar'));
      expect(result.crossOriginIsolated, 'the page is cross-origin isolated exactly when served with COOP/COEP').toBe(isolated);
      if (variant === 'threads' && isolated) expect(result.threads, `threads (${result.threadsReason ?? 'no reason given'})`).toBe(2);
      else if (variant === 'threads') {
        expect(result.threads).toBe(1);
        expect(result.threadsReason).toMatch(/cross-origin isolated|SharedArrayBuffer/);
      } else expect(result.threads).toBe(1);
      expectClose('matMul [3,4]x[4,5]', result.matMul, expected.matMul);
      expectClose('matMul [37,45]x[45,29]', result.bigMatMul, expected.bigMatMul);
      expectClose('softmax', result.softmax, expected.softmax);
      expectClose('gradient', result.grad, expected.grad);
      expectClose('loss', [result.loss], [expected.loss]);
      expect(result.liveDelta, 'tensors left alive in the page').toBe(0);
      expect(pageErrors, 'errors in the page').toEqual([]);
    });
  }

  it('serves nothing outside the mounted folders', async () => {
    for (const path of ['/package.json', '/core/..%2f..%2fpackage.json', '/backend-wasm/..%2fsrc%2fbackend.ts']) {
      expect((await fetch(`${server!.origin}${path}`)).status, path).toBe(404);
    }
    expect((await fetch(`${server!.origin}/backend-wasm/neurite-simd.wasm`)).headers.get('content-type')).toBe('application/wasm');
  });
});
