import * as nn from '../index.js';
import type { Case } from './case.js';
import { EXACT, FLOAT32 } from './compare.js';
import { opCases } from './forward.js';
import { input, int32 } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';

/** Movement ops only copy values: every forward check is exact. */
const move = (spec: OpSpec): OpSpec => ({ tol: EXACT, ...spec });

const reshapes: OpSpec[] = [
  { op: 'reshape', variant: '[2,3,4] to [4,-1]', inputs: [input([2, 3, 4])], fn: (x) => nn.reshape(x, [4, -1]), ref: (x) => R.reshape(x, [4, 6]) },
  { op: 'reshape', variant: '[6] to [2,1,3]', inputs: [input([6])], fn: (x) => nn.reshape(x, [2, 1, 3]), ref: (x) => R.reshape(x, [2, 1, 3]) },
  { op: 'expandDims', variant: 'axis 0', inputs: [input([2, 3])], fn: (x) => nn.expandDims(x, 0), ref: (x) => R.expandDims(x, 0) },
  { op: 'expandDims', variant: 'axis 1', inputs: [input([2, 3])], fn: (x) => nn.expandDims(x, 1), ref: (x) => R.expandDims(x, 1) },
  { op: 'expandDims', variant: 'axis -1', inputs: [input([2, 3])], fn: (x) => nn.expandDims(x, -1), ref: (x) => R.expandDims(x, -1) },
  { op: 'squeeze', variant: 'all', inputs: [input([1, 3, 1, 2])], fn: (x) => nn.squeeze(x), ref: (x) => R.reshape(x, [3, 2]) },
  { op: 'squeeze', variant: 'axes [0,2]', inputs: [input([1, 3, 1, 2])], fn: (x) => nn.squeeze(x, [0, 2]), ref: (x) => R.reshape(x, [3, 2]) },
  { op: 'squeeze', variant: 'axis -2', inputs: [input([1, 3, 1, 2])], fn: (x) => nn.squeeze(x, -2), ref: (x) => R.reshape(x, [1, 3, 2]) },
  { op: 'flatten', inputs: [input([2, 3, 4])], fn: nn.flatten, ref: (x) => R.reshape(x, [2, 12]) },
  { op: 'identity', inputs: [input([2, 3])], fn: nn.identity, ref: (x) => x },
  { op: 'clone', inputs: [input([2, 3])], fn: nn.clone, ref: (x) => x },
];

const transposes: OpSpec[] = [
  { op: 'transpose', variant: '[2,3,4] default', inputs: [input([2, 3, 4])], fn: (x) => nn.transpose(x), ref: (x) => R.transpose(x) },
  ...[
    [1, 0, 2],
    [0, 2, 1],
    [2, 0, 1],
  ].map(
    (perm): OpSpec => ({
      op: 'transpose',
      variant: `[2,3,4] perm [${perm}]`,
      inputs: [input([2, 3, 4])],
      fn: (x) => nn.transpose(x, perm),
      ref: (x) => R.transpose(x, perm),
    }),
  ),
  { op: 'transpose', variant: '[3,5]', inputs: [input([3, 5])], fn: (x) => nn.transpose(x), ref: (x) => R.transpose(x) },
  {
    op: 'transpose',
    variant: '[2,3,2,2] perm [3,1,0,2]',
    inputs: [input([2, 3, 2, 2])],
    fn: (x) => nn.transpose(x, [3, 1, 0, 2]),
    ref: (x) => R.transpose(x, [3, 1, 0, 2]),
  },
  // Larger than one 32x32 tile in both directions, with ragged edges.
  { op: 'transpose', variant: '[37,70]', inputs: [input([37, 70])], fn: (x) => nn.transpose(x), ref: (x) => R.transpose(x), grad: false },
  { op: 'permute', variant: '[2,3,4] perm [1,2,0]', inputs: [input([2, 3, 4])], fn: (x) => nn.permute(x, [1, 2, 0]), ref: (x) => R.transpose(x, [1, 2, 0]) },
];

