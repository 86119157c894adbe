// The checkpoint of round r in the crash suite: every weight holds r and the
// history has r rounds, so a mix of two writes or a torn file cannot pass for one.
const SIZE = 150_000;

export function crashState(round) {
  return {
    round,
    seed: 1,
    strategy: 'fedavg',
    population: 2,
    params: [{ name: 'w', shape: [SIZE], values: new Float32Array(SIZE).fill(round) }],
    strategyState: {},
    dp: null,
    history: Array.from({ length: round }, (_, i) => ({ round: i + 1, sampled: [0, 1], aggregated: 2, dropped: [], rejected: [], attempts: 1, trainLoss: 0.5, seconds: 0.01 })),
    settings: { crash: true },
  };
}
