import { createReadStream, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.wasm': 'application/wasm',
};

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

/** The file under `root` that `rest` names, or undefined for anything that escapes it or is not a file. */
function fileUnder(root: string, rest: string): string | undefined {
  const path = normalize(join(root, decodeURIComponent(rest)));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

export interface ServeOptions {
  /**
   * Send COOP/COEP headers so the page is cross-origin isolated: the only way a
   * browser hands out SharedArrayBuffer, which the threaded build needs.
   */
  isolated?: boolean;
}

/** The headers that make a document cross-origin isolated (same-origin subresources need nothing more). */
const ISOLATION_HEADERS = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * A static file server on 127.0.0.1 and a random port: each URL prefix maps
 * to a folder ('/core/' -> packages/core/dist), '/' to index.html. Only what
 * the mounts name is served; .wasm goes out as application/wasm so the page
 * could also use WebAssembly.instantiateStreaming.
 */
export async function serveStatic(mounts: Record<string, string>, options: ServeOptions = {}): Promise<StaticServer> {
  const extra = options.isolated ? ISOLATION_HEADERS : {};
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const pathname = url.pathname === '/' ? '/index.html' : url.pathname;
    const prefix = prefixes.find((p) => pathname.startsWith(p));
    const file = prefix === undefined ? undefined : fileUnder(mounts[prefix], pathname.slice(prefix.length));
    if (req.method !== 'GET' || file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${pathname}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store', ...extra });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
