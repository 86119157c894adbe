import { readdirSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

/**
 * Tests import workspace packages by name; these aliases point the names at
 * the TypeScript sources so tests need no build and every package sees one
 * copy of @neurite/core (one engine, one registry).
 */
const alias = [
  { find: /^@neurite\/core\/testing$/, replacement: here('./packages/core/src/testing/index.ts') },
  ...readdirSync(here('./packages')).map((dir) => ({
    find: new RegExp(`^@neurite/${dir}$`),
    replacement: here(`./packages/${dir}/src/index.ts`),
  })),
];

/**
 * backend-wasm's relaxed-SIMD build needs relaxed SIMD in the engine: Node 21+
 * has it, Node 20 only behind this V8 flag, so its test workers get the flag
 * there (and its tests still state a skip where an engine lacks it).
 */
const relaxedSimdFlag = Number(process.versions.node.split('.')[0]) === 20 ? ['--experimental-wasm-relaxed-simd'] : [];

/** One vitest project per package or app that has a src/ folder, plus the examples. */
const projects = ['packages', 'apps']
  .flatMap((group) => (existsSync(here(`./${group}`)) ? readdirSync(here(`./${group}`)).map((dir) => `${group}/${dir}`) : []))
  .filter((dir) => existsSync(here(`./${dir}/src`)))
  .map((dir) => ({
    extends: true as const,
    test: {
      name: dir.split('/')[1],
      include: [`${dir}/src/**/*.test.ts`],
      ...(dir === 'packages/backend-wasm' ? { execArgv: relaxedSimdFlag } : {}),
    },
  }))
  .concat({ extends: true as const, test: { name: 'examples', include: ['examples/**/*.test.ts'] } });

export default defineConfig({
  resolve: { alias },
  test: {
    projects,
    // Gradient checks and peer comparisons are CPU-heavy; the machines here have 2 cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
