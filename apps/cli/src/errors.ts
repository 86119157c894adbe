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
    default:
      return code ?? (e instanceof Error ? e.message : String(e));
  }
}
