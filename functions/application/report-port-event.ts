import type { RoadExportDeclaration, RoadImportDeclaration } from '#domain/declaration-types/road.ts';
import { type DeclarationStatus, TRANSITION } from '#domain/lifecycle.ts';
import {
  decideTrainEvent,
  isTrainEvent,
  keyOf,
  type MilestoneNotice,
  mayReport,
  noticeOf,
  PORT_EVENTS,
  type PortEvent,
  TRAIN_EVENT_TYPES,
  TRUCK_EXPECTED,
  type TrainEvent,
  type TrainEventType,
  type TruckEvent,
} from '#domain/port-events.ts';
import { checkGateIn, clearanceAtGate, GATE_CHECK, noShowAtGate } from '#domain/road-gate.ts';
import type { SlotBooking } from '#domain/slot-booking.ts';
import type { FreightHours } from '#domain/slot-calendar.ts';
import { type TrainHead, TrainVersionConflictError, trainAfterEvent, trainKeyOf } from '#domain/trains.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import type {
  Caller,
  Clock,
  DeclarationRecord,
  DeclarationStore,
  MilestoneStore,
  TaskCallbacks,
  TrainStore,
} from './ports.ts';
import { reportTruckScan } from './report-truck-scan.ts';
import { type RoadStageFact, resumeRoadWait } from './road-steps.ts';
import type { SlotStore } from './slots.ts';

export type PortEventOutcome =
  | {
      readonly kind: 'reported';
      readonly eventId: string;
      readonly eventType: PortEvent['eventType'];
      /** The train (number@date) or the plate the event concerns. */
      readonly key: string;
      /** A correction names the report it superseded. */
      readonly supersedes?: string;
      /** Declarations moved on by the request itself (a truck's gate-in or exit): their workflows go on. */
      readonly resumedDeclarations: string[];
      /** A train's declarations are moved on after the answer, by the fan-out that follows the report. */
      readonly resumptionsFollow: boolean;
    }
  | { readonly kind: 'not-a-reporter'; readonly reporters: readonly string[] }
  | {
      readonly kind: 'refused';
      readonly status: 409 | 422;
      readonly field: string;
      readonly rule: string;
      readonly detail: string;
    };

interface PortEventPorts {
  readonly milestones: MilestoneStore;
  readonly tasks: TaskCallbacks;
  readonly trains: Pick<TrainStore, 'loadHead' | 'saveHead'>;
  readonly clock: Clock;
}

/**
 * What a truck's events need besides: the declarations and their bookings, the weighbridge's tolerance, and the
 * port's calendar (whether freight is cleared when the truck reaches the gate).
 */
export interface TruckEventPorts {
  readonly declarations: DeclarationStore;
  readonly slots: Pick<SlotStore, 'loadBooking'>;
  readonly gateWeightTolerancePercent: number;
  readonly calendar: FreightHours;
}

/**
 * The port reports an event. A train's event is checked against the train (its manifest on file, its
 * departure, the order of its events), recorded, and answered at once: the declarations on the train follow
 * from the record (fan-out off the request). A truck's gate-in resumes the declarations waiting on its plate.
 */
export async function reportPortEvent(
  ports: PortEventPorts & TruckEventPorts,
  input: { readonly event: PortEvent; readonly caller: Caller },
): Promise<PortEventOutcome> {
  const { event, caller } = input;
  if (![...caller.roles].some((role) => mayReport(role, event.eventType))) {
    return { kind: 'not-a-reporter', reporters: PORT_EVENTS[event.eventType].reporters };
  }
  if (isTrainEvent(event)) return reportTrainEvent(ports, event, caller);
  // The scanner's report of a red-channel truck, between its gate-in and its release (./report-truck-scan.ts).
  if (event.eventType === 'TRUCK_SCANNED') return reportTruckScan(ports, event, caller);
  return reportTruckEvent(ports, event, caller);
}

