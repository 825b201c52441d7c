import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import {
  bookingStateAt,
  decideSlotBooking,
  decideSlotCancellation,
  laneTypeOf,
  type SlotBooking,
  type SlotDeclaration,
  type SlotRequest,
  slotAvailabilityOf,
} from '#domain/slot-booking.ts';
import { slotCalendarFrom } from '#domain/slot-calendar.ts';
import { railImportDeclaration, roadExportDeclaration, roadImportDeclaration } from '../support/declarations.ts';

const calendar = slotCalendarFrom();
const daytime = slotCalendarFrom({ freightHours: 'DAYTIME' });
const broker = { kind: 'broker', id: 'user-1' } as const;
/** The broker books on the evening of 20 November, Beijing time. */
const now = new Date('2026-11-20T18:00:00+08:00');
const truckImport = roadImportDeclaration();

const declaration = (overrides: Partial<SlotDeclaration> = {}): SlotDeclaration => ({
  id: 'DCL-00000000000000000000000A',
  brokerId: 'BRK-ACME',
  declarationType: 'ROAD_IMPORT',
  status: 'AWAITING_ARRIVAL',
  version: 4,
  facts: { riskChannel: 'GREEN' },
  ...overrides,
});

const freightAt = (startsAt: string): SlotRequest => ({ laneType: 'FREIGHT', startsAt });

function book(
  request: SlotRequest,
  options: {
    document?: DeclarationDocument;
    existing?: SlotBooking;
    at?: Date;
    head?: Partial<SlotDeclaration>;
    calendar?: typeof calendar;
  } = {},
) {
  return decideSlotBooking({
    calendar: options.calendar ?? calendar,
    declaration: declaration(options.head),
    document: options.document ?? truckImport,
    existing: options.existing,
    actor: broker,
    now: options.at ?? now,
    request,
  });
}

function booked(request: SlotRequest, options: Parameters<typeof book>[1] = {}): SlotBooking {
  const decision = book(request, options);
  assert.equal(decision.kind, 'change', JSON.stringify(decision));
  return decision.kind === 'change' ? decision.change.booking : (undefined as never);
}

const rulesOf = (decision: ReturnType<typeof book>) =>
  decision.kind === 'refused' ? decision.violations.map((v) => `${v.pointer} ${v.rule}`) : decision.kind;

