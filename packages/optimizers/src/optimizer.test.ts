import { beforeAll, describe, expect, it } from 'vitest';
import {
  ArgumentError,
  DTypeError,
  ModelFormatError,
  ShapeError,
  dispose,
  memory,
  mean,
  mul,
  square,
  sub,
  tensor,
  tidy,
  type Variable,
} from '@neurite/core';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import type { Optimizer, OptimizerState } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';
import { cosineDecay, stepDecay } from './schedules.js';
import { makeVariable, randomProblem, runOptimizer, runReference, useJs, worstError } from './peer/harness.js';

beforeAll(useJs);

/** One of each, with every option that adds a slot or a code path. */
const all = (): Optimizer[] => [
  new SGD({ learningRate: 0.1 }),
  new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true, weightDecay: 0.01, clipValue: 0.5 }),
  new Adam({ amsgrad: true, weightDecay: 0.01, clipNorm: 1 }),
  new AdamW({ learningRate: cosineDecay({ peak: 0.01, decaySteps: 10, warmupSteps: 2 }), globalClipNorm: 1 }),
  new RMSProp({ centered: true, momentum: 0.9 }),
  new Adagrad(),
  new Adadelta(),
  new Adamax(),
];

describe('memory: a step leaves the live tensor count unchanged once slots exist', () => {
  all().forEach((opt, i) => {
    it(`#${i} ${opt.name}`, () => {
      const before = memory().numTensors;
      const w = makeVariable([[1, -2, 3], [0.5, 0, -1]], 'mem_w');
      const b = makeVariable([0.1, 0.2, 0.3], 'mem_b');
      const loss = () => mean(square(sub(mul(w, 2), b)));
      opt.minimize(loss, [w, b]).dispose();
      const afterFirst = memory().numTensors;
      for (let i = 0; i < 4; i++) {
        opt.minimize(loss, [w, b]).dispose();
        tidy(() => opt.applyGradients({ mem_w: tensor([[1, 1, 1], [1, 1, 1]]) }, [w, b]));
        expect(memory().numTensors).toBe(afterFirst);
      }
      opt.dispose();
      dispose([w, b]);
      expect(memory().numTensors).toBe(before);
    });
  });
});

describe('applyGradients', () => {
  it('takes name-keyed gradients with the variable list, or a Map', () => {
    const w = makeVariable([1, 2], 'ag_w', 'float64');
    const opt = new SGD({ learningRate: 0.5 });
    tidy(() => opt.applyGradients({ ag_w: tensor([1, -1], undefined, 'float64') }, [w]));
    expect(Array.from(w.dataSync())).toEqual([0.5, 2.5]);
    tidy(() => opt.applyGradients(new Map([[w, tensor([1, 1], undefined, 'float64')]])));
    expect(Array.from(w.dataSync())).toEqual([0, 2]);
    expect(opt.iterations).toBe(2);
    dispose([w]);
  });

  it('leaves non-trainable variables and variables without a gradient alone (no slots)', () => {
    const frozen = makeVariable([1], 'ag_frozen', 'float32', false);
    const idle = makeVariable([1], 'ag_idle');
    const opt = new Adam({ learningRate: 0.1 });
    tidy(() => opt.applyGradients(new Map([[frozen, tensor([1])]])));
    tidy(() => opt.applyGradients({}, [idle]));
    expect(Array.from(frozen.dataSync())).toEqual([1]);
    expect(Array.from(idle.dataSync())).toEqual([1]);
    expect(opt.getSlots(frozen)).toBeUndefined();
    expect(opt.getSlots(idle)).toBeUndefined();
    dispose([frozen, idle]);
  });

  it('rejects unknown names, a missing variable list, wrong shapes and dtypes', () => {
    const w = makeVariable([1, 2], 'ag_bad');
    const opt = new SGD();
    tidy(() => {
      expect(() => opt.applyGradients({ nope: tensor([1, 2]) }, [w])).toThrow(ArgumentError);
      expect(() => opt.applyGradients({ nope: tensor([1, 2]) }, [w])).toThrow(/'nope'/);
      expect(() => (opt.applyGradients as (g: object) => void)({ ag_bad: tensor([1, 2]) })).toThrow(/variable list/);
      expect(() => opt.applyGradients({ ag_bad: tensor([1, 2]) }, [w, w])).toThrow(/two variables are named 'ag_bad'/);
      expect(() => opt.applyGradients({ ag_bad: tensor([1, 2, 3]) }, [w])).toThrow(ShapeError);
      expect(() => opt.applyGradients({ ag_bad: tensor([1, 2], undefined, 'float64') }, [w])).toThrow(DTypeError);
    });
    expect(opt.iterations).toBe(0);
    dispose([w]);
  });
});

