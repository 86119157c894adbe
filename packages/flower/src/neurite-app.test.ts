import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, DTypeError, Random, ShapeError, dispose, listBackends, memory, setBackend, tensor, type Tensor } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { buildModel, readWeights, type Weights } from '@neurite/federated';
import { sgd } from '@neurite/optimizers';
import type { Model } from '@neurite/layers';
import { arrayFromTyped } from './array.js';
import { handlerFor, type ContentMessage } from './client-app.js';
import { neuriteClientApp, trainingSeed, type ClientDataset, type NeuriteClientAppOptions } from './neurite-app.js';
import { arrayRecord, configRecord, recordDict, recordNumber, type ArrayRecord, type ConfigValue, type MetricRecord, type RecordDict } from './records.js';
import { arrayRecordToWeights, modelToArrayRecord } from './weights.js';

const SPEC = { kind: 'mlp' as const, inputs: 6, hidden: [5], outputs: 3 };
const N = 40;

let data: ClientDataset;
const models: Model[] = [];

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
  // Three classes told apart by which of the first three features is largest: learnable in a few steps.
  const rng = new Random(7);
  const x = new Float32Array(N * SPEC.inputs);
  const y = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    for (let j = 0; j < SPEC.inputs; j++) x[i * SPEC.inputs + j] = rng.normal();
    y[i] = i % 3;
    x[i * SPEC.inputs + y[i]] += 2;
  }
  data = { x: tensor(x, [N, SPEC.inputs], 'float32'), y: tensor(y, [N], 'int32') };
});

afterAll(() => {
  dispose([data.x, data.y]);
  for (const m of models) m.dispose();
});

function model(): Model {
  const m = buildModel(SPEC);
  models.push(m);
  return m;
}

function message(type: string, content: RecordDict): ContentMessage {
  return {
    metadata: { runId: 1n, messageId: 'm', srcNodeId: 1n, dstNodeId: 2n, replyToMessageId: '', groupId: '1', ttl: 600, messageType: type, createdAt: 0 },
    content,
  };
}

const CONTEXT = { nodeId: 2n, runId: 1n, runConfig: new Map(), nodeConfig: new Map() };

function app(m: Model, extra: Partial<NeuriteClientAppOptions> = {}) {
  return neuriteClientApp({ model: m, train: data, test: data, optimizer: () => sgd({ learningRate: 0.05 }), seed: 3, ...extra });
}

async function call(a: ReturnType<typeof neuriteClientApp>, type: string, content: RecordDict): Promise<RecordDict> {
  return handlerFor(a, type)!(message(type, content), CONTEXT);
}

function trainContent(arrays: ArrayRecord, config: Record<string, ConfigValue> = {}): RecordDict {
  return recordDict({ arrays, config: configRecord({ 'server-round': 1n, ...config }) });
}

const weightsOf = (reply: RecordDict, like: Weights) => arrayRecordToWeights(reply.get('arrays') as ArrayRecord, like);
const metricsOf = (reply: RecordDict) => reply.get('metrics') as MetricRecord;

function distance(a: Weights, b: Weights): number {
  let s = 0;
  a.forEach((w, i) => w.values.forEach((v, j) => (s += (v - b[i].values[j]) ** 2)));
  return Math.sqrt(s);
}

