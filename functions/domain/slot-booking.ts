import type { Actor } from './actors.ts';
import type { DeclarationDocument, DeclarationType } from './declaration-types/registry.ts';
import type { RuleViolation } from './document-parts.ts';
import type { DomainEvent } from './events.ts';
import { type DeclarationStatus, FINAL_STATUSES, type HistoryEntry } from './lifecycle.ts';
import {
  describeHour,
  formatDailyHours,
  hoursOfLocalDate,
  isLocalHourStart,
  isOperatingHour,
  type LaneType,
  localHourOf,
  localIsoOf,
  type SlotCalendar,
  type SlotHour,
} from './slot-calendar.ts';

/**
 * A truck's appointment at the road port (DOMAIN.md, highway step 2): one hour of one lane, for the truck the
 * declaration names. As on the Kazakh side's e-queue, a booking can be moved to another hour or cancelled, but its
 * truck cannot be swapped: a declaration that now names another truck books again. A booking the truck did not
 * keep expires (a no-show) once the grace period after its hour's start has passed, and the truck books again.
 *
 * The booking is recorded beside its declaration, and each change is a change of the declaration: a history entry
 * and a domain event (declaration.slot-changed) in the same transaction, under the declaration's version, so a
 * workflow can wait for a booking as it waits for an amendment, and a broker is notified of it.
 */
export const SLOT_CHANGES = {
  BOOK_SLOT: 'BOOK_SLOT',
  RESCHEDULE_SLOT: 'RESCHEDULE_SLOT',
  CANCEL_SLOT: 'CANCEL_SLOT',
} as const;
export const SLOT_CHANGE_NAMES = Object.values(SLOT_CHANGES);
export type SlotChangeName = (typeof SLOT_CHANGE_NAMES)[number];

export const SLOT_CHANGED_EVENT = 'declaration.slot-changed';

export interface SlotBooking {
  readonly declarationId: string;
  readonly brokerId: string;
  readonly laneType: LaneType;
  /** The hour booked: the instant it starts and ends (UTC), and the port's local date and hour. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly localDate: string;
  readonly localHour: number;
  /** The port's time zone when it was booked. */
  readonly timeZone: string;
  /** The truck the gate will expect: the declaration's truck when it was booked. */
  readonly truck: { readonly plate: string; readonly country: string };
  /** From this instant the booking is a no-show unless the truck has gated in: its start plus the grace period. */
  readonly noShowAt: string;
  readonly bookedAt: string;
  readonly bookedBy: Actor;
  /** 1 when made, one more per change: the guard of every write to it. */
  readonly revision: number;
}

/**
 * BOOKED: the truck is expected; EXPIRED: its grace period has passed (a no-show), and the unit it held is given
 * back when the truck books again or the booking is cancelled.
 *
 * The state is derived from a time, never stored: on a read against the clock, and when the truck reaches the gate
 * against the gate's own business time (the event's occurredAt, so a gate-in reported late still counts as on time).
 * No timer has to fire at the deadline, nothing races it, and a late report cannot turn a kept slot into a no-show.
 */
export type BookingState = 'BOOKED' | 'EXPIRED';

export function bookingStateAt(booking: Pick<SlotBooking, 'noShowAt'>, at: Date): BookingState {
  return at.getTime() >= Date.parse(booking.noShowAt) ? 'EXPIRED' : 'BOOKED';
}

/** The lane a declaration's truck queues in: a complete-vehicle export in the vehicle lane, any other in freight. */
export function laneTypeOf(document: DeclarationDocument): LaneType | undefined {
  if (document.declarationType === 'RAIL_IMPORT') return undefined;
  return document.declarationType === 'ROAD_EXPORT' && (document.vehicles?.length ?? 0) > 0
    ? 'VEHICLE_CARRIER'
    : 'FREIGHT';
}

/** The declaration as a slot decision needs it (its head). */
export interface SlotDeclaration {
  readonly id: string;
  readonly brokerId: string;
  readonly declarationType: DeclarationType;
  readonly status: DeclarationStatus;
  readonly version: number;
  readonly facts: Readonly<Record<string, unknown>>;
}

/** A 409: the request is well formed, but the declaration or its booking does not allow it now. */
export interface SlotConflict {
  readonly kind: 'conflict';
  readonly rule: 'open-declaration' | 'before-gate-in' | 'same-truck';
  readonly detail: string;
}

