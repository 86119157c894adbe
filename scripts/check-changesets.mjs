#!/usr/bin/env node
// Fails when a published package under packages/ or apps/ changed since the
// base ref without a pending changeset that names it. Independent versions
// mean every package needs its own entry, so one changeset for "core" does not
// cover a change to "backend-js".
//
//   node scripts/check-changesets.mjs [--base REF]     (or CHANGESET_BASE=REF)
//
// The base defaults to origin/main; the comparison starts at the merge base of
// HEAD and the base and includes uncommitted and untracked files, so it works
// both in CI and before you commit. With no base (a fresh repo, a first
// commit, a shallow clone) there is nothing to compare against and it passes.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
const tryGit = (...args) => {
  try {
    return git(...args);
  } catch {
    return null;
  }
};
const lines = (s) => (s ? s.split('\n').filter(Boolean) : []);

const { values } = parseArgs({ options: { base: { type: 'string' } } });
const baseRef = values.base ?? process.env.CHANGESET_BASE ?? 'origin/main';

const mergeBase = tryGit('rev-parse', '--verify', '--quiet', `${baseRef}^{commit}`) && tryGit('merge-base', 'HEAD', baseRef);
if (!mergeBase) {
  if (values.base ?? process.env.CHANGESET_BASE) {
    console.error(`check-changesets: base '${baseRef}' is not a commit that shares history with HEAD - fetch it or pass another --base`);
    process.exit(2);
  }
  console.log(`check-changesets: no base to compare with ('${baseRef}' is missing or unrelated) - nothing to check, passing`);
  process.exit(0);
}

const changed = new Set([...lines(git('diff', '--name-only', mergeBase)), ...lines(git('ls-files', '--others', '--exclude-standard'))]);

/** Published workspaces: private ones (bench/, internal tools) are never released, so need no changeset. */
const packages = ['packages', 'apps']
  .filter((group) => existsSync(join(root, group)))
  .flatMap((group) => readdirSync(join(root, group)).map((dir) => `${group}/${dir}`))
  .filter((dir) => existsSync(join(root, dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private);

// Tests do not ship; CHANGELOG.md is written by `changeset version` itself.
const counts = (file) => !/\.test\.[cm]?[jt]sx?$/.test(file) && !file.endsWith('/CHANGELOG.md');

/** A package whose version moved since the base is being released: its changesets were just consumed. */
const beingReleased = ({ dir, manifest }) => {
  const before = tryGit('show', `${mergeBase}:${dir}/package.json`);
  return before !== null && JSON.parse(before).version !== manifest.version;
};

const touched = packages.filter(({ dir }) => [...changed].some((f) => f.startsWith(`${dir}/`) && counts(f)));
const needing = touched.filter((p) => !beingReleased(p));

/** Package names in a changeset's front matter (`"@neurite/core": minor`); null for an empty changeset. */
function namesIn(file) {
  const text = readFileSync(join(root, file), 'utf8');
  const front = /^---\r?\n([\s\S]*?)\r?\n?---/.exec(text);
  if (!front) return [];
  const names = lines(front[1]).map((l) => /^\s*["']?([^"':]+)["']?\s*:/.exec(l)?.[1]).filter(Boolean);
  return names.length > 0 ? names : null;
}

const changesets = existsSync(join(root, '.changeset'))
  ? readdirSync(join(root, '.changeset'))
      .filter((f) => f.endsWith('.md') && f !== 'README.md')
      .map((f) => `.changeset/${f}`)
  : [];
// `npx changeset --empty` records "this change needs no release"; it counts only if added on this branch.
const emptyAdded = changesets.filter((f) => changed.has(f) && namesIn(f) === null);
const covered = new Set(changesets.flatMap((f) => namesIn(f) ?? []));

const missing = needing.filter(({ manifest }) => !covered.has(manifest.name));
const against = `${baseRef} (merge base ${mergeBase.slice(0, 8)})`;
if (missing.length === 0 || emptyAdded.length > 0) {
  const why =
    touched.length === 0
      ? 'no published package changed'
      : missing.length > 0
        ? `empty changeset ${emptyAdded.join(', ')} says no release is needed`
        : needing.length === 0
          ? 'the changed packages are being released (their versions moved)'
          : `changed packages have changesets: ${needing.map((p) => p.manifest.name).join(', ')}`;
  console.log(`check-changesets: ok against ${against} - ${why}`);
  process.exit(0);
}
console.error(`check-changesets: these packages changed since ${against} without a changeset:`);
for (const { dir, manifest } of missing) console.error(`  ${manifest.name} (${dir})`);
console.error("Run `npx changeset`, pick them and describe the change (or `npx changeset --empty` if it needs no release).");
process.exit(1);
