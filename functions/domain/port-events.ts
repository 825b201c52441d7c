import type { Actor } from './actors.ts';
import { isInTheFuture } from './clock-skew.ts';
import type { Role } from './roles.ts';
import type {
  Milestone,
  PortEvent,
  TrainArrived,
  TrainEvent,
  TrainEventType,
  TruckEvent,
  TruckExited,
  TruckGatedIn,
  TruckScanned,
} from './schemas/port-events.ts';
import { type TrainHead, trainKeyOf } from './trains.ts';

export type {
  Milestone,
  PortEvent,
  TrainArrived,
  TrainEvent,
  TrainEventType,
  TruckEvent,
  TruckExited,
  TruckGatedIn,
  TruckScanned,
};

/**
 * What the port, the railway, the terminal and the gate report, who may report each, and the key of the
 * declarations it concerns: a train's events by the train (number and date), a truck's gate-in by its plate.
 */
export const PORT_EVENTS: { readonly [K in Milestone]: { readonly reporters: readonly Role[] } } = {
  TRAIN_ARRIVED: { reporters: ['railway', 'port-operator'] },
  TRANSSHIPMENT_STARTED: { reporters: ['port-operator'] },
  TRANSSHIPMENT_COMPLETED: { reporters: ['port-operator'] },
  TRUCK_GATED_IN: { reporters: ['port-operator'] },
  TRUCK_EXITED: { reporters: ['port-operator'] },
  TRUCK_SCANNED: { reporters: ['port-operator'] },
};

export const TRAIN_EVENT_TYPES: readonly TrainEventType[] = [
  'TRAIN_ARRIVED',
  'TRANSSHIPMENT_STARTED',
  'TRANSSHIPMENT_COMPLETED',
];

export function isTrainEvent(event: PortEvent): event is TrainEvent {
  return 'train' in event;
}

/**
 * What a road declaration's workflow waits for: the broker's slot booking (keyed by the declaration), the truck at
 * the gate, a red-channel truck's scan and its exit through the border (keyed by its plate).
 */
export const ROAD_WAIT = {
  SLOT_BOOKED: 'SLOT_BOOKED',
  TRUCK_GATED_IN: 'TRUCK_GATED_IN',
  TRUCK_SCANNED: 'TRUCK_SCANNED',
  TRUCK_EXITED: 'TRUCK_EXITED',
} as const;
export type RoadWait = (typeof ROAD_WAIT)[keyof typeof ROAD_WAIT];

/**
 * A truck with a confirmed slot is expected at the gate under its plate from then until it exits, whether or not
 * its workflow is waiting at that moment: the gate finds the declaration by it, and the workflow's wait then finds
 * the stage already recorded.
 */
export const TRUCK_EXPECTED = 'TRUCK_EXPECTED';

/**
 * What a rail declaration's workflow waits for, each resumed by whoever reports it: the railway's arrival of
 * the train, the terminal's end of the gauge change for the whole train, the broker's amendment (or a corrected
 * manifest) after a mismatch, and, for goods released under a two-step summary, the broker's complete declaration.
 */
export const RAIL_WAIT = {
  TRAIN_ARRIVED: 'TRAIN_ARRIVED',
  TRANSSHIPMENT_COMPLETED: 'TRANSSHIPMENT_COMPLETED',
  DECLARATION_AMENDED: 'DECLARATION_AMENDED',
  DECLARATION_COMPLETED: 'DECLARATION_COMPLETED',
} as const;
export type RailWait = (typeof RAIL_WAIT)[keyof typeof RAIL_WAIT];

/** What a waiting declaration learns when its milestone is reported: recorded in its history. */
export interface MilestoneNotice {
  readonly milestone: Milestone;
  readonly portEventId: string;
  readonly occurredAt: string;
  readonly reportedBy: Actor;
  readonly facts: Record<string, string>;
  /** The earlier report this one corrects. */
  readonly supersedes?: { readonly portEventId: string; readonly occurredAt: string };
}

/** The key the declarations concerned wait under. */
export function keyOf(event: PortEvent): string {
  return isTrainEvent(event) ? trainKeyOf(event.train) : event.plate;
}

