import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { hoursOfLocalDate, isOperatingHour, localIsoOf, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import type { TrainRef } from '#domain/trains.ts';
import {
  brokerToken,
  freshContainer,
  manifestOf,
  portOperatorToken,
  railImportDeclaration,
  railwayToken,
  roadExportDeclaration,
  startTestStack,
} from '../e2e/local-stack-client.ts';

/**
 * `npm run bench:throughput`: how fast the local stack takes a day's load (issue 8). Green road trucks (filed,
 * booked, gated in, released, exited) and green rail declarations on a few trains (manifest, filings, arrival,
 * gauge change, release) run their whole lifecycle through the API at once; the bench waits on the brokers' event
 * feeds (GET /v1/events), not by polling each declaration. Printed, not asserted: wall time, workflows/s,
 * requests/s, each function's invocations and mean duration, and the CPU time of this process (the harness and the
 * driver) beside DynamoDB Local's Java process.
 *
 *   npm run bench:throughput                               100 trucks, 2 trains of 55 containers
 *   npm run bench:throughput -- --peak                     the peak day: 1,300 trucks, 27 trains of 55
 *   npm run bench:throughput -- --trucks 300 --trains 4 --containers 55 --concurrency 200
 *
 * The load is deterministic (no random draws): the same options run the same declarations in the same order.
 */
const { values } = parseArgs({
  options: {
    peak: { type: 'boolean', default: false },
    trucks: { type: 'string' },
    trains: { type: 'string' },
    containers: { type: 'string' },
    concurrency: { type: 'string' },
    'max-requests': { type: 'string' },
    brokers: { type: 'string' },
  },
});
const TRUCKS = Number(values.trucks ?? (values.peak ? 1300 : 100));
const TRAINS = Number(values.trains ?? (values.peak ? 27 : 2));
const CONTAINERS_PER_TRAIN = Number(values.containers ?? 55);
/** Trucks whose lifecycle runs at once (a truck waiting on the stack holds its place). */
const TRUCKS_IN_FLIGHT = Number(values.concurrency ?? 400);
/** Requests in flight at once, all flows together: a driver's connection pool. */
const MAX_REQUESTS_IN_FLIGHT = Number(values['max-requests'] ?? 48);
/** Brokers the declarations are spread over: each broker's event feed is read by one poller. */
const BROKERS = Number(values.brokers ?? 4);
const FEED_IDLE_POLL_MS = 300;
const DEADLINE_MS = 15 * 60_000;

// ── Measuring ──────────────────────────────────────────────────────────────────────────────────────

const CLOCK_TICKS_PER_SECOND = 100;
/** User + system CPU seconds of a process (or of one of its threads: `self/task/<tid>`), from /proc (Linux). */
function cpuSecondsOf(pid: number | string): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields after it are counted from its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

const requestStats = new Map<string, { count: number; totalMs: number }>();
let throttled = 0;

// ── The API, lean: no contract check per answer (the e2e tests do that), 429s retried as a client would ───

const stackStarted = performance.now();
const env = await startTestStack({ freightHours: 'ROUND_THE_CLOCK' });
const stackStartMs = performance.now() - stackStarted;
const { stack } = env;

let inFlight = 0;
const queue: (() => void)[] = [];
async function slot(): Promise<() => void> {
  if (inFlight >= MAX_REQUESTS_IN_FLIGHT) await new Promise<void>((resolve) => queue.push(resolve));
  else inFlight++;
  return () => {
    const next = queue.shift();
    if (next !== undefined) next();
    else inFlight--;
  };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function call(
  method: string,
  path: string,
  label: string,
  token: string,
  json?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const release = await slot();
    const started = performance.now();
    let answer: Answer;
    try {
      const response = await fetch(`${stack.apiUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(json === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(json === undefined ? {} : { body: JSON.stringify(json) }),
      });
      const text = await response.text();
      answer = { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
    } finally {
      release();
    }
    const stats = requestStats.get(label) ?? { count: 0, totalMs: 0 };
    stats.count++;
    stats.totalMs += performance.now() - started;
    requestStats.set(label, stats);
    if (answer.status !== 429) return answer;
    // The stage's throttle: back off (jittered) and try again, as an SDK would.
    throttled++;
    await sleep(Math.min(2_000, 50 * 2 ** attempt) * (0.5 + deterministicJitter(attempt)));
  }
}
const deterministicJitter = (attempt: number) => ((attempt * 7919) % 100) / 100;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expect(what: string, answer: Answer, status: number): Answer {
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer;
}

// ── Waiting on the event feeds ─────────────────────────────────────────────────────────────────────

/** One broker's feed, read by one poller: every status each declaration reached, and who waits for which. */
class EventFeedWatcher {
  private readonly reached = new Map<string, Set<string>>();
  private readonly waiters = new Map<string, { status: string; resolve: () => void }[]>();
  private cursor: string | undefined;
  private running = true;
  private readonly loop: Promise<void>;
  private readonly token: string;

  constructor(token: string) {
    this.token = token;
    this.loop = this.poll();
  }

  reaches(declarationId: string, status: string): Promise<void> {
    if (this.reached.get(declarationId)?.has(status)) return Promise.resolve();
    return new Promise((resolve) => {
      const waiting = this.waiters.get(declarationId) ?? [];
      waiting.push({ status, resolve });
      this.waiters.set(declarationId, waiting);
    });
  }

  lastStatusOf(declarationId: string): string {
    return [...(this.reached.get(declarationId) ?? [])].at(-1) ?? 'nothing yet';
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      const query = `limit=100${this.cursor === undefined ? '' : `&after=${encodeURIComponent(this.cursor)}`}`;
      const page = await call('GET', `/v1/events?${query}`, 'GET /v1/events', this.token);
      if (page.status !== 200) {
        // A failed read loses nothing (the cursor stays): report it and read again.
        console.error(`event feed: ${page.status} ${JSON.stringify(page.body)}`);
        await sleep(FEED_IDLE_POLL_MS);
        continue;
      }
      const items = page.body.items as { declarationId: string; status: string }[];
      this.cursor = String(page.body.nextCursor);
      for (const event of items) this.record(event.declarationId, event.status);
      if (items.length < 100) await sleep(FEED_IDLE_POLL_MS);
    }
  }

  private record(declarationId: string, status: string): void {
    const statuses = this.reached.get(declarationId) ?? new Set<string>();
    statuses.add(status);
    this.reached.set(declarationId, statuses);
    const waiting = this.waiters.get(declarationId);
    if (waiting === undefined) return;
    const still = waiting.filter((waiter) => {
      if (waiter.status !== status) return true;
      waiter.resolve();
      return false;
    });
    if (still.length === 0) this.waiters.delete(declarationId);
    else this.waiters.set(declarationId, still);
  }
}

// ── The load ───────────────────────────────────────────────────────────────────────────────────────

const run = Date.now().toString(36).toUpperCase();
const calendar = slotCalendarFrom({ freightHours: 'ROUND_THE_CLOCK' });
const [port, railway] = await Promise.all([portOperatorToken(), railwayToken()]);
const truckBrokers = await Promise.all(
  Array.from({ length: BROKERS }, async (_, index) => {
    const token = await brokerToken(`BRK-BENCH-ROAD-${index}`);
    return { token, feed: new EventFeedWatcher(token) };
  }),
);
const railBrokers = await Promise.all(
  Array.from({ length: Math.min(BROKERS, Math.max(1, TRAINS)) }, async (_, index) => {
    const token = await brokerToken(`BRK-BENCH-RAIL-${index}`);
    return { token, feed: new EventFeedWatcher(token) };
  }),
);

/** From tomorrow, the bookable hours for the car carriers' lane, each as often as the lane takes trucks in it. */
function slotHours(count: number): string[] {
  const hours: string[] = [];
  const capacity = calendar.capacityPerHour.VEHICLE_CARRIER;
  for (let day = 1; hours.length * capacity < count; day++) {
    const date = localTimeOf(new Date(Date.now() + day * 24 * 3_600_000), calendar.timeZone).date;
    for (const hour of hoursOfLocalDate(date, calendar.timeZone)) {
      if (isOperatingHour(calendar, hour)) hours.push(localIsoOf(new Date(hour.startsAt), calendar.timeZone));
    }
  }
  return Array.from({ length: count }, (_, index) => hours[Math.floor(index / capacity)] as string);
}
const slots = slotHours(TRUCKS);
const stuck = new Map<string, () => string>();
let workflowsDone = 0;

async function truck(index: number): Promise<void> {
  const { token, feed } = truckBrokers[index % truckBrokers.length] as (typeof truckBrokers)[number];
  const document = roadExportDeclaration({ plate: `TB${run.slice(-4)}${String(index).padStart(5, '0')}`.slice(0, 12) });
  const filed = expect(
    'filing',
    await call('POST', '/v1/declarations', 'POST /v1/declarations', token, document, {
      'idempotency-key': `bench-${run}-truck-${index}`,
    }),
    202,
  );
  const id = String(filed.body.id);
  stuck.set(id, () => `truck ${index} (${id}): ${feed.lastStatusOf(id)}`);
  await feed.reaches(id, 'RISK_ASSESSED');
  const booking = { laneType: 'VEHICLE_CARRIER', startsAt: slots[index] };
  expect(
    'booking',
    await call('PUT', `/v1/declarations/${id}/slot`, 'PUT /v1/declarations/{id}/slot', token, booking),
    201,
  );
  await feed.reaches(id, 'SLOT_BOOKED');
  const portEvent = async (eventType: string) =>
    expect(
      eventType,
      await call('POST', '/v1/port-events', `POST /v1/port-events (${eventType})`, port, {
        eventType,
        eventId: `bench-${run}-${eventType}-${index}`,
        plate: document.truck.plate,
        declarationId: id,
        occurredAt: new Date().toISOString(),
      }),
      202,
    );
  await portEvent('TRUCK_GATED_IN');
  await feed.reaches(id, 'RELEASED');
  await portEvent('TRUCK_EXITED');
  await feed.reaches(id, 'CLOSED');
  stuck.delete(id);
  workflowsDone++;
}

async function train(index: number): Promise<void> {
  const { token, feed } = railBrokers[index % railBrokers.length] as (typeof railBrokers)[number];
  const ref: TrainRef = {
    trainNumber: `B${run.slice(-6)}${index}`.slice(0, 16),
    trainDate: new Date().toISOString().slice(0, 10),
  };
  const consignments = Array.from({ length: CONTAINERS_PER_TRAIN }, (_, line) => ({
    waybillNumber: `SMGS${ref.trainNumber}L${line}`.slice(0, 30),
    container: freshContainer(),
  }));
  const trainPath = `/v1/trains/${ref.trainNumber}/${ref.trainDate}`;
  expect(
    'manifest',
    await call('PUT', `${trainPath}/manifest`, 'PUT /v1/trains/…/manifest', railway, manifestOf(consignments)),
    201,
  );
  const ids = await Promise.all(
    consignments.map(async (consignment, line) => {
      const filed = expect(
        'rail filing',
        await call(
          'POST',
          '/v1/declarations',
          'POST /v1/declarations',
          token,
          railImportDeclaration({ ...consignment, train: ref }),
          { 'idempotency-key': `bench-${run}-train-${index}-${line}` },
        ),
        202,
      );
      const id = String(filed.body.id);
      stuck.set(id, () => `train ${index} line ${line} (${id}): ${feed.lastStatusOf(id)}`);
      return id;
    }),
  );
  const all = (status: string) => Promise.all(ids.map((id) => feed.reaches(id, status)));
  const trainEvent = async (eventType: string, reporter: string) =>
    expect(
      eventType,
      await call('POST', '/v1/port-events', `POST /v1/port-events (${eventType})`, reporter, {
        eventType,
        eventId: `bench-${run}-${eventType}-train-${index}`,
        train: ref,
        occurredAt: new Date().toISOString(),
      }),
      202,
    );
  await all('AWAITING_ARRIVAL');
  await trainEvent('TRAIN_ARRIVED', railway);
  await all('ARRIVED');
  await trainEvent('TRANSSHIPMENT_STARTED', port);
  await trainEvent('TRANSSHIPMENT_COMPLETED', port);
  await all('RELEASED');
  for (const id of ids) stuck.delete(id);
  workflowsDone += ids.length;
}

// ── The run ────────────────────────────────────────────────────────────────────────────────────────

console.log(
  `Throughput: ${TRUCKS} green trucks (${TRUCKS_IN_FLIGHT} at a time) and ${TRAINS} trains of ${CONTAINERS_PER_TRAIN} ` +
    `green containers, ${MAX_REQUESTS_IN_FLIGHT} requests in flight at most, ${BROKERS} brokers' feeds; ` +
    `LOCAL_LAMBDA_CONCURRENCY=${process.env.LOCAL_LAMBDA_CONCURRENCY ?? '(default)'}; stack started in ${(stackStartMs / 1000).toFixed(1)} s`,
);
const mainThread = `self/task/${process.pid}`;
const cpuBefore = {
  self: cpuSecondsOf('self'),
  main: cpuSecondsOf(mainThread),
  java: cpuSecondsOf(stack.dynamoDbPid),
};
const invocationsBefore = new Map(stack.functions.map((fn) => [fn.spec.logicalId, fn.invocationStats]));
const started = performance.now();
const progress = setInterval(() => {
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  console.log(`  ${seconds} s: ${workflowsDone} of ${TRUCKS + TRAINS * CONTAINERS_PER_TRAIN} workflows done`);
}, 10_000);
let failure: unknown;
try {
  let nextTruck = 0;
  const truckLane = async () => {
    for (let index = nextTruck++; index < TRUCKS; index = nextTruck++) await truck(index);
  };
  const everything = Promise.all([
    ...Array.from({ length: Math.min(TRUCKS_IN_FLIGHT, TRUCKS) }, truckLane),
    ...Array.from({ length: TRAINS }, (_, index) => train(index)),
  ]);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    everything,
    new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`not done within ${DEADLINE_MS / 60_000} min`)), DEADLINE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
} catch (error) {
  failure = error;
}
const wallSeconds = (performance.now() - started) / 1000;
clearInterval(progress);
const cpu = {
  self: cpuSecondsOf('self') - cpuBefore.self,
  main: cpuSecondsOf(mainThread) - cpuBefore.main,
  java: cpuSecondsOf(stack.dynamoDbPid) - cpuBefore.java,
};
await Promise.all([...truckBrokers, ...railBrokers].map(({ feed }) => feed.stop()));

const requests = [...requestStats.values()].reduce((sum, stats) => sum + stats.count, 0);
console.log(
  `\n${workflowsDone} workflows in ${wallSeconds.toFixed(1)} s: ${(workflowsDone / wallSeconds).toFixed(1)} workflows/s, ` +
    `${requests} requests (${(requests / wallSeconds).toFixed(0)}/s, ${throttled} throttled with 429)`,
);
console.log(
  `CPU: this process ${cpu.self.toFixed(1)} s (${(cpu.self / wallSeconds).toFixed(2)} cores; its main thread ` +
    `${cpu.main.toFixed(1)} s, the functions' environments and I/O threads ${(cpu.self - cpu.main).toFixed(1)} s), ` +
    `DynamoDB Local ${cpu.java.toFixed(1)} s (${(cpu.java / wallSeconds).toFixed(2)} cores), ` +
    `of ${(2 * wallSeconds).toFixed(0)} s on 2 cores`,
);
// CPU per workflow does not depend on what else the machine runs, as wall time does: it compares runs.
const done = Math.max(1, workflowsDone);
const cpuPerWorkflow = (cpu.self + cpu.java) / done;
const planned = TRUCKS + TRAINS * CONTAINERS_PER_TRAIN;
console.log(
  `CPU per workflow: ${(cpuPerWorkflow * 1000).toFixed(0)} ms (this process ${((cpu.self / done) * 1000).toFixed(0)} ms, ` +
    `DynamoDB Local ${((cpu.java / done) * 1000).toFixed(0)} ms): two idle cores would take the ${planned} ` +
    `workflows in ${((cpuPerWorkflow * planned) / 2).toFixed(0)} s at best`,
);
console.table(
  Object.fromEntries(
    [...requestStats.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([label, stats]) => [label, { count: stats.count, 'mean ms': Math.round(stats.totalMs / stats.count) }]),
  ),
);
const lambdaRows = stack.functions
  .map((fn) => {
    const before = invocationsBefore.get(fn.spec.logicalId);
    const now = fn.invocationStats;
    const invocations = now.invocations - (before?.invocations ?? 0);
    const durationMs = now.durationMs - (before?.durationMs ?? 0);
    const queuedMs = now.queuedMs - (before?.queuedMs ?? 0);
    return {
      name: fn.spec.logicalId.replace(/Fn[0-9A-F]{8}$/, ''),
      invocations,
      'cold starts': now.coldStarts - (before?.coldStarts ?? 0),
      'mean ms': invocations === 0 ? 0 : Math.round(durationMs / invocations),
      'mean queued ms': invocations === 0 ? 0 : Math.round(queuedMs / invocations),
      'busy s': Number((durationMs / 1000).toFixed(1)),
    };
  })
  .filter((row) => row.invocations > 0)
  .sort((a, b) => b['busy s'] - a['busy s']);
const logBytes = (() => {
  try {
    return statSync(join(env.workdir, 'lambda.log')).size;
  } catch {
    return 0;
  }
})();
const totalInvocations = lambdaRows.reduce((sum, row) => sum + row.invocations, 0);
console.log(
  `Lambda: ${totalInvocations} invocations (${(totalInvocations / wallSeconds).toFixed(0)}/s), ` +
    `${(logBytes / 1024).toFixed(0)} KiB of function logs`,
);
console.table(Object.fromEntries(lambdaRows.map(({ name, ...row }) => [name, row])));
if (failure !== undefined) {
  const examples = [...stuck.values()].slice(0, 10).map((describe) => describe());
  console.error(`FAILED: ${(failure as Error).message}\n  still waiting (${stuck.size}): ${examples.join('\n  ')}`);
  process.exitCode = 1;
}
await env.stop();
