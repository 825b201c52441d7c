import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import {
  brokerToken,
  portOperatorToken,
  railImportDeclaration,
  startTestStack,
  trainArrived,
} from '../e2e/local-stack-client.ts';
import { FOOTPRINT_TARGETS, measureFootprints } from './footprint.ts';

/**
 * `npm run bench`: the foundation's figures, measured on this machine and printed (not asserted):
 * cdk synth through the CLI, local stack start-up, how long declarations take through the local stack, one at a
 * time and many at once, and each function's footprint: bundle size and local cold start against the targets.
 */
const CONCURRENT_DECLARATIONS = Number(process.env.BENCH_DECLARATIONS ?? 20);
const COLD_STARTS = Number(process.env.BENCH_COLD_STARTS ?? 7);
const ms = (value: number) => `${value.toFixed(0)} ms`;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
};

// 1. cdk synth, the CLI a platform engineer runs.
const synthStarted = performance.now();
const synth = spawnSync(
  'npx',
  ['cdk', 'synth', '--quiet', '--output', join(mkdtempSync(join(os.tmpdir(), 'bench-')), 'cdk.out')],
  {
    encoding: 'utf8',
  },
);
if (synth.status !== 0) throw new Error(synth.stderr);
console.log(`cdk synth (CLI, with bundling)        ${ms(performance.now() - synthStarted)}`);

// 2. The local stack.
const env = await startTestStack();
console.log(
  `local stack start                     ${ms(env.stack.startup.total)}  (synth ${ms(env.stack.startup.synth)}, DynamoDB Local ready ${ms(env.stack.startup.dynamoDb)} after synth)`,
);

try {
  const [broker, port] = await Promise.all([brokerToken('BRK-BENCH'), portOperatorToken()]);
  const statusOf = async (id: string) => String((await env.api.get(`/v1/declarations/${id}`, broker)).body.status);
  const until = async (id: string, status: string) => {
    while ((await statusOf(id)) !== status) await new Promise((resolve) => setTimeout(resolve, 100));
  };
  const oneDeclaration = async (key: string) => {
    const declaration = railImportDeclaration();
    const t0 = performance.now();
    const submitted = await env.api.post('/v1/declarations', { token: broker, idempotencyKey: key, json: declaration });
    const accepted = performance.now() - t0;
    const id = String(submitted.body.id);
    await until(id, 'AWAITING_ARRIVAL');
    const parked = performance.now() - t0;
    const t1 = performance.now();
    await env.api.post('/v1/port-events', { token: port, json: trainArrived([declaration.waybillNumber]) });
    await until(id, 'RELEASED');
    return { accepted, parked, released: performance.now() - t1 };
  };

  // 3. The first declaration pays every cold start.
  const cold = await oneDeclaration('bench-cold');
  console.log(
    `first declaration (cold)              POST ${ms(cold.accepted)}, to AWAITING_ARRIVAL ${ms(cold.parked)}, arrival to RELEASED ${ms(cold.released)}`,
  );
  const warm = await oneDeclaration('bench-warm');
  console.log(
    `next declaration (warm)               POST ${ms(warm.accepted)}, to AWAITING_ARRIVAL ${ms(warm.parked)}, arrival to RELEASED ${ms(warm.released)}`,
  );

  // 4. Many at once, as a train's worth of declarations would arrive.
  const batchStarted = performance.now();
  const batch = await Promise.all(
    Array.from({ length: CONCURRENT_DECLARATIONS }, (_, i) => oneDeclaration(`bench-batch-${i}`)),
  );
  const batchSeconds = (performance.now() - batchStarted) / 1000;
  const totals = batch.map((b) => b.parked + b.released);
  console.log(
    `${CONCURRENT_DECLARATIONS} declarations at once                  ${(CONCURRENT_DECLARATIONS / batchSeconds).toFixed(1)} declarations/s end to end; POST p50 ${ms(
      percentile(
        batch.map((b) => b.accepted),
        50,
      ),
    )} p95 ${ms(
      percentile(
        batch.map((b) => b.accepted),
        95,
      ),
    )}; submit-to-released p50 ${ms(percentile(totals, 50))} p95 ${ms(percentile(totals, 95))}`,
  );

  // 5. Per function: bundle size and local cold start, each environment started alone, several times.
  const loadBefore = os.loadavg()[0] ?? Number.NaN;
  const { workerStart, functions } = await measureFootprints(
    env.stack.functions.map((fn) => fn.spec),
    COLD_STARTS,
  );
  const verdict = (value: number, limit: number) => (value > limit ? 'OVER' : 'ok');
  const range = (values: readonly number[]) => `${Math.min(...values).toFixed(0)}-${ms(Math.max(...values))}`;
  const row = (cells: readonly string[]) =>
    console.log(cells.map((cell, i) => cell.padEnd([38, 18, 14, 18][i] ?? 0)).join(''));
  console.log(
    `\nfootprint: ${COLD_STARTS} cold starts per function, one at a time, in rounds (1-minute load average ${loadBefore.toFixed(1)} before, ${os.loadavg()[0]?.toFixed(1)} after, on ${os.availableParallelism()} CPUs)`,
  );
  row(['function', 'bundle index.mjs', 'init p50', 'module init p50', 'init min-max']);
  row(['(worker start, one-line bundle)', '-', ms(workerStart.p50Ms), '-', range(workerStart.initMs)]);
  for (const { logicalId, bundleKiB, coldStarts } of functions) {
    row([
      logicalId,
      `${bundleKiB.toFixed(0)} KiB ${verdict(bundleKiB, FOOTPRINT_TARGETS.bundleKiB)}`,
      `${ms(coldStarts.p50Ms)} ${verdict(coldStarts.p50Ms, FOOTPRINT_TARGETS.initMs)}`,
      ms(coldStarts.p50Ms - workerStart.p50Ms),
      range(coldStarts.initMs),
    ]);
  }
  console.log(`target: bundle ≤ ${FOOTPRINT_TARGETS.bundleKiB} KiB per function`);
  console.log(`target: local init ≤ ${FOOTPRINT_TARGETS.initMs} ms p50 per function`);
  console.log(
    '(init = worker start + import of the bundle, on this machine, not a Lambda cold start on AWS; module init = init p50 − worker start p50)',
  );
} finally {
  await env.stop();
}
