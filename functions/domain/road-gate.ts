import type { RoadExportDeclaration, RoadImportDeclaration } from './declaration-types/road.ts';
import type { TruckEvent } from './port-events.ts';
import { bookingStateAt, type SlotBooking } from './slot-booking.ts';
import { type FreightHours, formatDailyHours, localIsoOf, nextOpeningAt } from './slot-calendar.ts';

/**
 * The smart gate's checks of a truck that gates in (DOMAIN.md, highway step 3): the plate its reader read must be
 * the booked truck's, and the load its weighbridge weighed must be the declared gross mass within a tolerance.
 * The workflow branches on these names: PASSED goes on by channel, anything else waits for an officer.
 */
export const GATE_CHECK = {
  PASSED: 'PASSED',
  PLATE_MISMATCH: 'PLATE_MISMATCH',
  WEIGHT_OUT_OF_TOLERANCE: 'WEIGHT_OUT_OF_TOLERANCE',
} as const;
export type GateCheck = (typeof GATE_CHECK)[keyof typeof GATE_CHECK];

/** The tolerance when the deployment configures none: weighbridges and declared masses differ a little. */
export const DEFAULT_WEIGHT_TOLERANCE_PERCENT = 5;

export interface GateCheckResult {
  readonly check: GateCheck;
  /** Why the truck was not let on, in words the broker reads in the history. */
  readonly reason?: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** The goods' declared gross mass: the sum of the lines'. */
export function declaredGrossMassKg(document: RoadExportDeclaration | RoadImportDeclaration): number {
  return document.goods.reduce((sum, line) => sum + line.grossMassKg, 0);
}

/** Checks a gate-in against the booking and the declaration: the plate first, then the weight if weighed. */
export function checkGateIn(input: {
  readonly booking: Pick<SlotBooking, 'truck'>;
  readonly document: RoadExportDeclaration | RoadImportDeclaration;
  readonly plate: string;
  readonly grossWeightKg?: number;
  readonly tolerancePercent: number;
}): GateCheckResult {
  const { booking, plate } = input;
  if (plate !== booking.truck.plate) {
    return {
      check: GATE_CHECK.PLATE_MISMATCH,
      reason: `the gate read plate ${plate}, and the slot is booked for truck ${booking.truck.plate}`,
      details: { plateRead: plate, bookedPlate: booking.truck.plate },
    };
  }
  if (input.grossWeightKg === undefined) return { check: GATE_CHECK.PASSED, details: { plate } };
  const declared = declaredGrossMassKg(input.document);
  const deviationPercent = (Math.abs(input.grossWeightKg - declared) / declared) * 100;
  const weight = {
    grossWeightKg: input.grossWeightKg,
    declaredGrossMassKg: declared,
    deviationPercent: Math.round(deviationPercent * 100) / 100,
    tolerancePercent: input.tolerancePercent,
  };
  if (deviationPercent > input.tolerancePercent) {
    return {
      check: GATE_CHECK.WEIGHT_OUT_OF_TOLERANCE,
      reason: `the weighbridge weighed ${input.grossWeightKg} kg, and ${declared} kg is declared: ${weight.deviationPercent}% off, beyond the ${input.tolerancePercent}% tolerance`,
      details: { plate, ...weight },
    };
  }
  return { check: GATE_CHECK.PASSED, details: { plate, ...weight } };
}

/**
 * When a truck that passed the gate is cleared (issue 7, "round the clock versus daytime only"): at once while
 * freight is cleared, else from the next opening of the freight hours, the truck waiting in the port's yard until
 * then. The workflow branches on these names: AT_OPENING waits until `clearanceFrom` before the channel's checks.
 */
export const GATE_CLEARANCE = {
  AT_ONCE: 'AT_ONCE',
  AT_OPENING: 'AT_OPENING',
} as const;
export type GateClearance = (typeof GATE_CLEARANCE)[keyof typeof GATE_CLEARANCE];

export interface ClearanceAtGate {
  readonly clearance: GateClearance;
  /** The business time clearance starts: the gate-in's own, or the opening it waits for. */
  readonly clearanceFrom: string;
  /** Why it waits, in words the broker reads in the history. */
  readonly reason?: string;
}

export function clearanceAtGate(calendar: FreightHours, gatedInAt: string): ClearanceAtGate {
  const at = new Date(gatedInAt);
  const opening = nextOpeningAt(calendar, at);
  if (opening.getTime() <= at.getTime()) return { clearance: GATE_CLEARANCE.AT_ONCE, clearanceFrom: gatedInAt };
  const clearanceFrom = opening.toISOString();
  return {
    clearance: GATE_CLEARANCE.AT_OPENING,
    clearanceFrom,
    reason: `the truck reached the gate at ${localIsoOf(at, calendar.timeZone)}, outside the freight hours (${formatDailyHours(calendar.daytimeHours)} ${calendar.timeZone}): it waits in the yard and is cleared from the opening at ${localIsoOf(opening, calendar.timeZone)}`,
  };
}

/** A gate-in the port cannot take: nothing is recorded, and the answer names the field and the rule. */
export interface GateRefusal {
  readonly status: 409;
  readonly field: string;
  readonly rule: string;
  readonly detail: string;
}

/**
 * A gate-in after its booking's no-show deadline finds the booking expired: the truck is not let through on it,
 * and books again. Judged against the gate's business time, so a kept slot reported late still counts.
 */
export function noShowAtGate(input: {
  readonly event: Pick<TruckEvent, 'eventType' | 'occurredAt' | 'plate'>;
  readonly booking: Pick<SlotBooking, 'declarationId' | 'noShowAt'>;
}): GateRefusal | undefined {
  const { event, booking } = input;
  if (event.eventType !== 'TRUCK_GATED_IN' || bookingStateAt(booking, new Date(event.occurredAt)) === 'BOOKED') {
    return undefined;
  }
  return {
    status: 409,
    field: '/occurredAt',
    rule: 'booking-not-expired',
    detail: `truck ${event.plate} came at ${event.occurredAt}, after the no-show deadline ${booking.noShowAt} of the slot booked for ${booking.declarationId}: the booking has expired, and the truck books a slot again (PUT /v1/declarations/${booking.declarationId}/slot)`,
  };
}
