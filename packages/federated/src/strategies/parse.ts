import { ArgumentError } from '@neurite/core';
import { Bulyan } from './bulyan.js';
import { FedAvg, FedProx } from './fedavg.js';
import { FedOpt } from './fedopt.js';
import { Krum } from './krum.js';
import { FedMedian } from './median.js';
import type { Strategy } from './strategy.js';
import { TrimmedMean } from './trimmed-mean.js';

export const STRATEGY_NAMES = ['fedavg', 'fedprox:MU', 'fedadagrad', 'fedadam', 'fedyogi', 'median', 'trimmed:BETA', 'krum:F', 'multikrum:F:M', 'bulyan:F'] as const;

/**
 * A strategy from a short spec: 'fedavg', 'fedprox:0.01', 'fedadam',
 * 'fedadam:0.01' (server learning rate), 'median', 'trimmed:0.1', 'krum:2',
 * 'multikrum:2:4', 'bulyan:1'.
 */
export function parseStrategy(spec: string): Strategy {
  const [name, ...args] = spec.trim().toLowerCase().split(':');
  const num = (i: number, what: string, fallback?: number): number => {
    if (args[i] === undefined || args[i] === '') {
      if (fallback !== undefined) return fallback;
      throw new ArgumentError(`strategy '${spec}' needs ${what} - e.g. ${name}:${what === 'mu' ? '0.01' : what === 'beta' ? '0.1' : '2'}`);
    }
    const v = Number(args[i]);
    if (!Number.isFinite(v)) throw new ArgumentError(`strategy '${spec}': ${what} '${args[i]}' is not a number`);
    return v;
  };
  switch (name) {
    case 'fedavg':
      return new FedAvg();
    case 'fedprox':
      return new FedProx({ mu: num(0, 'mu') });
    case 'fedadagrad':
    case 'fedadam':
    case 'fedyogi':
      return new FedOpt(name, args[0] ? { learningRate: num(0, 'learning rate') } : {});
    case 'median':
      return new FedMedian();
    case 'trimmed':
      return new TrimmedMean({ beta: num(0, 'beta', 0.1) });
    case 'krum':
      return new Krum({ f: num(0, 'f') });
    case 'multikrum':
      return new Krum({ f: num(0, 'f'), m: num(1, 'm') });
    case 'bulyan':
      return new Bulyan({ f: num(0, 'f') });
    default:
      throw new ArgumentError(`unknown strategy '${spec}' - use one of: ${STRATEGY_NAMES.join(', ')}`);
  }
}
