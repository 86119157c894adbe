/**
 * The computation the browser test runs twice: in Chromium on backend-wasm
 * (served as the built dist/) and in Node on this backend, the reference. Plain
 * ES module so the same file is served to the page and imported by the test.
 * Inputs come from a formula, not a random generator, so both sides see the
 * same numbers whatever backend they run on.
 */

/** @param {number} rows @param {number} cols @param {number} phase */
const grid = (rows, cols, phase) =>
  Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => Math.sin(phase + 0.37 * i + 0.91 * j) * 1.5));

/**
 * @param {typeof import('@neurite/core')} nt
 * @returns {{ matMul: number[], bigMatMul: number[], softmax: number[], grad: number[], loss: number, liveDelta: number }}
 */
export function workload(nt) {
  const before = nt.memory().numTensors;
  const a = nt.tensor(grid(3, 4, 0.1));
  const b = nt.tensor(grid(4, 5, 0.7));
  // Big enough for the SIMD build's packed micro-kernel and its row/column tails (not multiples of 4 or 8).
  const c = nt.tensor(grid(37, 45, 1.3));
  const d = nt.tensor(grid(45, 29, 2.1));
  const target = nt.tensor(grid(3, 5, 3.3));
  const product = nt.matMul(a, b);
  const bigProduct = nt.matMul(c, d);
  const probs = nt.softmax(product);
  // A gradient through matMul, softmax and a tanh: d/db sum(softmax(tanh(a @ b)) * target).
  const loss = (/** @type {import('@neurite/core').Tensor} */ w) => nt.sum(nt.mul(nt.softmax(nt.tanh(nt.matMul(a, w))), target));
  const { value, grad } = nt.valueAndGrad(loss)(b);
  const result = {
    matMul: Array.from(product.dataSync()),
    bigMatMul: Array.from(bigProduct.dataSync()),
    softmax: Array.from(probs.dataSync()),
    grad: Array.from(grad.dataSync()),
    loss: Number(value.dataSync()[0]),
    liveDelta: 0,
  };
  nt.dispose([a, b, c, d, target, product, bigProduct, probs, value, grad]);
  result.liveDelta = nt.memory().numTensors - before;
  return result;
}