describe('booking a slot for a road declaration’s truck', () => {
  it('books the hour for the truck the declaration names, with its no-show deadline an hour’s grace after the start', () => {
    const decision = book(freightAt('2026-11-21T10:00:00+08:00'));
    assert.equal(decision.kind, 'change');
    if (decision.kind !== 'change') return;
    const { booking, entry, event } = decision.change;
    assert.deepEqual(booking, {
      declarationId: 'DCL-00000000000000000000000A',
      brokerId: 'BRK-ACME',
      laneType: 'FREIGHT',
      startsAt: '2026-11-21T02:00:00.000Z',
      endsAt: '2026-11-21T03:00:00.000Z',
      localDate: '2026-11-21',
      localHour: 10,
      timeZone: 'Asia/Shanghai',
      truck: { plate: '0837KZ01', country: 'KZ' },
      noShowAt: '2026-11-21T03:00:00.000Z',
      bookedAt: now.toISOString(),
      bookedBy: broker,
      revision: 1,
    });
    assert.equal(decision.change.kind, 'BOOK_SLOT');
    assert.equal(decision.change.previous, undefined);
    // A change of the declaration, as an amendment is: the status stays, the version moves on.
    assert.equal(entry.version, 5);
    assert.equal(entry.status, 'AWAITING_ARRIVAL');
    assert.equal(entry.transition, 'BOOK_SLOT');
    assert.deepEqual(entry.actor, broker);
    assert.match(entry.reason, /booked FREIGHT 2026-11-21 10:00–11:00 \(Asia\/Shanghai\) for truck 0837KZ01/);
    assert.deepEqual(entry.details, {
      slot: {
        laneType: 'FREIGHT',
        startsAt: '2026-11-21T10:00:00+08:00',
        timeZone: 'Asia/Shanghai',
        truckPlate: '0837KZ01',
      },
    });
    assert.equal(event.eventId, 'DCL-00000000000000000000000A.v5');
    assert.equal(event.eventType, 'declaration.slot-changed');
  });

  it('takes the hour in any offset: 02:00Z is the same slot as 10:00 Beijing time', () => {
    assert.equal(booked(freightAt('2026-11-21T02:00:00Z')).startsAt, '2026-11-21T02:00:00.000Z');
  });

  it('puts a complete-vehicle export in the vehicle lane and everything else in freight', () => {
    assert.equal(laneTypeOf(roadExportDeclaration()), 'VEHICLE_CARRIER');
    assert.equal(laneTypeOf(roadExportDeclaration({ vehicles: undefined })), 'FREIGHT');
    assert.equal(laneTypeOf(truckImport), 'FREIGHT');
    assert.equal(laneTypeOf(railImportDeclaration()), undefined);
    assert.deepEqual(rulesOf(book({ laneType: 'VEHICLE_CARRIER', startsAt: '2026-11-21T10:00:00+08:00' })), [
      '/laneType lane-type-of-declaration',
    ]);
    const carrier = booked(
      { laneType: 'VEHICLE_CARRIER', startsAt: '2026-11-21T10:00:00+08:00' },
      { document: roadExportDeclaration(), head: { declarationType: 'ROAD_EXPORT' } },
    );
    assert.equal(carrier.laneType, 'VEHICLE_CARRIER');
  });

  it('answers the same booking again with no change (a retried PUT)', () => {
    const first = booked(freightAt('2026-11-21T10:00:00+08:00'));
    const again = book(freightAt('2026-11-21T02:00:00Z'), { existing: first });
    assert.deepEqual(again, { kind: 'unchanged', booking: first });
  });

  it('moves a booking to another hour for the same truck, giving the old hour’s unit back', () => {
    const first = booked(freightAt('2026-11-21T10:00:00+08:00'));
    const decision = book(freightAt('2026-11-21T14:00:00+08:00'), { existing: first, head: { version: 5 } });
    assert.equal(decision.kind, 'change');
    if (decision.kind !== 'change') return;
    assert.equal(decision.change.kind, 'RESCHEDULE_SLOT');
    assert.equal(decision.change.previous, first);
    assert.equal(decision.change.booking.localHour, 14);
    assert.equal(decision.change.booking.revision, 2);
    assert.match(
      decision.change.entry.reason,
      /moved the booking of truck 0837KZ01 from FREIGHT .* 10:00–11:00 .* to FREIGHT .* 14:00–15:00/,
    );
    assert.deepEqual(decision.change.entry.details?.previousSlot, {
      laneType: 'FREIGHT',
      startsAt: '2026-11-21T10:00:00+08:00',
      timeZone: 'Asia/Shanghai',
      truckPlate: '0837KZ01',
    });
  });

  it('never swaps the truck: a declaration amended to another plate must cancel and book again', () => {
    const first = booked(freightAt('2026-11-21T10:00:00+08:00'));
    const otherTruck = roadImportDeclaration({ truck: { plate: '0999KZ01', country: 'KZ' } });
    for (const request of [freightAt('2026-11-21T10:00:00+08:00'), freightAt('2026-11-21T14:00:00+08:00')]) {
      const decision = book(request, { existing: first, document: otherTruck });
      assert.equal(decision.kind, 'conflict');
      assert.equal(decision.kind === 'conflict' && decision.rule, 'same-truck');
      assert.match(decision.kind === 'conflict' ? decision.detail : '', /0837KZ01 .* now names 0999KZ01 .* cancel it/);
    }
  });

  it('refuses an hour that has passed, and the current hour once no truck could still keep it', () => {
    assert.deepEqual(rulesOf(book(freightAt('2026-11-20T10:00:00+08:00'))), ['/startsAt not-in-the-past']);
    // At 18:00 the 17:00 hour has just ended; 18:00 itself can still be kept.
    assert.deepEqual(rulesOf(book(freightAt('2026-11-20T17:00:00+08:00'))), ['/startsAt not-in-the-past']);
    assert.equal(
      book(freightAt('2026-11-20T18:00:00+08:00'), { at: new Date('2026-11-20T18:40:00+08:00') }).kind,
      'change',
    );
    const shortGrace = slotCalendarFrom({ noShowGraceMinutes: '15' });
    assert.deepEqual(
      rulesOf(
        book(freightAt('2026-11-20T18:00:00+08:00'), {
          at: new Date('2026-11-20T18:15:00+08:00'),
          calendar: shortGrace,
        }),
      ),
      ['/startsAt not-in-the-past'],
    );
  });

  it('refuses an instant that is not where an hour of the port’s clock starts', () => {
    assert.deepEqual(rulesOf(book(freightAt('2026-11-21T10:30:00+08:00'))), ['/startsAt on-the-hour']);
    assert.deepEqual(rulesOf(book(freightAt('2026-11-21T10:00:00.5+08:00'))), ['/startsAt on-the-hour']);
  });

  it('in daytime mode refuses an hour outside the freight hours, naming them; round the clock takes 22:00', () => {
    const decision = book(freightAt('2026-11-21T22:00:00+08:00'), { calendar: daytime });
    assert.deepEqual(rulesOf(decision), ['/startsAt within-operating-hours']);
    assert.match(
      decision.kind === 'refused' ? (decision.violations[0]?.detail ?? '') : '',
      /10:00-18:00 \(Asia\/Shanghai\)/,
    );
    assert.deepEqual(rulesOf(book(freightAt('2026-11-21T17:00:00+08:00'), { calendar: daytime })), 'change');
    assert.deepEqual(rulesOf(book(freightAt('2026-11-21T22:00:00+08:00'))), 'change');
  });

  it('names every broken rule at once', () => {
    const decision = book(
      { laneType: 'VEHICLE_CARRIER', startsAt: '2026-11-20T07:00:00+08:00' },
      { calendar: daytime },
    );
    assert.deepEqual(rulesOf(decision), [
      '/laneType lane-type-of-declaration',
      '/startsAt not-in-the-past',
      '/startsAt within-operating-hours',
    ]);
  });

  it('books for road declarations only', () => {
    const decision = book(freightAt('2026-11-21T10:00:00+08:00'), {
      document: railImportDeclaration(),
      head: { declarationType: 'RAIL_IMPORT' },
    });
    assert.deepEqual(rulesOf(decision), ['id road-declaration']);
  });

  it('refuses a declaration that is closed, or whose truck has gated in (409)', () => {
    for (const status of ['CANCELLED', 'REJECTED', 'RELEASED'] as const) {
      const decision = book(freightAt('2026-11-21T10:00:00+08:00'), { head: { status } });
      assert.equal(decision.kind === 'conflict' && decision.rule, 'open-declaration', status);
    }
    for (const head of [{ status: 'ARRIVED' as const }, { facts: { gateIn: { occurredAt: '…' } } }]) {
      const decision = book(freightAt('2026-11-21T10:00:00+08:00'), { head });
      assert.equal(decision.kind === 'conflict' && decision.rule, 'before-gate-in');
    }
  });
});

