import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { issueLocalToken } from '../../infra/local/local-identity.ts';

/**
 * `npm start` leaves nothing behind however it is stopped: SIGTERM to npm, SIGKILL of npm and node together
 * (a crash), SIGKILL of npm alone. After each, no DynamoDB Local of its port runs, its ports are free, and the
 * next `npm start` on the same ports comes up (each case's start is the previous case's proof). It also says
 * in one line, without a stack trace, when a port is busy or Java is missing, and keeps function logs where
 * it is told to.
 */
const PROJECT_ROOT = new URL('../..', import.meta.url).pathname;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function portIsFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Every process of this machine, by pid: its parent and command line (Linux /proc). */
function processes(): { pid: number; ppid: number; commandLine: string[] }[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        const commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
        return [{ pid: Number(pid), ppid, commandLine }];
      } catch {
        return []; // Exited while being read.
      }
    });
}

/**
 * The local addresses listening on a TCP port, from /proc/net/tcp and tcp6 (hex, as the kernel writes them):
 * "127.0.0.1" for loopback, "0.0.0.0" or "::" for every interface.
 */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[3] === '0A' && fields[1]?.endsWith(`:${hexPort}`))
      .map(([, local = '']) => addressOf(local.split(':')[0] ?? '')),
  );
}

function addressOf(hex: string): string {
  const ipv4 = (h: string) =>
    (h.match(/../g) ?? [])
      .reverse()
      .map((byte) => Number.parseInt(byte, 16))
      .join('.');
  if (hex.length === 8) return ipv4(hex);
  // An IPv4-mapped IPv6 address (::ffff:a.b.c.d), as Java's dual-stack sockets listen.
  if (/^0{16}FFFF0000/i.test(hex)) return ipv4(hex.slice(24));
  return /^0+$/.test(hex) ? '::' : hex;
}

/** DynamoDB Local processes serving this port, whatever started them. */
const dynamoDbLocalsOn = (port: number) =>
  processes().filter(
    ({ commandLine }) =>
      commandLine.some((arg) => /DynamoDBLocal|DynamoDbLocalLauncher/.test(arg)) &&
      commandLine.some((arg, i) => arg === String(port) && commandLine[i - 1] === '-port'),
  );

const isAlive = (pid: number) => processes().some((p) => p.pid === pid);

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`not within ${timeoutMs / 1000} s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface Ports {
  readonly api: number;
  readonly stepFunctions: number;
  readonly dynamoDb: number;
}

const started: ChildProcess[] = [];
after(() => {
  for (const child of started) {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
});

/** `npm start` in its own process group, as a terminal would run it; resolves once it says it is ready. */
async function npmStart(
  ports: Ports,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<{ npm: ChildProcess; output: () => string; exited: Promise<number> }> {
  const npm = spawn('npm', ['start', '--', ...(options.args ?? [])], {
    cwd: PROJECT_ROOT,
    detached: true,
    env: {
      ...process.env,
      ...options.env,
      API_PORT: String(ports.api),
      SFN_PORT: String(ports.stepFunctions),
      DYNAMODB_PORT: String(ports.dynamoDb),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(npm);
  let output = '';
  npm.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  npm.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<number>((resolve) =>
    npm.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : 0))),
  );
  return { npm, output: () => output, exited };
}

async function ready(run: Awaited<ReturnType<typeof npmStart>>, ports: Ports): Promise<void> {
  await until(() => run.output().includes('Ready in') || run.npm.exitCode !== null, 'npm start is ready', 120_000);
  assert.match(run.output(), /Ready in/, run.output());
  const answer = await fetch(`http://127.0.0.1:${ports.api}/v1/nothing-here`);
  assert.equal(answer.status, 403, 'the API answers');
  assert.equal(dynamoDbLocalsOn(ports.dynamoDb).length, 1, 'one DynamoDB Local serves the port');
  // Every service listens on loopback only, DynamoDB Local included (it has no host option of its own).
  for (const port of [ports.api, ports.stepFunctions, ports.dynamoDb]) {
    assert.deepEqual(listeningAddresses(port), ['127.0.0.1'], `port ${port} listens on loopback only`);
  }
}

