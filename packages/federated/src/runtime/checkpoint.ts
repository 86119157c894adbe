import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { removeLeftovers, writeFileAtomic } from './atomic-file.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, encodeNonFinite, parseServerState, type ServerState } from './checkpoint-schema.js';
import type { Checkpointer } from './checkpointer.js';

export { CHECKPOINT_FORMAT, CheckpointError, type ServerState } from './checkpoint-schema.js';

/** Larger than any checkpoint a model this package trains would write; a guard against reading a wrong file whole. */
const MAX_BYTES = 2 ** 30;

/**
 * Writes the state so that the path always holds a whole checkpoint, the
 * old one or this one (see writeFileAtomic): a crash at any instant never
 * leaves half a file, and a dead writer's temporary file is removed by the
 * next save or load.
 */
export async function saveServerState(path: string, state: ServerState): Promise<void> {
  const saved = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    ...state,
    params: state.params.map((a) => ({ name: a.name, shape: [...a.shape], base64: Buffer.from(a.values.buffer, a.values.byteOffset, a.values.byteLength).toString('base64') })),
  };
  await writeFileAtomic(path, JSON.stringify(saved, encodeNonFinite));
}

/** Reads and checks a checkpoint: every field goes through the schema, errors name the file and the field. */
export async function loadServerState(path: string): Promise<ServerState> {
  await removeLeftovers(path);
  let text: string;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new CheckpointError(path, 'the path', 'is not a regular file');
    if (s.size > MAX_BYTES) throw new CheckpointError(path, 'the file', `has ${s.size} bytes, more than the ${MAX_BYTES} a checkpoint may have`);
    text = await readFile(path, 'utf8');
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(path, 'the file', `cannot be read (${(e as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(path, 'the file', `is not JSON (${(e as Error).message})`);
  }
  return parseServerState(path, json);
}

/** The server's state in one JSON file, written atomically (saveServerState) and checked on load (loadServerState); what the CLI's --checkpoint uses. */
export function fileCheckpointer(path: string): Checkpointer {
  return {
    where: path,
    load: async () => (existsSync(path) ? loadServerState(path) : null),
    save: (state) => saveServerState(path, state),
  };
}
