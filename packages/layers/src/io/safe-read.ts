/**
 * Reading files of a model directory that may come from anyone. A name from
 * a manifest is resolved to its real path and must stay inside the real
 * directory (so a symlink to ~/.ssh/id_rsa, or a weight file under a
 * symlinked folder pointing elsewhere, is refused); only regular files are
 * opened, without blocking (a FIFO would hang a blocking open forever) and
 * without following a last-moment symlink; the size is checked on the open
 * handle before a byte is read (so /dev/zero or a huge file is refused
 * without allocating it). Node only: imported on first use by node.ts and
 * tfjs-import-node.ts.
 */
import { constants } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ModelFormatError } from '@neurite/core';

/** Resolves `dir` to its real path; it must be an existing directory. */
export async function realDirectory(dir: string, who: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(dir);
  } catch (e) {
    throw new ModelFormatError(`${who}: cannot open '${dir}' (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}) - give the directory of a saved model`);
  }
  if (!(await stat(real)).isDirectory()) throw new ModelFormatError(`${who}: '${dir}' is not a directory - give the directory of a saved model`);
  return real;
}

/**
 * The real path of `name` inside the real directory `root`, or a
 * ModelFormatError when the name, or any symlink on its way, leads outside.
 */
export async function pathInside(root: string, name: string, who: string): Promise<string> {
  if (name.length === 0 || isAbsolute(name) || name.includes('\0')) throw new ModelFormatError(`${who}: '${name.slice(0, 80)}' is not a file name inside the model directory`);
  const lexical = resolve(root, name);
  if (!isInside(root, lexical)) throw new ModelFormatError(`${who}: '${name.slice(0, 80)}' is outside the model's directory '${root}' - a model may only name files beside its model.json`);
  let real: string;
  try {
    real = await realpath(lexical);
  } catch (e) {
    throw new ModelFormatError(`${who}: cannot read ${join(root, name)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (!isInside(root, real)) throw new ModelFormatError(`${who}: ${join(root, name)} is a link to '${real}', outside the model directory - refusing to read it (copy the file into the directory if it is yours)`);
  return real;
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

/** Opens a regular file without blocking or following a symlink; anything else is a ModelFormatError. */
async function openRegular(path: string, who: string) {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer forever.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ModelFormatError(`${who}: cannot read ${path} (${code === 'ELOOP' ? 'it is a symbolic link' : (code ?? (e as Error).message)})`);
  }
  const s = await handle.stat();
  if (!s.isFile()) {
    await handle.close();
    const kind = s.isDirectory() ? 'a directory' : s.isFIFO() ? 'a FIFO' : s.isCharacterDevice() || s.isBlockDevice() ? 'a device' : s.isSocket() ? 'a socket' : 'not a regular file';
    throw new ModelFormatError(`${who}: ${path} is ${kind}, not a regular file - refusing to read it`);
  }
  return { handle, size: s.size };
}

/** The size of the regular file `name` inside `root`, for checking a set of files before reading any. */
export async function sizeInside(root: string, name: string, who: string): Promise<number> {
  const path = await pathInside(root, name, who);
  const s = await stat(path);
  if (!s.isFile()) throw new ModelFormatError(`${who}: ${path} is not a regular file - refusing to read it`);
  return s.size;
}

export interface ReadLimits {
  /** Refuse files larger than this many bytes. */
  maxBytes: number;
  /** When given, the file must have exactly this many bytes (what the manifest declares). */
  exactBytes?: number;
  /** What the file is, for messages: 'model.json', 'weight file'. */
  what: string;
}

/**
 * Reads `name` from the real directory `root` with the checks described
 * above. The size is taken from the open handle, so a file swapped after the
 * check is still read within the limit; a file that grows while being read
 * is refused rather than read in part.
 */
export async function readInside(root: string, name: string, limits: ReadLimits, who: string): Promise<Uint8Array> {
  const path = await pathInside(root, name, who);
  const { handle, size } = await openRegular(path, who);
  try {
    if (size > limits.maxBytes) throw new ModelFormatError(`${who}: ${path} is ${size} bytes, more than the ${limits.maxBytes} a ${limits.what} may take`);
    if (limits.exactBytes !== undefined && size !== limits.exactBytes) {
      throw new ModelFormatError(`${who}: ${path} has ${size} bytes but the model describes ${limits.exactBytes} - ${size < limits.exactBytes ? 'the file is truncated' : 'wrong or damaged file'}`);
    }
    const bytes = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await handle.read(bytes, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const probe = await handle.read(new Uint8Array(1), 0, 1, size);
    if (got !== size || probe.bytesRead !== 0) throw new ModelFormatError(`${who}: ${path} changed size while being read - another program is writing it; try again`);
    return bytes;
  } finally {
    await handle.close();
  }
}
