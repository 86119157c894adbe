import type { DType, Variable } from '@neurite/core';
import type { Config } from '../config.js';
import { crc32 } from './crc32.js';

/** Written into every model.json; see FORMAT.md. */
export const FORMAT_NAME = 'neurite-layers-model';
/**
 * Bumped on any change an older reader would misread. Version 2 added a
 * weights file named per save (so one rename of model.json switches a
 * directory from one whole model to the next) and `metadata`; this reader
 * still reads version 1.
 */
export const FORMAT_VERSION = 2;
export const READABLE_FORMAT_VERSIONS: readonly number[] = [1, 2];

/** Names a weights file may have: `weights.bin` (version 1, and in memory), or `weights.<id>.bin` from `save`. */
export const WEIGHTS_FILE_PATTERN = /^weights(\.[0-9a-z]{1,40})?\.bin$/;
/** `metadata` beyond this (as JSON text) is refused: it is for small facts (task, class names, scaling), not data. */
export const MAX_METADATA_BYTES = 1024 * 1024;
export const PRODUCER = '@neurite/layers 0.1.0';

export const BYTES_PER_ELEMENT: Readonly<Record<DType, number>> = { float32: 4, float64: 8, int32: 4 };

export interface WeightEntry {
  name: string;
  shape: number[];
  dtype: DType;
  byteOffset: number;
  byteLength: number;
}

export interface WeightsManifest {
  /** The weights file beside model.json: `weights.bin`, or `weights.<id>.bin` as `save` names it. */
  file: string;
  byteLength: number;
  crc32: number;
  tensors: WeightEntry[];
}

/** The content of model.json. */
export interface ModelJson {
  format: typeof FORMAT_NAME;
  formatVersion: number;
  producer: string;
  topology: Config;
  weights: WeightsManifest;
  /** What the application wants kept with the model (JSON, at most MAX_METADATA_BYTES): class names, input scaling... */
  metadata?: { [key: string]: unknown };
}

/** A saved model in memory: what `save` writes and `load` reads, without the file system. */
export interface ModelArtifacts {
  /** model.json as text (or an already parsed object, validated all the same). */
  modelJson: string | ModelJson;
  /** The bytes of the weights file. */
  weights: ArrayBuffer;
}

export interface LoadOptions {
  /**
   * Load weights that hold NaN or ±Infinity. Off by default: such a model
   * predicts NaN for every input, which is almost always a diverged training
   * run or a damaged file, not something to serve.
   */
  allowNonFinite?: boolean;
}

const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Packs the variables back to back, little-endian, in the given order; returns the bytes and their manifest. */
export function encodeWeights(vars: readonly Variable[]): { bytes: Uint8Array; manifest: WeightsManifest } {
  const tensors: WeightEntry[] = [];
  let offset = 0;
  for (const v of vars) {
    const byteLength = v.size * BYTES_PER_ELEMENT[v.dtype];
    tensors.push({ name: v.name, shape: [...v.shape], dtype: v.dtype, byteOffset: offset, byteLength });
    offset += byteLength;
  }
  const bytes = new Uint8Array(offset);
  vars.forEach((v, i) => {
    const data = v.dataSync();
    const at = tensors[i].byteOffset;
    if (littleEndianHost) bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), at);
    else {
      const view = new DataView(bytes.buffer, at, tensors[i].byteLength);
      for (let k = 0; k < data.length; k++) {
        if (v.dtype === 'float32') view.setFloat32(k * 4, data[k], true);
        else if (v.dtype === 'float64') view.setFloat64(k * 8, data[k], true);
        else view.setInt32(k * 4, data[k], true);
      }
    }
  });
  return { bytes, manifest: { file: 'weights.bin', byteLength: offset, crc32: crc32(bytes), tensors } };
}

/** The values of one manifest entry as a typed array (the entry is already validated against the buffer). */
export function decodeWeight(buffer: ArrayBuffer, e: WeightEntry): Float32Array | Float64Array | Int32Array {
  const count = e.byteLength / BYTES_PER_ELEMENT[e.dtype];
  // Copy: the entry may be unaligned for a direct typed-array view, and the caller's buffer stays theirs.
  const bytes = new Uint8Array(buffer, e.byteOffset, e.byteLength).slice();
  if (littleEndianHost) {
    if (e.dtype === 'float32') return new Float32Array(bytes.buffer, 0, count);
    if (e.dtype === 'float64') return new Float64Array(bytes.buffer, 0, count);
    return new Int32Array(bytes.buffer, 0, count);
  }
  const view = new DataView(bytes.buffer);
  const out = e.dtype === 'float32' ? new Float32Array(count) : e.dtype === 'float64' ? new Float64Array(count) : new Int32Array(count);
  for (let k = 0; k < count; k++) {
    out[k] = e.dtype === 'float32' ? view.getFloat32(k * 4, true) : e.dtype === 'float64' ? view.getFloat64(k * 8, true) : view.getInt32(k * 4, true);
  }
  return out;
}
