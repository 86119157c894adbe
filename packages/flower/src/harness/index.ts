/**
 * Test support: a real Flower SuperLink, ServerApp and reference SuperNodes on
 * loopback ports, for @neurite/flower's end-to-end tests. Node-only.
 */
export { ensureFlowerEnv, flowerProcessEnv, type FlowerEnv } from './python-env.js';
export { freePort } from './ports.js';
export { startProcess, stopAll, waitForPort, type Started } from './processes.js';
export { startSuperLink, type SuperLinkHandle, type SuperLinkOptions } from './superlink.js';
export { startPythonSuperNode, type PythonSuperNodeHandle } from './supernode.js';
export { exampleAppDir, runServerApp, type GlobalRound, type ServerAppOptions, type ServerAppRun } from './serverapp.js';
export { numberedDirs, readArrayDir, readNpy, writeArrayDir, writeNpy, type ArrayDir, type NamedArray } from './npy-dir.js';
