import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeclarationRecord } from '#application/ports.ts';
import {
  bookSlot,
  cancelSlotBooking,
  readSlotAvailability,
  readSlotBooking,
  SlotContentionError,
  SlotFullError,
  type SlotStore,
} from '#application/slots.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { VersionConflictError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { SlotBooking, SlotChange } from '#domain/slot-booking.ts';
import { slotCalendarFrom } from '#domain/slot-calendar.ts';
import { roadImportDeclaration } from '../support/declarations.ts';
import { brokerCaller, callerAs } from '../support/fake-ports.ts';

/**
 * The slot use cases against a hand-written store that keeps the DynamoDB store's contract: a change is written
 * whole or not at all, guarded by the declaration's version and the booking's revision, and takes an hour's unit
 * only while one is left. Interference (a workflow step, a racing transaction) is scripted.
 */
const BROKER = 'BRK-ACME';
const ID = 'DCL-00000000000000000000000A';
const TEN = '2026-11-21T10:00:00+08:00';
const now = new Date('2026-11-20T18:00:00+08:00');

function scenario(options: { capacity?: number; interference?: ('workflow-step' | 'contention')[] } = {}) {
  const calendar = slotCalendarFrom({ capacityPerHour: JSON.stringify({ FREIGHT: options.capacity ?? 2 }) });
  let record: DeclarationRecord = {
    id: ID,
    brokerId: BROKER,
    declarationType: 'ROAD_IMPORT',
    status: 'AWAITING_ARRIVAL',
    version: 3,
    documentVersion: 1,
    declarationNumber: '650120261000000001',
    filedAt: '2026-11-20T08:00:00Z',
    updatedAt: '2026-11-20T08:00:00Z',
    facts: {},
  };
  const document: DeclarationDocument = roadImportDeclaration();
  let booking: SlotBooking | undefined;
  const counters = new Map<string, number>();
  const events: DomainEvent[] = [];
  const interference = [...(options.interference ?? [])];
  let writes = 0;
  const slots: SlotStore = {
    async loadBooking(id) {
      return id === ID ? booking : undefined;
    },
    async write(change: SlotChange, capacity: number) {
      writes++;
      const next = interference.shift();
      if (next === 'contention') throw new SlotContentionError();
      // A workflow step records a status change between the use case's read and its write.
      if (next === 'workflow-step') record = { ...record, version: record.version + 1 };
      if (record.version !== change.declaration.version) throw new VersionConflictError(ID, change.declaration.version);
      if (booking?.revision !== change.previous?.revision) throw new VersionConflictError(ID, record.version);
      const taken = change.booking === undefined ? undefined : (counters.get(change.booking.startsAt) ?? 0);
      if (change.booking !== undefined && (taken ?? 0) >= capacity) {
        throw new SlotFullError(change.booking.laneType, change.booking.startsAt);
      }
      if (change.previous !== undefined) {
        counters.set(change.previous.startsAt, (counters.get(change.previous.startsAt) ?? 0) - 1);
      }
      if (change.booking !== undefined) counters.set(change.booking.startsAt, (taken ?? 0) + 1);
      booking = change.booking;
      record = { ...record, version: change.entry.version };
      events.push(change.event);
    },
    async bookedHours() {
      return [...counters].map(([startsAt, booked]) => ({ startsAt, booked }));
    },
  };
  const pauses: number[] = [];
  const ports = {
    declarations: {
      load: async (id: string) => (id === ID ? record : undefined),
      loadDocument: async (id: string) => (id === ID ? document : undefined),
    },
    slots,
    calendar,
    clock: () => now,
    pause: async (milliseconds: number) => {
      pauses.push(milliseconds);
    },
  };
  return {
    ports,
    events,
    pauses,
    writes: () => writes,
    record: () => record,
    counters,
    fillHour: (startsAt: string, units: number) => counters.set(new Date(startsAt).toISOString(), units),
  };
}

const request = { laneType: 'FREIGHT', startsAt: TEN } as const;

