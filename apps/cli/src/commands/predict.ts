import { argMax } from '@neurite/core';
import { parseInputs, readInputText } from '../inputs.js';
import type { GlobalOptions, Ui } from '../ui.js';
import { inputTensor, openModel, refuseNonFinite } from './shared.js';

export interface PredictArgs {
  modelDir: string;
  input?: string;
}

/** `neurite predict DIR`: one prediction per input row (class and probability, or a value). */
export async function runPredict(a: PredictArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  const { model, meta, task } = await openModel(a.modelDir, g, ui);
  const { text, source } = await readInputText(a.input);
  const parsed = parseInputs(text, source, { target: meta.targetName && text.includes(meta.targetName) ? meta.targetName : undefined, featureNames: meta.featureNames });
  const x = inputTensor(parsed.rows, model, meta.scaler, source);
  const yp = model.predict(x, { batchSize: 256 });
  const values = Array.from(yp.dataSync());
  const units = yp.shape[yp.shape.length - 1] ?? 1;
  try {
    refuseNonFinite(values, units, source);
  } catch (e) {
    x.dispose();
    yp.dispose();
    model.dispose();
    throw e;
  }
  const n = x.shape[0];
  const classes = meta.classes;
  let predictions: unknown[];
  let lines: string[];
  if (task === 'multiclass') {
    const best = argMax(yp, -1);
    const k = Array.from(best.dataSync());
    best.dispose();
    predictions = k.map((c, i) => ({ class: c, label: classes?.[c] ?? String(c), probability: values[i * units + c] }));
    lines = (predictions as { label: string; probability: number }[]).map((p) => `${p.label}\t${p.probability.toFixed(4)}`);
  } else if (task === 'binary') {
    predictions = values.map((p) => {
      const c = p >= 0.5 ? 1 : 0;
      return { class: c, label: classes?.[c] ?? String(c), probability: c === 1 ? p : 1 - p };
    });
    lines = (predictions as { label: string; probability: number }[]).map((p) => `${p.label}\t${p.probability.toFixed(4)}`);
  } else {
    predictions = Array.from({ length: n }, (_, i) => (units === 1 ? values[i] : values.slice(i * units, (i + 1) * units)));
    lines = predictions.map((p) => (Array.isArray(p) ? p.map((v: number) => v.toPrecision(6)).join(',') : (p as number).toPrecision(6)));
  }
  x.dispose();
  yp.dispose();
  model.dispose();
  if (ui.json) ui.result({ model: a.modelDir, task, ...(classes ? { classes } : {}), predictions });
  else ui.out(lines.join('\n'));
  return 0;
}
