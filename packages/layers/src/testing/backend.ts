/** Test support: the reference backend, registered once. Not shipped. */
import { listBackends, setBackend } from '@neurite/core';
import { register } from '@neurite/backend-js';

export async function useJs(): Promise<void> {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
}
