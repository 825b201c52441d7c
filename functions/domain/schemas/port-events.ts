import Type, { type Static } from 'typebox';
import { PLATE_PATTERN, TRAIN_NUMBER_PATTERN, WAYBILL_NUMBER_PATTERN } from '../identifiers.ts';

/** What the port, the railway and the gate report (see ../port-events.ts for who reports what). */
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
