import { ArgumentError } from '@neurite/core';
import type { Rgb } from './colormap.js';
import { FONT, glyphRows, textWidth } from './font.js';
import type { RasterImage } from './png.js';

/** '#rgb' or '#rrggbb' to a colour. */
export function parseColor(color: string): Rgb {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color);
  if (!m) throw new ArgumentError(`parseColor: '${color}' is not a hex colour - write it as #rgb or #rrggbb`);
  const h = m[1].length === 3 ? m[1].replace(/./g, (c) => c + c) : m[1];
  return [parseInt(h.slice(0, 2), 16), parseInt(h.slice(2, 4), 16), parseInt(h.slice(4, 6), 16)];
}

export interface StrokeStyle {
  /** Line width in pixels. Default 1. */
  width?: number;
  /** Dash and gap lengths in pixels, repeated along the line (e.g. [6, 4]). */
  dash?: readonly number[];
  /** 0..1. Default 1. */
  opacity?: number;
}

export interface TextStyle {
  /** Font pixels per glyph bit. Default 1. */
  scale?: number;
  /** Where x is: at the start, middle or end of the text. Default 'start'. */
  anchor?: 'start' | 'middle' | 'end';
  /** Double-struck, one pixel to the right. */
  bold?: boolean;
  /** -90: reads bottom to top (a y-axis label), with (x, y) still the baseline point. */
  rotate?: 0 | -90;
}

/**
 * An opaque RGB drawing surface in memory, for charts as PNG without a DOM or
 * canvas: anti-aliased lines and discs, rectangles and bitmap-font text,
 * blended over what is already drawn. Coordinates are pixels with (0, 0) the
 * top-left corner of the top-left pixel, so pixel (i, j) has its centre at
 * (i + 0.5, j + 0.5).
 */
export class Canvas {
  readonly data: Uint8Array;
  /** Per-pixel coverage of the stroke being drawn, so overlapping pieces of one translucent line blend once. */
  private readonly mask: Float32Array;

  constructor(
    readonly width: number,
    readonly height: number,
    background = '#ffffff',
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new ArgumentError(`Canvas: width and height must be positive integers, got ${width} x ${height}`);
    }
    this.data = new Uint8Array(width * height * 3);
    this.mask = new Float32Array(width * height);
    const [r, g, b] = parseColor(background);
    for (let i = 0; i < this.data.length; i += 3) {
      this.data[i] = r;
      this.data[i + 1] = g;
      this.data[i + 2] = b;
    }
  }

  /** The pixels, ready for `encodePng`. */
  image(): RasterImage {
    return { width: this.width, height: this.height, channels: 3, data: this.data };
  }

  /** The colour of pixel (x, y). */
  pixel(x: number, y: number): Rgb {
    const o = (y * this.width + x) * 3;
    return [this.data[o], this.data[o + 1], this.data[o + 2]];
  }

  /** Blends a colour into pixel (x, y) with weight alpha in [0, 1]. */
  blend(x: number, y: number, rgb: Rgb, alpha: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height || !(alpha > 0)) return;
    const o = (y * this.width + x) * 3;
    const a = Math.min(1, alpha);
    for (let c = 0; c < 3; c++) this.data[o + c] = Math.round(this.data[o + c] + a * (rgb[c] - this.data[o + c]));
  }

  /** A filled rectangle; fractional edges are covered in proportion (so bar lengths stay exact to a fraction of a pixel). */
  fillRect(x: number, y: number, w: number, h: number, color: string, opacity = 1): void {
    const rgb = parseColor(color);
    const x1 = x + w;
    const y1 = y + h;
    for (let j = Math.max(0, Math.floor(y)); j < Math.min(this.height, Math.ceil(y1)); j++) {
      const cy = Math.min(j + 1, y1) - Math.max(j, y);
      for (let i = Math.max(0, Math.floor(x)); i < Math.min(this.width, Math.ceil(x1)); i++) {
        const cx = Math.min(i + 1, x1) - Math.max(i, x);
        this.blend(i, j, rgb, cx * cy * opacity);
      }
    }
  }

  /**
   * A polyline of `width` pixels with round joins and caps. Each pixel is
   * covered by how far its centre lies inside the line (a one-pixel ramp at
   * the edge), which anti-aliases slopes; horizontal and vertical segments
   * whose edges fall on pixel boundaries stay crisp.
   */
  stroke(points: readonly (readonly [number, number])[], color: string, style: StrokeStyle = {}): void {
    const width = style.width ?? 1;
    const pieces = style.dash && style.dash.length > 0 && style.dash.some((d) => d > 0) ? dashed(points, style.dash, width) : [points];
    const box = { x0: this.width, y0: this.height, x1: -1, y1: -1 };
    for (const piece of pieces) {
      if (piece.length === 1) this.cover(piece[0], piece[0], width / 2, box);
      for (let k = 1; k < piece.length; k++) this.cover(piece[k - 1], piece[k], width / 2, box);
    }
    this.flush(parseColor(color), style.opacity ?? 1, box);
  }

  /** A filled disc. */
  fillCircle(cx: number, cy: number, r: number, color: string, opacity = 1): void {
    const box = { x0: this.width, y0: this.height, x1: -1, y1: -1 };
    this.cover([cx, cy], [cx, cy], r, box);
    this.flush(parseColor(color), opacity, box);
  }

  /**
   * Text in the bitmap font with its baseline at y. Glyph pixels land on
   * whole device pixels, so text is always sharp.
   */
  text(text: string, x: number, y: number, color: string, style: TextStyle = {}): void {
    const rgb = parseColor(color);
    const s = Math.max(1, Math.round(style.scale ?? 1));
    const w = textWidth(text, s);
    const shift = style.anchor === 'middle' ? w / 2 : style.anchor === 'end' ? w : 0;
    const vertical = style.rotate === -90;
    // Along the text: device x (or -y when rotated); across: rows from the top of the glyph cell.
    const along0 = Math.round((vertical ? -y : x) - shift);
    const top = Math.round((vertical ? x : y) - FONT.ascent * s);
    const dot = (u: number, v: number) => {
      for (let a = 0; a < s; a++) {
        for (let b = 0; b < s; b++) {
          if (vertical) this.blend(top + v + b, -(u + a) - 1, rgb, 1);
          else this.blend(u + a, top + v + b, rgb, 1);
        }
      }
    };
    for (let n = 0; n < text.length; n++) {
      const rows = glyphRows(text[n]);
      const left = along0 + n * FONT.advance * s;
      rows.forEach((bits, row) => {
        for (let col = 0; col < FONT.width; col++) {
          if (!(bits & (0x10 >> col))) continue;
          dot(left + col * s, row * s);
          if (style.bold) dot(left + col * s + 1, row * s);
        }
      });
    }
  }

  /** Raises the mask to the coverage of a capsule (segment a-b, radius r) and grows the touched box. */
  private cover(a: readonly [number, number], b: readonly [number, number], r: number, box: { x0: number; y0: number; x1: number; y1: number }): void {
    const x0 = Math.max(0, Math.floor(Math.min(a[0], b[0]) - r - 1));
    const x1 = Math.min(this.width - 1, Math.ceil(Math.max(a[0], b[0]) + r + 1));
    const y0 = Math.max(0, Math.floor(Math.min(a[1], b[1]) - r - 1));
    const y1 = Math.min(this.height - 1, Math.ceil(Math.max(a[1], b[1]) + r + 1));
    const dx = b[0] - a[0];
    const dy = b[1] - a[1];
    const len2 = dx * dx + dy * dy;
    for (let j = y0; j <= y1; j++) {
      for (let i = x0; i <= x1; i++) {
        const px = i + 0.5 - a[0];
        const py = j + 0.5 - a[1];
        const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, (px * dx + py * dy) / len2));
        const d = Math.hypot(px - t * dx, py - t * dy);
        const c = Math.min(1, r + 0.5 - d);
        const k = j * this.width + i;
        if (c > this.mask[k]) this.mask[k] = c;
      }
    }
    box.x0 = Math.min(box.x0, x0);
    box.y0 = Math.min(box.y0, y0);
    box.x1 = Math.max(box.x1, x1);
    box.y1 = Math.max(box.y1, y1);
  }

  /** Blends the masked pixels in the box once, then clears the mask. */
  private flush(rgb: Rgb, opacity: number, box: { x0: number; y0: number; x1: number; y1: number }): void {
    for (let j = box.y0; j <= box.y1; j++) {
      for (let i = box.x0; i <= box.x1; i++) {
        const k = j * this.width + i;
        if (this.mask[k] > 0) this.blend(i, j, rgb, this.mask[k] * opacity);
        this.mask[k] = 0;
      }
    }
  }
}

