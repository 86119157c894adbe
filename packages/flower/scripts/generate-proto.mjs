#!/usr/bin/env node
// Generates src/gen/ from proto/ with buf and protoc-gen-es (both pinned
// devDependencies, so the output is the same on every machine).
//
// Why @bufbuild/protobuf rather than protobufjs: its generated code is plain
// ESM TypeScript with no runtime code generation (protobufjs builds codecs with
// `new Function`, which a page's Content-Security-Policy may forbid), 64-bit
// integers are bigint rather than a Long class, oneofs are discriminated
// unions tsc checks, and the runtime descriptors let a test compare our
// schema with Flower's field by field.
//
// The output is committed: tests and typecheck read src/ without a build, and
// `--check` (run by src/proto-compat.test.ts) fails when it is stale.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(pkg, 'package.json'));
const buf = require.resolve('@bufbuild/buf/bin/buf');
const plugin = join(dirname(require.resolve('@bufbuild/protoc-gen-es/package.json')), 'bin', 'protoc-gen-es');
const committed = join(pkg, 'src', 'gen');

function generate(out) {
  const template = {
    version: 'v2',
    clean: true,
    plugins: [{ local: [process.execPath, plugin], out, opt: ['target=ts', 'import_extension=js'] }],
  };
  const r = spawnSync(process.execPath, [buf, 'generate', 'proto', '--template', JSON.stringify(template)], { cwd: pkg, encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`generate-proto: buf generate failed (exit ${r.status}): ${r.stderr || r.error?.message}\n`);
    process.exit(1);
  }
}

function files(dir) {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

if (process.argv.includes('--check')) {
  const fresh = mkdtempSync(join(tmpdir(), 'neurite-flower-gen-'));
  try {
    generate(fresh);
    const want = files(fresh);
    const have = files(committed);
    const stale = [...new Set([...want, ...have])].filter(
      (f) => !want.includes(f) || !have.includes(f) || !readFileSync(join(fresh, f)).equals(readFileSync(join(committed, f))),
    );
    if (stale.length) {
      process.stdout.write(`generate-proto: ${relative(process.cwd(), committed)} is stale (${stale.join(', ')}) - run npm run generate -w @neurite/flower\n`);
      process.exit(1);
    }
    process.stdout.write('generate-proto: src/gen is up to date\n');
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
} else {
  generate(committed);
}
