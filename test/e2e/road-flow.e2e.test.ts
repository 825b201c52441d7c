import './lambda-concurrency.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { hoursOfLocalDate, localIsoOf, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { runTrucks } from '../bench/reform-day.ts';
import {
  brokerToken,
  eventually,
  portOperatorToken,
  roadExportDeclaration,
  startTestStack,
} from './local-stack-client.ts';

/**
 * The highway flow on the local stack (issue 7): a green truck filed, its slot booked, through the gate with the
 * booked plate and a weight within tolerance, released, out through the border and closed, every stage in its
 * history with who, when and why; a truck whose plate is not the booked one is held at the gate.
 */
const ZONE = 'Asia/Shanghai';
const TOMORROW = localTimeOf(new Date(Date.now() + 24 * 3_600_000), ZONE).date;
const tenOClockTomorrow = () => {
  const hour = hoursOfLocalDate(TOMORROW, ZONE).find((candidate) => candidate.localHour === 10);
  assert.ok(hour);
  return localIsoOf(new Date(hour.startsAt), ZONE);
};

interface HistoryEntry {
  readonly status: string;
  readonly transition: string;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly occurredAt: string;
  readonly reason: string;
  readonly details?: Record<string, unknown>;
}

describe('the highway flow, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let broker: string;
  let port: string;

  before(async () => {
    env = await startTestStack();
    [broker, port] = await Promise.all([brokerToken('BRK-ROAD'), portOperatorToken()]);
  });
  after(async () => env?.stop());

  const statusOf = async (id: string) => String((await env.api.get(`/v1/declarations/${id}`, broker)).body.status);
  const reachs = (id: string, wanted: string) =>
    eventually(
      () => statusOf(id),
      (status) => status === wanted,
      60_000,
    );
  let filings = 0;
  /** A green car carrier filed and booked for tomorrow 10:00; answers once its workflow waits at the gate. */
  async function bookedTruck() {
    const document = roadExportDeclaration();
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `road-flow-${++filings}`,
      json: document,
    });
    assert.equal(filed.status, 202, JSON.stringify(filed.body));
    const id = String(filed.body.id);
    await reachs(id, 'RISK_ASSESSED');
    const booked = await env.api.put(`/v1/declarations/${id}/slot`, {
      token: broker,
      json: { laneType: 'VEHICLE_CARRIER', startsAt: tenOClockTomorrow() },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    await reachs(id, 'SLOT_BOOKED');
    return { id, document };
  }

  it('clears a green truck: slot, gate, release, exit, closed; each stage with its actor, event time and reason', async () => {
    const { id, document } = await bookedTruck();
    const gateIn = {
      eventType: 'TRUCK_GATED_IN',
      eventId: `gate-${id}`,
      plate: document.truck.plate,
      gate: 'G3',
      grossWeightKg: 3150,
      occurredAt: '2026-11-21T10:12:00.000+08:00',
    };
    const reported = await env.api.post('/v1/port-events', { token: port, json: gateIn });
    assert.equal(reported.status, 202, JSON.stringify(reported.body));
    assert.deepEqual(reported.body.resumedDeclarations, [id]);
    await reachs(id, 'RELEASED');

    const exit = {
      eventType: 'TRUCK_EXITED',
      eventId: `exit-${id}`,
      plate: document.truck.plate,
      occurredAt: '2026-11-21T11:02:00.000+08:00',
    };
    const exited = await env.api.post('/v1/port-events', { token: port, json: exit });
    assert.equal(exited.status, 202, JSON.stringify(exited.body));
    await reachs(id, 'CLOSED');

    const history = (await env.api.get(`/v1/declarations/${id}`, broker)).body.history as HistoryEntry[];
    assert.deepEqual(
      history.map((entry) => entry.transition),
      [
        'FILE',
        'ASSIGN_RISK_CHANNEL',
        'BOOK_SLOT',
        'CONFIRM_BOOKING',
        'GATE_IN',
        'SECURE_DUTIES',
        'RELEASE',
        'RECORD_EXIT',
        'CLOSE',
      ],
    );
    assert.deepEqual(
      history.map((entry) => entry.status),
      [
        'RECEIVED',
        'RISK_ASSESSED',
        'RISK_ASSESSED',
        'SLOT_BOOKED',
        'GATED_IN',
        'DUTIES_SECURED',
        'RELEASED',
        'EXITED',
        'CLOSED',
      ],
    );
    const entry = (transition: string) => history.find((candidate) => candidate.transition === transition);
    assert.equal(entry('CONFIRM_BOOKING')?.actor.kind, 'broker');
    assert.equal(entry('GATE_IN')?.actor.kind, 'port-operator');
    assert.equal(entry('GATE_IN')?.occurredAt, gateIn.occurredAt);
    assert.equal(entry('GATE_IN')?.details?.declaredGrossMassKg, 3100);
    assert.equal(entry('RECORD_EXIT')?.actor.kind, 'port-operator');
    assert.equal(entry('RECORD_EXIT')?.occurredAt, exit.occurredAt);
    for (const { transition, reason } of history) assert.ok(reason.length > 0, transition);

    // Standard workflows bill per state transition: counted from the execution history, printed, not asserted.
    const road = env.stack.stateMachines.find((machine) => machine.name.endsWith('-road'));
    const executionArn = `${road?.arn.replace(':stateMachine:', ':execution:')}:${id}`;
    const events = (await env.sfn.send(new GetExecutionHistoryCommand({ executionArn }))).events ?? [];
    const entered = events.filter((event) => event.type?.endsWith('StateEntered'));
    console.log(
      `state transitions of a green truck: ${entered.length} (${entered.map((e) => e.stateEnteredEventDetails?.name).join(' → ')}); target ≤ 10`,
    );
    assert.ok(
      events.some((event) => event.type === 'ExecutionSucceeded'),
      'the execution ends once closed',
    );
  });

  it('holds a truck whose plate is not the booked one, naming both plates; an exit before gate-in is refused', async () => {
    const { id, document } = await bookedTruck();
    const early = await env.api.post('/v1/port-events', {
      token: port,
      json: {
        eventType: 'TRUCK_EXITED',
        eventId: `exit-early-${id}`,
        plate: document.truck.plate,
        declarationId: id,
        occurredAt: new Date().toISOString(),
      },
    });
    assert.equal(early.status, 409, JSON.stringify(early.body));
    assert.equal(await statusOf(id), 'SLOT_BOOKED', 'nothing changed');

    const otherTruck = 'XJ999ZZZ';
    const reported = await env.api.post('/v1/port-events', {
      token: port,
      json: {
        eventType: 'TRUCK_GATED_IN',
        eventId: `gate-wrong-${id}`,
        plate: otherTruck,
        declarationId: id,
        occurredAt: new Date().toISOString(),
      },
    });
    assert.equal(reported.status, 202, JSON.stringify(reported.body));
    await reachs(id, 'HELD');
    const history = (await env.api.get(`/v1/declarations/${id}`, broker)).body.history as HistoryEntry[];
    const hold = history.at(-1);
    assert.equal(hold?.transition, 'HOLD');
    assert.equal(hold?.actor.kind, 'port-operator');
    assert.match(hold?.reason ?? '', new RegExp(`${otherTruck}.*${document.truck.plate}`));
  });

  it('clears a truck that reaches the gate at 22:00 at once, round the clock (see road-daytime for daytime hours)', async () => {
    const day = localTimeOf(new Date(Date.now() - 3 * 24 * 3_600_000), ZONE).date;
    const arrivesAt = `${day}T22:00:00+08:00`;
    const [truck] = await runTrucks(env, slotCalendarFrom({ freightHours: 'ROUND_THE_CLOCK' }), [
      { arrivesAt, channel: 'GREEN' },
    ]);
    assert.equal(truck?.clearanceFrom, arrivesAt, 'cleared from the moment it gated in');
    assert.equal(truck?.releasedAt, arrivesAt);
    assert.equal(truck?.states.includes('WaitForOpening'), false);
  });

  it('refuses a gate-in for a declaration with no slot booked, and changes nothing', async () => {
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `road-flow-${++filings}`,
      json: roadExportDeclaration(),
    });
    const id = String(filed.body.id);
    await reachs(id, 'RISK_ASSESSED');
    const before = (await env.api.get(`/v1/declarations/${id}`, broker)).body.version;
    const reported = await env.api.post('/v1/port-events', {
      token: port,
      json: {
        eventType: 'TRUCK_GATED_IN',
        eventId: `gate-unbooked-${id}`,
        plate: 'XJ000042',
        declarationId: id,
        occurredAt: new Date().toISOString(),
      },
    });
    assert.equal(reported.status, 409, JSON.stringify(reported.body));
    assert.match(JSON.stringify(reported.body), /booked-slot/);
    assert.equal((await env.api.get(`/v1/declarations/${id}`, broker)).body.version, before);
  });
});