async function assertNothingLeft(ports: Ports): Promise<void> {
  await until(() => dynamoDbLocalsOn(ports.dynamoDb).length === 0, `no DynamoDB Local on port ${ports.dynamoDb}`);
  for (const port of [ports.api, ports.stepFunctions, ports.dynamoDb]) {
    await until(() => portIsFree(port), `port ${port} is free`);
  }
}

/** A request whose function logs a line ("request refused": the declaration does not exist). */
async function readUnknownDeclaration(ports: Ports): Promise<void> {
  const token = await issueLocalToken({ role: 'broker', brokerId: 'BRK-ACME' });
  const answer = await fetch(`http://127.0.0.1:${ports.api}/v1/declarations/DCL-000000000000000000000000`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(answer.status, 404);
}

/** The node process npm runs (`exec node infra/local/main.ts`): npm's child. */
const nodeChildOf = (npmPid: number) =>
  processes().find((p) => p.ppid === npmPid && p.commandLine.some((arg) => arg.endsWith('infra/local/main.ts')));

describe('npm start, stopped every way it can be', { concurrency: false }, async () => {
  const ports: Ports = { api: await freePort(), stepFunctions: await freePort(), dynamoDb: await freePort() };

  it('refuses a second start on a busy port in one line, then stops cleanly on SIGTERM to npm', async () => {
    const first = await npmStart(ports);
    await ready(first, ports);

    const second = await npmStart(ports);
    const code = await second.exited;
    assert.notEqual(code, 0);
    const lines = second.output().trim().split('\n');
    assert.match(lines.at(-1) ?? '', /^npm start: port \d+ \(.+\) is in use \(is another npm start running\?\)$/);
    assert.ok(!second.output().includes('    at '), `no stack trace:\n${second.output()}`);
    assert.equal(dynamoDbLocalsOn(ports.dynamoDb).length, 1, 'the first stack still serves');

    process.kill(first.npm.pid ?? 0, 'SIGTERM');
    await first.exited;
    await assertNothingLeft(ports);
    assert.match(first.output(), /Stopped\./);
  });

  it('leaves nothing behind when npm and node are killed with SIGKILL (a crash)', async () => {
    const run = await npmStart(ports);
    await ready(run, ports);
    const node = nodeChildOf(run.npm.pid ?? 0);
    assert.ok(node, 'npm runs node as its child');

    process.kill(node.pid, 'SIGKILL');
    process.kill(run.npm.pid ?? 0, 'SIGKILL');
    await assertNothingLeft(ports);
  });

  it('stops by itself when only npm is killed with SIGKILL (and --quiet keeps function logs out)', async () => {
    const run = await npmStart(ports, { args: ['--quiet'] });
    await ready(run, ports);
    await readUnknownDeclaration(ports);
    assert.ok(!run.output().includes('request refused'), run.output());
    const node = nodeChildOf(run.npm.pid ?? 0);
    assert.ok(node);

    process.kill(run.npm.pid ?? 0, 'SIGKILL');
    await until(() => !isAlive(node.pid), 'node notices that npm is gone and exits');
    await assertNothingLeft(ports);
  });

  it('still comes up after all that (function logs to a file), and stops on Ctrl-C to the whole group', async () => {
    const logFile = join(mkdtempSync(join(tmpdir(), 'lambda-logs-')), 'lambda.log');
    const run = await npmStart(ports, { env: { LOCAL_LAMBDA_LOGS: logFile } });
    await ready(run, ports);
    await readUnknownDeclaration(ports);
    await until(
      () => existsSync(logFile) && readFileSync(logFile, 'utf8').includes('request refused'),
      'logs in the file',
    );
    assert.ok(!run.output().includes('request refused'), run.output());
    process.kill(-(run.npm.pid ?? 0), 'SIGINT');
    await run.exited;
    await assertNothingLeft(ports);
  });

  it('says in one line that Java is missing', async () => {
    const run = spawn(process.execPath, ['infra/local/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PATH: '/nonexistent', API_PORT: '0', SFN_PORT: '0', DYNAMODB_PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    run.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => run.once('exit', resolve));
    assert.equal(code, 1);
    assert.equal(stderr.trim(), 'npm start: DynamoDB Local needs Java 17 on the PATH (no java command was found)');
  });
});
