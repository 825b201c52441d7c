import { TRAIN_NUMBER_PATTERN, WAYBILL_NUMBER_PATTERN } from './identifiers.ts';

/**
 * Events the port reports. The first is a train's arrival at the border station: it carries the
 * through-waybills on the train's manifest, and every declaration waiting on one of them resumes.
 */
export interface TrainArrivedEvent {
  readonly eventType: 'TRAIN_ARRIVED';
  readonly eventId: string;
  readonly trainNumber: string;
  readonly occurredAt: string;
  readonly waybillNumbers: readonly string[];
}

export type PortEvent = TrainArrivedEvent;

export const portEventSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['eventType', 'eventId', 'trainNumber', 'occurredAt', 'waybillNumbers'],
  properties: {
    eventType: { const: 'TRAIN_ARRIVED' },
    eventId: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,64}$' },
    trainNumber: { type: 'string', pattern: TRAIN_NUMBER_PATTERN },
    occurredAt: { type: 'string', format: 'date-time' },
    waybillNumbers: {
      type: 'array',
      minItems: 1,
      // A block train carries at most ~110 TEU; a generous bound keeps one event's fan-out finite.
      maxItems: 250,
      uniqueItems: true,
      items: { type: 'string', pattern: WAYBILL_NUMBER_PATTERN },
    },
  },
} as const;

/** What a declaration learns when its train arrives: recorded in its history and passed to the workflow. */
export interface ArrivalNotice {
  readonly trainNumber: string;
  readonly arrivedAt: string;
  readonly portEventId: string;
}

export function arrivalNoticeFrom(event: TrainArrivedEvent): ArrivalNotice {
  return { trainNumber: event.trainNumber, arrivedAt: event.occurredAt, portEventId: event.eventId };
}
