/** Training curves as a self-contained SVG: loss on the left, the metric on the right, train and validation lines. */

export interface Series {
  label: string;
  values: number[];
  color: string;
  dashed?: boolean;
}

export interface Panel {
  title: string;
  series: Series[];
}

const W = 420;
const H = 300;
const M = { left: 56, right: 16, top: 36, bottom: 44 };

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Tick values from lo to hi at a round step. */
function ticks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const label = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : String(Number(v.toPrecision(3))));

function panel(p: Panel, dx: number): string {
  const finite = p.series.flatMap((s) => s.values).filter(Number.isFinite);
  const epochs = Math.max(1, ...p.series.map((s) => s.values.length));
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-12) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const x = (i: number) => dx + M.left + (epochs === 1 ? pw / 2 : (pw * i) / (epochs - 1));
  const y = (v: number) => M.top + ph - (ph * (v - lo)) / (hi - lo);
  const parts: string[] = [];
  parts.push(`<text x="${dx + W / 2}" y="20" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
  parts.push(`<rect x="${dx + M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#999"/>`);
  for (const t of ticks(lo, hi)) {
    if (t < lo || t > hi) continue;
    parts.push(`<line x1="${dx + M.left}" x2="${dx + M.left + pw}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${dx + M.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${label(t)}</text>`);
  }
  for (const t of ticks(1, epochs, Math.min(6, epochs))) {
    if (!Number.isInteger(t) || t < 1 || t > epochs) continue;
    parts.push(`<text x="${x(t - 1).toFixed(1)}" y="${M.top + ph + 16}" text-anchor="middle">${t}</text>`);
  }
  parts.push(`<text x="${dx + M.left + pw / 2}" y="${H - 8}" text-anchor="middle">epoch</text>`);
  // The legend goes where the curves end up not being: top right when they fall, bottom right when they rise.
  const ends = p.series.map((s) => s.values.at(-1)).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const rising = ends.length > 0 && ends.reduce((a, b) => a + b, 0) / ends.length > (lo + hi) / 2;
  const legendTop = rising ? M.top + ph - 10 - 16 * p.series.length : M.top;
  p.series.forEach((s, k) => {
    const pts = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : null)).filter((q): q is string => q !== null);
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    if (pts.length === 1) parts.push(`<circle cx="${pts[0].split(',')[0]}" cy="${pts[0].split(',')[1]}" r="3" fill="${s.color}"/>`);
    else parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${dash}/>`);
    const ly = legendTop + 14 + 16 * k;
    parts.push(`<line x1="${dx + M.left + pw - 110}" x2="${dx + M.left + pw - 90}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    parts.push(`<text x="${dx + M.left + pw - 84}" y="${ly}">${esc(s.label)}</text>`);
  });
  return parts.join('\n');
}

/** An SVG document with the panels side by side. */
export function curvesSvg(panels: Panel[], title: string): string {
  const width = W * panels.length;
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${H + 24}" viewBox="0 0 ${width} ${H + 24}" font-family="sans-serif" font-size="11">`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<g transform="translate(0, 24)">`,
    ...panels.map((p, i) => panel(p, i * W)),
    `</g>`,
    `<text x="${width / 2}" y="16" text-anchor="middle" font-size="13">${esc(title)}</text>`,
    `</svg>`,
    '',
  ].join('\n');
}

/** Panels for a fit history: loss and, when present, the first metric. */
export function historyPanels(history: Record<string, number[]>, metric: string): Panel[] {
  const panels: Panel[] = [
    {
      title: 'loss',
      series: [
        { label: 'train', values: history.loss ?? [], color: '#1f77b4' },
        ...(history.val_loss ? [{ label: 'validation', values: history.val_loss, color: '#ff7f0e', dashed: true }] : []),
      ],
    },
  ];
  if (history[metric]) {
    panels.push({
      title: metric,
      series: [
        { label: 'train', values: history[metric], color: '#1f77b4' },
        ...(history[`val_${metric}`] ? [{ label: 'validation', values: history[`val_${metric}`], color: '#ff7f0e', dashed: true }] : []),
      ],
    });
  }
  return panels;
}
