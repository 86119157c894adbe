import { NeuriteError } from '@neurite/core';

/**
 * A data file that cannot be read as asked: a malformed CSV row, a missing
 * target column, an empty file, a value float32 cannot hold. `line` is the
 * 1-based line in the source where the problem starts, so a command line can
 * print one useful line; `column` names the column when one value is at fault.
 */
export class DataFormatError extends NeuriteError {
  override name = 'DataFormatError';
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: string,
  ) {
    super(message);
  }
}