describe('neuriteClientApp train', () => {
  it('equals layers fit with the same epochs, batch size, lr and seed', async () => {
    const server = model();
    const global = modelToArrayRecord(server);
    const reply = await call(app(model()), 'train', trainContent(global, { 'local-epochs': 2n, 'batch-size': 8n, lr: 0.1 }));

    const direct = model();
    direct.setWeights(readWeights(server).map((w) => tensor(w.values, w.shape, 'float32')));
    const history = await direct.fit(data.x, data.y, { epochs: 2, batchSize: 8, seed: trainingSeed(3, 1), optimizer: sgd({ learningRate: 0.1 }), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });

    const expected = readWeights(direct);
    expect(weightsOf(reply, expected)).toEqual(expected);
    expect(metricsOf(reply).values.get('num-examples')).toBe(BigInt(N));
    expect(recordNumber(metricsOf(reply), 'train_loss')).toBe(history.history.loss.at(-1));
    expect(recordNumber(metricsOf(reply), 'train_acc')).toBe(history.history.accuracy.at(-1));
    // The reply changes the model: the server's weights went in and training moved them.
    expect(distance(expected, readWeights(server))).toBeGreaterThan(0);
  });

  it("answers with the server's keys and round-trips the weights when nothing trains (lr ~ 0)", async () => {
    const m = model();
    const like = readWeights(m);
    const keys = ['fc.weight', 'fc.bias', 'out.weight', 'out.bias'];
    const sent = arrayRecord(like.map((w, i) => [keys[i], arrayFromTyped(w.values.map((v) => v + 0.25), w.shape)] as const));
    const reply = await call(app(model()), 'train', trainContent(sent, { lr: 1e-30 }));
    expect([...(reply.get('arrays') as ArrayRecord).arrays.keys()]).toEqual(keys);
    expect(weightsOf(reply, like)).toEqual(arrayRecordToWeights(sent, like));
  });

  it('takes local-epochs and batch-size from the config: 2 epochs are twice the optimizer steps of 1', async () => {
    const global = modelToArrayRecord(model());
    const steps: number[] = [];
    for (const [epochs, batch] of [[1n, 8n], [2n, 8n], [1, 16.0]] as const) {
      let opt: ReturnType<typeof sgd> | undefined;
      const a = app(model(), { optimizer: () => (opt = sgd({ learningRate: 0.05 })) });
      await call(a, 'train', trainContent(global, { 'local-epochs': epochs, 'batch-size': batch }));
      steps.push(opt!.iterations);
    }
    expect(steps).toEqual([Math.ceil(N / 8), 2 * Math.ceil(N / 8), Math.ceil(N / 16)]);
  });

  it("uses the optimizer's own rate without lr, and the server's lr when sent", async () => {
    const global = modelToArrayRecord(model());
    const rates: number[] = [];
    for (const config of [{}, { lr: 0.5 }, { lr: 1n }]) {
      let opt: ReturnType<typeof sgd> | undefined;
      await call(app(model(), { optimizer: () => (opt = sgd({ learningRate: 0.02 })) }), 'train', trainContent(global, config));
      rates.push(opt!.currentLearningRate());
    }
    expect(rates).toEqual([0.02, 0.5, 1]);
  });

  it('with proximal-mu > 0 stays closer to the global weights than with mu = 0 (FedProx)', async () => {
    const server = model();
    const global = modelToArrayRecord(server);
    const like = readWeights(server);
    const config = { 'local-epochs': 5n, 'batch-size': 4n, lr: 0.2 };
    const plain = weightsOf(await call(app(model()), 'train', trainContent(global, { ...config, 'proximal-mu': 0.0 })), like);
    const prox = weightsOf(await call(app(model()), 'train', trainContent(global, { ...config, 'proximal-mu': 2.0 })), like);
    const dPlain = distance(plain, like);
    const dProx = distance(prox, like);
    expect(dPlain).toBeGreaterThan(0);
    expect(dProx).toBeGreaterThan(0);
    expect(dProx).toBeLessThan(0.8 * dPlain);
  });

  it('fails the message naming the array, shapes, dtype or key that differ', async () => {
    const like = readWeights(model());
    const a = app(model());
    const wrongShape = arrayRecord(like.map((w, i) => [String(i), i === 2 ? arrayFromTyped(new Float32Array(4 * 3), [4, 3]) : arrayFromTyped(w.values, w.shape)] as const));
    await expect(call(a, 'train', trainContent(wrongShape))).rejects.toThrow(ShapeError);
    await expect(call(a, 'train', trainContent(wrongShape))).rejects.toThrow(/array '2' is \[4,3\] but weight 2 '.*' is \[5,3\]/);
    const wrongDtype = arrayRecord(like.map((w, i) => [String(i), i === 1 ? arrayFromTyped(new Int32Array(w.values.length), w.shape) : arrayFromTyped(w.values, w.shape)] as const));
    await expect(call(a, 'train', trainContent(wrongDtype))).rejects.toThrow(DTypeError);
    await expect(call(a, 'train', trainContent(wrongDtype))).rejects.toThrow(/array '1' is int32/);
    const tooFew = arrayRecord(like.slice(0, 3).map((w, i) => [String(i), arrayFromTyped(w.values, w.shape)] as const));
    await expect(call(a, 'train', trainContent(tooFew))).rejects.toThrow(/the record has 3 arrays \[0, 1, 2\] but the model has 4 weights/);
    const swapped = arrayRecord(like.map((w, i) => [String([1, 0, 2, 3][i]), arrayFromTyped(w.values, w.shape)] as const));
    await expect(call(a, 'train', trainContent(swapped))).rejects.toThrow(/array 0 is keyed '1'/);
    await expect(call(a, 'train', recordDict({ config: configRecord({}) }))).rejects.toThrow(/no array records and none named 'arrays'/);
  });

  it('fails the message naming a config key of the wrong type or range', async () => {
    const global = modelToArrayRecord(model());
    const a = app(model());
    const cases: [Record<string, ConfigValue>, RegExp][] = [
      [{ 'local-epochs': '2' }, /config 'local-epochs' is "2" \(str\), not a number/],
      [{ 'local-epochs': 1.5 }, /config 'local-epochs' is 1.5 \(float\) - the ServerApp must send an integer >= 1/],
      [{ 'local-epochs': 0n }, /config 'local-epochs' is 0 \(int\)/],
      [{ 'batch-size': true }, /config 'batch-size' is true \(bool\), not a number/],
      [{ lr: -0.1 }, /config 'lr' is -0.1 \(float\) - the ServerApp must send a finite number > 0/],
      [{ lr: Number.NaN }, /config 'lr' is NaN/],
      [{ 'proximal-mu': -1n }, /config 'proximal-mu' is -1 \(int\) - the ServerApp must send a finite number >= 0/],
      [{ 'proximal-mu': [0.1] }, /config 'proximal-mu' is a list of 1, not a number/],
    ];
    for (const [config, pattern] of cases) {
      await expect(call(a, 'train', trainContent(global, config)), JSON.stringify(config, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).rejects.toThrow(pattern);
      await expect(call(a, 'train', trainContent(global, config))).rejects.toThrow(ArgumentError);
    }
  });

  it('fails a diverged round instead of sending non-finite weights', async () => {
    const like = readWeights(model());
    const huge = arrayRecord(like.map((w, i) => [String(i), arrayFromTyped(w.values.map(() => 3e38), w.shape)] as const));
    await expect(call(app(model()), 'train', trainContent(huge))).rejects.toThrow(/loss became/);
  });
});

describe('neuriteClientApp evaluate', () => {
  it('replies num-examples, eval_loss and eval_acc of the sent weights', async () => {
    const server = model();
    const reply = await call(app(model()), 'evaluate', recordDict({ arrays: modelToArrayRecord(server), config: configRecord({ 'server-round': 1n }) }));
    const logs = server.evaluate(data.x, data.y, { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], batchSize: 256 });
    expect([...reply.keys()]).toEqual(['metrics']);
    expect([...metricsOf(reply).values]).toEqual([
      ['num-examples', BigInt(N)],
      ['eval_loss', logs.loss],
      ['eval_acc', logs.accuracy],
    ]);
  });

  it('is not handled without test data', () => {
    const a = neuriteClientApp({ model: model(), train: data, optimizer: () => sgd({ learningRate: 0.1 }) });
    expect(handlerFor(a, 'evaluate')).toBeUndefined();
    expect(handlerFor(a, 'train')).toBeDefined();
  });
});