describe('learning rate', () => {
  it('a schedule is read at the 0-based step number', () => {
    const problem = randomProblem(11, 6);
    const schedule = stepDecay({ initial: 0.1, factor: 0.5, every: 2 });
    const expected = runReference(problem, (w, g, _s, t) => w - schedule(t - 1) * g);
    expect(worstError(runOptimizer(new SGD({ learningRate: schedule }), problem), expected, 1e-12, 1e-14)).toBeLessThanOrEqual(1);
  });

  it('can be changed between steps, and is validated', () => {
    const opt = new SGD({ learningRate: 0.1 });
    opt.learningRate = 0.01;
    expect(opt.currentLearningRate()).toBe(0.01);
    expect(() => (opt.learningRate = -1)).toThrow(/sgd: option 'learningRate'/);
    opt.learningRate = () => NaN;
    expect(() => opt.currentLearningRate()).toThrow(/schedule returned NaN at step 0/);
  });
});

describe('clipping options', () => {
  it('clipValue, clipNorm and globalClipNorm act on the gradient before the rule', () => {
    const problem = { params: [[0, 0], [0]], grads: [[[3, -4], [12]]] };
    // clipValue 1: [1, -1], [1]
    expect(runOptimizer(new SGD({ learningRate: 1, clipValue: 1 }), problem)[0]).toEqual([[-1, 1], [-1]]);
    // clipNorm 1, per tensor: [3,-4]/5, [12]/12
    const perTensor = runOptimizer(new SGD({ learningRate: 1, clipNorm: 1 }), problem)[0];
    expect(perTensor[0][0]).toBeCloseTo(-0.6, 14);
    expect(perTensor[0][1]).toBeCloseTo(0.8, 14);
    expect(perTensor[1][0]).toBeCloseTo(-1, 14);
    // globalClipNorm 1: the global norm is 13
    const global = runOptimizer(new SGD({ learningRate: 1, globalClipNorm: 1 }), problem)[0];
    expect(global[0][0]).toBeCloseTo(-3 / 13, 14);
    expect(global[0][1]).toBeCloseTo(4 / 13, 14);
    expect(global[1][0]).toBeCloseTo(-12 / 13, 14);
  });

  it('rejects thresholds <= 0, naming the option', () => {
    expect(() => new SGD({ clipValue: 0 })).toThrow(/'clipValue'/);
    expect(() => new Adam({ clipNorm: -1 })).toThrow(/'clipNorm'/);
    expect(() => new Adam({ globalClipNorm: 0 })).toThrow(/'globalClipNorm'/);
  });
});

describe('minimize', () => {
  it('returns the loss before the update and steps the trainable variables', () => {
    const w = makeVariable([3], 'min_w', 'float64');
    const opt = new SGD({ learningRate: 0.25 });
    // loss = w^2, grad 2w: w <- w - 0.25 * 2w = w / 2
    const loss = opt.minimize(() => square(w), [w]);
    expect(loss.dataSync()[0]).toBe(9);
    expect(w.dataSync()[0]).toBe(1.5);
    dispose([loss, w]);
  });
});

