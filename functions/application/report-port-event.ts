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
  type TrainEvent,
  type TrainEventType,
} from '#domain/port-events.ts';
import { type TrainHead, TrainVersionConflictError, trainAfterEvent, trainKeyOf } from '#domain/trains.ts';
import type { Caller, Clock, MilestoneStore, TaskCallbacks, TrainStore } from './ports.ts';

export type PortEventOutcome =
  | {
      readonly kind: 'reported';
      readonly eventId: string;
      readonly eventType: PortEvent['eventType'];
      /** The train (number@date) or the plate the event concerns. */
      readonly key: string;
      /** A correction names the report it superseded. */
      readonly supersedes?: string;
      /** Declarations resumed by the request itself (a truck's gate-in). */
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
 * The port reports an event. A train's event is checked against the train (its manifest on file, its
 * departure, the order of its events), recorded, and answered at once: the declarations on the train follow
 * from the record (fan-out off the request). A truck's gate-in resumes the declarations waiting on its plate.
 */
export async function reportPortEvent(
  ports: PortEventPorts,
  input: { readonly event: PortEvent; readonly caller: Caller },
): Promise<PortEventOutcome> {
  const { event, caller } = input;
  if (![...caller.roles].some((role) => mayReport(role, event.eventType))) {
    return { kind: 'not-a-reporter', reporters: PORT_EVENTS[event.eventType].reporters };
  }
  return isTrainEvent(event) ? reportTrainEvent(ports, event, caller) : reportGateIn(ports, event, caller);
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

async function reportGateIn(
  ports: PortEventPorts,
  event: Exclude<PortEvent, TrainEvent>,
  caller: Caller,
): Promise<PortEventOutcome> {
  const key = keyOf(event);
  const notice = noticeOf(event, caller.actor);
  const resumed: string[] = [];
  // The report first, then the waits: a workflow registering its wait in between finds the report itself.
  await ports.milestones.record(event.eventType, key, notice);
  for (const wait of await ports.milestones.waitsFor(event.eventType, key)) {
    if (await ports.tasks.resume(wait.taskToken, notice)) resumed.push(wait.declarationId);
    await ports.milestones.removeWait(event.eventType, key, wait.declarationId);
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
