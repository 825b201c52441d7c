import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { writeReport } from '#twin/report.ts';
import type { DeclarationRecord, Flow, TwinRunRecord } from '#twin/run-record.ts';
import { runTrucks } from '../bench/reform-day.ts';
import { wagonNumber } from '../support/trains.ts';
import { figureOnPage } from '../twin/report-page.ts';
import {
  brokerToken,
  eventually,
  freshContainer,
  freshTrain,
  officerToken,
  portOperatorToken,
  railImportDeclaration,
  railwayToken,
  startTestStack,
  trainEvent,
} from './local-stack-client.ts';

/**
 * Issue 8's acceptance: "every figure on the report page can be traced to the workflows' own histories". A few
 * declarations (a train of three, four trucks) go through a local stack on a simulated day two days ago; the run
 * record is built from the API's answers, the report rendered from it, and two of its figures are computed again,
 * independently, from Step Functions' execution histories (the business times the workflows' states received).
 */
const ZONE = 'Asia/Shanghai';
const DAY = localTimeOf(new Date(Date.now() - 2 * 24 * 3_600_000), ZONE).date;
const local = (time: string) => `${DAY}T${time}:00+08:00`;
const HOUR_MS = 3_600_000;

describe('the twin report, traced to the workflows’ own histories', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  const started = Date.now();
  const rail: { id: string; body: Record<string, unknown> }[] = [];
  const road: { id: string; body: Record<string, unknown> }[] = [];

  before(async () => {
    // Workflow time stands still, as in the twin: a past day's deadlines are judged by its own times, not the clock.
    env = await startTestStack({}, { timeScale: 0 });
    const [broker, railway, port, officer] = await Promise.all([
      brokerToken('BRK-TWIN'),
      railwayToken(),
      portOperatorToken(),
      officerToken(),
    ]);

    // A train of two green consignments and a yellow one (a first-time consignee), in on the simulated day at
    // 06:00, its gauge change 07:00–09:30; the officer passes the yellow one's documents at 12:00.
    const train = { ...freshTrain(), trainDate: DAY };
    const consignments = [0, 1, 2].map((index) => ({
      waybillNumber: `SMGS${train.trainNumber}${index}`.slice(0, 30),
      container: freshContainer(),
    }));
    const manifest = await env.api.put(`/v1/trains/${train.trainNumber}/${train.trainDate}/manifest`, {
      token: railway,
      json: {
        departedAt: local('01:00'),
        wagons: consignments.map((consignment, index) => ({
          number: wagonNumber(4, 700_000 + index),
          containers: [{ number: consignment.container, waybillNumber: consignment.waybillNumber }],
        })),
      },
    });
    assert.equal(manifest.status, 201, JSON.stringify(manifest.body));
    const railIds = [];
    for (const [index, consignment] of consignments.entries()) {
      const document = railImportDeclaration({ ...consignment, train });
      const filed = await env.api.post('/v1/declarations', {
        token: broker,
        idempotencyKey: `${consignment.waybillNumber}-twin`,
        json: index === 2 ? { ...document, consignee: { name: `Newcomer ${train.trainNumber} LLP` } } : document,
      });
      assert.equal(filed.status, 202, JSON.stringify(filed.body));
      railIds.push(String(filed.body.id));
    }
    const read = (id: string, token = broker) => env.api.get(`/v1/declarations/${id}`, token);
    for (const id of railIds)
      await eventually(
        () => read(id),
        (answer) => answer.body.status === 'AWAITING_ARRIVAL',
      );
    for (const [eventType, time, token] of [
      ['TRAIN_ARRIVED', '06:00', railway],
      ['TRANSSHIPMENT_STARTED', '07:00', port],
      ['TRANSSHIPMENT_COMPLETED', '09:30', port],
    ] as const) {
      const reported = await env.api.post('/v1/port-events', {
        token,
        json: trainEvent(eventType, train, { occurredAt: local(time) }),
      });
      assert.equal(reported.status, 202, JSON.stringify(reported.body));
    }
    const yellow = railIds[2] ?? '';
    await eventually(
      () => read(yellow),
      (answer) => (answer.body.tracks as { inspection?: string } | undefined)?.inspection === 'DOCUMENT_REVIEW',
    );
    const decided = await env.api.post(`/v1/declarations/${yellow}/decisions`, {
      token: officer,
      json: { decision: 'APPROVE', reason: 'invoice and packing list agree', occurredAt: local('12:00') },
    });
    assert.equal(decided.status, 200, JSON.stringify(decided.body));
    for (const id of railIds)
      rail.push({
        id,
        body: (
          await eventually(
            () => read(id),
            (answer) => answer.body.status === 'RELEASED',
          )
        ).body,
      });

    // Four trucks at the gate round the clock: green ones cleared at the gate, red ones after their scan.
    const trucks = await runTrucks(
      env,
      slotCalendarFrom({ freightHours: 'ROUND_THE_CLOCK' }),
      [
        { arrivesAt: local('10:00'), channel: 'GREEN' },
        { arrivesAt: local('11:00'), channel: 'RED' },
        { arrivesAt: local('15:00'), channel: 'RED' },
        { arrivesAt: local('22:00'), channel: 'GREEN' },
      ],
      { concurrency: 4, service: { documentCheck: 30, scan: 40, toExit: 15 } },
    );
    const reform = await brokerToken('BRK-REFORM');
    for (const { declarationId } of trucks)
      road.push({ id: declarationId, body: (await read(declarationId, reform)).body });
  });
  after(async () => env?.stop());

  const runRecord = (): TwinRunRecord => ({
    scenarioName: 'traced',
    scenario: { serviceMinutes: { scan: 40, documentCheck: 30 } },
    seed: 1,
    day: DAY,
    timeZone: ZONE,
    freightHours: 'ROUND_THE_CLOCK',
    capacities: { cranes: 1, scanners: 1, gateLanes: 4, officersByHour: Array.from({ length: 24 }, () => 1) },
    sla: { railArrivalToRelease: 16, transshipment: 2, roadGateToExit: 6 },
    target: env.stack.apiUrl,
    wall: { startedAt: new Date(started).toISOString(), seconds: (Date.now() - started) / 1000, requests: 0 },
    declarations: [
      ...rail.map(({ body }) => recordOf('RAIL', body)),
      ...road.map(({ body }) => recordOf('ROAD', body)),
    ],
  });

  const executionEvents = async (suffix: string, id: string): Promise<HistoryEvent[]> => {
    const machine = env.stack.stateMachines.find((candidate) => candidate.name.endsWith(suffix));
    assert.ok(machine, suffix);
    const executionArn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${id}`;
    return (await env.sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }))).events ?? [];
  };

  it('shows road gate-in → exit p50 and rail arrival → release max as the executions’ own business times give them', async () => {
    const written = await writeReport(mkdtempSync(join(tmpdir(), 'twin-report-e2e-')), [runRecord()]);
    const html = readFileSync(written.html, 'utf8');

    // Road: the gate-in and the exit each reached its execution as a port event with its business time.
    const gateToExit: number[] = [];
    for (const { id } of road) {
      const notices = portNotices(await executionEvents('-road', id));
      const gateIn = notices.find((notice) => notice.milestone === 'TRUCK_GATED_IN');
      const exit = notices.find((notice) => notice.milestone === 'TRUCK_EXITED');
      assert.ok(gateIn && exit, `${id}: its execution received its gate-in and its exit`);
      gateToExit.push((Date.parse(exit.occurredAt) - Date.parse(gateIn.occurredAt)) / HOUR_MS);
    }
    gateToExit.sort((a, b) => a - b);
    const p50 = gateToExit[Math.ceil(gateToExit.length / 2) - 1];
    assert.deepEqual(
      gateToExit.map((hours) => Math.round(hours * 60)),
      [15, 15, 55, 55],
      'green: out 15 min after the gate; red: 40 min of scan, then 15 min',
    );
    const shownP50 = figureOnPage(html, 'traced', 'road.gateInToExit.all.p50');
    assert.equal(Number(shownP50?.value), p50);
    assert.equal(shownP50?.text, `${p50?.toFixed(2)} h`);

    // Rail: the release state's input carries the arrival and what cleared the goods (gauge change, inspection).
    const arrivalToRelease: number[] = [];
    for (const { id } of rail) {
      const events = await executionEvents('-rail-import', id);
      const releasing = events.find(
        (event) =>
          event.type === 'TaskStateEntered' && event.stateEnteredEventDetails?.name === 'SecureDutiesAndRelease',
      );
      assert.ok(releasing?.stateEnteredEventDetails?.input, `${id}: its execution released it`);
      const input = JSON.parse(releasing.stateEnteredEventDetails.input) as {
        arrival: { notice: { occurredAt: string } };
        cleared: unknown;
      };
      const cleared = Math.max(...businessTimesIn(input.cleared).map((time) => Date.parse(time)));
      arrivalToRelease.push((cleared - Date.parse(input.arrival.notice.occurredAt)) / HOUR_MS);
    }
    assert.deepEqual(
      arrivalToRelease,
      [3.5, 3.5, 6],
      'green: at the gauge change’s end; yellow: at the officer’s decision',
    );
    assert.equal(
      Number(figureOnPage(html, 'traced', 'rail.arrivalToRelease.all.max')?.value),
      Math.max(...arrivalToRelease),
    );
    // The 2.5 h gauge change is over its 2 h: one train's breach.
    assert.equal(figureOnPage(html, 'traced', 'breaches.transshipment')?.value, '1');
  });
});

/** The port events an execution received (its wait tasks' results), with their business times. */
function portNotices(events: readonly HistoryEvent[]): { milestone: string; occurredAt: string }[] {
  return events.flatMap((event) => {
    if (event.type !== 'TaskSucceeded' || event.taskSucceededEventDetails?.output === undefined) return [];
    const output = JSON.parse(event.taskSucceededEventDetails.output) as Record<string, unknown>;
    const notice = (output.notice ?? output) as { milestone?: unknown; occurredAt?: unknown };
    return typeof notice.milestone === 'string' && typeof notice.occurredAt === 'string'
      ? [{ milestone: notice.milestone, occurredAt: notice.occurredAt }]
      : [];
  });
}

/** Every business time (an `occurredAt`) in a state's input, however deep. */
function businessTimesIn(value: unknown): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === 'occurredAt' && typeof inner === 'string' ? [inner] : businessTimesIn(inner),
  );
}

/** A declaration as the twin's driver records it: its answer from GET /v1/declarations/{id}. */
function recordOf(flow: Flow, body: Record<string, unknown>): DeclarationRecord {
  const declaration = body.declaration as {
    declarationType: string;
    train?: { trainNumber: string; trainDate: string };
    truck?: { plate: string };
    clearance?: { at: string };
  };
  const channel = (body.facts as { riskChannel?: DeclarationRecord['channel'] } | undefined)?.riskChannel;
  return {
    id: String(body.id),
    flow,
    declarationType: declaration.declarationType,
    status: String(body.status),
    ...(channel === undefined ? {} : { channel }),
    ...(declaration.train === undefined
      ? {}
      : { trainKey: `${declaration.train.trainNumber}@${declaration.train.trainDate}` }),
    ...(declaration.truck === undefined ? {} : { plate: declaration.truck.plate }),
    ...(declaration.clearance === undefined ? {} : { clearanceAt: declaration.clearance.at }),
    history: body.history as DeclarationRecord['history'],
  };
}
