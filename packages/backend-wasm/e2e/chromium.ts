import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's chromium (apt-get install chromium); NEURITE_CHROMIUM points elsewhere. Playwright's own downloads are never used. */
export const CHROMIUM = process.env.NEURITE_CHROMIUM ?? '/usr/bin/chromium';

/** Set to 1 to skip the browser tests on purpose; in CI (CI=true) a missing browser otherwise fails the run. */
export const SKIP_ENV = 'NEURITE_SKIP_BROWSER';

export function chromiumMissing(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  return (
    `browser test: ${CHROMIUM} is missing - install it (as root: apt-get update && apt-get install -y chromium; .ci/run does this), ` +
    `point NEURITE_CHROMIUM at a Chromium binary, or set ${SKIP_ENV}=1 to skip the browser tests on purpose`
  );
}

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Headless Chromium with a fresh profile in a temporary folder, removed on close. */
export async function launchChromium(): Promise<Chromium> {
  const profile = mkdtempSync(join(tmpdir(), 'neurite-chromium-'));
  try {
    const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, timeout: 20_000 });
    return {
      context,
      close: async () => {
        await context.close();
        rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    throw e;
  }
}
