import { decodeNpy, encodeNpy, npyDTypeOf, type NpyArray, type NpyTypedArray } from './npy.js';
import { FlowerProtocolError } from './errors.js';

/** How Flower names NumPy serialization in an Array's `stype`. */
export const STYPE_NUMPY = 'numpy.ndarray';

/**
 * One array of an ArrayRecord as Flower holds it: metadata plus the bytes of
 * its serialization (`numpy.save`'s for stype 'numpy.ndarray').
 */
export interface FlowerArray {
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly stype: string;
  readonly data: Uint8Array;
}

/** Python's `Array(ndarray)`: the typed array in .npy form. */
export function arrayFromTyped(data: NpyTypedArray, shape: readonly number[]): FlowerArray {
  return { dtype: npyDTypeOf(data), shape: [...shape], stype: STYPE_NUMPY, data: encodeNpy({ data, shape }) };
}

/** Python's `Array.numpy()`: the values, with the Array's dtype and shape checked against the .npy header. */
export function arrayToTyped(array: FlowerArray, name = 'array'): NpyArray {
  if (array.stype !== STYPE_NUMPY) {
    throw new FlowerProtocolError(`${name}: serialization '${array.stype}' is not supported, only '${STYPE_NUMPY}' - send arrays from NumPy (ArrayRecord of ndarrays or a torch state_dict)`);
  }
  const decoded = decodeNpy(array.data);
  if (decoded.dtype !== array.dtype) {
    throw new FlowerProtocolError(`${name}: dtype says '${array.dtype}' but the .npy data is ${decoded.dtype} - the sender's Array is inconsistent`);
  }
  if (decoded.shape.length !== array.shape.length || decoded.shape.some((d, i) => d !== array.shape[i])) {
    throw new FlowerProtocolError(`${name}: shape says [${array.shape.join(',')}] but the .npy data is [${decoded.shape.join(',')}] - the sender's Array is inconsistent`);
  }
  return decoded;
}
