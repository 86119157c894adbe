import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';

/**
 * Flower's processes start helpers in their own sessions (flower-superexec,
 * flwr-serverapp, flwr-clientapp), so killing our child's process group is not
 * enough: we also walk the parent links in /proc and signal every descendant.
 */
export interface Started {
  readonly child: ChildProcess;
  readonly name: string;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) when the process ends. */
  readonly exited: Promise<number | string>;
  stop(): Promise<void>;
}

const live = new Set<Started>();

function descendants(root: number): number[] {
  if (process.platform !== 'linux') return [];
  const parentOf = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command name is in parentheses and may hold spaces; ppid follows it.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parentOf.set(Number(entry), ppid);
    } catch {
      // The process ended while we listed /proc.
    }
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, ppid] of parentOf) {
      if (ppid === pid) {
        found.push(child);
        queue.push(child);
      }
    }
  }
  return found;
}

function signalTree(pid: number, signal: NodeJS.Signals): void {
  for (const target of [-pid, pid, ...descendants(pid)]) {
    try {
      process.kill(target, signal);
    } catch {
      // Already gone.
    }
  }
}

/** Starts a command in its own process group, its output appended to logFile. */
export function startProcess(name: string, command: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd?: string; logFile: string }): Started {
  const log = createWriteStream(options.logFile, { flags: 'a' });
  log.write(`$ ${command} ${args.join(' ')}\n`);
  const child = spawn(command, args, { env: options.env, cwd: options.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(log, { end: false });
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<number | string>((resolve) => {
    child.on('error', (err) => {
      log.write(`spawn error: ${err.message}\n`);
      resolve('spawn-error');
    });
    child.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const started: Started = {
    child,
    name,
    logFile: options.logFile,
    exited,
    async stop() {
      live.delete(started);
      const pid = child.pid;
      if (pid !== undefined) {
        // Collect the tree first: once our child exits, its orphans are re-parented
        // and can no longer be found through it.
        const tree = descendants(pid);
        signalTree(pid, 'SIGTERM');
        const grace = new Promise((r) => setTimeout(r, 3000).unref());
        await Promise.race([exited, grace]);
        signalTree(pid, 'SIGKILL');
        for (const orphan of tree) {
          try {
            process.kill(orphan, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }
      await exited;
      log.end();
    },
  };
  live.add(started);
  return started;
}

/** Stops everything still running; tests call it in afterAll, and it also runs on exit. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((p) => p.stop()));
}

process.once('exit', () => {
  for (const p of live) if (p.child.pid !== undefined) signalTree(p.child.pid, 'SIGKILL');
});

/** Resolves when something accepts TCP connections on host:port; rejects early if `started` exits. */
export async function waitForPort(host: string, port: number, started: Started, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let ended: number | string | undefined;
  void started.exited.then((code) => (ended = code));
  for (;;) {
    if (ended !== undefined) throw new Error(`${started.name} exited (${ended}) before listening on ${host}:${port}; see ${started.logFile}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ host, port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${started.name} did not listen on ${host}:${port} within ${timeoutMs} ms; see ${started.logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
