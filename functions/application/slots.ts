import { visibilityFor } from '#domain/declaration-types/registry.ts';
import type { RuleViolation } from '#domain/document-parts.ts';
import { VersionConflictError } from '#domain/errors.ts';
import type { Role } from '#domain/roles.ts';
import {
  type BookingState,
  bookingStateAt,
  decideSlotBooking,
  decideSlotCancellation,
  type SlotBooking,
  type SlotChange,
  type SlotConflict,
  type SlotRequest,
  slotAvailabilityOf,
} from '#domain/slot-booking.ts';
import { type LaneType, localHourOf, type SlotCalendar, type SlotHour } from '#domain/slot-calendar.ts';
import type { Caller, Clock, DeclarationRecord, DeclarationStore } from './ports.ts';

/** How many units of one lane's hour are booked. */
export interface BookedHour {
  readonly startsAt: string;
  readonly booked: number;
}

/** The slot calendar's store: bookings beside their declarations, and a counter per lane and hour. */
export interface SlotStore {
  loadBooking(declarationId: string): Promise<SlotBooking | undefined>;
  /**
   * Writes a slot change at once: the declaration's new version, the booking (or its removal), the unit taken from
   * the new hour (never beyond `capacity`) and given back to the old one, the history entry and the outbox event.
   * VersionConflictError if the declaration or its booking moved since they were read; SlotFullError if the hour
   * has no unit left; SlotContentionError if a concurrent write to the same items won (try again).
   */
  write(change: SlotChange, capacity: number): Promise<void>;
  /** The hours of a lane's local date with any unit booked. */
  bookedHours(laneType: LaneType, localDate: string): Promise<BookedHour[]>;
}

export class SlotFullError extends Error {
  constructor(laneType: LaneType, startsAt: string) {
    super(`${laneType} at ${startsAt} has no unit left`);
    this.name = 'SlotFull';
  }
}

/** Another transaction on the same items was under way (DynamoDB's TransactionConflict): nothing was written. */
export class SlotContentionError extends Error {
  constructor() {
    super('a concurrent slot change touched the same items');
    this.name = 'SlotContention';
  }
}

export interface SlotPorts {
  readonly declarations: Pick<DeclarationStore, 'load' | 'loadDocument'>;
  readonly slots: SlotStore;
  readonly calendar: SlotCalendar;
  readonly clock: Clock;
  /** Waits before another attempt; a test passes one that does not wait. */
  readonly pause?: (milliseconds: number) => Promise<void>;
}

export type BookSlotOutcome =
  /** A new booking (a no-show's booking again included): 201. */
  | { readonly kind: 'booked'; readonly booking: SlotBooking }
  | { readonly kind: 'rescheduled' | 'unchanged'; readonly booking: SlotBooking }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'refused'; readonly violations: readonly RuleViolation[] }
  | SlotConflict
  | { readonly kind: 'full'; readonly laneType: LaneType; readonly hour: SlotHour; readonly capacity: number };

export type CancelSlotOutcome =
  | { readonly kind: 'cancelled' | 'none' }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'refused'; readonly violations: readonly RuleViolation[] }
  | SlotConflict;

/**
 * Concurrent writers are expected here: many brokers racing for an hour's last units (DynamoDB cancels all but one
 * of the transactions touching its counter at once), and the declaration's own workflow moving its version. Each
 * round reads again and decides again; the counter's condition decides who gets a unit, never this loop.
 */
const MAX_ATTEMPTS = 8;

const defaultPause = (milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds));

/** Full jitter on a doubling ceiling (20, 40, 80… ms, at most 640 ms), so racing retries spread out. */
function backoff(attempt: number): number {
  return Math.floor(Math.random() * 20 * 2 ** Math.min(attempt, 5));
}

/** The owner's declaration and its current document; undefined for anyone else (for them it does not exist). */
async function ownDeclaration(ports: Pick<SlotPorts, 'declarations'>, caller: Caller, id: string) {
  const record = await ports.declarations.load(id);
  if (record === undefined || caller.brokerId === undefined || record.brokerId !== caller.brokerId) return undefined;
  const document = await ports.declarations.loadDocument(record.id, record.documentVersion);
  return document === undefined ? undefined : { record, document };
}

/**
 * Writes a decided change, deciding again after a lost race; `decide` answers a final outcome or a change to write.
 * Full hours are the store's to tell, as they are decided by the write's own condition.
 */
