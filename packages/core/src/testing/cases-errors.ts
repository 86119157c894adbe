import { expect } from 'vitest';
import * as nn from '../index.js';
import type { DType, Tensor } from '../index.js';
import type { Case } from './case.js';

type ErrorClass = new (...args: never[]) => Error;
type Make = (shape: number[], dtype?: DType) => Tensor;

/**
 * `body` must throw `cls` with a message that names `op` (as `op:`) and
 * shows each of `mentions`. Tensors made with `make` are disposed after, and
 * the suite's leak check proves the failed op freed what it had allocated.
 */
export function throws(name: string, cls: ErrorClass, op: string, body: (make: Make) => unknown, mentions: string[] = []): Case {
  return {
    name: `error: ${name}`,
    run: () => {
      const made: Tensor[] = [];
      const make: Make = (shape, dtype = 'float32') => {
        const t = nn.ones(shape, dtype);
        made.push(t);
        return t;
      };
      let caught: unknown;
      try {
        body(make);
      } catch (e) {
        caught = e;
      } finally {
        nn.dispose(made);
      }
      expect(caught, `${name}: expected ${cls.name}`).toBeInstanceOf(cls);
      const message = (caught as Error).message;
      expect(message, 'the message names the op').toContain(`${op}:`);
      for (const m of mentions) expect(message, 'the message shows the values').toContain(m);
    },
  };
}

/** Calls `use` with a tensor that was already disposed. */
function disposed(name: string, op: string, use: (x: Tensor, make: Make) => unknown): Case {
  return throws(`${name} after dispose`, nn.DisposedError, op, (make) => {
    const x = nn.ones([2, 2]);
    x.dispose();
    return use(x, make);
  });
}

