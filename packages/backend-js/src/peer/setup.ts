/**
 * Hooks every peer test file installs: both backends started, and a leak
 * check after each test. Inputs are freed first; after that Neurite must hold
 * exactly as many live tensors as before the test, and tfjs too (the checks
 * dispose what they make on its side).
 */
import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import { memory } from '@neurite/core';
import { releaseInputs } from './inputs.js';
import { startPeers, tf } from './tfjs.js';

export function usePeers(): void {
  let neurite = 0;
  let peer = 0;
  beforeAll(startPeers);
  beforeEach(() => {
    neurite = memory().numTensors;
    peer = tf.memory().numTensors;
  });
  afterEach(() => {
    releaseInputs();
    expect(memory().numTensors, 'live Neurite tensors after the test').toBe(neurite);
    expect(tf.memory().numTensors, 'live tfjs tensors after the test').toBe(peer);
  });
}
