import { resolve, sep } from 'node:path';
import { NeuriteError } from '@neurite/core';

/**
 * A mistake the person at the command line can fix: an unknown name, a
 * missing file, a malformed CSV. Printed as one line, exit code 2, no stack.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A command line yargs could not parse (unknown option or command, missing argument). */
export class ParserError extends UsageError {
  override name = 'ParserError';
}

/** Ctrl-C during a run: not a failure to report, an exit code 130. */
export class Interrupted extends Error {
  override name = 'Interrupted';
}

/** Error classes from the libraries that mean bad input rather than a bug. */
const INPUT_ERRORS = new Set(['DataFormatError', 'ModelFormatError']);

/** Exit code 2 for bad input, 1 for anything else. */
export function isUsageError(e: unknown): boolean {
  return e instanceof UsageError || (e instanceof NeuriteError && INPUT_ERRORS.has(e.name));
}

/** One line, whatever the message held. */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

/** A file-system error as a short phrase: "no such file", "permission denied"... */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory, not a file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ELOOP':
      return 'too many symbolic links (a link that points to itself?)';
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'EEXIST':
      return 'something of that name exists already';
    case 'ENOTEMPTY':
      return 'the directory is not empty';
    case 'EROFS':
      return 'the file system is read-only';
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}

/** Codes that say the path itself is wrong for the job: the person who named it can fix it. */
const PATH_CODES = new Set(['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR', 'ELOOP', 'ENAMETOOLONG', 'EEXIST', 'ENOTEMPTY', 'EROFS']);

const VERBS: Record<string, string> = { open: 'open', read: 'read', readdir: 'read', scandir: 'read', stat: 'read', lstat: 'read', access: 'read', readlink: 'read', realpath: 'read' };

/** `p` is `named`, inside it, or a directory on the way to it. */
function related(p: string, named: string): boolean {
  const [a, b] = [resolve(p), resolve(named)];
  return a === b || a.startsWith(b.endsWith(sep) ? b : b + sep) || b.startsWith(a.endsWith(sep) ? a : a + sep);
}

/**
 * A Node file-system error on a path the command line named (a file, or a
 * file in a directory it named) as a one-line UsageError, so an unreadable
 * or misplaced file exits 2 wherever it was opened; undefined for any other
 * error, which stays a failure of the program (exit 1).
 */
export function fsUsageError(e: unknown, named: readonly string[]): UsageError | undefined {
  const err = e as NodeJS.ErrnoException | undefined;
  if (!(err instanceof Error) || typeof err.code !== 'string' || !PATH_CODES.has(err.code) || typeof err.path !== 'string') return undefined;
  const path = err.path;
  if (!named.some((n) => n !== '' && related(path, n))) return undefined;
  const verb = VERBS[err.syscall ?? ''] ?? 'write';
  return new UsageError(`cannot ${verb} '${path}': ${describeFsError(err)} - check the path${err.code === 'EACCES' || err.code === 'EPERM' ? ' and its permissions' : ''}`);
}
