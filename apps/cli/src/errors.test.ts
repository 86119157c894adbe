import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError, fsUsageError, isUsageError } from './errors.js';

/** An error shaped like the ones node:fs throws. */
function fsError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: something, ${syscall} '${path}'`), { code, syscall, path, errno: -1 });
}

describe('fsUsageError', () => {
  it('an error on a file the command line named is a one-line UsageError with the path and the reason', () => {
    const e = fsUsageError(fsError('EACCES', 'open', 'data/x.csv'), ['train', 'data/x.csv']);
    expect(e).toBeInstanceOf(UsageError);
    expect(isUsageError(e)).toBe(true);
    expect(e!.message).toBe("cannot open 'data/x.csv': permission denied - check the path and its permissions");
  });

  it('a file inside a directory the command line named, and a directory on the way to a named file, count too', () => {
    expect(fsUsageError(fsError('EISDIR', 'open', join('model', 'model.json')), [resolve('model')])?.message).toBe(
      `cannot open '${join('model', 'model.json')}': it is a directory, not a file - check the path`,
    );
    expect(fsUsageError(fsError('ENOTDIR', 'mkdir', 'runs'), ['runs/today/out'])?.message).toBe("cannot write 'runs': a part of the path is not a directory - check the path");
    expect(fsUsageError(fsError('ELOOP', 'stat', 'a'), ['a'])?.message).toMatch(/^cannot read 'a': too many symbolic links/);
  });

  it('a path the command line did not name stays a failure of the program', () => {
    expect(fsUsageError(fsError('EACCES', 'open', '/usr/lib/neurite/x.wasm'), ['train', 'model'])).toBeUndefined();
    // A name that merely starts like a named one is another path.
    expect(fsUsageError(fsError('ENOENT', 'open', 'model-old/model.json'), ['model'])).toBeUndefined();
  });

  it('errors that are not about the path, or carry no path, stay failures of the program', () => {
    expect(fsUsageError(fsError('ENOSPC', 'write', 'out/weights.bin'), ['out'])).toBeUndefined();
    expect(fsUsageError(fsError('EMFILE', 'open', 'out/weights.bin'), ['out'])).toBeUndefined();
    expect(fsUsageError(Object.assign(new Error('EISDIR: illegal operation on a directory, read'), { code: 'EISDIR', syscall: 'read' }), ['out'])).toBeUndefined();
    expect(fsUsageError(new TypeError('x is not a function'), ['out'])).toBeUndefined();
    expect(fsUsageError('EACCES', ['out'])).toBeUndefined();
  });
});
