import { createServer } from 'node:net';

/**
 * A port that was free a moment ago on 127.0.0.1. Flower's commands take port
 * numbers, not a listening socket, so there is a small window for a clash; the
 * callers fail loudly (the process exits) rather than hang if it happens.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}
