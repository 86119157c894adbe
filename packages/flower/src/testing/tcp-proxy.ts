import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy a test can cut and restore, to make a SuperLink unreachable while it keeps running. */
export interface TcpProxy {
  readonly address: string;
  /** Closes the listener and every open connection: clients see resets and refused connections. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: string): Promise<TcpProxy> {
  const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  const listen = (p: number) =>
    new Promise<number>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect({ host, port });
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => (s === client ? upstream : client).destroy());
        }
        client.pipe(upstream).pipe(client);
      });
      server.once('error', reject);
      server.listen(p, '127.0.0.1', () => resolve((server!.address() as { port: number }).port));
    });
  const own = await listen(0);
  const cut = async () => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    if (s) await new Promise((r) => s.close(r));
  };
  return { address: `127.0.0.1:${own}`, cut, restore: async () => void (await listen(own)), close: cut };
}