describe('booking a slot, as the use case sees the store', () => {
  it('decides again when a workflow step moved the declaration first, and writes the booking once', async () => {
    const { ports, events, record } = scenario({ interference: ['workflow-step'] });
    const outcome = await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    assert.equal(outcome.kind, 'booked');
    assert.deepEqual(
      events.map((event) => [event.eventType, event.version]),
      [['declaration.slot-changed', 5]],
      'decided on version 4, the step’s, and written as version 5',
    );
    assert.equal(record().version, 5);
  });

  it('tries again after a pause when DynamoDB cancelled the transaction for a concurrent one', async () => {
    const { ports, events, pauses } = scenario({ interference: ['contention', 'contention'] });
    const outcome = await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    assert.equal(outcome.kind, 'booked');
    assert.equal(events.length, 1);
    assert.equal(pauses.length, 2);
  });

  it('answers a full hour with the hour and its capacity, and writes nothing', async () => {
    const { ports, events, fillHour } = scenario({ capacity: 2 });
    fillHour(TEN, 2);
    const outcome = await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    assert.equal(outcome.kind, 'full');
    if (outcome.kind !== 'full') return;
    assert.equal(outcome.capacity, 2);
    assert.equal(outcome.hour.localHour, 10);
    assert.equal(outcome.hour.localDate, '2026-11-21');
    assert.deepEqual(events, []);
  });

  it('gives the old hour’s unit back when the booking moves, and answers the same booking again unchanged', async () => {
    const { ports, counters, writes } = scenario();
    await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    const moved = await bookSlot(ports, {
      caller: brokerCaller(BROKER),
      id: ID,
      request: { laneType: 'FREIGHT', startsAt: '2026-11-21T11:00:00+08:00' },
    });
    assert.equal(moved.kind, 'rescheduled');
    assert.deepEqual(Object.fromEntries(counters), { '2026-11-21T02:00:00.000Z': 0, '2026-11-21T03:00:00.000Z': 1 });
    const again = await bookSlot(ports, {
      caller: brokerCaller(BROKER),
      id: ID,
      request: { laneType: 'FREIGHT', startsAt: '2026-11-21T03:00:00Z' },
    });
    assert.equal(again.kind, 'unchanged');
    assert.equal(writes(), 2);
  });

  it('keeps the booking where it was when the hour it would move to is full', async () => {
    const { ports, counters, fillHour } = scenario({ capacity: 2 });
    await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    fillHour('2026-11-21T11:00:00+08:00', 2);
    const outcome = await bookSlot(ports, {
      caller: brokerCaller(BROKER),
      id: ID,
      request: { laneType: 'FREIGHT', startsAt: '2026-11-21T11:00:00+08:00' },
    });
    assert.equal(outcome.kind, 'full');
    assert.equal((await readSlotBooking(ports, { caller: brokerCaller(BROKER), id: ID }))?.booking.localHour, 10);
    assert.deepEqual(Object.fromEntries(counters), { '2026-11-21T02:00:00.000Z': 1, '2026-11-21T03:00:00.000Z': 2 });
  });

  it('treats another broker’s declaration as one that does not exist', async () => {
    const { ports, writes } = scenario();
    assert.deepEqual(await bookSlot(ports, { caller: brokerCaller('BRK-OTHER'), id: ID, request }), {
      kind: 'not-found',
    });
    assert.deepEqual(await cancelSlotBooking(ports, { caller: brokerCaller('BRK-OTHER'), id: ID }), {
      kind: 'not-found',
    });
    assert.equal(writes(), 0);
  });
});

describe('reading a booking and the calendar', () => {
  it('shows the booking to its broker, the port operator and officers; to another broker and the railway it does not exist', async () => {
    const { ports } = scenario();
    await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    assert.equal((await readSlotBooking(ports, { caller: brokerCaller(BROKER), id: ID }))?.full, true);
    assert.equal((await readSlotBooking(ports, { caller: callerAs('port-operator'), id: ID }))?.full, false);
    assert.equal((await readSlotBooking(ports, { caller: callerAs('officer'), id: ID }))?.full, true);
    assert.equal(await readSlotBooking(ports, { caller: brokerCaller('BRK-OTHER'), id: ID }), undefined);
    assert.equal(await readSlotBooking(ports, { caller: callerAs('railway'), id: ID }), undefined);
  });

  it('counts the booked unit in its lane’s day', async () => {
    const { ports } = scenario();
    await bookSlot(ports, { caller: brokerCaller(BROKER), id: ID, request });
    const day = await readSlotAvailability(ports, { laneType: 'FREIGHT', date: '2026-11-21' });
    const ten = day.hours.find((hour) => hour.localHour === 10);
    assert.deepEqual(
      { booked: ten?.booked, available: ten?.available, bookable: ten?.bookable },
      { booked: 1, available: 1, bookable: true },
    );
  });
});
