export { FlowerProtocolError } from './errors.js';
export { encodeNpy, decodeNpy, isNpyDType, NPY_DTYPES, type NpyArray, type NpyDType, type NpyDataMap, type NpyTypedArray } from './npy.js';
