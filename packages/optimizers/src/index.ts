export {
  Optimizer,
  type OptimizerOptions,
  type OptimizerState,
  type SlotState,
  type Gradients,
  type LearningRate,
  type Schedule,
  type StepContext,
} from './optimizer.js';
export { SGD, sgd, type SGDOptions } from './sgd.js';
export { Adam, adam, type AdamOptions } from './adam.js';
export { AdamW, adamw, type AdamWOptions } from './adamw.js';
export { RMSProp, rmsprop, type RMSPropOptions } from './rmsprop.js';
export { Adagrad, adagrad, type AdagradOptions } from './adagrad.js';
export { Adadelta, adadelta, type AdadeltaOptions } from './adadelta.js';
export { Adamax, adamax, type AdamaxOptions } from './adamax.js';
export { clipByValue, clipByNorm, clipByGlobalNorm, globalNorm, l2Norm } from './clip.js';
export { stepDecay, exponentialDecay, linearWarmup, cosineDecay, oneCycle } from './schedules.js';
