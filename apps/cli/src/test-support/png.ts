/** Reads back an 8-bit RGB PNG with filter-0 rows (what @neurite/explain writes) using Node's zlib, for tests. */
import { inflateSync } from 'node:zlib';

export interface DecodedPng {
  width: number;
  height: number;
  /** 8 bits, colour type 2 (RGB) is what the charts use. */
  bitDepth: number;
  colorType: number;
  pixel(x: number, y: number): [number, number, number];
}

export function decodeRgbPng(bytes: Uint8Array): DecodedPng {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') throw new Error('not a PNG: bad signature');
  const idat: Buffer[] = [];
  let ihdr: Buffer | undefined;
  let end = false;
  for (let o = 8; o < buf.length; ) {
    const len = buf.readUInt32BE(o);
    const type = buf.toString('latin1', o + 4, o + 8);
    if (type === 'IHDR') ihdr = buf.subarray(o + 8, o + 8 + len);
    else if (type === 'IDAT') idat.push(buf.subarray(o + 8, o + 8 + len));
    else if (type === 'IEND') end = true;
    o += 12 + len;
  }
  if (!ihdr || !end) throw new Error('not a PNG: IHDR or IEND missing');
  const width = ihdr.readUInt32BE(0);
  const height = ihdr.readUInt32BE(4);
  const [bitDepth, colorType] = [ihdr[8], ihdr[9]];
  if (bitDepth !== 8 || colorType !== 2) throw new Error(`expected 8-bit RGB, got depth ${bitDepth}, colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3 + 1;
  if (raw.length !== height * stride) throw new Error(`IDAT holds ${raw.length} bytes, expected ${height * stride}`);
  for (let y = 0; y < height; y++) if (raw[y * stride] !== 0) throw new Error(`row ${y} uses filter ${raw[y * stride]}`);
  return {
    width,
    height,
    bitDepth,
    colorType,
    pixel: (x, y) => {
      const o = y * stride + 1 + x * 3;
      return [raw[o], raw[o + 1], raw[o + 2]];
    },
  };
}

/** How many pixels of the image have exactly this '#rrggbb' colour. */
export function countColor(png: DecodedPng, hex: string): number {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (let y = 0; y < png.height; y++) {
    for (let x = 0; x < png.width; x++) {
      const p = png.pixel(x, y);
      if (p[0] === want[0] && p[1] === want[1] && p[2] === want[2]) n++;
    }
  }
  return n;
}