async function changeWithRetries<T>(
  ports: Pick<SlotPorts, 'slots' | 'pause'>,
  decide: () => Promise<{ readonly outcome: T } | { readonly change: SlotChange; readonly written: T }>,
  full: { readonly capacityOf: (change: SlotChange) => number; readonly outcome: (change: SlotChange) => T },
): Promise<T> {
  const pause = ports.pause ?? defaultPause;
  for (let attempt = 1; ; attempt++) {
    const decided = await decide();
    if ('outcome' in decided) return decided.outcome;
    const { change } = decided;
    try {
      await ports.slots.write(change, full.capacityOf(change));
      return decided.written;
    } catch (error) {
      if (error instanceof SlotFullError) return full.outcome(change);
      const raced = error instanceof VersionConflictError || error instanceof SlotContentionError;
      if (!raced || attempt >= MAX_ATTEMPTS) throw error;
      await pause(backoff(attempt));
    }
  }
}

/** The broker books a slot for its road declaration's truck, or moves the booking to another hour (PUT). */
export async function bookSlot(
  ports: SlotPorts,
  input: { readonly caller: Caller; readonly id: string; readonly request: SlotRequest },
): Promise<BookSlotOutcome> {
  return changeWithRetries<BookSlotOutcome>(
    ports,
    async () => {
      const own = await ownDeclaration(ports, input.caller, input.id);
      if (own === undefined) return { outcome: { kind: 'not-found' } };
      const decision = decideSlotBooking({
        calendar: ports.calendar,
        declaration: own.record,
        document: own.document,
        existing: await ports.slots.loadBooking(own.record.id),
        actor: input.caller.actor,
        now: ports.clock(),
        request: input.request,
      });
      if (decision.kind !== 'change') return { outcome: decision };
      const { change } = decision;
      const kind = change.kind === 'RESCHEDULE_SLOT' ? 'rescheduled' : 'booked';
      return { change, written: { kind, booking: change.booking } };
    },
    {
      capacityOf: (change) =>
        change.booking === undefined ? 0 : ports.calendar.capacityPerHour[change.booking.laneType],
      outcome: (change) => {
        const booking = change.booking as SlotBooking;
        return {
          kind: 'full',
          laneType: booking.laneType,
          hour: localHourOf(new Date(booking.startsAt), booking.timeZone),
          capacity: ports.calendar.capacityPerHour[booking.laneType],
        };
      },
    },
  );
}

/** The broker cancels its declaration's booking, giving its unit back (DELETE); nothing booked is no error. */
export async function cancelSlotBooking(
  ports: Omit<SlotPorts, 'calendar'>,
  input: { readonly caller: Caller; readonly id: string },
): Promise<CancelSlotOutcome> {
  return changeWithRetries<CancelSlotOutcome>(
    ports,
    async () => {
      const own = await ownDeclaration(ports, input.caller, input.id);
      if (own === undefined) return { outcome: { kind: 'not-found' } };
      const decision = decideSlotCancellation({
        declaration: own.record,
        document: own.document,
        existing: await ports.slots.loadBooking(own.record.id),
        actor: input.caller.actor,
        now: ports.clock(),
      });
      return decision.kind === 'change'
        ? { change: decision.change, written: { kind: 'cancelled' } }
        : { outcome: decision };
    },
    {
      // Cancelling takes no unit: it cannot find an hour full.
      capacityOf: () => 0,
      outcome: () => {
        throw new Error('a cancellation found an hour full');
      },
    },
  );
}

/** A booking as a caller may read it, with its state now; the port operator and officers read any road truck's. */
export async function readSlotBooking(
  ports: Pick<SlotPorts, 'declarations' | 'slots' | 'clock'>,
  input: { readonly caller: Caller; readonly id: string },
): Promise<{ readonly booking: SlotBooking; readonly state: BookingState; readonly full: boolean } | undefined> {
  const record: DeclarationRecord | undefined = await ports.declarations.load(input.id);
  if (record === undefined) return undefined;
  const role = input.caller.actor.kind as Role;
  const visibility = visibilityFor(record.declarationType, role, record.brokerId === input.caller.brokerId);
  if (visibility === 'none') return undefined;
  const booking = await ports.slots.loadBooking(record.id);
  if (booking === undefined) return undefined;
  return { booking, state: bookingStateAt(booking, ports.clock()), full: visibility === 'full' };
}

/** One lane's hours of a local date: open or not, capacity, booked, and whether they can be booked now. */
export async function readSlotAvailability(
  ports: Pick<SlotPorts, 'slots' | 'calendar' | 'clock'>,
  input: { readonly laneType: LaneType; readonly date: string },
) {
  const booked = await ports.slots.bookedHours(input.laneType, input.date);
  return slotAvailabilityOf(ports.calendar, input.laneType, input.date, booked, ports.clock());
}