/**
 * The dashes of a polyline as separate pieces. Round caps add half the
 * width at each end, so each dash is drawn that much shorter to keep the
 * pattern's lengths (as SVG's butt caps do).
 */
function dashed(points: readonly (readonly [number, number])[], pattern: readonly number[], width: number): (readonly [number, number])[][] {
  const pieces: [number, number][][] = [];
  let k = 0;
  let left = pattern[0];
  let on = true;
  let current: [number, number][] = [];
  const emit = () => {
    if (current.length > 1) {
      const trimmed = trim(current, width / 2);
      if (trimmed) pieces.push(trimmed);
    }
    current = [];
  };
  for (let s = 1; s < points.length; s++) {
    let [ax, ay] = points[s - 1];
    const [bx, by] = points[s];
    let seg = Math.hypot(bx - ax, by - ay);
    while (seg > 0) {
      const step = Math.min(seg, left);
      const nx = ax + ((bx - ax) * step) / seg;
      const ny = ay + ((by - ay) * step) / seg;
      if (on) {
        if (current.length === 0) current.push([ax, ay]);
        current.push([nx, ny]);
      }
      ax = nx;
      ay = ny;
      seg -= step;
      left -= step;
      if (left <= 1e-9) {
        if (on) emit();
        on = !on;
        k = (k + 1) % pattern.length;
        left = pattern[k];
      }
    }
  }
  if (on) emit();
  return pieces;
}

/** The polyline shortened by d at both ends, or undefined when nothing is left. */
function trim(line: [number, number][], d: number): [number, number][] | undefined {
  const length = line.slice(1).reduce((s, p, i) => s + Math.hypot(p[0] - line[i][0], p[1] - line[i][1]), 0);
  if (length <= 2 * d) return [line[0].map((_, c) => (line[0][c] + line[line.length - 1][c]) / 2) as [number, number]];
  const cut = (pts: [number, number][]) => {
    let rest = d;
    while (pts.length > 1) {
      const [a, b] = pts;
      const seg = Math.hypot(b[0] - a[0], b[1] - a[1]);
      if (seg > rest) {
        pts[0] = [a[0] + ((b[0] - a[0]) * rest) / seg, a[1] + ((b[1] - a[1]) * rest) / seg];
        return pts;
      }
      rest -= seg;
      pts.shift();
    }
    return pts;
  };
  return cut(cut(line.slice()).reverse()).reverse();
}
