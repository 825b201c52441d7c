import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { DescribeExecutionCommand, GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import {
  brokerToken,
  fileManifest,
  freshContainer,
  freshTrain,
  portOperatorToken,
  railImportDeclaration,
  railImportSummary,
  railwayToken,
  startTestStack,
  trainEvent,
} from '../e2e/local-stack-client.ts';
import { FOOTPRINT_TARGETS, measureFootprints } from './footprint.ts';

/**
 * `npm run bench`: the foundation's figures, measured on this machine and printed (not asserted):
 * cdk synth through the CLI, local stack start-up, how long declarations take through the local stack, one at a
 * time and many at once, and each function's footprint: bundle size and local cold start against the targets.
 */
const CONTAINERS_PER_TRAIN = Number(process.env.BENCH_CONTAINERS ?? 55);
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
  const [port, railway] = await Promise.all([portOperatorToken(), railwayToken()]);
  const brokers = await Promise.all(['BRK-BENCH-A', 'BRK-BENCH-B', 'BRK-BENCH-C'].map((id) => brokerToken(id)));
  const read = (id: string, token: string) => env.api.get(`/v1/declarations/${id}`, token);
  const until = async (id: string, token: string, status: string) => {
    while (String((await read(id, token)).body.status) !== status) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return performance.now();
  };
  const report = (event: unknown, token = port) => env.api.post('/v1/port-events', { token, json: event });

  /** One train: its manifest, a declaration per container (brokers in turn), and how long each stage took. */
  const oneTrain = async (containers: number, label: string) => {
    const train = freshTrain();
    const consignments = Array.from({ length: containers }, (_, i) => ({
      waybillNumber: `SMGS${train.trainNumber}${String(i).padStart(3, '0')}`.slice(0, 30),
      container: freshContainer(),
      token: brokers[i % brokers.length] ?? '',
    }));
    await fileManifest(env.api, railway, train, consignments);
    const t0 = performance.now();
    const filed = await Promise.all(
      consignments.map(async (consignment) => {
        const started = performance.now();
        const answer = await env.api.post('/v1/declarations', {
          token: consignment.token,
          idempotencyKey: `${label}-${consignment.waybillNumber}`,
          json: railImportDeclaration({ ...consignment, train }),
        });
        return { id: String(answer.body.id), token: consignment.token, accepted: performance.now() - started };
      }),
    );
    await Promise.all(filed.map((f) => until(f.id, f.token, 'AWAITING_ARRIVAL')));
    const parked = performance.now() - t0;
    const arrivalAt = performance.now();
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    await report(trainEvent('TRANSSHIPMENT_STARTED', train));
    await report(trainEvent('TRANSSHIPMENT_COMPLETED', train));
    const releasedAt = await Promise.all(filed.map((f) => until(f.id, f.token, 'RELEASED')));
    // The last release's step writes the manifest off right after recording the release.
    let head = await env.api.get(`/v1/trains/${train.trainNumber}/${train.trainDate}`, railway);
    for (let i = 0; i < 100 && head.body.status !== 'WRITTEN_OFF'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      head = await env.api.get(`/v1/trains/${train.trainNumber}/${train.trainDate}`, railway);
    }
    return {
      trainStatus: String(head.body.status),
      ids: filed.map((f) => f.id),
      accepted: filed.map((f) => f.accepted),
      parked,
      arrivalToLastRelease: Math.max(...releasedAt) - arrivalAt,
    };
  };

  // 3. The first train pays every cold start; the second is warm.
  const cold = await oneTrain(1, 'bench-cold');
  console.log(
    `one declaration, cold                 POST ${ms(cold.accepted[0] ?? 0)}, to AWAITING_ARRIVAL ${ms(cold.parked)}, arrival to RELEASED ${ms(cold.arrivalToLastRelease)}`,
  );

  // 4. A train of the Chinese domestic section: 55 × 40 ft containers, one declaration each, three brokers.
  const train = await oneTrain(CONTAINERS_PER_TRAIN, 'bench-train');
  console.log(
    `${CONTAINERS_PER_TRAIN}-container train, ${brokers.length} brokers       POST p50 ${ms(percentile(train.accepted, 50))} p95 ${ms(percentile(train.accepted, 95))}; all ${CONTAINERS_PER_TRAIN} AWAITING_ARRIVAL after ${ms(train.parked)}; arrival event to last RELEASED ${ms(train.arrivalToLastRelease)}; manifest ${train.trainStatus}`,
  );

  // Standard workflows bill per state transition: count them in a green declaration's execution history.
  const rail = env.stack.stateMachines.find((machine) => machine.name.endsWith('-rail-import'));
  const executionArn = `${rail?.arn.replace(':stateMachine:', ':execution:')}:${train.ids[0]}`;
  const statesEntered = async (arn: string) =>
    ((await env.sfn.send(new GetExecutionHistoryCommand({ executionArn: arn }))).events ?? [])
      .filter((event) => event.type?.endsWith('StateEntered'))
      .map((event) => event.stateEnteredEventDetails?.name);
  const entered = await statesEntered(executionArn);
  console.log(`state transitions of a green declaration: ${entered.length} (${entered.join(' → ')}); target ≤ 10`);

  // A green two-step summary: released like the others, then its execution waits for the complete declaration.
  const summaryTrain = freshTrain();
  const summary = { waybillNumber: `SMGS${summaryTrain.trainNumber}S`.slice(0, 30), container: freshContainer() };
  const summaryBroker = brokers[0] ?? '';
  await fileManifest(env.api, railway, summaryTrain, [summary]);
  const summaryFiled = await env.api.post('/v1/declarations', {
    token: summaryBroker,
    idempotencyKey: `bench-summary-${summary.waybillNumber}`,
    json: railImportSummary({ ...summary, train: summaryTrain }),
  });
  const summaryId = String(summaryFiled.body.id);
  await until(summaryId, summaryBroker, 'AWAITING_ARRIVAL');
  await report(trainEvent('TRAIN_ARRIVED', summaryTrain), railway);
  await report(trainEvent('TRANSSHIPMENT_STARTED', summaryTrain));
  await report(trainEvent('TRANSSHIPMENT_COMPLETED', summaryTrain));
  await until(summaryId, summaryBroker, 'RELEASED');
  const summaryArn = `${rail?.arn.replace(':stateMachine:', ':execution:')}:${summaryId}`;
  const completionStarted = performance.now();
  await env.api.post(`/v1/declarations/${summaryId}/completion`, {
    token: summaryBroker,
    ifMatch: '"1"',
    json: railImportDeclaration({ ...summary, train: summaryTrain }),
  });
  while ((await env.sfn.send(new DescribeExecutionCommand({ executionArn: summaryArn }))).status === 'RUNNING') {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const summaryEntered = await statesEntered(summaryArn);
  console.log(
    `state transitions of a green two-step summary: ${summaryEntered.length} (${summaryEntered.join(' → ')}); completion POST to the execution's end ${ms(performance.now() - completionStarted)}`,
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
