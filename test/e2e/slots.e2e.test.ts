import './lambda-concurrency.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDbDeclarationStore } from '#adapters/dynamodb-declaration-store.ts';
import { dynamoDbSlotStore } from '#adapters/dynamodb-slot-store.ts';
import { KEYS, SLOT_KEYS } from '#adapters/table-layout.ts';
import { bookSlot } from '#application/slots.ts';
import { hoursOfLocalDate, localIsoOf, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import {
  brokerToken,
  eventually,
  holdsStill,
  officerToken,
  portOperatorToken,
  railImportDeclaration,
  roadExportDeclaration,
  startTestStack,
} from './local-stack-client.ts';

/**
 * The road port's slot calendar on the local stack, in daytime mode (10:00–18:00 Beijing time) with small
 * capacities so that hours fill up: book, move and cancel a truck's hour; many brokers racing for an hour's last
 * unit; a no-show booking again; a truck that cannot be swapped; and every bad request refused with nothing written.
 */
const CALENDAR_CONTEXT = {
  freightHours: 'DAYTIME',
  daytimeFreightHours: '10:00-18:00',
  slotCapacityPerHour: { FREIGHT: 3, VEHICLE_CARRIER: 2 },
  slotNoShowGraceMinutes: 60,
};
const calendar = slotCalendarFrom({
  freightHours: CALENDAR_CONTEXT.freightHours,
  daytimeHours: CALENDAR_CONTEXT.daytimeFreightHours,
  capacityPerHour: JSON.stringify(CALENDAR_CONTEXT.slotCapacityPerHour),
  noShowGraceMinutes: String(CALENDAR_CONTEXT.slotNoShowGraceMinutes),
});
const ZONE = calendar.timeZone;
const BROKER = 'BRK-SLOTS';
const DAY_MS = 24 * 3_600_000;
const localDate = (offsetDays: number) => localTimeOf(new Date(Date.now() + offsetDays * DAY_MS), ZONE).date;
const TOMORROW = localDate(1);
const YESTERDAY = localDate(-1);
/** The instant an hour of a local date starts, as the port's clock writes it: 2026-11-21T10:00:00+08:00. */
function hourOf(date: string, hour: number): string {
  const found = hoursOfLocalDate(date, ZONE).find((candidate) => candidate.localHour === hour);
  assert.ok(found, `${date} has an hour ${hour} in ${ZONE}`);
  return localIsoOf(new Date(found.startsAt), ZONE);
}

let plates = 0;
/** A truck of goods (no vehicles: the FREIGHT lane), with a plate of its own. */
function freightTruck() {
  const { vehicles: _vehicles, ...document } = roadExportDeclaration({
    plate: `SLOT${String(++plates).padStart(4, '0')}`,
  });
  return document;
}

type SlotAnswer = Awaited<ReturnType<Awaited<ReturnType<typeof startTestStack>>['api']['put']>>;

describe('the road port’s slot calendar, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let broker: string;
  let table: string;

  before(async () => {
    env = await startTestStack(CALENDAR_CONTEXT);
    broker = await brokerToken(BROKER);
    table = env.stack.tables.find((name) => name.includes('Declarations')) ?? '';
  });
  after(async () => env?.stop());

  let filings = 0;
  /** Files a road declaration and waits until its workflow waits for the gate: the declaration holds still. */
  async function file(document: unknown, token = broker): Promise<string> {
    const filed = await env.api.post('/v1/declarations', {
      token,
      idempotencyKey: `slots-${++filings}`,
      json: document,
    });
    assert.equal(filed.status, 202, JSON.stringify(filed.body));
    const id = String(filed.body.id);
    await eventually(
      async () => (await env.api.get(`/v1/declarations/${id}`, token)).body.status,
      (status) => holdsStill(String((document as { declarationType?: string }).declarationType), status),
      60_000,
    );
    return id;
  }

  const book = (id: string, laneType: string, startsAt: string, token = broker): Promise<SlotAnswer> =>
    env.api.put(`/v1/declarations/${id}/slot`, { token, json: { laneType, startsAt } });
  const cancel = (id: string, token = broker) => env.api.call('DELETE', `/v1/declarations/${id}/slot`, { token });
  const availability = async (date: string, laneType = 'FREIGHT', token = broker) => {
    const answer = await env.api.get(`/v1/slots?date=${date}&laneType=${laneType}`, token);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as {
      hours: { localHour: number; open: boolean; booked: number; available: number; bookable: boolean }[];
    };
  };
  const bookedAt = async (date: string, hour: number, laneType = 'FREIGHT') =>
    (await availability(date, laneType)).hours.find((candidate) => candidate.localHour === hour)?.booked;
  const historyOf = async (id: string) =>
    (await env.api.get(`/v1/declarations/${id}`, broker)).body.history as {
      transition: string;
      reason: string;
      details?: Record<string, unknown>;
    }[];
  const countUnder = async (partition: string) =>
    (
      await env.dynamodb.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: partition } },
          Select: 'COUNT',
          ConsistentRead: true,
        }),
      )
    ).Count ?? 0;

  it('books a truck’s hour, answers the same booking again unchanged, moves it, cancels it; the calendar counts each unit once', async () => {
    const document = freightTruck();
    const id = await file(document);
    const booked = await book(id, 'FREIGHT', hourOf(TOMORROW, 10));
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    assert.equal(booked.body.startsAt, hourOf(TOMORROW, 10));
    assert.equal(booked.body.state, 'BOOKED');
    assert.equal(booked.body.revision, 1);
    assert.deepEqual(booked.body.truck, document.truck);

    // The same hour again, written in UTC: the same slot, nothing written.
    const again = await book(id, 'FREIGHT', new Date(hourOf(TOMORROW, 10)).toISOString());
    assert.equal(again.status, 200);
    assert.equal(again.body.revision, 1);

    const day = await availability(TOMORROW);
    assert.equal(day.hours.length, 24);
    assert.deepEqual(
      day.hours.filter((hour) => hour.open).map((hour) => hour.localHour),
      [10, 11, 12, 13, 14, 15, 16, 17],
    );
    assert.deepEqual(
      day.hours.find((hour) => hour.localHour === 10),
      { ...day.hours.find((hour) => hour.localHour === 10), booked: 1, available: 2, bookable: true },
    );
    // The port operator reads the calendar too.
    assert.equal(
      (await env.api.get(`/v1/slots?date=${TOMORROW}&laneType=FREIGHT`, await portOperatorToken())).status,
      200,
    );

    const moved = await book(id, 'FREIGHT', hourOf(TOMORROW, 11));
    assert.equal(moved.status, 200);
    assert.equal(moved.body.revision, 2);
    assert.deepEqual([await bookedAt(TOMORROW, 10), await bookedAt(TOMORROW, 11)], [0, 1]);

    // The gate's side: the port operator and officers read the booking (who booked it is the broker's business).
    const atGate = await env.api.get(`/v1/declarations/${id}/slot`, await portOperatorToken());
    assert.equal(atGate.status, 200);
    assert.equal(atGate.body.startsAt, hourOf(TOMORROW, 11));
    assert.equal(atGate.body.bookedBy, undefined);
    assert.equal((await env.api.get(`/v1/declarations/${id}/slot`, await officerToken())).status, 200);

    assert.equal((await cancel(id)).status, 204);
    assert.equal((await cancel(id)).status, 204, 'cancelling again changes nothing');
    assert.equal(await bookedAt(TOMORROW, 11), 0);
    assert.equal((await env.api.get(`/v1/declarations/${id}/slot`, broker)).status, 404);

    // Each change is the declaration's: in its history, and an event to the broker.
    const history = await historyOf(id);
    assert.deepEqual(
      history.filter((entry) => entry.transition.endsWith('_SLOT')).map((entry) => entry.transition),
      ['BOOK_SLOT', 'RESCHEDULE_SLOT', 'CANCEL_SLOT'],
    );
    const events = await eventually(
      async () =>
        (
          (await env.api.get('/v1/events?limit=100', broker)).body.items as {
            eventType: string;
            declarationId: string;
          }[]
        ).filter((event) => event.declarationId === id && event.eventType === 'declaration.slot-changed'),
      (slotEvents) => slotEvents.length === 3,
      30_000,
    );
    assert.equal(events.length, 3);
  });

  it('books a complete-vehicle export in the vehicle lane', async () => {
    const id = await file(roadExportDeclaration({ plate: 'SLOTCARS01' }));
    const booked = await book(id, 'VEHICLE_CARRIER', hourOf(TOMORROW, 12));
    assert.equal(booked.status, 201, JSON.stringify(booked.body));
    assert.equal(await bookedAt(TOMORROW, 12, 'VEHICLE_CARRIER'), 1);
    assert.equal(await bookedAt(TOMORROW, 12, 'FREIGHT'), 0);
  });

  it('never oversells: of many bookings racing for an hour’s last unit exactly one wins, the others get 409 naming the hour', async () => {
    const racers = 8;
    const ids = await Promise.all(Array.from({ length: 2 + racers }, () => file(freightTruck())));
    const hour = hourOf(TOMORROW, 14);
    for (const id of ids.slice(0, 2)) assert.equal((await book(id, 'FREIGHT', hour)).status, 201);

    const answers = await Promise.all(ids.slice(2).map((id) => book(id, 'FREIGHT', hour)));

    const statuses = answers.map((answer) => answer.status).sort();
    assert.deepEqual(statuses, [201, ...Array.from({ length: racers - 1 }, () => 409)]);
    for (const lost of answers.filter((answer) => answer.status === 409)) {
      assert.equal(lost.body.type, 'urn:preclearance:problem:conflict');
      assert.match(
        String(lost.body.detail),
        new RegExp(`FREIGHT ${TOMORROW} 14:00–15:00 \\(Asia/Shanghai\\) is fully booked`),
      );
      assert.deepEqual(
        lost.body.errors?.map(({ field, rule }) => ({ field, rule })),
        [{ field: '/startsAt', rule: 'slot-capacity' }],
      );
    }
    const day = await availability(TOMORROW);
    assert.deepEqual(
      (({ booked, available, bookable }) => ({ booked, available, bookable }))(
        day.hours.find((candidate) => candidate.localHour === 14) ?? { booked: -1, available: -1, bookable: true },
      ),
      { booked: 3, available: 0, bookable: false },
    );
    // The losers hold nothing and their declarations record nothing.
    const losers = ids.slice(2).filter((_, index) => answers[index]?.status === 409);
    for (const id of losers) {
      assert.equal((await env.api.get(`/v1/declarations/${id}/slot`, broker)).status, 404);
      assert.deepEqual(
        (await historyOf(id)).filter((entry) => entry.transition.endsWith('_SLOT')),
        [],
      );
    }
  });

  it('a no-show’s booking expires after the grace period, judged against the clock, and the truck books again', async () => {
    const id = await file(freightTruck());
    // Yesterday at 09:30 the broker booked yesterday's 10:00 (the use case itself, with yesterday's clock).
    const documents = DynamoDBDocumentClient.from(env.dynamodb, { marshallOptions: { removeUndefinedValues: true } });
    const yesterdayMorning = new Date(Date.parse(hourOf(YESTERDAY, 10)) - 30 * 60_000);
    const earlier = await bookSlot(
      {
        declarations: dynamoDbDeclarationStore(documents, table),
        slots: dynamoDbSlotStore(documents, table),
        calendar,
        clock: () => yesterdayMorning,
      },
      {
        caller: { actor: { kind: 'broker', id: 'yesterday' }, roles: new Set(['broker']), brokerId: BROKER },
        id,
        request: { laneType: 'FREIGHT', startsAt: hourOf(YESTERDAY, 10) },
      },
    );
    assert.equal(earlier.kind, 'booked');
    assert.equal(await bookedAt(YESTERDAY, 10), 1);

    // The truck never came: by now the booking is a no-show.
    const read = await env.api.get(`/v1/declarations/${id}/slot`, broker);
    assert.equal(read.status, 200);
    assert.equal(read.body.state, 'EXPIRED');
    assert.equal(read.body.noShowAt, hourOf(YESTERDAY, 11));

    const revived = await book(id, 'FREIGHT', hourOf(YESTERDAY, 10));
    assert.equal(revived.status, 422, 'the missed hour cannot be booked again');
    assert.deepEqual(
      revived.body.errors?.map(({ field, rule }) => ({ field, rule })),
      [{ field: '/startsAt', rule: 'not-in-the-past' }],
    );

    const rebooked = await book(id, 'FREIGHT', hourOf(TOMORROW, 15));
    assert.equal(rebooked.status, 201, JSON.stringify(rebooked.body));
    assert.equal(rebooked.body.state, 'BOOKED');
    assert.deepEqual(
      [await bookedAt(YESTERDAY, 10), await bookedAt(TOMORROW, 15)],
      [0, 1],
      'the missed unit given back',
    );
    const bookings = (await historyOf(id)).filter((entry) => entry.transition === 'BOOK_SLOT');
    assert.equal(bookings.length, 2);
    assert.equal(bookings[1]?.details?.previousSlotNoShow, true);
    assert.match(String(bookings[1]?.reason), /after a no-show/);
  });

  it('never swaps the truck: once the declaration names another plate, the broker cancels and books again', async () => {
    const document = freightTruck();
    const id = await file(document);
    assert.equal((await book(id, 'FREIGHT', hourOf(TOMORROW, 16))).status, 201);
    const otherPlate = { ...document, truck: { ...document.truck, plate: 'SLOTSWAP01' } };
    const amended = await env.api.put(`/v1/declarations/${id}/document`, {
      token: broker,
      ifMatch: '"1"',
      json: otherPlate,
    });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));

    for (const hour of [16, 17]) {
      const refused = await book(id, 'FREIGHT', hourOf(TOMORROW, hour));
      assert.equal(refused.status, 409);
      assert.deepEqual(
        refused.body.errors?.map(({ field, rule }) => ({ field, rule })),
        [{ field: 'id', rule: 'same-truck' }],
      );
      assert.match(
        String(refused.body.detail),
        new RegExp(`truck ${document.truck.plate} .* now names SLOTSWAP01 .* cancel it`),
      );
    }
    assert.equal((await cancel(id)).status, 204);
    const rebooked = await book(id, 'FREIGHT', hourOf(TOMORROW, 16));
    assert.equal(rebooked.status, 201);
    assert.deepEqual(rebooked.body.truck, { plate: 'SLOTSWAP01', country: 'CN' });
  });

  it('refuses bad requests naming the field and the rule, and writes nothing', async () => {
    const truck = await file(freightTruck());
    const rail = await file(railImportDeclaration());
    const othersTruck = await file(freightTruck(), await brokerToken('BRK-OTHER-SLOTS'));
    const cancelled = await file(freightTruck());
    const cancelling = await env.api.post(`/v1/declarations/${cancelled}/cancel`, {
      token: broker,
      json: { reason: 'the truck broke down' },
    });
    assert.equal(cancelling.status, 200);

    const partitions = [
      ...[truck, rail, othersTruck, cancelled].map((id) => KEYS.declaration(id).PK),
      ...[TOMORROW, YESTERDAY].flatMap((date) =>
        ['FREIGHT', 'VEHICLE_CARRIER'].map((lane) => SLOT_KEYS.hoursOf(lane, date)),
      ),
    ];
    const itemsBefore = await Promise.all(partitions.map(countUnder));

    const refusals: [string, Promise<SlotAnswer>, number, string, string][] = [
      ['an unknown lane type', book(truck, 'BUS', hourOf(TOMORROW, 10)), 422, '/laneType', 'enum'],
      [
        '22:00 in daytime mode',
        book(truck, 'FREIGHT', hourOf(TOMORROW, 22)),
        422,
        '/startsAt',
        'within-operating-hours',
      ],
      ['an hour in the past', book(truck, 'FREIGHT', hourOf(YESTERDAY, 12)), 422, '/startsAt', 'not-in-the-past'],
      ['half past ten', book(truck, 'FREIGHT', `${TOMORROW}T10:30:00+08:00`), 422, '/startsAt', 'on-the-hour'],
      [
        'a freight truck in the vehicle lane',
        book(truck, 'VEHICLE_CARRIER', hourOf(TOMORROW, 10)),
        422,
        '/laneType',
        'lane-type-of-declaration',
      ],
      ['a rail declaration', book(rail, 'FREIGHT', hourOf(TOMORROW, 10)), 422, 'id', 'road-declaration'],
      ['a cancelled declaration', book(cancelled, 'FREIGHT', hourOf(TOMORROW, 10)), 409, 'id', 'open-declaration'],
      ['not a date-time', book(truck, 'FREIGHT', 'tomorrow at ten'), 422, '/startsAt', 'date-time'],
    ];
    for (const [what, answer, status, field, rule] of refusals) {
      const { status: got, body } = await answer;
      assert.equal(got, status, `${what}: ${JSON.stringify(body)}`);
      assert.ok(
        body.errors?.some((error) => error.field === field && error.rule === rule),
        `${what} names ${field} ${rule}: ${JSON.stringify(body.errors)}`,
      );
    }
    const notYours = await book(othersTruck, 'FREIGHT', hourOf(TOMORROW, 10));
    assert.equal(notYours.status, 404, 'another broker’s declaration does not exist for this one');
    assert.equal((await cancel(othersTruck)).status, 404);
    assert.equal((await env.api.get(`/v1/declarations/${othersTruck}/slot`, broker)).status, 404);

    for (const [query, field, rule] of [
      [`date=${TOMORROW}&laneType=BUS`, 'laneType', 'enum'],
      ['laneType=FREIGHT', 'date', 'required'],
      ['date=2026-02-30&laneType=FREIGHT', 'date', 'date'],
    ] as const) {
      const answer = await env.api.get(`/v1/slots?${query}`, broker);
      assert.equal(answer.status, 400, query);
      assert.ok(
        answer.body.errors?.some((error) => error.field === field && error.rule === rule),
        `${query}: ${JSON.stringify(answer.body.errors)}`,
      );
    }

    assert.deepEqual(await Promise.all(partitions.map(countUnder)), itemsBefore, 'nothing written');
  });
});
