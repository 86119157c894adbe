/** An RGB colour, 0..255 per channel. */
export type Rgb = readonly [number, number, number];

/** A colour map: a position in [0, 1] to a colour, by linear interpolation between evenly spaced stops. */
export interface ColorMap {
  readonly name: string;
  readonly stops: readonly Rgb[];
}

/**
 * For signed attributions (integrated gradients, DeepLIFT, SHAP): blue for
 * negative evidence, white for none, red for positive (ColorBrewer RdBu,
 * reversed). Zero always maps to the middle, so white means "no effect".
 */
export const DIVERGING: ColorMap = Object.freeze<ColorMap>({
  name: 'diverging',
  stops: [
    [33, 102, 172],
    [103, 169, 207],
    [209, 229, 240],
    [247, 247, 247],
    [253, 219, 199],
    [239, 138, 98],
    [178, 24, 43],
  ],
});

/**
 * For magnitudes (absolute saliency, SmoothGrad squared, Grad-CAM): black
 * to purple, orange and pale yellow (stops sampled from matplotlib's
 * perceptually uniform 'inferno'), so brightness grows with importance and
 * survives printing in grayscale.
 */
export const SEQUENTIAL: ColorMap = Object.freeze<ColorMap>({
  name: 'sequential',
  stops: [
    [0, 0, 4],
    [40, 11, 84],
    [101, 21, 110],
    [159, 42, 99],
    [212, 72, 66],
    [245, 125, 21],
    [250, 193, 39],
    [252, 255, 164],
  ],
});

/** The colour at t in [0, 1] (clamped). */
export function colorAt(map: ColorMap, t: number): Rgb {
  const s = map.stops;
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (s.length - 1);
  const i = Math.min(s.length - 2, Math.floor(x));
  const f = x - i;
  return [0, 1, 2].map((c) => Math.round(s[i][c] + f * (s[i + 1][c] - s[i][c]))) as unknown as Rgb;
}
