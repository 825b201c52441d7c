import Type, { type Static } from 'typebox';
import type { Actor } from './actors.ts';
import { PLATE_PATTERN, TRAIN_NUMBER_PATTERN, WAYBILL_NUMBER_PATTERN } from './identifiers.ts';
import type { Role } from './roles.ts';

/**
 * What the port, the railway and the gate report. Each event is a milestone for the declarations that wait
 * on it, found by a key: a train's arrival by the through-waybills on its manifest, a truck's gate-in by its plate.
 */
const EVENT_ID = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,64}$',
  description: 'The reporter’s own id for the event: a retry with the same id changes nothing',
});
const OCCURRED_AT = Type.String({ format: 'date-time', description: 'Business time: when it happened at the port' });

export const TrainArrivedSchema = Type.Object(
  {
    eventType: Type.Literal('TRAIN_ARRIVED'),
    eventId: EVENT_ID,
    trainNumber: Type.String({ pattern: TRAIN_NUMBER_PATTERN }),
    occurredAt: OCCURRED_AT,
    // A block train carries at most ~110 TEU; a generous bound keeps one event's fan-out finite.
    waybillNumbers: Type.Array(Type.String({ pattern: WAYBILL_NUMBER_PATTERN }), {
      minItems: 1,
      maxItems: 250,
      uniqueItems: true,
    }),
  },
  { additionalProperties: false, title: 'TrainArrived' },
);

export const TruckGatedInSchema = Type.Object(
  {
    eventType: Type.Literal('TRUCK_GATED_IN'),
    eventId: EVENT_ID,
    plate: Type.String({ pattern: PLATE_PATTERN, description: 'The plate as the gate’s reader read it' }),
    gate: Type.Optional(Type.String({ pattern: '^[A-Z0-9-]{1,16}$' })),
    occurredAt: OCCURRED_AT,
  },
  { additionalProperties: false, title: 'TruckGatedIn' },
);

export const PortEventSchema = Type.Unsafe<Static<typeof TrainArrivedSchema> | Static<typeof TruckGatedInSchema>>({
  type: 'object',
  oneOf: [TrainArrivedSchema, TruckGatedInSchema],
  discriminator: { propertyName: 'eventType' },
});
export type TrainArrived = Static<typeof TrainArrivedSchema>;
export type TruckGatedIn = Static<typeof TruckGatedInSchema>;
export type PortEvent = TrainArrived | TruckGatedIn;
export type Milestone = PortEvent['eventType'];

/** Per event type: who may report it, and the keys of the declarations it concerns. */
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
