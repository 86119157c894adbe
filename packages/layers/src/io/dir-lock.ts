/**
 * One writer per model directory. The lock file `.neurite-lock` holds the
 * writer's pid, host and a random token, and lists the files the writer is
 * about to create: it is both the lock and the record of what a crashed
 * writer may have left, so the next writer removes exactly those files and
 * nothing of the user's. Node only (imported on first use by node.ts).
 *
 * The lock is created whole or not at all: its content goes to a private
 * temporary file which is then hard-linked to the lock name (link fails when
 * the name exists, so two writers cannot both create it). A lock whose
 * writer is dead (same host, pid gone) is stale and is taken over; a lock of
 * a live writer, or of another host, is refused with ModelLockedError.
 */
import { hostname } from 'node:os';
import { join } from 'node:path';
import { link, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { ModelLockedError } from './errors.js';

export const LOCK_FILE = '.neurite-lock';
/** Temporary files of the lock itself: `.neurite-lock.<pid>.<token>`. */
const LOCK_TEMP = /^\.neurite-lock\.(\d+)\.[0-9a-z]+$/;

export interface LockContent {
  pid: number;
  host: string;
  token: string;
  started: string;
  /** Files this writer creates in the directory (removed by the next writer if this one dies). */
  creates: string[];
}

export interface DirLock {
  readonly token: string;
  /** Lock files of dead writers taken over, with what they had left (for the caller's report). */
  readonly recovered: string[];
  /** True while the lock file still carries this writer's token (another writer cannot have broken it). */
  held(): Promise<boolean>;
  /** Replaces the list of files this writer may leave behind (written whole, before the writer touches them). */
  record(files: string[]): Promise<void>;
  release(): Promise<void>;
}

export const randomToken = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;

/** Whether a process with this pid exists on this host (EPERM: it does, but belongs to someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readLock(path: string): Promise<LockContent | undefined> {
  try {
    const v = JSON.parse(await readFile(path, 'utf8')) as LockContent;
    if (typeof v?.pid !== 'number' || typeof v.token !== 'string' || typeof v.host !== 'string' || !Array.isArray(v.creates)) return undefined;
    return v;
  } catch {
    return undefined;
  }
}

async function writeSynced(path: string, text: string): Promise<void> {
  const h = await open(path, 'wx');
  try {
    await h.writeFile(text);
    await h.sync();
  } finally {
    await h.close();
  }
}

const removeQuietly = (path: string) => unlink(path).catch(() => undefined);

/**
 * Takes the lock of `dir` for a writer that may leave `creates` behind if it
 * dies. `keep` says which files a dead writer listed must survive (those the
 * directory's current model uses, when the dead writer got as far as committing).
 */
export async function lockDirectory(dir: string, creates: string[], keep: (name: string) => Promise<boolean>, who: string): Promise<DirLock> {
  const token = randomToken();
  const lockPath = join(dir, LOCK_FILE);
  const content: LockContent = { pid: process.pid, host: hostname(), token, started: new Date().toISOString(), creates };
  const temp = join(dir, `${LOCK_FILE}.${process.pid}.${token}`);
  const recovered: string[] = [];
  await removeDeadLockTemps(dir);
  await writeSynced(temp, `${JSON.stringify(content)}\n`);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await link(temp, lockPath);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
        if (attempt >= 8) throw new ModelLockedError(`${who}: the lock of '${dir}' keeps changing hands - other processes are writing there; save elsewhere or try again`);
      }
      const other = await readLock(lockPath);
      if (other && (other.host !== content.host || processAlive(other.pid))) {
        const where = other.host === content.host ? `process ${other.pid}` : `process ${other.pid} on ${other.host}`;
        throw new ModelLockedError(`${who}: '${dir}' is being written by ${where} since ${other.started} - wait for it to finish, or save elsewhere (if no such writer runs, delete ${lockPath})`);
      }
      // Dead writer (or a lock that never got content): take it over, then remove what it left.
      if (await breakStaleLock(lockPath, other)) {
        for (const name of other?.creates ?? []) {
          if (!/^[^/\\]+$/.test(name) || (await keep(name))) continue;
          await removeQuietly(join(dir, name));
          recovered.push(name);
        }
      }
    }
  } finally {
    await removeQuietly(temp);
  }
  return {
    token,
    recovered,
    held: async () => (await readLock(lockPath))?.token === token,
    async record(files: string[]) {
      const next = join(dir, `${LOCK_FILE}.${process.pid}.${randomToken()}`);
      await writeSynced(next, `${JSON.stringify({ ...content, creates: files })}\n`);
      if ((await readLock(lockPath))?.token !== token) {
        await removeQuietly(next);
        throw new ModelLockedError(`${who}: another process took over the lock of '${dir}' - save again when it is done`);
      }
      await rename(next, lockPath);
    },
    async release() {
      if ((await readLock(lockPath))?.token === token) await removeQuietly(lockPath);
    },
  };
}

/**
 * Moves a stale lock aside under a private name and checks that it moved the
 * lock it judged stale: if a live writer replaced it in between, that lock is
 * linked back (link never overwrites) and the caller tries again.
 */
async function breakStaleLock(lockPath: string, stale: LockContent | undefined): Promise<boolean> {
  const aside = `${lockPath}.${process.pid}.${randomToken()}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return false; // someone else moved it first
  }
  const moved = await readLock(aside);
  if (stale !== undefined && moved?.token !== stale.token) {
    await link(aside, lockPath).catch(() => undefined);
    await removeQuietly(aside);
    return false;
  }
  await removeQuietly(aside);
  return true;
}

/** Lock temporaries of writers that died between writing and linking them. */
async function removeDeadLockTemps(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const m = LOCK_TEMP.exec(name);
    if (m && Number(m[1]) !== process.pid && !processAlive(Number(m[1]))) await removeQuietly(join(dir, name));
  }
}