/** A change to write: the booking (none when cancelled), what it replaces, its history entry and its event. */
export interface SlotChange {
  readonly kind: SlotChangeName;
  readonly declaration: SlotDeclaration;
  readonly booking?: SlotBooking;
  /** The booking it replaces or cancels, whose unit of capacity is given back. */
  readonly previous?: SlotBooking;
  readonly entry: HistoryEntry;
  readonly event: DomainEvent;
}

export type SlotBookingDecision =
  | { readonly kind: 'refused'; readonly violations: RuleViolation[] }
  | SlotConflict
  | { readonly kind: 'unchanged'; readonly booking: SlotBooking }
  | { readonly kind: 'change'; readonly change: SlotChange & { readonly booking: SlotBooking } };

export interface SlotRequest {
  readonly laneType: LaneType;
  /** The instant the hour starts (RFC 3339, any offset). */
  readonly startsAt: string;
}

interface SlotContext {
  readonly calendar: SlotCalendar;
  readonly declaration: SlotDeclaration;
  /** The declaration's current document: where the truck comes from. */
  readonly document: DeclarationDocument;
  readonly existing: SlotBooking | undefined;
  readonly actor: Actor;
  readonly now: Date;
}

const ROAD_ONLY = (declaration: SlotDeclaration): RuleViolation => ({
  pointer: 'id',
  rule: 'road-declaration',
  detail: `slots are booked for road declarations (ROAD_EXPORT, ROAD_IMPORT); ${declaration.id} is a ${declaration.declarationType}`,
});

/** Whether a declaration's booking may still change: open, and its truck not yet through the gate. */
function stateConflict(declaration: SlotDeclaration, change: string): SlotConflict | undefined {
  if (declaration.status === 'ARRIVED' || declaration.status === 'DUTIES_SECURED' || 'gateIn' in declaration.facts) {
    return {
      kind: 'conflict',
      rule: 'before-gate-in',
      detail: `the truck of ${declaration.id} has gated in: its booking can no longer ${change}`,
    };
  }
  return undefined;
}

/** Books a slot for the declaration's truck, moves its booking to another hour, or finds it already so. */
export function decideSlotBooking(context: SlotContext & { readonly request: SlotRequest }): SlotBookingDecision {
  const { calendar, declaration, document, existing, request, now } = context;
  if (document.declarationType === 'RAIL_IMPORT') return { kind: 'refused', violations: [ROAD_ONLY(declaration)] };
  if (FINAL_STATUSES.includes(declaration.status)) {
    return {
      kind: 'conflict',
      rule: 'open-declaration',
      detail: `${declaration.id} is ${declaration.status}: a slot is booked for an open declaration only`,
    };
  }
  const gated = stateConflict(declaration, 'change');
  if (gated !== undefined) return gated;
  const truck = { plate: document.truck.plate, country: document.truck.country };
  const live = existing !== undefined && bookingStateAt(existing, now) === 'BOOKED' ? existing : undefined;
  if (live !== undefined && (live.truck.plate !== truck.plate || live.truck.country !== truck.country)) {
    return {
      kind: 'conflict',
      rule: 'same-truck',
      detail: `the booking is for truck ${live.truck.plate} (${live.truck.country}), and the declaration now names ${truck.plate} (${truck.country}): a booking cannot change trucks; cancel it (DELETE) and book again`,
    };
  }
  const startsAt = new Date(request.startsAt);
  if (live !== undefined && live.laneType === request.laneType && Date.parse(live.startsAt) === startsAt.getTime()) {
    return { kind: 'unchanged', booking: live };
  }

  const violations = requestViolations(calendar, document, request, startsAt, now);
  if (violations.length > 0) return { kind: 'refused', violations };

  const hour = localHourOf(startsAt, calendar.timeZone);
  const booking: SlotBooking = {
    declarationId: declaration.id,
    brokerId: declaration.brokerId,
    laneType: request.laneType,
    startsAt: hour.startsAt,
    endsAt: hour.endsAt,
    localDate: hour.localDate,
    localHour: hour.localHour,
    timeZone: calendar.timeZone,
    truck,
    noShowAt: new Date(startsAt.getTime() + calendar.noShowGraceMinutes * 60_000).toISOString(),
    bookedAt: now.toISOString(),
    bookedBy: context.actor,
    revision: (existing?.revision ?? 0) + 1,
  };
  const kind = live === undefined ? SLOT_CHANGES.BOOK_SLOT : SLOT_CHANGES.RESCHEDULE_SLOT;
  const reason =
    existing === undefined
      ? `booked ${describeSlot(booking)} for truck ${truck.plate}`
      : live === undefined
        ? `booked ${describeSlot(booking)} for truck ${truck.plate} after a no-show at ${describeSlot(existing)}`
        : `moved the booking of truck ${truck.plate} from ${describeSlot(existing)} to ${describeSlot(booking)}`;
  const entry = slotEntry(declaration, kind, context.actor, now, reason, {
    slot: slotSummary(booking),
    ...(existing === undefined ? {} : { previousSlot: slotSummary(existing) }),
    ...(existing !== undefined && live === undefined ? { previousSlotNoShow: true } : {}),
  });
  return {
    kind: 'change',
    change: {
      kind,
      declaration,
      booking,
      ...(existing === undefined ? {} : { previous: existing }),
      entry,
      event: slotChanged(declaration, entry),
    },
  };
}

