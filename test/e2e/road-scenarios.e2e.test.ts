import './lambda-concurrency.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDeclarationStore } from '#adapters/dynamodb-declaration-store.ts';
import { dynamoDbSlotStore } from '#adapters/dynamodb-slot-store.ts';
import { bookSlot } from '#application/slots.ts';
import { declarationIdFor } from '#domain/declaration.ts';
import { vinCheckCharacter } from '#domain/identifiers.ts';
import { hoursOfLocalDate, localIsoOf, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import {
  type ApiAnswer,
  brokerToken,
  eventually,
  portOperatorToken,
  roadExportDeclaration,
  startTestStack,
  tomorrowAtTen,
} from './local-stack-client.ts';
import { startReceiver } from './webhook-receiver.ts';

/**
 * The highway flow's harder cases on the local stack (issue 7), on one stack with the default calendar (round the
 * clock, a no-show 60 minutes after the hour starts): a car carrier whose VINs break the check-digit rule, bad
 * filings and gate reports refused with nothing written, a no-show truck that books again and is let through, and
 * a broker told of every status change of a truck from filing to closing. The slot requests' own bad cases (an
 * hour off the hour, an unknown lane, an hour outside daytime freight hours) are in slots.e2e.test.ts.
 */
const calendar = slotCalendarFrom();
const ZONE = calendar.timeZone;
const DAY_MS = 24 * 3_600_000;
const localDate = (offsetDays: number) => localTimeOf(new Date(Date.now() + offsetDays * DAY_MS), ZONE).date;
function hourOf(date: string, hour: number): string {
  const found = hoursOfLocalDate(date, ZONE).find((candidate) => candidate.localHour === hour);
  assert.ok(found, `${date} has an hour ${hour} in ${ZONE}`);
  return localIsoOf(new Date(found.startsAt), ZONE);
}

/** Eight VINs of one maker, each with its check character (position 9) unless `wrongAt` names the one without. */
function carCarrierVins(worldManufacturer: string, wrongAt?: number): string[] {
  return Array.from({ length: 8 }, (_, index) => {
    // Maker, vehicle descriptor, check character (weighed 0), model year, plant, serial.
    const unchecked = `${worldManufacturer}A52U00SX${String(110_000 + index).padStart(6, '0')}`;
    const check = vinCheckCharacter(unchecked);
    const carried = index === wrongAt ? (check === '1' ? '2' : '1') : check;
    return `${unchecked.slice(0, 8)}${carried}${unchecked.slice(9)}`;
  });
}
const carCarrier = (vins: readonly string[]) => ({
  ...roadExportDeclaration(),
  goods: [
    {
      hsCode: '870323',
      description: 'Passenger cars',
      value: { amount: 8 * 26_000, currency: 'USD' },
      grossMassKg: 8 * 1_450,
    },
  ],
  vehicles: vins.map((vin) => ({ vin })),
});

interface HistoryEntry {
  readonly version: number;
  readonly status: string;
  readonly transition: string;
  readonly actor: { readonly kind: string; readonly id: string };
  readonly occurredAt: string;
  readonly reason: string;
  readonly details?: Record<string, unknown>;
}

const namesFieldAndRule = (answer: ApiAnswer, field: string, rule: string) =>
  answer.body.errors?.some((error) => error.field === field && error.rule === rule) ?? false;

describe('the highway flow’s harder cases, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let port: string;

  before(async () => {
    env = await startTestStack();
    port = await portOperatorToken();
  });
  after(async () => env?.stop());

  const read = async (id: string, token: string) => {
    const answer = await env.api.get(`/v1/declarations/${id}`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as { status: string; version: number; history: HistoryEntry[] };
  };
  const reaches = (id: string, token: string, wanted: string) =>
    eventually(
      async () => (await read(id, token)).status,
      (status) => status === wanted,
      60_000,
    );
  /** What a refused request must leave as it was: the declaration's status, version and history. */
  const stateOf = async (id: string, token: string) => {
    const { status, version, history } = await read(id, token);
    return { status, version, historyLength: history.length };
  };
  const bookedAt = async (token: string, date: string, hour: number) => {
    const answer = await env.api.get(`/v1/slots?date=${date}&laneType=VEHICLE_CARRIER`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return (answer.body.hours as { localHour: number; booked: number }[]).find((h) => h.localHour === hour)?.booked;
  };
  let filings = 0;
  const file = async (token: string, document: unknown) => {
    const filed = await env.api.post('/v1/declarations', {
      token,
      idempotencyKey: `road-scenario-${++filings}`,
      json: document,
    });
    assert.equal(filed.status, 202, JSON.stringify(filed.body));
    return String(filed.body.id);
  };
  const bookTomorrowAtTen = async (id: string, token: string) => {
    const booked = await env.api.put(`/v1/declarations/${id}/slot`, {
      token,
      json: { laneType: 'VEHICLE_CARRIER', startsAt: tomorrowAtTen() },
    });
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    await reaches(id, token, 'SLOT_BOOKED');
  };

  it('refuses a car carrier whose Chinese-made car lacks its GB 16735 check digit, naming the VIN, and keeps nothing', async () => {
    const brokerId = 'BRK-CARS-CN';
    const broker = await brokerToken(brokerId);
    const key = 'car-carrier-cn-1';
    const refused = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: key,
      json: carCarrier(carCarrierVins('LSG', 3)),
    });
    assert.equal(refused.status, 422, JSON.stringify(refused.body));
    assert.equal(refused.contentType, 'application/problem+json');
    assert.deepEqual(
      refused.body.errors?.map(({ field, rule }) => ({ field, rule })),
      [{ field: '/vehicles/3/vin', rule: 'vin-check-digit' }],
    );

    const listed = await env.api.get('/v1/declarations', broker);
    assert.deepEqual(listed.body.items, [], 'nothing filed');
    assert.equal((await env.api.get(`/v1/declarations/${declarationIdFor(brokerId, key)}`, broker)).status, 404);

    const corrected = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: key,
      json: carCarrier(carCarrierVins('LSG')),
    });
    assert.equal(corrected.status, 202, `the key was not used up: ${JSON.stringify(corrected.body)}`);
    assert.equal(corrected.body.id, declarationIdFor(brokerId, key));
  });

  it('accepts a car carrier whose foreign-made car has a wrong check digit, with the warning in the filing’s history', async () => {
    const broker = await brokerToken('BRK-CARS-DE');
    const id = await file(broker, carCarrier(carCarrierVins('WVW', 3)));
    const filing = (await read(id, broker)).history[0];
    assert.equal(filing?.transition, 'FILE');
    assert.deepEqual(
      (filing?.details?.warnings as { pointer: string; rule: string }[] | undefined)?.map(({ pointer, rule }) => ({
        pointer,
        rule,
      })),
      [{ pointer: '/vehicles/3/vin', rule: 'vin-check-digit' }],
    );
  });

  it('refuses a malformed plate and a malformed VIN in a filing, naming each field and its rule', async () => {
    const broker = await brokerToken('BRK-ROAD-TYPOS');
    const document = roadExportDeclaration();
    for (const [key, what, json, field, rule] of [
      [
        'typo-plate',
        'a plate with a dash and lower case',
        { ...document, truck: { plate: 'xj-12ab', country: 'CN' } },
        '/truck/plate',
        'pattern',
      ],
      [
        'typo-vin-o',
        'a VIN with an O',
        { ...document, vehicles: [{ vin: '1M8GDM9AXKPO42788' }] },
        '/vehicles/0/vin',
        'vin',
      ],
      [
        'typo-vin-16',
        'a VIN of 16 characters',
        { ...document, vehicles: [{ vin: '1M8GDM9AXKP04278' }] },
        '/vehicles/0/vin',
        'vin',
      ],
    ] as const) {
      const answer = await env.api.post('/v1/declarations', { token: broker, idempotencyKey: key, json });
      assert.ok(answer.status >= 400 && answer.status < 500, `${what}: ${answer.status}`);
      assert.equal(answer.contentType, 'application/problem+json', what);
      assert.ok(
        namesFieldAndRule(answer, field, rule),
        `${what} names ${field} ${rule}: ${JSON.stringify(answer.body)}`,
      );
    }
    assert.deepEqual((await env.api.get('/v1/declarations', broker)).body.items, [], 'nothing filed');
  });

  it('refuses gate reports for a truck without a booking, an exit before gate-in and an unreadable plate; nothing changes', async () => {
    const broker = await brokerToken('BRK-ROAD-GATE');
    const unbooked = roadExportDeclaration();
    const unbookedId = await file(broker, unbooked);
    await reaches(unbookedId, broker, 'RISK_ASSESSED');
    const booked = roadExportDeclaration();
    const bookedId = await file(broker, booked);
    await reaches(bookedId, broker, 'RISK_ASSESSED');
    await bookTomorrowAtTen(bookedId, broker);
    const tomorrow = localDate(1);
    const before = {
      unbooked: await stateOf(unbookedId, broker),
      booked: await stateOf(bookedId, broker),
      slotsBooked: await bookedAt(broker, tomorrow, 10),
    };

    const now = new Date().toISOString();
    const refusals: [string, Record<string, unknown>, number, string, string][] = [
      [
        'a gate-in of a truck with no booking, by its plate',
        { eventType: 'TRUCK_GATED_IN', eventId: 'gate-unbooked', plate: unbooked.truck.plate, occurredAt: now },
        409,
        '/plate',
        'booked-truck',
      ],
      [
        'an exit of a booked truck that has not gated in, by its plate',
        { eventType: 'TRUCK_EXITED', eventId: 'exit-early', plate: booked.truck.plate, occurredAt: now },
        409,
        '/plate',
        'booked-truck',
      ],
      [
        'a plate the reader could not have read',
        { eventType: 'TRUCK_GATED_IN', eventId: 'gate-garbled', plate: 'xj 12?', occurredAt: now },
        422,
        '/plate',
        'pattern',
      ],
    ];
    for (const [what, json, status, field, rule] of refusals) {
      const answer = await env.api.post('/v1/port-events', { token: port, json });
      assert.equal(answer.status, status, `${what}: ${JSON.stringify(answer.body)}`);
      assert.ok(
        namesFieldAndRule(answer, field, rule),
        `${what} names ${field} ${rule}: ${JSON.stringify(answer.body)}`,
      );
    }
    assert.deepEqual(
      {
        unbooked: await stateOf(unbookedId, broker),
        booked: await stateOf(bookedId, broker),
        slotsBooked: await bookedAt(broker, tomorrow, 10),
      },
      before,
    );
  });

  it('turns away a no-show truck at the gate, lets it through once it has booked again', async () => {
    const brokerId = 'BRK-ROAD-LATE';
    const broker = await brokerToken(brokerId);
    const document = roadExportDeclaration();
    const id = await file(broker, document);
    await reaches(id, broker, 'RISK_ASSESSED');
    // Yesterday at 09:30 the broker booked yesterday's 10:00 (the booking use case itself, on yesterday's clock):
    // its no-show deadline, 11:00, passed long before the truck turns up now.
    const yesterday = localDate(-1);
    const documents = DynamoDBDocumentClient.from(env.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const table = env.stack.tables.find((name) => name.includes('Declarations')) ?? '';
    const bookedYesterday = await bookSlot(
      {
        declarations: dynamoDbDeclarationStore(documents, table),
        slots: dynamoDbSlotStore(documents, table),
        calendar,
        clock: () => new Date(Date.parse(hourOf(yesterday, 10)) - 30 * 60_000),
      },
      {
        caller: { actor: { kind: 'broker', id: 'yesterday' }, roles: new Set(['broker']), brokerId },
        id,
        request: { laneType: 'VEHICLE_CARRIER', startsAt: hourOf(yesterday, 10) },
      },
    );
    assert.equal(bookedYesterday.kind, 'booked');
    await reaches(id, broker, 'SLOT_BOOKED');
    assert.equal((await env.api.get(`/v1/declarations/${id}/slot`, broker)).body.state, 'EXPIRED');
    const before = await stateOf(id, broker);

    const gateIn = {
      eventType: 'TRUCK_GATED_IN',
      eventId: `gate-late-${id}`,
      plate: document.truck.plate,
      gate: 'G3',
      occurredAt: new Date().toISOString(),
    };
    const turnedAway = await env.api.post('/v1/port-events', { token: port, json: gateIn });
    assert.equal(turnedAway.status, 409, JSON.stringify(turnedAway.body));
    assert.ok(namesFieldAndRule(turnedAway, '/occurredAt', 'booking-not-expired'), JSON.stringify(turnedAway.body));
    assert.match(String(turnedAway.body.detail), /books a slot again/);
    assert.deepEqual(await stateOf(id, broker), before, 'nothing changed');

    const tomorrow = localDate(1);
    const slotsBefore = [await bookedAt(broker, yesterday, 10), await bookedAt(broker, tomorrow, 10)];
    const rebooked = await env.api.put(`/v1/declarations/${id}/slot`, {
      token: broker,
      json: { laneType: 'VEHICLE_CARRIER', startsAt: tomorrowAtTen() },
    });
    assert.equal(rebooked.status, 201, JSON.stringify(rebooked.body));
    assert.equal(rebooked.body.state, 'BOOKED');
    assert.deepEqual(
      [await bookedAt(broker, yesterday, 10), await bookedAt(broker, tomorrow, 10)],
      [(slotsBefore[0] ?? 0) - 1, (slotsBefore[1] ?? 0) + 1],
      'the missed hour’s unit given back',
    );
    const rebooking = (await read(id, broker)).history.at(-1);
    assert.equal(rebooking?.transition, 'BOOK_SLOT');
    assert.match(rebooking?.reason ?? '', /after a no-show/);

    // The truck waited at the gate while its broker booked again: the gate's same report now lets it through.
    const letThrough = await env.api.post('/v1/port-events', { token: port, json: gateIn });
    assert.equal(letThrough.status, 202, JSON.stringify(letThrough.body));
    assert.deepEqual(letThrough.body.resumedDeclarations, [id]);
    await reaches(id, broker, 'RELEASED');
    const gated = (await read(id, broker)).history.find((entry) => entry.transition === 'GATE_IN');
    assert.equal(gated?.occurredAt, gateIn.occurredAt);
  });

  it('tells the broker’s webhook of every status change of a truck from filing to closing: status, actor, time, reason', async () => {
    const broker = await brokerToken('BRK-ROAD-HOOKS');
    const receiver = await startReceiver();
    try {
      const registered = await env.api.post('/v1/webhooks', {
        token: broker,
        idempotencyKey: 'road-hooks-1',
        json: { url: receiver.url },
      });
      assert.equal(registered.status, 201, JSON.stringify(registered.body));

      const document = roadExportDeclaration();
      const id = await file(broker, document);
      await reaches(id, broker, 'RISK_ASSESSED');
      await bookTomorrowAtTen(id, broker);
      const plate = document.truck.plate;
      const gateIn = { eventType: 'TRUCK_GATED_IN', eventId: `gate-${id}`, plate, grossWeightKg: 3120 };
      const gated = await env.api.post('/v1/port-events', {
        token: port,
        json: { ...gateIn, occurredAt: new Date().toISOString() },
      });
      assert.equal(gated.status, 202, JSON.stringify(gated.body));
      await reaches(id, broker, 'RELEASED');
      const exit = { eventType: 'TRUCK_EXITED', eventId: `exit-${id}`, plate, occurredAt: new Date().toISOString() };
      assert.equal((await env.api.post('/v1/port-events', { token: port, json: exit })).status, 202);
      await reaches(id, broker, 'CLOSED');

      const history = (await read(id, broker)).history;
      const statusChanges = history.filter((entry, index) => entry.status !== history[index - 1]?.status);
      assert.deepEqual(
        statusChanges.map((entry) => entry.status),
        ['RECEIVED', 'RISK_ASSESSED', 'SLOT_BOOKED', 'GATED_IN', 'DUTIES_SECURED', 'RELEASED', 'EXITED', 'CLOSED'],
      );
      const told = (version: number) =>
        receiver.received
          .map((delivery) => JSON.parse(delivery.body) as Record<string, unknown>)
          .find((event) => event.eventId === `${id}.v${version}`);
      await eventually(
        async () => statusChanges.filter((entry) => told(entry.version) === undefined).map((entry) => entry.status),
        (missing) => missing.length === 0,
        30_000,
      );
      for (const entry of statusChanges) {
        const event = told(entry.version);
        assert.equal(event?.eventType, 'declaration.status-changed', entry.status);
        assert.deepEqual(
          {
            status: event?.status,
            transition: event?.transition,
            actor: event?.actor,
            occurredAt: event?.occurredAt,
            reason: event?.reason,
          },
          {
            status: entry.status,
            transition: entry.transition,
            actor: entry.actor,
            occurredAt: entry.occurredAt,
            reason: entry.reason,
          },
          `the notification of ${entry.status}`,
        );
        assert.ok(entry.reason.length > 0, `${entry.status} says why`);
      }
    } finally {
      await receiver.stop();
    }
  });
});
