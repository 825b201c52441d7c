import type { Actor } from './actors.ts';
import type { Role } from './roles.ts';
import type { Milestone, PortEvent, TrainArrived, TruckGatedIn } from './schemas/port-events.ts';

export type { Milestone, PortEvent, TrainArrived, TruckGatedIn };

/**
 * What the port, the railway and the gate report. Each event is a milestone for the declarations that wait
 * on it, found by a key: a train's arrival by the through-waybills on its manifest, a truck's gate-in by its
 * plate. Per event type: who may report it, and the keys of the declarations it concerns.
 */
export const PORT_EVENTS: {
  readonly [K in Milestone]: {
    readonly reporters: readonly Role[];
    readonly keysOf: (event: Extract<PortEvent, { eventType: K }>) => readonly string[];
    readonly factsOf: (event: Extract<PortEvent, { eventType: K }>) => Record<string, string>;
  };
} = {
  TRAIN_ARRIVED: {
    reporters: ['railway', 'port-operator'],
    keysOf: (event) => event.waybillNumbers,
    factsOf: (event) => ({ trainNumber: event.trainNumber }),
  },
  TRUCK_GATED_IN: {
    reporters: ['port-operator'],
    keysOf: (event) => [event.plate],
    factsOf: (event) => ({ plate: event.plate, ...(event.gate === undefined ? {} : { gate: event.gate }) }),
  },
};

/**
 * What a rail declaration's workflow waits for, each resumed by whoever reports it: the railway's arrival of
 * the train, the terminal's end of the gauge change for the whole train, the broker's amendment.
 */
export const RAIL_WAIT = {
  TRAIN_ARRIVED: 'TRAIN_ARRIVED',
  TRANSSHIPMENT_COMPLETED: 'TRANSSHIPMENT_COMPLETED',
  DECLARATION_AMENDED: 'DECLARATION_AMENDED',
} as const;
export type RailWait = (typeof RAIL_WAIT)[keyof typeof RAIL_WAIT];

/** What a waiting declaration learns when its milestone is reported: recorded in its history. */
export interface MilestoneNotice {
  readonly milestone: Milestone;
  readonly portEventId: string;
  readonly occurredAt: string;
  readonly reportedBy: Actor;
  readonly facts: Record<string, string>;
}

export function keysOf(event: PortEvent): readonly string[] {
  return event.eventType === 'TRAIN_ARRIVED'
    ? PORT_EVENTS.TRAIN_ARRIVED.keysOf(event)
    : PORT_EVENTS.TRUCK_GATED_IN.keysOf(event);
}

export function noticeOf(event: PortEvent, reportedBy: Actor): MilestoneNotice {
  const facts =
    event.eventType === 'TRAIN_ARRIVED'
      ? PORT_EVENTS.TRAIN_ARRIVED.factsOf(event)
      : PORT_EVENTS.TRUCK_GATED_IN.factsOf(event);
  return { milestone: event.eventType, portEventId: event.eventId, occurredAt: event.occurredAt, reportedBy, facts };
}

export function mayReport(role: Role, milestone: Milestone): boolean {
  return PORT_EVENTS[milestone].reporters.includes(role);
}