async function reportTrainEvent(ports: PortEventPorts, event: TrainEvent, caller: Caller): Promise<PortEventOutcome> {
  const key = trainKeyOf(event.train);
  const head = await ports.trains.loadHead(event.train);
  const reported: Partial<Record<TrainEventType, MilestoneNotice>> = {};
  for (const type of TRAIN_EVENT_TYPES) {
    const notice = await ports.milestones.find(type, key);
    if (notice !== undefined) reported[type] = notice;
  }
  const decision = decideTrainEvent(head, reported, event, caller.actor, ports.clock());
  if (decision.kind === 'refused') return decision;
  const { notice } = decision;
  if (decision.kind === 'record') {
    // The record is what the fan-out follows (the table's stream): written once, or replaced by a correction.
    if (notice.supersedes === undefined) await ports.milestones.record(event.eventType, key, notice);
    else await ports.milestones.replace(event.eventType, key, notice);
    if (head !== undefined) await moveTrainOn(ports, head, notice);
  }
  return {
    kind: 'reported',
    eventId: notice.portEventId,
    eventType: event.eventType,
    key,
    ...(notice.supersedes === undefined ? {} : { supersedes: notice.supersedes.portEventId }),
    resumedDeclarations: [],
    resumptionsFollow: true,
  };
}

/** The train's head follows its events (its status closes the manifest to corrections from arrival on). */
async function moveTrainOn(ports: PortEventPorts, head: TrainHead, notice: MilestoneNotice): Promise<void> {
  let current: TrainHead | undefined = head;
  for (let attempt = 1; current !== undefined; attempt++) {
    try {
      await ports.trains.saveHead({ expectedVersion: current.version, head: trainAfterEvent(current, notice) });
      return;
    } catch (error) {
      if (!(error instanceof TrainVersionConflictError) || attempt >= 3) throw error;
      current = await ports.trains.loadHead(current);
    }
  }
}

type Refusal = Extract<PortEventOutcome, { kind: 'refused' }>;

const refuse = (status: 409 | 422, field: string, rule: string, detail: string): Refusal => ({
  kind: 'refused',
  status,
  field,
  rule,
  detail,
});

/** A road declaration the truck's event concerns, with its booking and what the event does to it. */
interface TruckTarget {
  readonly record: DeclarationRecord;
  readonly document: RoadExportDeclaration | RoadImportDeclaration;
  readonly booking: SlotBooking;
  /** The stage was recorded by this very report before (a retry): nothing to write, resume again. */
  readonly replay: boolean;
}

/**
 * A truck at the gate or leaving through the border. The declaration is the one whose booking the driver presented
 * (declarationId), else every declaration waiting for the plate read. Each must have a booked slot, and be where
 * the event can find it (SLOT_BOOKED for a gate-in, RELEASED for an exit), else the report is refused and nothing
 * is written. A gate-in checks the plate against the booked truck and the weight against the declared mass: a
 * mismatch holds the declaration with the reason. The stage is recorded here, with the port's actor and business
 * time, and the workflow's wait is resumed with it.
 */