export function noticeOf(event: PortEvent, reportedBy: Actor): MilestoneNotice {
  const facts: Record<string, string> = isTrainEvent(event)
    ? { trainNumber: event.train.trainNumber, trainDate: event.train.trainDate }
    : {
        plate: event.plate,
        ...('gate' in event && event.gate !== undefined ? { gate: event.gate } : {}),
        ...('grossWeightKg' in event && event.grossWeightKg !== undefined
          ? { grossWeightKg: String(event.grossWeightKg) }
          : {}),
        ...(event.eventType === 'TRUCK_SCANNED'
          ? {
              scanResult: event.result,
              ...(event.scanner === undefined ? {} : { scanner: event.scanner }),
              ...(event.remarks === undefined ? {} : { remarks: event.remarks }),
            }
          : {}),
      };
  return { milestone: event.eventType, portEventId: event.eventId, occurredAt: event.occurredAt, reportedBy, facts };
}

export function mayReport(role: Role, milestone: Milestone): boolean {
  return PORT_EVENTS[milestone].reporters.includes(role);
}

export type TrainEventDecision =
  | { readonly kind: 'record'; readonly notice: MilestoneNotice }
  /** The same report again (same eventId): nothing to write, the same answer. */
  | { readonly kind: 'replay'; readonly notice: MilestoneNotice }
  | {
      readonly kind: 'refused';
      readonly status: 409 | 422;
      readonly field: string;
      readonly rule: string;
      readonly detail: string;
    };

/**
 * Decides what a train event does, given the train's head and what was reported before for it: an event for an
 * unknown train, in the future, before the train's departure, or out of order (a gauge change before arrival)
 * is refused; a second report of the same event is refused unless it names the one it corrects.
 */
export function decideTrainEvent(
  head: TrainHead | undefined,
  reported: Readonly<Partial<Record<TrainEventType, MilestoneNotice>>>,
  event: TrainEvent,
  reportedBy: Actor,
  now: Date,
): TrainEventDecision {
  const refuse = (status: 409 | 422, field: string, rule: string, detail: string): TrainEventDecision => ({
    kind: 'refused',
    status,
    field,
    rule,
    detail,
  });
  const train = trainKeyOf(event.train);
  if (head === undefined) {
    return refuse(
      422,
      '/train',
      'known-train',
      `no manifest is on file for train ${train}: the railway files it first`,
    );
  }
  const earlier = reported[event.eventType];
  if (earlier?.portEventId === event.eventId) return { kind: 'replay', notice: earlier };
  const at = Date.parse(event.occurredAt);
  if (isInTheFuture(at, now)) {
    return refuse(422, '/occurredAt', 'not-in-the-future', `${event.occurredAt} is later than now`);
  }
  if (at < Date.parse(head.departedAt)) {
    return refuse(422, '/occurredAt', 'not-before-departure', `train ${train} departed at ${head.departedAt}`);
  }
  const before = PRECEDING[event.eventType];
  const preceding = before === undefined ? undefined : reported[before];
  if (before !== undefined && preceding === undefined && event.eventType !== 'TRANSSHIPMENT_COMPLETED') {
    return refuse(409, '/eventType', 'in-order', `train ${train} has no ${before} on record yet`);
  }
  if (event.eventType === 'TRANSSHIPMENT_COMPLETED' && reported.TRAIN_ARRIVED === undefined) {
    return refuse(409, '/eventType', 'in-order', `train ${train} has no TRAIN_ARRIVED on record yet`);
  }
  if (preceding !== undefined && at < Date.parse(preceding.occurredAt)) {
    return refuse(422, '/occurredAt', 'in-order', `${before} was at ${preceding.occurredAt}`);
  }
  if (earlier !== undefined && event.corrects !== earlier.portEventId) {
    return refuse(
      409,
      '/corrects',
      'correction-names-the-report',
      `${event.eventType} of train ${train} was reported as ${earlier.portEventId}: send corrects=${earlier.portEventId} to correct it`,
    );
  }
  if (earlier === undefined && event.corrects !== undefined) {
    return refuse(
      422,
      '/corrects',
      'correction-names-the-report',
      `no ${event.eventType} of train ${train} to correct`,
    );
  }
  const notice = noticeOf(event, reportedBy);
  return {
    kind: 'record',
    notice:
      earlier === undefined
        ? notice
        : { ...notice, supersedes: { portEventId: earlier.portEventId, occurredAt: earlier.occurredAt } },
  };
}

const PRECEDING: Readonly<Partial<Record<TrainEventType, TrainEventType>>> = {
  TRANSSHIPMENT_STARTED: 'TRAIN_ARRIVED',
  TRANSSHIPMENT_COMPLETED: 'TRANSSHIPMENT_STARTED',
};