describe('getState / setState', () => {
  /** Steps 0..split-1 with one optimizer, checkpoint through JSON, steps split.. with a fresh one. */
  function resumed(make: () => Optimizer, split: number) {
    const problem = randomProblem(99, 7);
    const straight = runOptimizer(make(), problem);
    const vars: Variable[] = problem.params.map((p, i) => makeVariable(p, `ck${i}`, 'float64'));
    const first = make();
    const step = (opt: Optimizer, s: number) =>
      tidy(() => opt.applyGradients(new Map(vars.map((v, i) => [v, tensor(problem.grads[s][i], [problem.grads[s][i].length], 'float64')]))));
    for (let s = 0; s < split; s++) step(first, s);
    const saved = JSON.parse(JSON.stringify(first.getState())) as OptimizerState;
    first.dispose();
    const second = make();
    second.setState(saved);
    // Before any step the restored state reads back unchanged.
    expect(second.getState()).toEqual(saved);
    for (let s = split; s < problem.grads.length; s++) step(second, s);
    const values = vars.map((v) => Array.from(v.dataSync()));
    second.dispose();
    dispose(vars);
    return { straight: straight[problem.grads.length - 1], values, saved };
  }

  it('a resumed Adam run matches an uninterrupted one exactly', () => {
    const { straight, values, saved } = resumed(() => new Adam({ learningRate: 0.01, amsgrad: true }), 3);
    expect(values).toEqual(straight);
    expect(saved.iterations).toBe(3);
    expect(Object.keys(saved.slots.ck0)).toEqual(['m', 'v', 'vMax']);
  });

  it('so do RMSProp (centered, momentum) and SGD with a schedule', () => {
    expect(resumed(() => new RMSProp({ learningRate: 0.01, centered: true, momentum: 0.5 }), 4).values).toEqual(
      resumed(() => new RMSProp({ learningRate: 0.01, centered: true, momentum: 0.5 }), 0).straight,
    );
    const r = resumed(() => new SGD({ learningRate: stepDecay({ initial: 0.1, factor: 0.5, every: 2 }), momentum: 0.9 }), 3);
    expect(r.values).toEqual(r.straight);
  });

  it('rejects malformed checkpoints with ModelFormatError, naming the problem', () => {
    const opt = new Adam();
    const good: OptimizerState = { optimizer: 'adam', iterations: 1, slots: { w: { m: { shape: [2], dtype: 'float32', values: [1, 2] } } } };
    expect(() => opt.setState({ ...good, optimizer: 'sgd' })).toThrow(ModelFormatError);
    expect(() => opt.setState({ ...good, iterations: -1 })).toThrow(/iterations/);
    expect(() => opt.setState({ ...good, slots: { w: { m: { shape: [3], dtype: 'float32', values: [1, 2] } } } })).toThrow(/expected 3 values/);
    expect(() => opt.setState({ ...good, slots: { w: { m: { shape: [2], dtype: 'complex64' as 'float32', values: [1, 2] } } } })).toThrow(/dtype/);
    expect(() => opt.setState({ ...good, slots: { w: { m: { shape: [2], dtype: 'float32', values: ['1', 2] as number[] } } } })).toThrow(/numbers/);
    expect(() => opt.setState(null as unknown as OptimizerState)).toThrow(ModelFormatError);
  });

  it('a restored slot whose shape does not fit the variable is a ShapeError at its first step', () => {
    const w = makeVariable([1, 2, 3], 'ck_shape');
    const opt = new SGD({ momentum: 0.9 });
    opt.setState({ optimizer: 'sgd', iterations: 0, slots: { ck_shape: { momentum: { shape: [2], dtype: 'float32', values: [0, 0] } } } });
    expect(() => tidy(() => opt.applyGradients({ ck_shape: tensor([1, 1, 1]) }, [w]))).toThrow(ShapeError);
    dispose([w]);
    opt.dispose();
  });

  it('keeps a variable named __proto__ as a plain key', () => {
    const w = makeVariable([1], '__proto__');
    const opt = new Adagrad();
    tidy(() => opt.applyGradients(new Map([[w, tensor([1])]])));
    const state = JSON.parse(JSON.stringify(opt.getState())) as OptimizerState;
    expect(Object.keys(state.slots)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).accumulator).toBeUndefined();
    opt.dispose();
    dispose([w]);
  });
});
