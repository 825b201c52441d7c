import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * The dashboard's browser test drives Debian's Chromium (test/e2e/dashboard.e2e.test.ts). A fresh machine does not
 * have it, and CI runs only `npm ci && npm test`: so `npm test` runs this first, which installs it with apt-get when
 * it is missing (CI runs as root, Debian's packages are reachable) and otherwise stops the run, saying what to do.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

function run(command: string): boolean {
  return spawnSync('sh', ['-c', command], { stdio: 'inherit' }).status === 0;
}

if (import.meta.main) {
  if (!existsSync(CHROMIUM_PATH)) {
    console.log(`Chromium is not at ${CHROMIUM_PATH}: installing Debian's (the dashboard's browser test needs it)…`);
    const asRoot = process.getuid?.() === 0;
    // apt-get's package lists may be missing or stale on a fresh machine: update only when the install needs it.
    const installed = asRoot && (run('apt-get install -y chromium') || run(INSTALL)) && existsSync(CHROMIUM_PATH);
    if (!installed) {
      console.error(
        [
          '',
          `npm test: Chromium is missing at ${CHROMIUM_PATH}, and ${asRoot ? 'installing it failed' : 'only root can install it'}.`,
          `Install it with:   ${asRoot ? '' : 'sudo '}sh -c '${INSTALL}'`,
          'or point CHROMIUM_PATH at a Chromium or Chrome binary.',
          '',
        ].join('\n'),
      );
      process.exit(1);
    }
  }
}