describe('a no-show', () => {
  const kept = booked(freightAt('2026-11-21T10:00:00+08:00'));

  it('expires once the grace period after the hour’s start has passed, judged at the time given', () => {
    assert.equal(bookingStateAt(kept, new Date('2026-11-21T10:59:59+08:00')), 'BOOKED');
    assert.equal(bookingStateAt(kept, new Date('2026-11-21T11:00:00+08:00')), 'EXPIRED');
  });

  it('is judged by the gate’s business time: a gate-in at 10:50 reported at 11:20 kept the slot', () => {
    const gatedInAt = new Date('2026-11-21T10:50:00+08:00');
    assert.equal(bookingStateAt(kept, gatedInAt), 'BOOKED');
  });

  it('books again: a new hour, the missed one’s unit given back, the no-show in the history', () => {
    const later = new Date('2026-11-21T12:30:00+08:00');
    const decision = book(freightAt('2026-11-21T15:00:00+08:00'), { existing: kept, at: later, head: { version: 5 } });
    assert.equal(decision.kind, 'change');
    if (decision.kind !== 'change') return;
    assert.equal(decision.change.kind, 'BOOK_SLOT');
    assert.equal(decision.change.previous, kept);
    assert.equal(decision.change.entry.details?.previousSlotNoShow, true);
    assert.match(decision.change.entry.reason, /after a no-show at FREIGHT 2026-11-21 10:00–11:00/);
  });

  it('cannot revive the missed hour', () => {
    const later = new Date('2026-11-21T12:30:00+08:00');
    assert.deepEqual(rulesOf(book(freightAt('2026-11-21T10:00:00+08:00'), { existing: kept, at: later })), [
      '/startsAt not-in-the-past',
    ]);
  });

  it('may come back in another truck: an expired booking holds no truck', () => {
    const later = new Date('2026-11-21T12:30:00+08:00');
    const otherTruck = roadImportDeclaration({ truck: { plate: '0999KZ01', country: 'KZ' } });
    const again = booked(freightAt('2026-11-21T15:00:00+08:00'), { existing: kept, at: later, document: otherTruck });
    assert.equal(again.truck.plate, '0999KZ01');
  });
});

