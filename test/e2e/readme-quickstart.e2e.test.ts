import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * The README's promise, kept: `npm start` brings the stack up, the quick-start block (read from README.md,
 * not copied) ends with the declaration RELEASED, and Ctrl-C stops everything cleanly.
 */
const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

function quickstartBlock(): string {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const block = /<!-- quickstart:begin -->\s*```bash\n([\s\S]*?)```\s*<!-- quickstart:end -->/.exec(readme)?.[1];
  assert.ok(block, 'README.md has a quick-start block between the quickstart markers');
  return block;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

describe('the README quick start', () => {
  let npmStart: ChildProcess;
  let output = '';
  let apiPort = 0;
  let dynamoDbPort = 0;

  before(async () => {
    apiPort = await freePort();
    dynamoDbPort = await freePort();
    npmStart = spawn('npm', ['start'], {
      cwd: PROJECT_ROOT,
      // Its own process group, so the test can send Ctrl-C to the whole group as a terminal would.
      detached: true,
      env: {
        ...process.env,
        API_PORT: String(apiPort),
        SFN_PORT: String(await freePort()),
        DYNAMODB_PORT: String(dynamoDbPort),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    npmStart.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    npmStart.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const deadline = Date.now() + 120_000;
    while (!output.includes('Ready in')) {
      if (npmStart.exitCode !== null || Date.now() > deadline) assert.fail(`npm start did not come up:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  });

  after(() => {
    if (npmStart.exitCode !== null || npmStart.signalCode !== null || npmStart.pid === undefined) return;
    try {
      process.kill(-npmStart.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  });

  it('ends with the declaration RELEASED when its commands are run in order', () => {
    const run = spawnSync('bash', ['-euo', 'pipefail', '-c', quickstartBlock()], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, API: `http://127.0.0.1:${apiPort}` },
      encoding: 'utf8',
      timeout: 90_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const lastLine = run.stdout.trim().split('\n').at(-1) ?? '';
    const declaration = JSON.parse(lastLine) as { status: string; history: { status: string }[] };
    assert.equal(declaration.status, 'RELEASED');
    assert.equal(declaration.history.at(-1)?.status, 'RELEASED');
  });

  it('stops cleanly on Ctrl-C', async () => {
    assert.ok(npmStart.pid !== undefined);
    const exited = new Promise<string>((resolve) => npmStart.once('exit', () => resolve('exited')));
    process.kill(-npmStart.pid, 'SIGINT');
    const outcome = await Promise.race([
      exited,
      new Promise((resolve) => setTimeout(() => resolve('timeout'), 20_000)),
    ]);

    assert.equal(outcome, 'exited', output.slice(-2000));
    assert.match(output, /Stopped\./);
    // Nothing left behind: DynamoDB Local's Java process is gone with the rest.
    const connection = createConnection(dynamoDbPort, '127.0.0.1');
    const refused = await new Promise<boolean>((resolve) => {
      connection.once('connect', () => resolve(false));
      connection.once('error', () => resolve(true));
    });
    connection.destroy();
    assert.ok(refused, 'DynamoDB Local still answers after Ctrl-C');
  });
});
