import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { LocalFunction, type LocalFunctionSpec } from '../../infra/local/lambda-runtime.ts';

/** The local Lambda runtime, on tiny hand-written bundles: isolation, errors, timeouts, shutdown. */
const dir = mkdtempSync(join(tmpdir(), 'lambda-runtime-'));
const bundle = (name: string, source: string) => {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  return file;
};
const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const started: LocalFunction[] = [];
const fn = (codeFile: string, overrides: Partial<LocalFunctionSpec> = {}, maxConcurrency = 3) => {
  const local = new LocalFunction(
    {
      logicalId: 'Fn',
      functionName: 'fn',
      functionArn: 'arn:aws:lambda:us-east-1:000000000000:function:fn',
      codeFile,
      exportName: 'handler',
      timeoutSeconds: 5,
      memoryMb: 128,
      environment: {},
      ...overrides,
    },
    silent,
    maxConcurrency,
  );
  started.push(local);
  return local;
};
after(async () => Promise.all(started.map((f) => f.stop())));

describe('the local Lambda runtime', () => {
  const echoEnv = bundle(
    'echo-env',
    `let calls = 0;
     export const handler = async (event, context) => ({ table: process.env.TABLE, calls: ++calls, event, name: context.functionName, left: context.getRemainingTimeInMillis() > 0 });`,
  );

  it('gives each function its own environment variables and keeps a warm environment between calls', async () => {
    const orders = fn(echoEnv, { environment: { TABLE: 'orders' } });
    const parcels = fn(echoEnv, { environment: { TABLE: 'parcels' } });

    const first = (await orders.invoke({ n: 1 })) as { table: string; calls: number; name: string; left: boolean };
    const second = (await orders.invoke({ n: 2 })) as { calls: number };
    const other = (await parcels.invoke({})) as { table: string; calls: number };

    assert.equal(first.table, 'orders');
    assert.equal(other.table, 'parcels');
    assert.equal(second.calls, 2, 'the second call reuses the warm environment');
    assert.equal(other.calls, 1, 'another function has its own module state');
    assert.equal(first.left, true);
    assert.equal(process.env.TABLE, undefined, "the harness's own environment is untouched");
    assert.equal(orders.invocationStats.coldStarts, 1);
  });

  it('reports a thrown error by its name, as Step Functions matches it', async () => {
    const failing = fn(
      bundle(
        'throws',
        `export const handler = async () => { const e = new Error('no such declaration'); e.name = 'DeclarationNotFound'; throw e; };`,
      ),
    );
    await assert.rejects(failing.invoke({}), { name: 'DeclarationNotFound', message: 'no such declaration' });
    // The environment survives a handled error.
    await assert.rejects(failing.invoke({}), { name: 'DeclarationNotFound' });
    assert.equal(failing.invocationStats.coldStarts, 1);
  });

  it('times out a slow invocation and discards its environment', async () => {
    const slow = fn(bundle('slow', 'export const handler = () => new Promise(() => {});'), { timeoutSeconds: 1 });
    await assert.rejects(slow.invoke({}), { name: 'Sandbox.Timedout' });
    await assert.rejects(slow.invoke({}), { name: 'Sandbox.Timedout' });
    assert.equal(slow.invocationStats.coldStarts, 2, 'a timed-out environment is not reused');
  });

  it('settles an invocation that is in flight when the stack stops, so nothing waits forever', async () => {
    const slow = fn(bundle('never', 'export const handler = () => new Promise(() => {});'), { timeoutSeconds: 60 });
    const pending = slow.invoke({});
    await new Promise((resolve) => setTimeout(resolve, 300));
    await slow.stop();
    await assert.rejects(pending, { name: 'Runtime.ExitError' });
    await assert.rejects(slow.invoke({}), /stopped/);
  });

  it('runs invocations of one function concurrently in separate environments', async () => {
    const sleepy = fn(
      bundle(
        'sleepy',
        'export const handler = async () => { await new Promise((r) => setTimeout(r, 300)); return 1; };',
      ),
    );
    const startedAt = Date.now();
    await Promise.all([sleepy.invoke({}), sleepy.invoke({}), sleepy.invoke({})]);
    assert.equal(sleepy.invocationStats.coldStarts, 3);
    assert.ok(Date.now() - startedAt < 3 * 300 + 1500, 'not run one after another');
  });

  it('starts no more environments than its cap under a burst; the rest queue and still complete', async () => {
    const sleepy = fn(
      bundle(
        'burst',
        'export const handler = async (e) => { await new Promise((r) => setTimeout(r, 50)); return e.n; };',
      ),
      {},
      2,
    );
    const results = await Promise.all(Array.from({ length: 6 }, (_, n) => sleepy.invoke({ n })));
    assert.deepEqual(results, [0, 1, 2, 3, 4, 5]);
    assert.equal(sleepy.invocationStats.coldStarts, 2);
    const { invocations, durationMs, queuedMs } = sleepy.invocationStats;
    assert.equal(invocations, 6);
    assert.ok(durationMs >= 6 * 45, `each invocation's run time is counted (${durationMs} ms)`);
    assert.ok(queuedMs >= 2 * 45, `the four that waited for an environment count their wait (${queuedMs} ms)`);
  });

  it('hands the function its event as Lambda does, as JSON, and answers what the function returned as JSON', async () => {
    const echo = fn(bundle('echo-json', 'export const handler = async (event) => ({ event, at: new Date(0) });'));
    const answer = (await echo.invoke({ n: 1, skipped: undefined, when: new Date(0) })) as Record<string, unknown>;
    assert.deepEqual(answer, { event: { n: 1, when: '1970-01-01T00:00:00.000Z' }, at: '1970-01-01T00:00:00.000Z' });
    assert.equal(await echo.invoke(undefined).then((result) => (result as { event: unknown }).event), null);
  });
});