function requestViolations(
  calendar: SlotCalendar,
  document: DeclarationDocument,
  request: SlotRequest,
  startsAt: Date,
  now: Date,
): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const lane = laneTypeOf(document);
  if (lane !== request.laneType) {
    violations.push({
      pointer: '/laneType',
      rule: 'lane-type-of-declaration',
      detail:
        lane === 'VEHICLE_CARRIER'
          ? 'a declaration listing vehicles books the VEHICLE_CARRIER lane'
          : 'a declaration listing no vehicles books the FREIGHT lane',
    });
  }
  if (!isLocalHourStart(startsAt, calendar.timeZone)) {
    violations.push({
      pointer: '/startsAt',
      rule: 'on-the-hour',
      detail: `a slot is one hour of the port's clock (${calendar.timeZone}): name the instant it starts, e.g. ${localIsoOf(new Date(localHourOf(startsAt, calendar.timeZone).startsAt), calendar.timeZone)}`,
    });
    return violations;
  }
  const hour = localHourOf(startsAt, calendar.timeZone);
  if (now.getTime() >= bookableUntil(calendar, hour)) {
    violations.push({
      pointer: '/startsAt',
      rule: 'not-in-the-past',
      detail: `the hour ${describeHour(hour, calendar.timeZone)} has passed: book an hour a truck can still keep`,
    });
  }
  if (!isOperatingHour(calendar, hour)) {
    violations.push({
      pointer: '/startsAt',
      rule: 'within-operating-hours',
      detail: `${describeHour(hour, calendar.timeZone)} is outside the freight hours ${formatDailyHours(calendar.daytimeHours)} (${calendar.timeZone}): the port clears freight in daytime only`,
    });
  }
  return violations;
}

/** An hour can be booked while a truck could still keep it: until it ends, or its no-show deadline if earlier. */
function bookableUntil(calendar: SlotCalendar, hour: SlotHour): number {
  return Math.min(Date.parse(hour.endsAt), Date.parse(hour.startsAt) + calendar.noShowGraceMinutes * 60_000);
}

export type SlotCancellationDecision =
  | { readonly kind: 'refused'; readonly violations: RuleViolation[] }
  | SlotConflict
  /** Nothing is booked (any more): nothing to write. */
  | { readonly kind: 'none' }
  | { readonly kind: 'change'; readonly change: SlotChange & { readonly previous: SlotBooking } };

/**
 * Cancels the declaration's booking and gives its unit back, until the truck has gated in. A cancelled or rejected
 * declaration may still cancel the booking it left behind.
 */
export function decideSlotCancellation(context: Omit<SlotContext, 'calendar'>): SlotCancellationDecision {
  const { declaration, document, existing, now } = context;
  if (document.declarationType === 'RAIL_IMPORT') return { kind: 'refused', violations: [ROAD_ONLY(declaration)] };
  if (existing === undefined) return { kind: 'none' };
  const gated = stateConflict(declaration, 'be cancelled');
  if (gated !== undefined) return gated;
  const entry = slotEntry(
    declaration,
    SLOT_CHANGES.CANCEL_SLOT,
    context.actor,
    now,
    `cancelled the booking of ${describeSlot(existing)} for truck ${existing.truck.plate}`,
    {
      previousSlot: slotSummary(existing),
      ...(bookingStateAt(existing, now) === 'EXPIRED' ? { previousSlotNoShow: true } : {}),
    },
  );
  return {
    kind: 'change',
    change: {
      kind: SLOT_CHANGES.CANCEL_SLOT,
      declaration,
      previous: existing,
      entry,
      event: slotChanged(declaration, entry),
    },
  };
}

