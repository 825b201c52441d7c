import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';

/**
 * `npx cdk synth` as a platform engineer runs it: the real CLI, offline, with no AWS credentials and no
 * Docker (functions are bundled by the local esbuild).
 */
describe('cdk synth with the CLI', () => {
  it('synthesizes both stacks offline, without credentials or Docker, for any stage', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'preclearance-synth-'));
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_') && name !== 'DOCKER_HOST'),
    );
    const result = spawnSync('npx', ['cdk', 'synth', '--quiet', '--output', outdir, '--context', 'stage=ci'], {
      cwd: new URL('../..', import.meta.url),
      env: {
        ...env,
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent',
        AWS_CONFIG_FILE: '/nonexistent',
        CDK_DOCKER: 'false-docker',
      },
      encoding: 'utf8',
      timeout: 300_000,
    });

    assert.equal(result.status, 0, result.stderr);
    const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; properties?: { stackName?: string } }>;
    };
    const stackNames = Object.values(manifest.artifacts)
      .filter((a) => a.type === 'aws:cloudformation:stack')
      .map((a) => a.properties?.stackName);
    assert.deepEqual(stackNames.sort(), ['PreClearance-ci-Stateful', 'PreClearance-ci-Stateless']);
    assert.ok(existsSync(join(outdir, 'Stateless.template.json')));
  });
});
