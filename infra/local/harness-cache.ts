import { renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Where the harness keeps what it builds from the sources and can reuse while they stay the same: cloud assemblies
 * (cloud-assembly.ts), the compiled DynamoDB Local launcher (dynamodb-local.ts) and which definitions the Step
 * Functions runner has validated (step-functions.ts). Under node_modules, so it is
 * gitignored and gone with a fresh `npm ci`; `rm -rf node_modules/.cache/horgos-local` clears it.
 */
export const HARNESS_CACHE_DIRECTORY = fileURLToPath(
  new URL('../../node_modules/.cache/horgos-local/', import.meta.url),
);

/**
 * Renames a finished build into its entry, whole, so that no reader ever sees half of one. If another process
 * renamed a build of the same inputs into place first, that one stays and this one is dropped.
 */
export function publish(staging: string, entry: string): void {
  try {
    renameSync(staging, entry);
  } catch (error) {
    if (!['ENOTEMPTY', 'EEXIST'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
    rmSync(staging, { recursive: true, force: true });
  }
}
