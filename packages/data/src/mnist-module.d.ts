// The `mnist` package (1.1.0) ships no types; this is the part we use.
declare module 'mnist' {
  interface MnistDigit {
    id: number;
    /** Row-major 28x28 pixels of every sample of this digit, concatenated, in [0, 1]. */
    raw: number[];
    length: number;
  }
  const mnist: MnistDigit[];
  export default mnist;
}
