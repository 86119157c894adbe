import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DTypeError, listBackends, setBackend, ShapeError } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { buildModel, readWeights } from '@neurite/federated';
import { arrayFromTyped } from './array.js';
import { deflateMessage } from './inflatable.js';
import { arrayRecord } from './records.js';
import { arrayRecordToWeights, loadArrayRecord, modelToArrayRecord, weightsToArrayRecord } from './weights.js';
import { messageOf, type MessageSpec } from './testing/message-spec.js';
import { flwrPython, runPython } from './testing/python.js';

const py = flwrPython();
const skipped = py.skip ? ` (skipped: ${py.skip})` : '';
const FLOWER_OBJECTS = readFileSync(new URL('./testing/flower_objects.py', import.meta.url), 'utf8');
const SPEC = { kind: 'mlp' as const, inputs: 6, hidden: [5], outputs: 3 };

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

const metadata: MessageSpec['metadata'] = {
  run_id: '1',
  src_node_id: '2',
  dst_node_id: '3',
  reply_to_message_id: '',
  group_id: '1',
  ttl: 600,
  message_type: 'train',
  created_at: 1765152000,
};

describe.skipIf(py.skip !== undefined)(`a model's weights against Flower's ArrayRecord(list of ndarrays)${skipped}`, () => {
  it("are the record Python's ArrayRecord(ndarrays) makes from the same arrays: keys '0'..'n-1' in parameters() order", async () => {
    const model = buildModel(SPEC);
    try {
      const weights = readWeights(model);
      const record = modelToArrayRecord(model);
      expect([...record.arrays.keys()]).toEqual(['0', '1', '2', '3']);
      const spec: MessageSpec = {
        metadata,
        content: [['arrays', { kind: 'array', fromList: true, arrays: weights.map((w, i) => [String(i), { dtype: 'float32', shape: [...w.shape], values: [...w.values] }]) }]],
      };
      const [theirs] = runPython<{ messageId: string }[]>(py.python!, FLOWER_OBJECTS, { op: 'deflate', specs: [spec] });
      const ours = await deflateMessage({ metadata: messageOf(spec).metadata, content: new Map([['arrays', record]]) });
      expect(ours.messageId).toBe(theirs.messageId);
    } finally {
      model.dispose();
    }
  });
});

describe('weights and ArrayRecords', () => {
  it('load back into a model as the same weights', () => {
    const a = buildModel(SPEC);
    const b = buildModel(SPEC);
    try {
      loadArrayRecord(b, modelToArrayRecord(a));
      expect(readWeights(b)).toEqual(readWeights(a));
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it("use the server's keys when asked, matching arrays by position", () => {
    const like = [
      { name: 'k', shape: [2], values: new Float32Array([1, 2]) },
      { name: 'b', shape: [], values: new Float32Array([3]) },
    ];
    const record = weightsToArrayRecord(like, ['fc.weight', 'fc.bias']);
    expect([...record.arrays.keys()]).toEqual(['fc.weight', 'fc.bias']);
    expect(arrayRecordToWeights(record, like)).toEqual(like);
    expect(() => weightsToArrayRecord(like, ['x'])).toThrow(/2 weights but 1 keys/);
    expect(() => weightsToArrayRecord(like, ['x', 'x'])).toThrow(/repeat a key/);
  });

  it('take float64 arrays as float32 and refuse other dtypes, counts and shapes, naming the array', () => {
    const like = [{ name: 'w', shape: [2], values: new Float32Array(2) }];
    const f64 = arrayRecord({ a: arrayFromTyped(new Float64Array([0.1, 2]), [2]) });
    expect(arrayRecordToWeights(f64, like)[0].values).toEqual(new Float32Array([0.1, 2]));
    expect(() => arrayRecordToWeights(arrayRecord({ a: arrayFromTyped(new Int32Array([1, 2]), [2]) }), like)).toThrow(DTypeError);
    expect(() => arrayRecordToWeights(arrayRecord({ a: arrayFromTyped(new Float32Array(3), [3]) }), like)).toThrow(/array 'a' is \[3\] but weight 0 'w' is \[2\]/);
    expect(() => arrayRecordToWeights(arrayRecord(), like)).toThrow(ShapeError);
    expect(() => arrayRecordToWeights(arrayRecord(), like)).toThrow(/the record has 0 arrays \[\] but the model has 1 weights \[w\]/);
  });
});
