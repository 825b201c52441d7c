import Type, { type Static } from 'typebox';
import { DECLARATION_ID_PATTERN } from '../declaration.ts';
import { PLATE_PATTERN } from '../identifiers.ts';
import { SCAN_RESULTS } from '../road-scan.ts';
import { TrainRefSchema } from './train-ref.ts';

/** What the port, the railway and the gate report (see ../port-events.ts for who reports what). */
const EVENT_ID = Type.String({
  pattern: '^[A-Za-z0-9._:-]{1,64}$',
  description: 'The reporter’s own id for the event: a retry with the same id changes nothing',
});
const OCCURRED_AT = Type.String({ format: 'date-time', description: 'Business time: when it happened at the port' });

const trainEvent = <T extends string>(eventType: T, title: string, description: string) =>
  Type.Object(
    {
      eventType: Type.Literal(eventType),
      eventId: EVENT_ID,
      train: TrainRefSchema,
      occurredAt: OCCURRED_AT,
      corrects: Type.Optional({
        ...EVENT_ID,
        description: 'The eventId of an earlier report of the same event that this one corrects (supersedes)',
      }),
    },
    { additionalProperties: false, title, description },
  );

/** The railway's (or the port's) report that a train has arrived: matched by train and its manifest. */
export const TrainArrivedSchema = trainEvent(
  'TRAIN_ARRIVED',
  'TrainArrived',
  'The train arrived at the port: every declaration on its manifest moves on',
);
/** The gauge-change terminal's reports for a whole train. */
export const TransshipmentStartedSchema = trainEvent(
  'TRANSSHIPMENT_STARTED',
  'TransshipmentStarted',
  'The terminal started moving the train’s containers between 1,435 and 1,520 mm wagons',
);
export const TransshipmentCompletedSchema = trainEvent(
  'TRANSSHIPMENT_COMPLETED',
  'TransshipmentCompleted',
  'The terminal finished the gauge change of the whole train',
);

const DECLARATION_AT_THE_GATE = Type.Optional(
  Type.String({
    pattern: DECLARATION_ID_PATTERN,
    description:
      'The declaration whose booking the driver presented; without it, the declarations waiting for this plate',
  }),
);

export const TruckGatedInSchema = Type.Object(
  {
    eventType: Type.Literal('TRUCK_GATED_IN'),
    eventId: EVENT_ID,
    plate: Type.String({ pattern: PLATE_PATTERN, description: 'The plate as the gate’s reader read it' }),
    declarationId: DECLARATION_AT_THE_GATE,
    gate: Type.Optional(Type.String({ pattern: '^[A-Z0-9-]{1,16}$' })),
    grossWeightKg: Type.Optional(
      Type.Number({
        minimum: 1,
        maximum: 1e6,
        description:
          'The load as the weighbridge weighed it (the truck’s tare taken off), compared with the declared gross mass',
      }),
    ),
    occurredAt: OCCURRED_AT,
  },
  { additionalProperties: false, title: 'TruckGatedIn' },
);

export const TruckExitedSchema = Type.Object(
  {
    eventType: Type.Literal('TRUCK_EXITED'),
    eventId: EVENT_ID,
    plate: Type.String({ pattern: PLATE_PATTERN, description: 'The plate as the border exit’s reader read it' }),
    declarationId: DECLARATION_AT_THE_GATE,
    gate: Type.Optional(Type.String({ pattern: '^[A-Z0-9-]{1,16}$' })),
    occurredAt: OCCURRED_AT,
  },
  { additionalProperties: false, title: 'TruckExited', description: 'A released truck left through the border' },
);

export const TruckScannedSchema = Type.Object(
  {
    eventType: Type.Literal('TRUCK_SCANNED'),
    eventId: EVENT_ID,
    plate: Type.String({ pattern: PLATE_PATTERN, description: 'The plate as the scanner’s reader read it' }),
    declarationId: DECLARATION_AT_THE_GATE,
    scanner: Type.Optional(Type.String({ pattern: '^[A-Z0-9-]{1,16}$', description: 'Which scanner scanned it' })),
    result: Type.Enum(SCAN_RESULTS, {
      description: 'CLEAR: the load looks as declared, the truck is released; SUSPICIOUS: it is held for an officer',
    }),
    remarks: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'What the scanner’s operator saw: kept in the history',
      }),
    ),
    occurredAt: OCCURRED_AT,
  },
  {
    additionalProperties: false,
    title: 'TruckScanned',
    description: 'A red-channel truck that gated in was scanned (once per declaration)',
  },
);

export type TrainArrived = Static<typeof TrainArrivedSchema>;
export type TransshipmentStarted = Static<typeof TransshipmentStartedSchema>;
export type TransshipmentCompleted = Static<typeof TransshipmentCompletedSchema>;
export type TruckGatedIn = Static<typeof TruckGatedInSchema>;
export type TruckExited = Static<typeof TruckExitedSchema>;
export type TruckScanned = Static<typeof TruckScannedSchema>;
export type TrainEvent = TrainArrived | TransshipmentStarted | TransshipmentCompleted;
/** A truck passing the gate or the border exit; the scanner's report between the two is TruckScanned. */
export type TruckEvent = TruckGatedIn | TruckExited;
export type PortEvent = TrainEvent | TruckEvent | TruckScanned;

export const PortEventSchema = Type.Unsafe<PortEvent>({
  type: 'object',
  oneOf: [
    TrainArrivedSchema,
    TransshipmentStartedSchema,
    TransshipmentCompletedSchema,
    TruckGatedInSchema,
    TruckExitedSchema,
    TruckScannedSchema,
  ],
  discriminator: { propertyName: 'eventType' },
});
export type Milestone = PortEvent['eventType'];
export type TrainEventType = TrainEvent['eventType'];
