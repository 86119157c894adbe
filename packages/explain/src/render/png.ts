import { ArgumentError } from '@neurite/core';
import { crc32 } from '@neurite/layers';

/** An 8-bit image: grayscale (1 channel), RGB (3) or RGBA (4), rows top to bottom, channels interleaved. */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Uint8Array;
}

export interface PngOptions {
  /** 'deflate' (fixed Huffman codes with LZ77 matching, the default) or 'stored' (no compression, fastest). */
  compression?: 'deflate' | 'stored';
}

const COLOR_TYPE = { 1: 0, 3: 2, 4: 6 } as const;

/**
 * Encodes an image as PNG bytes (8 bits per channel, no interlacing, filter
 * type 0 on every row). Pure TypeScript with no Node imports, so it runs in
 * browsers too; the checksums are CRC-32 (shared with layers' model files)
 * and Adler-32.
 */
export function encodePng(image: RasterImage, options: PngOptions = {}): Uint8Array {
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new ArgumentError(`encodePng: width and height must be positive integers, got ${width} x ${height}`);
  }
  if (!(channels in COLOR_TYPE)) throw new ArgumentError(`encodePng: channels must be 1, 3 or 4, got ${channels}`);
  if (data.length !== width * height * channels) {
    throw new ArgumentError(`encodePng: ${data.length} bytes for ${width} x ${height} x ${channels} - the data must have width * height * channels bytes`);
  }
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header[8] = 8;
  header[9] = COLOR_TYPE[channels];
  const idat = zlib(raw, options.compression ?? 'deflate');
  const parts = [new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.length + 12);
  const view = new DataView(out.buffer);
  view.setUint32(0, body.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(body, 8);
  view.setUint32(8 + body.length, crc32(out.subarray(4, 8 + body.length)));
  return out;
}

/** Adler-32 of the bytes (the zlib stream's checksum). */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    // 5552 bytes is the most that cannot overflow before the modulo.
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream (RFC 1950) of deflate data (RFC 1951). */
export function zlib(bytes: Uint8Array, compression: 'deflate' | 'stored' = 'deflate'): Uint8Array {
  const body = compression === 'stored' ? storedBlocks(bytes) : fixedHuffman(bytes);
  const out = new Uint8Array(body.length + 6);
  out[0] = 0x78; // deflate, 32 KiB window
  out[1] = 0x01; // no dictionary, fastest level; (0x78 << 8 | 0x01) is a multiple of 31 as the header requires
  out.set(body, 2);
  new DataView(out.buffer).setUint32(out.length - 4, adler32(bytes));
  return out;
}

function storedBlocks(bytes: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(bytes.length / 65535));
  const out = new Uint8Array(bytes.length + blocks * 5);
  let o = 0;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, bytes.length - start);
    out[o] = b === blocks - 1 ? 1 : 0;
    out[o + 1] = len & 0xff;
    out[o + 2] = len >> 8;
    out[o + 3] = ~len & 0xff;
    out[o + 4] = (~len >> 8) & 0xff;
    out.set(bytes.subarray(start, start + len), o + 5);
    o += 5 + len;
  }
  return out;
}

class BitWriter {
  private buf = new Uint8Array(1024);
  private length = 0;
  private bits = 0;
  private count = 0;
  /** Writes the low `n` bits of `value`, least significant first. */
  write(value: number, n: number): void {
    this.bits |= value << this.count;
    this.count += n;
    while (this.count >= 8) {
      this.byte(this.bits & 0xff);
      this.bits >>>= 8;
      this.count -= 8;
    }
  }
  /** Writes a Huffman code, which deflate stores most significant bit first. */
  code(code: number, n: number): void {
    let r = 0;
    for (let i = 0; i < n; i++) r |= ((code >> i) & 1) << (n - 1 - i);
    this.write(r, n);
  }
  finish(): Uint8Array {
    if (this.count > 0) this.byte(this.bits & 0xff);
    return this.buf.subarray(0, this.length);
  }
  private byte(b: number): void {
    if (this.length === this.buf.length) {
      const bigger = new Uint8Array(this.buf.length * 2);
      bigger.set(this.buf);
      this.buf = bigger;
    }
    this.buf[this.length++] = b;
  }
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

function literal(w: BitWriter, sym: number): void {
  if (sym < 144) w.code(0x30 + sym, 8);
  else if (sym < 256) w.code(0x190 + sym - 144, 9);
  else if (sym < 280) w.code(sym - 256, 7);
  else w.code(0xc0 + sym - 280, 8);
}

function lastIndexAtMost(table: readonly number[], v: number): number {
  let i = table.length - 1;
  while (table[i] > v) i--;
  return i;
}

/**
 * One deflate block with the fixed Huffman codes and greedy LZ77 matches
 * (3-byte hash chains, 32 KiB window). Heatmaps and plots have long runs,
 * which this shrinks well without building dynamic code tables.
 */
function fixedHuffman(bytes: Uint8Array): Uint8Array {
  const w = new BitWriter();
  w.write(1, 1); // final block
  w.write(1, 2); // fixed Huffman codes
  const WINDOW = 32768;
  const head = new Int32Array(1 << 15).fill(-1);
  const prev = new Int32Array(bytes.length);
  const hash = (i: number) => ((bytes[i] << 10) ^ (bytes[i + 1] << 5) ^ bytes[i + 2]) & 0x7fff;
  const insert = (i: number) => {
    if (i + 2 >= bytes.length) return;
    const h = hash(i);
    prev[i] = head[h];
    head[h] = i;
  };
  let i = 0;
  while (i < bytes.length) {
    let bestLen = 0;
    let bestDist = 0;
    if (i + 2 < bytes.length) {
      let candidate = head[hash(i)];
      let chain = 64;
      const maxLen = Math.min(258, bytes.length - i);
      while (candidate >= 0 && i - candidate <= WINDOW && chain-- > 0) {
        let len = 0;
        while (len < maxLen && bytes[candidate + len] === bytes[i + len]) len++;
        if (len > bestLen) {
          bestLen = len;
          bestDist = i - candidate;
          if (len === maxLen) break;
        }
        candidate = prev[candidate];
      }
    }
    if (bestLen >= 3) {
      const li = lastIndexAtMost(LENGTH_BASE, bestLen);
      literal(w, 257 + li);
      if (LENGTH_EXTRA[li] > 0) w.write(bestLen - LENGTH_BASE[li], LENGTH_EXTRA[li]);
      const di = lastIndexAtMost(DIST_BASE, bestDist);
      w.code(di, 5);
      if (DIST_EXTRA[di] > 0) w.write(bestDist - DIST_BASE[di], DIST_EXTRA[di]);
      for (let k = 0; k < bestLen; k++) insert(i + k);
      i += bestLen;
    } else {
      literal(w, bytes[i]);
      insert(i);
      i++;
    }
  }
  literal(w, 256);
  return w.finish();
}
