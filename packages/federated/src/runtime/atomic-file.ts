import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Names of the temporary siblings of `path`: `<name>.<pid>.<hex>.tmp` (0.1.0 wrote a timestamp where the hex is). */
function leftoverPattern(path: string): RegExp {
  return new RegExp(`^${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(\\d+)\\.[0-9a-f]+\\.tmp$`);
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary siblings of `path` left by writers that died
 * before their rename (a crash, kill -9): they never became the file, so
 * the file still holds the last whole write. A writer still alive keeps
 * its temporary file. Returns the names removed.
 */
export async function removeLeftovers(path: string): Promise<string[]> {
  const pattern = leftoverPattern(path);
  let names: string[];
  try {
    names = await readdir(dirname(path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const removed: string[] = [];
  for (const name of names) {
    const m = pattern.exec(name);
    if (!m || alive(Number(m[1]))) continue;
    await rm(join(dirname(path), name), { force: true });
    removed.push(name);
  }
  return removed;
}

/** fsync of a directory makes a rename in it durable; some platforms (Windows) cannot open one, and there the rename is all there is. */
async function syncDirectory(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw e;
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `path` with `data` so that at every instant the path holds
 * either the whole old file or the whole new one: the data goes to a
 * temporary sibling, is fsynced, renamed over the path in one step, and
 * the directory is fsynced so the rename survives a power cut. Leftovers
 * of earlier writers that died are removed first.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await removeLeftovers(path);
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx');
  try {
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await syncDirectory(dirname(path));
}