describe('cancelling a booking', () => {
  const kept = booked(freightAt('2026-11-21T10:00:00+08:00'));
  const cancel = (
    existing: SlotBooking | undefined,
    head: Partial<SlotDeclaration> = {},
    document: DeclarationDocument = truckImport,
  ) => decideSlotCancellation({ declaration: declaration(head), document, existing, actor: broker, now });

  it('gives the unit back and records the cancellation', () => {
    const decision = cancel(kept);
    assert.equal(decision.kind, 'change');
    if (decision.kind !== 'change') return;
    assert.equal(decision.change.previous, kept);
    assert.equal(decision.change.booking, undefined);
    assert.equal(decision.change.entry.transition, 'CANCEL_SLOT');
    assert.equal(decision.change.event.eventType, 'declaration.slot-changed');
  });

  it('has nothing to do when nothing is booked (a retried DELETE)', () => {
    assert.deepEqual(cancel(undefined), { kind: 'none' });
  });

  it('lets a cancelled declaration give back the slot it left, but not a truck that has gated in', () => {
    assert.equal(cancel(kept, { status: 'CANCELLED' }).kind, 'change');
    const gated = cancel(kept, { status: 'DUTIES_SECURED' });
    assert.equal(gated.kind === 'conflict' && gated.rule, 'before-gate-in');
  });

  it('is for road declarations only', () => {
    const decision = cancel(undefined, { declarationType: 'RAIL_IMPORT' }, railImportDeclaration());
    assert.equal(decision.kind, 'refused');
  });
});

describe('a lane’s day in the calendar', () => {
  it('lists every hour with its capacity, what is booked, and whether it can still be booked now', () => {
    const booked = [{ startsAt: '2026-11-20T02:00:00.000Z', booked: 30 }];
    const day = slotAvailabilityOf(daytime, 'FREIGHT', '2026-11-20', booked, now);
    assert.equal(day.operatingHours, '10:00-18:00');
    assert.equal(day.hours.length, 24);
    const at = (hour: number) => day.hours.find((candidate) => candidate.localHour === hour);
    assert.deepEqual(at(10), {
      startsAt: '2026-11-20T10:00:00+08:00',
      endsAt: '2026-11-20T11:00:00+08:00',
      localHour: 10,
      open: true,
      capacity: 30,
      booked: 30,
      available: 0,
      bookable: false,
    });
    // At 18:00 the day's freight hours are over: 17:00 has ended, 18:00 and later are closed.
    assert.deepEqual(
      day.hours.filter((hour) => hour.bookable).map((hour) => hour.localHour),
      [],
    );
    const tomorrow = slotAvailabilityOf(calendar, 'VEHICLE_CARRIER', '2026-11-21', [], now);
    assert.equal(tomorrow.operatingHours, '00:00-24:00');
    assert.equal(tomorrow.hours.filter((hour) => hour.bookable).length, 24);
  });
});