/** One hour of a lane's day as the calendar shows it. */
export interface HourAvailability {
  /** The hour's start and end on the port's clock, with its offset. */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly localHour: number;
  /** Whether freight is cleared in this hour (always, round the clock). */
  readonly open: boolean;
  readonly capacity: number;
  readonly booked: number;
  readonly available: number;
  /** Whether a booking for it would be taken now: open, not past, a unit left. */
  readonly bookable: boolean;
}

export interface DayAvailability {
  readonly date: string;
  readonly laneType: LaneType;
  readonly timeZone: string;
  readonly freightHours: SlotCalendar['freightHours'];
  /** The freight hours: the configured ones in daytime mode, 00:00-24:00 round the clock. */
  readonly operatingHours: string;
  readonly capacityPerHour: number;
  readonly noShowGraceMinutes: number;
  readonly hours: readonly HourAvailability[];
}

/** A lane's local day: each of its hours with what is booked (the counters read) and what can still be booked now. */
export function slotAvailabilityOf(
  calendar: SlotCalendar,
  laneType: LaneType,
  date: string,
  booked: readonly { readonly startsAt: string; readonly booked: number }[],
  now: Date,
): DayAvailability {
  const bookedAt = new Map(booked.map((hour) => [hour.startsAt, hour.booked]));
  const capacity = calendar.capacityPerHour[laneType];
  return {
    date,
    laneType,
    timeZone: calendar.timeZone,
    freightHours: calendar.freightHours,
    operatingHours: calendar.freightHours === 'DAYTIME' ? formatDailyHours(calendar.daytimeHours) : '00:00-24:00',
    capacityPerHour: capacity,
    noShowGraceMinutes: calendar.noShowGraceMinutes,
    hours: hoursOfLocalDate(date, calendar.timeZone).map((hour) => {
      const open = isOperatingHour(calendar, hour);
      const taken = bookedAt.get(hour.startsAt) ?? 0;
      const available = Math.max(0, capacity - taken);
      return {
        startsAt: localIsoOf(new Date(hour.startsAt), calendar.timeZone),
        endsAt: localIsoOf(new Date(hour.endsAt), calendar.timeZone),
        localHour: hour.localHour,
        open,
        capacity,
        booked: taken,
        available,
        bookable: open && available > 0 && now.getTime() < bookableUntil(calendar, hour),
      };
    }),
  };
}

function describeSlot(booking: SlotBooking): string {
  return `${booking.laneType} ${describeHour(booking, booking.timeZone)}`;
}

/** What the history and the event say about a booking. */
function slotSummary(booking: SlotBooking) {
  return {
    laneType: booking.laneType,
    startsAt: localIsoOf(new Date(booking.startsAt), booking.timeZone),
    timeZone: booking.timeZone,
    truckPlate: booking.truck.plate,
  };
}

/** A slot change in the declaration's history: the status stays, the version moves on. */
function slotEntry(
  declaration: SlotDeclaration,
  change: SlotChangeName,
  actor: Actor,
  now: Date,
  reason: string,
  details: Record<string, unknown>,
): HistoryEntry {
  const at = now.toISOString();
  return {
    version: declaration.version + 1,
    status: declaration.status,
    previousStatus: declaration.status,
    transition: change,
    actor,
    occurredAt: at,
    recordedAt: at,
    reason,
    details,
  };
}

/** The event of a slot change: delivered to the broker's webhooks and pull feed like every change. */
function slotChanged(declaration: SlotDeclaration, entry: HistoryEntry): DomainEvent {
  return {
    eventId: `${declaration.id}.v${entry.version}`,
    eventType: SLOT_CHANGED_EVENT,
    declarationId: declaration.id,
    declarationType: declaration.declarationType,
    ...entry,
  };
}