describe('neuriteClientApp memory', () => {
  it('leaves the live tensor count unchanged across messages, FedProx and failures included', async () => {
    const global = modelToArrayRecord(model());
    const a = app(model());
    const content = trainContent(global, { 'proximal-mu': 0.5, 'local-epochs': 2n });
    const huge = arrayRecord(readWeights(model()).map((w, i) => [String(i), arrayFromTyped(w.values.map(() => 3e38), w.shape)] as const));
    await call(a, 'train', content);
    const before = memory().numTensors;
    await call(a, 'train', content);
    await call(a, 'evaluate', recordDict({ arrays: global }));
    await expect(call(a, 'train', trainContent(global, { lr: 'x' }))).rejects.toThrow();
    await expect(call(a, 'train', trainContent(huge, { 'proximal-mu': 0.5 }))).rejects.toThrow();
    expect(memory().numTensors).toBe(before);
  });
});

describe('neuriteClientApp options', () => {
  it('refuses data without a shared example axis and a missing optimizer factory', () => {
    const x = tensor(new Float32Array(12), [2, 6], 'float32');
    const y = tensor(new Int32Array(3), [3], 'int32');
    try {
      expect(() => neuriteClientApp({ model: model(), train: { x, y }, optimizer: () => sgd() })).toThrow(/train x \[2,6\] and y \[3\] must share the example axis/);
      expect(() => neuriteClientApp({ model: model(), train: data, optimizer: sgd() as never })).toThrow(/optimizer must be a function/);
    } finally {
      dispose([x, y] as Tensor[]);
    }
  });
});
