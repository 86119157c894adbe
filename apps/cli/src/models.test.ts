import { createJsBackend } from '@neurite/backend-js';
import { registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PreparedData } from './datasets.js';
import { UsageError } from './errors.js';
import { buildModel, parseModelConfig } from './models.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

/** Only the fields buildModel reads: MNIST-like rows of 784 pixels, 10 classes. */
const mnistLike = { name: 'mnist', task: 'multiclass', inputShape: [784], imageShape: [28, 28, 1], outputUnits: 10 } as unknown as PreparedData;

describe('model configs', () => {
  it('build a convolutional model from a config file', () => {
    const config = parseModelConfig(
      JSON.stringify({
        name: 'small-cnn',
        layers: [
          { type: 'reshape', targetShape: [28, 28, 1] },
          { type: 'conv2d', filters: 4, kernelSize: 3, padding: 'same', activation: 'relu' },
          { type: 'maxPool2d', poolSize: 2 },
          { type: 'conv2d', filters: 6, kernelSize: [3, 3], strides: 2, activation: 'relu' },
          { type: 'globalAveragePooling2d' },
        ],
      }),
      'cnn.json',
    );
    const model = buildModel({ config }, mnistLike, 1);
    // conv 3*3*1*4+4 = 40, conv 3*3*4*6+6 = 222, dense 6*10+10 = 70
    expect(model.countParams().total).toBe(40 + 222 + 70);
    expect(model.outputShape).toEqual([10]);
    model.dispose();
  });

  it('name an unknown field of a conv layer', () => {
    expect(() => parseModelConfig(JSON.stringify({ layers: [{ type: 'conv2d', filters: 4, kernel: 3 }] }), 'bad.json')).toThrow(
      new UsageError(
        "model config bad.json: layers[0] (conv2d) has unknown field 'kernel' - expected { \"layers\": [{ \"type\": \"dense\", \"units\": 64, \"activation\": \"relu\" }, ...] } (types: dense, dropout, activation, batchNormalization, layerNormalization, flatten, reshape, conv2d, maxPool2d, avgPool2d, globalAveragePooling2d, globalMaxPooling2d)",
      ),
    );
  });
});
