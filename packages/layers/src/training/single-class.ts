import type { Tensor } from '@neurite/core';

/**
 * The class every validation label names, when they all name the same one;
 * undefined when they differ or do not look like class labels. Class labels
 * are integer values (sparse indices, binary 0/1, in any dtype, shape [n] or
 * [n, 1]) or one-hot rows; soft labels and regression targets are skipped,
 * since "one class" means nothing for them.
 */
export function singleClass(values: ArrayLike<number>, shape: readonly number[]): number | undefined {
  const n = shape[0] ?? 0;
  if (n < 2) return undefined;
  const width = values.length / n;
  let only: number | undefined;
  for (let i = 0; i < n; i++) {
    const label = width === 1 ? integer(values[i]) : hotIndex(values, i * width, width);
    if (label === undefined || (only !== undefined && label !== only)) return undefined;
    only = label;
  }
  return only;
}

function integer(v: number): number | undefined {
  return Number.isInteger(v) ? v : undefined;
}

/** The index of the single 1 in a row of 0s and one 1, else undefined. */
function hotIndex(values: ArrayLike<number>, from: number, width: number): number | undefined {
  let hot: number | undefined;
  for (let k = 0; k < width; k++) {
    const v = values[from + k];
    if (v === 1 && hot === undefined) hot = k;
    else if (v !== 0) return undefined;
  }
  return hot;
}

/** The warning fit gives once when its validation labels hold a single class. */
export function singleClassWarning(y: Tensor, values: ArrayLike<number>, fromSplit: boolean): string | undefined {
  const label = singleClass(values, y.shape);
  if (label === undefined) return undefined;
  const n = y.shape[0];
  const cause = fromSplit
    ? `validationSplit takes the last ${n} rows before any shuffling, and rows sorted by class leave one class there`
    : 'validation metrics on one class say little (accuracy can be 0 or 1 whatever the model learned)';
  return `fit: all ${n} validation labels are class ${label} - ${cause}; shuffle the examples with a seed first (e.g. shuffle(ds, seed) from @neurite/data), or split with split(ds, sizes, { stratify: true })`;
}