const slices: OpSpec[] = [
  {
    op: 'slice',
    variant: '[3,4,5] begin [1,0,2] size [2,-1,2]',
    inputs: [input([3, 4, 5])],
    fn: (x) => nn.slice(x, [1, 0, 2], [2, -1, 2]),
    ref: (x) => R.slice(x, [1, 0, 2], [2, -1, 2]),
  },
  { op: 'slice', variant: 'negative begin', inputs: [input([4, 5])], fn: (x) => nn.slice(x, [-2, 1], [2, 3]), ref: (x) => R.slice(x, [-2, 1], [2, 3]) },
  { op: 'slice', variant: '1-D', inputs: [input([10])], fn: (x) => nn.slice(x, [3], [4]), ref: (x) => R.slice(x, [3], [4]) },
  { op: 'slice', variant: 'trailing axes whole', inputs: [input([3, 4])], fn: (x) => nn.slice(x, [1]), ref: (x) => R.slice(x, [1], []) },
  {
    op: 'split',
    variant: '3 sections along axis 0',
    inputs: [input([6, 4])],
    fn: (x) => nn.split(x, 3, 0),
    ref: (x) => R.split(x, [2, 2, 2], 0),
  },
  {
    op: 'split',
    variant: 'sizes [1,-1,2] along axis 1',
    inputs: [input([2, 6])],
    fn: (x) => nn.split(x, [1, -1, 2], 1),
    ref: (x) => R.split(x, [1, 3, 2], 1),
  },
  {
    op: 'split',
    variant: 'sizes [1,3] along axis -1',
    inputs: [input([2, 3, 4])],
    fn: (x) => nn.split(x, [1, 3], -1),
    ref: (x) => R.split(x, [1, 3], 2),
  },
  ...[0, 1].map(
    (axis): OpSpec => ({
      op: 'unstack',
      variant: `axis ${axis}`,
      inputs: [input([3, 2, 2])],
      fn: (x) => nn.unstack(x, axis),
      ref: (x) => R.split(x, new Array(x.shape[axis]).fill(1), axis).map((p) => R.reshape(p, x.shape.filter((_, i) => i !== axis))),
    }),
  ),
];

const joins: OpSpec[] = [
  {
    op: 'concat',
    variant: 'axis 0 of three',
    inputs: [input([2, 3]), input([1, 3]), input([3, 3])],
    fn: (a, b, c) => nn.concat([a, b, c], 0),
    ref: (a, b, c) => R.concat([a, b, c], 0),
  },
  { op: 'concat', variant: 'axis 1', inputs: [input([2, 3]), input([2, 2])], fn: (a, b) => nn.concat([a, b], 1), ref: (a, b) => R.concat([a, b], 1) },
  {
    op: 'concat',
    variant: 'axis -1 of rank 3',
    inputs: [input([2, 2, 3]), input([2, 2, 1])],
    fn: (a, b) => nn.concat([a, b], -1),
    ref: (a, b) => R.concat([a, b], 2),
  },
  {
    op: 'concat',
    variant: 'axis 1 of rank 3',
    inputs: [input([2, 1, 3]), input([2, 3, 3])],
    fn: (a, b) => nn.concat([a, b], 1),
    ref: (a, b) => R.concat([a, b], 1),
  },
  ...[0, 1, -1].map(
    (axis): OpSpec => ({
      op: 'stack',
      variant: `axis ${axis}`,
      inputs: [input([2, 3]), input([2, 3]), input([2, 3])],
      fn: (a, b, c) => nn.stack([a, b, c], axis),
      ref: (a, b, c) => R.stack([a, b, c], axis),
    }),
  ),
];

