/** What people see while a model trains: a bar on a terminal, a line per epoch in a log. */
import type { Callback, Logs, Metric } from '@neurite/layers';

export interface ProgressOptions {
  /** Where lines go (stderr). */
  stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Redraw a bar in place (a terminal) or print plain epoch lines (a log, a pipe). */
  bar: boolean;
  /** The running training metric of the current epoch, read between batches. */
  metric?: Metric;
  metricLabel?: string;
  /** True once training was told to stop: the epoch being reported is partial. */
  stopped?: () => boolean;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

const fmt = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : Math.abs(v) >= 1000 ? v.toFixed(0) : v.toPrecision(4));

/** An epoch's logs as `loss 0.1234, accuracy 0.9650, val_loss ...` (lr left out). */
export function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .filter(([k]) => k !== 'lr')
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(', ');
}

/**
 * A training callback drawing progress. It also hands the event loop a turn
 * every few dozen milliseconds, so a Ctrl-C is noticed between batches
 * (fit runs synchronous steps back to back otherwise).
 */
export function progressCallback(options: ProgressOptions): Callback {
  const { stream, bar } = options;
  let start = 0;
  let lastDraw = 0;
  let lastYield = 0;
  let lossSum = 0;
  let seen = 0;
  let epochStart = 0;
  let printEvery = 1;
  const clear = () => stream.write('\r\x1b[2K');
  const draw = (epoch: number, batch: number, ctx: { epochs: number; steps: number }) => {
    const done = epoch * ctx.steps + batch + 1;
    const total = ctx.epochs * ctx.steps;
    const elapsed = (performance.now() - start) / 1000;
    const eta = (elapsed / done) * (total - done);
    const width = Math.max(16, Math.min(30, (stream.columns ?? 80) - 72));
    const filled = Math.round((width * (batch + 1)) / ctx.steps);
    const acc = options.metric ? ` ${options.metricLabel ?? options.metric.name} ${fmt(options.metric.result())}` : '';
    clear();
    stream.write(`epoch ${epoch + 1}/${ctx.epochs} [${'='.repeat(filled)}${' '.repeat(width - filled)}] ${batch + 1}/${ctx.steps} ETA ${formatDuration(eta)} loss ${fmt(lossSum / seen)}${acc}`);
  };
  let currentEpoch = 0;
  return {
    onTrainBegin(ctx) {
      start = performance.now();
      // A log gets at most about 20 epoch lines (first and last always).
      printEvery = bar ? 1 : Math.max(1, Math.ceil(ctx.epochs / 20));
    },
    onEpochBegin(epoch) {
      currentEpoch = epoch;
      lossSum = 0;
      seen = 0;
      epochStart = performance.now();
    },
    async onBatchEnd(batch, logs, ctx) {
      lossSum += logs.loss * (logs.size ?? 1);
      seen += logs.size ?? 1;
      const now = performance.now();
      if (bar && (now - lastDraw > 100 || batch === ctx.steps - 1)) {
        lastDraw = now;
        draw(currentEpoch, batch, ctx);
      }
      if (now - lastYield > 50) {
        lastYield = performance.now();
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    async onEpochEnd(epoch, logs, ctx) {
      const seconds = (performance.now() - epochStart) / 1000;
      const last = epoch === ctx.epochs - 1;
      if (bar) clear();
      if (options.stopped?.()) stream.write(`epoch ${epoch + 1}/${ctx.epochs} stopped after ${seen} examples (${seconds.toFixed(1)} s): ${formatLogs(logs)}\n`);
      else if (bar || epoch === 0 || last || (epoch + 1) % printEvery === 0) {
        stream.write(`epoch ${epoch + 1}/${ctx.epochs} (${seconds.toFixed(1)} s): ${formatLogs(logs)}\n`);
      }
      await new Promise((resolve) => setImmediate(resolve));
    },
    onTrainEnd() {
      if (bar) clear();
    },
  };
}
