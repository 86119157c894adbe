import type { ServerState } from './checkpoint-schema.js';

/**
 * Where the server keeps its state between rounds. The server calls `load`
 * once when asked to resume and `save` after every round; it never knows
 * whether that is a file (fileCheckpointer, what the CLI uses), a browser's
 * IndexedDB or a database. `save` must keep the previous state whole until
 * the new one is whole: a crash mid-save may lose the last round, never the
 * checkpoint.
 */
export interface Checkpointer {
  /** Names the store in messages ("checkpoint <where> is from a run with other settings"). */
  readonly where: string;
  /** The saved state, checked (see parseServerState), or null when nothing was saved yet. */
  load(): Promise<ServerState | null>;
  save(state: ServerState): Promise<void>;
}

/**
 * A checkpointer in this process's memory: for tests, and for a caller
 * that moves the state elsewhere itself. It keeps the state object as
 * given (the server builds a new one every round).
 */
export function memoryCheckpointer(where = 'in memory'): Checkpointer & { state: ServerState | null } {
  return {
    where,
    state: null,
    async load() {
      return this.state;
    },
    async save(state) {
      this.state = state;
    },
  };
}