const indexing: OpSpec[] = [
  {
    op: 'gather',
    variant: 'axis 0 with repeated indices',
    inputs: [input([5, 3]), int32([5], [0, 2, 2, 4, 2])],
    fn: (x, i) => nn.gather(x, i, 0),
    ref: (x, i) => R.gather(x, i, 0),
  },
  {
    op: 'gather',
    variant: 'axis 1 with [2,3] indices',
    inputs: [input([2, 5, 3]), int32([2, 3], [4, 0, 1, 1, 3, 4])],
    fn: (x, i) => nn.gather(x, i, 1),
    ref: (x, i) => R.gather(x, i, 1),
  },
  {
    op: 'gather',
    variant: 'axis -1',
    inputs: [input([3, 4]), int32([3], [3, 0, 3])],
    fn: (x, i) => nn.gather(x, i, -1),
    ref: (x, i) => R.gather(x, i, 1),
  },
  {
    op: 'scatterAdd',
    variant: 'axis 0 with repeated indices',
    inputs: [input([4, 3]), int32([4], [1, 1, 0, 3])],
    fn: (u, i) => nn.scatterAdd(u, i, 5, 0),
    ref: (u, i) => R.scatterAdd(u, i, 5, 0),
    // Repeated indices add in float32.
    tol: FLOAT32,
  },
  {
    op: 'scatterAdd',
    variant: 'axis 1',
    inputs: [input([2, 3, 2]), int32([3], [2, 0, 2])],
    fn: (u, i) => nn.scatterAdd(u, i, 4, 1),
    ref: (u, i) => R.scatterAdd(u, i, 4, 1),
    tol: FLOAT32,
  },
  {
    op: 'oneHot',
    variant: 'out-of-range indices give all off',
    inputs: [int32([6], [0, 2, -1, 3, 4, 1])],
    fn: (i) => nn.oneHot(i, 4),
    ref: (i) => R.oneHot(i, 4),
    dtype: 'float32',
    grad: false,
  },
  {
    op: 'oneHot',
    variant: '[2,3] indices, on 5, off -1',
    inputs: [int32([2, 3], [2, 1, 0, 0, 7, 2])],
    fn: (i) => nn.oneHot(i, 3, 5, -1),
    ref: (i) => R.oneHot(i, 3, 5, -1),
    dtype: 'float32',
    grad: false,
  },
];

const padding: OpSpec[] = [
  {
    op: 'pad',
    variant: '[2,3] with zeros',
    inputs: [input([2, 3])],
    fn: (x) => nn.pad(x, [[1, 0], [2, 1]]),
    ref: (x) => R.pad(x, [[1, 0], [2, 1]], 0),
  },
  {
    op: 'pad',
    variant: '[2,3,2] with 3.5',
    inputs: [input([2, 3, 2])],
    fn: (x) => nn.pad(x, [[0, 1], [1, 1], [0, 2]], 3.5),
    ref: (x) => R.pad(x, [[0, 1], [1, 1], [0, 2]], 3.5),
  },
  { op: 'broadcastTo', variant: '[3,1] to [2,3,4]', inputs: [input([3, 1])], fn: (x) => nn.broadcastTo(x, [2, 3, 4]), ref: (x) => R.broadcastTo(x, [2, 3, 4]) },
  { op: 'broadcastTo', variant: '[4] to [3,4]', inputs: [input([4])], fn: (x) => nn.broadcastTo(x, [3, 4]), ref: (x) => R.broadcastTo(x, [3, 4]) },
  { op: 'broadcastTo', variant: '[1,3] to [2,3]', inputs: [input([1, 3])], fn: (x) => nn.broadcastTo(x, [2, 3]), ref: (x) => R.broadcastTo(x, [2, 3]) },
  { op: 'tile', variant: '[2,3] by [2,3]', inputs: [input([2, 3])], fn: (x) => nn.tile(x, [2, 3]), ref: (x) => R.tile(x, [2, 3]) },
  { op: 'tile', variant: '[2,1,3] by [1,2,2]', inputs: [input([2, 1, 3])], fn: (x) => nn.tile(x, [1, 2, 2]), ref: (x) => R.tile(x, [1, 2, 2]) },
  { op: 'tile', variant: '[3] by [4]', inputs: [input([3])], fn: (x) => nn.tile(x, [4]), ref: (x) => R.tile(x, [4]) },
  { op: 'reverse', variant: 'all axes', inputs: [input([2, 3, 4])], fn: (x) => nn.reverse(x), ref: (x) => R.reverse(x) },
  { op: 'reverse', variant: 'axis 0', inputs: [input([2, 3, 4])], fn: (x) => nn.reverse(x, 0), ref: (x) => R.reverse(x, 0) },
  { op: 'reverse', variant: 'axes [1,2]', inputs: [input([2, 3, 4])], fn: (x) => nn.reverse(x, [1, 2]), ref: (x) => R.reverse(x, [1, 2]) },
  { op: 'reverse', variant: 'axis -1', inputs: [input([2, 3, 4])], fn: (x) => nn.reverse(x, -1), ref: (x) => R.reverse(x, 2) },
];

export function movementCases(): Case[] {
  return opCases(...[...reshapes, ...transposes, ...slices, ...joins, ...indexing, ...padding].map(move));
}