export function errorCases(): Case[] {
  const { ShapeError, DTypeError, ArgumentError, OutOfMemoryError } = nn;
  return [
    // broadcasting
    throws('add incompatible broadcast', ShapeError, 'add', (t) => nn.add(t([2, 3]), t([4])), ['[2,3]', '[4]']),
    throws('mul incompatible broadcast', ShapeError, 'mul', (t) => nn.mul(t([2, 3]), t([3, 2])), ['[2,3]', '[3,2]']),
    throws('where incompatible broadcast', ShapeError, 'where', (t) => nn.where(t([2], 'int32'), t([3]), t([3]))),
    throws('broadcastTo incompatible shape', ShapeError, 'broadcastTo', (t) => nn.broadcastTo(t([2, 3]), [4, 3]), ['[2,3]', '[4,3]']),
    // matMul
    throws('matMul inner mismatch', ShapeError, 'matMul', (t) => nn.matMul(t([2, 3]), t([4, 5])), ['[2,3]', '[4,5]']),
    throws('matMul inner mismatch with transposeB', ShapeError, 'matMul', (t) => nn.matMul(t([2, 3]), t([3, 5]), { transposeB: true })),
    throws('matMul batch mismatch', ShapeError, 'matMul', (t) => nn.matMul(t([2, 3, 4]), t([3, 4, 5]))),
    throws('matMul of a rank 0 tensor', ShapeError, 'matMul', (t) => nn.matMul(t([]), t([2, 2]))),
    throws('int32 into matMul', DTypeError, 'matMul', (t) => nn.matMul(t([2, 2], 'int32'), t([2, 2], 'int32')), ['int32']),
    // axes
    throws('sum bad axis', ShapeError, 'sum', (t) => nn.sum(t([2, 3]), 2), ['2']),
    throws('mean bad negative axis', ShapeError, 'mean', (t) => nn.mean(t([2, 3]), -3)),
    throws('sum repeated axis', ShapeError, 'sum', (t) => nn.sum(t([2, 3]), [0, 0])),
    throws('softmax bad axis', ShapeError, 'softmax', (t) => nn.softmax(t([2, 3]), 5)),
    throws('concat bad axis', ShapeError, 'concat', (t) => nn.concat([t([2, 3]), t([2, 3])], 2)),
    throws('argMax of a scalar', ShapeError, 'argMax', (t) => nn.argMax(t([]))),
    throws('max over an empty axis', ShapeError, 'max', (t) => nn.max(t([0, 3]), 0)),
    // shapes of movement ops
    throws('bad reshape', ShapeError, 'reshape', (t) => nn.reshape(t([2, 3]), [4]), ['[2,3]', '[4]']),
    throws('reshape with two -1', ShapeError, 'reshape', (t) => nn.reshape(t([2, 3]), [-1, -1])),
    throws('transpose bad perm', ShapeError, 'transpose', (t) => nn.transpose(t([2, 3]), [0, 0])),
    throws('squeeze a non-1 axis', ShapeError, 'squeeze', (t) => nn.squeeze(t([2, 1]), 0)),
    throws('slice out of range', ShapeError, 'slice', (t) => nn.slice(t([3, 4]), [2, 0], [2, 4])),
    throws('split into unequal parts', ShapeError, 'split', (t) => nn.split(t([5, 2]), 2)),
    throws('concat mismatched shapes', ShapeError, 'concat', (t) => nn.concat([t([2, 3]), t([3, 2])], 0), ['[2,3]', '[3,2]']),
    throws('concat of nothing', ArgumentError, 'concat', () => nn.concat([], 0)),
    throws('stack mismatched shapes', ShapeError, 'stack', (t) => nn.stack([t([2]), t([3])])),
    throws('pad with wrong paddings', ShapeError, 'pad', (t) => nn.pad(t([2, 3]), [[1, 1]])),
    throws('tile with wrong reps', ShapeError, 'tile', (t) => nn.tile(t([2, 3]), [2])),
    // indices
    throws('gather index out of range', ShapeError, 'gather', () => nn.tidy(() => nn.gather(nn.ones([3, 2]), nn.tensor([0, 3], [2], 'int32'))), ['3']),
    throws('gather negative index', ShapeError, 'gather', () => nn.tidy(() => nn.gather(nn.ones([3, 2]), nn.tensor([-1], [1], 'int32'), 0)), ['-1']),
    throws('gather float indices', DTypeError, 'gather', (t) => nn.gather(t([3, 2]), t([2]))),
    throws('scatterAdd index out of range', ShapeError, 'scatterAdd', () => nn.tidy(() => nn.scatterAdd(nn.ones([2]), nn.tensor([0, 4], [2], 'int32'), 3))),
    throws('oneHot float indices', DTypeError, 'oneHot', (t) => nn.oneHot(t([3]), 4)),
    // dtypes and arguments
    throws('cast to an unknown dtype', DTypeError, 'cast', (t) => nn.cast(t([2]), 'float16' as DType)),
    throws('logSumExp of int32', DTypeError, 'logSumExp', (t) => nn.logSumExp(t([3], 'int32'))),
    throws('softmax of int32', DTypeError, 'softmax', (t) => nn.softmax(t([3], 'int32'))),
    throws('randomNormal int32', DTypeError, 'randomNormal', () => nn.randomNormal([2], 0, 1, { dtype: 'int32', seed: 1 })),
    throws('clip with min above max', ArgumentError, 'clip', (t) => nn.clip(t([2]), 1, 0)),
    throws('arange with step 0', ArgumentError, 'arange', () => nn.arange(0, 3, 0)),
    throws('softmaxCrossEntropyWithLogits shape mismatch', ShapeError, 'softmaxCrossEntropyWithLogits', (t) =>
      nn.softmaxCrossEntropyWithLogits(t([2, 3]), t([2, 4])),
    ),
    throws('tensor from a ragged array', ShapeError, 'tensor', () => nn.tensor([[1, 2], [3]])),
    throws('tensor with a wrong shape', ShapeError, 'tensor', () => nn.tensor([1, 2, 3], [2, 2]), ['[2,2]']),
    throws('grads of a non-scalar', ShapeError, 'grads', (t) => nn.grads((x) => nn.exp(x))([t([2])])),
    // more memory than any backend holds: the suite's leak check proves nothing of the request stays allocated.
    // zeros and randomNormal fail on their host array, before a backend sees them, so the error names the array ('tensor data').
    throws('zeros of 1e12 elements', OutOfMemoryError, 'tensor data', () => nn.zeros([1e12]), ['float32 x 1000000000000', '4000000000000 bytes']),
    throws('randomNormal of 1e10 elements', OutOfMemoryError, 'tensor data', () => nn.randomNormal([1e10], 0, 1, { seed: 1 }), ['10000000000']),
    throws('oneHot with depth 1e9', OutOfMemoryError, 'oneHot', () => nn.tidy(() => nn.oneHot(nn.tensor([0, 1, 2, 3, 4, 5, 6, 7], [8], 'int32'), 1e9)), [
      'float32 [8,1000000000]',
      '32000000000 bytes',
    ]),
    throws('matMul with a 1e5 x 1e5 output', OutOfMemoryError, 'matMul', (t) => nn.matMul(t([1e5, 1]), t([1, 1e5])), ['100000,100000]', '40000000000 bytes']),
    // use after dispose
    disposed('exp', 'exp', (x) => nn.exp(x)),
    disposed('add', 'add', (x, t) => nn.add(t([2, 2]), x)),
    disposed('matMul', 'matMul', (x, t) => nn.matMul(t([2, 2]), x)),
    disposed('sum', 'sum', (x) => nn.sum(x)),
    disposed('reshape', 'reshape', (x) => nn.reshape(x, [4])),
    disposed('concat', 'concat', (x, t) => nn.concat([t([2, 2]), x])),
    disposed('dataSync', 'dataSync', (x) => x.dataSync()),
    disposed('grads', 'grads', (x) => nn.grads((a) => nn.sum(a))([x])),
  ];
}