async function reportTruckEvent(
  ports: PortEventPorts & TruckEventPorts,
  event: TruckEvent,
  caller: Caller,
): Promise<PortEventOutcome> {
  const key = keyOf(event);
  const notice = noticeOf(event, caller.actor);
  const gateIn = event.eventType === 'TRUCK_GATED_IN';
  const factName = gateIn ? 'gateIn' : 'exit';
  const expected: DeclarationStatus = gateIn ? 'SLOT_BOOKED' : 'RELEASED';
  const named = event.declarationId !== undefined;
  const ids = named
    ? [event.declarationId as string]
    : [
        ...new Set(
          [
            ...(await ports.milestones.waitsFor(event.eventType, key)),
            ...(await ports.milestones.waitsFor(TRUCK_EXPECTED, key)),
          ].map((wait) => wait.declarationId),
        ),
      ];
  const targets: TruckTarget[] = [];
  for (const id of ids) {
    const record = await ports.declarations.load(id);
    const document = record && (await ports.declarations.loadDocument(id, record.documentVersion));
    if (record === undefined || document === undefined || document.declarationType === 'RAIL_IMPORT') {
      if (!named) continue;
      return refuse(422, '/declarationId', 'road-declaration', `no road declaration ${id}`);
    }
    const earlier = record.facts[factName] as RoadStageFact | undefined;
    const replay = earlier?.portEventId === event.eventId;
    // A plate comes back trip after trip: only its declarations where this event can find them are concerned.
    if (!named && !replay && record.status !== expected) continue;
    const booking = await ports.slots.loadBooking(id);
    if (booking === undefined) {
      return refuse(
        409,
        '/declarationId',
        'booked-slot',
        `${id} has no slot booked: the truck books one before the gate`,
      );
    }
    if (!replay && record.status !== expected) {
      return refuse(
        409,
        '/eventType',
        'in-order',
        gateIn
          ? `${id} is ${record.status}: a truck gates in once, with its slot booked (SLOT_BOOKED)`
          : `${id} is ${record.status}: a truck exits after its release (RELEASED)`,
      );
    }
    const refusal = replay ? undefined : noShowAtGate({ event, booking });
    if (refusal !== undefined) return { kind: 'refused', ...refusal };
    targets.push({ record, document, booking, replay });
  }
  if (targets.length === 0) {
    return refuse(
      409,
      '/plate',
      'booked-truck',
      `no declaration with a booked slot waits for truck ${key} ${gateIn ? 'at the gate' : 'at the exit'}: name the declaration (declarationId), or the truck books a slot first`,
    );
  }
  await ports.milestones.record(event.eventType, key, notice);
  const resumed: string[] = [];
  for (const target of targets) {
    const fact = target.replay
      ? (target.record.facts[factName] as RoadStageFact)
      : await recordTruckStage(ports, target, event, notice);
    // Its workflow goes on now, or as soon as it reaches the wait and finds the stage recorded.
    await resumeRoadWait(ports, event.eventType, target.booking.truck.plate, target.record.id, fact);
    resumed.push(target.record.id);
    // Out through the border: the plate is no longer expected for this declaration.
    if (!gateIn) await ports.milestones.removeWait(TRUCK_EXPECTED, target.booking.truck.plate, target.record.id);
  }
  return {
    kind: 'reported',
    eventId: event.eventId,
    eventType: event.eventType,
    key,
    resumedDeclarations: resumed,
    resumptionsFollow: false,
  };
}

/** Records the gate-in (and a hold if the gate's checks fail) or the exit, and answers what resumes the wait. */
async function recordTruckStage(
  ports: PortEventPorts & TruckEventPorts,
  target: TruckTarget,
  event: TruckEvent,
  notice: MilestoneNotice,
): Promise<RoadStageFact> {
  const stage = { actor: notice.reportedBy, occurredAt: notice.occurredAt };
  if (event.eventType === 'TRUCK_EXITED') {
    await advanceDeclaration(
      ports,
      target.record,
      { transition: TRANSITION.RECORD_EXIT, ...stage, details: { ...notice.facts, portEventId: notice.portEventId } },
      { exit: notice },
    );
    return notice;
  }
  const check = checkGateIn({
    booking: target.booking,
    document: target.document,
    plate: event.plate,
    ...(event.grossWeightKg === undefined ? {} : { grossWeightKg: event.grossWeightKg }),
    tolerancePercent: ports.gateWeightTolerancePercent,
  });
  // Outside the freight hours (daytime mode) the truck waits in the yard, and the workflow with it, until opening.
  const { reason: waitsBecause, ...clearance } = clearanceAtGate(ports.calendar, notice.occurredAt);
  const fact: RoadStageFact = { ...notice, gateCheck: check.check, ...clearance };
  const details = { ...check.details, gateCheck: check.check, ...clearance, portEventId: notice.portEventId };
  let record = target.record;
  // The booked truck passed the gate (its weight may still hold it); another truck did not: the slot stays booked.
  if (check.check !== GATE_CHECK.PLATE_MISMATCH) {
    ({ record } = await advanceDeclaration(
      ports,
      record,
      {
        transition: TRANSITION.GATE_IN,
        ...stage,
        ...(waitsBecause === undefined ? {} : { reason: waitsBecause }),
        details,
      },
      { gateIn: fact },
    ));
  }
  if (check.check !== GATE_CHECK.PASSED) {
    await advanceDeclaration(
      ports,
      record,
      {
        transition: TRANSITION.HOLD,
        ...stage,
        ...(check.reason === undefined ? {} : { reason: check.reason }),
        details,
      },
      { gateIn: fact },
    );
  }
  return fact;
}
