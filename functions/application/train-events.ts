import { systemActor } from '#domain/actors.ts';
import { TransitionNotAllowedError } from '#domain/errors.ts';
import { TRANSITION, type TransitionName } from '#domain/lifecycle.ts';
import type { MilestoneNotice } from '#domain/port-events.ts';
import { isBreached, type SlaClock, type SlaPolicy, slaClocksFromArrival } from '#domain/sla.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import type { Clock, DeclarationStore, MilestoneStore, MilestoneWait, TaskCallbacks } from './ports.ts';
import { flagSlaBreach } from './workflow-steps.ts';

/**
 * A train's events reach the declarations on it: each one waiting for the event is moved on (its history gets
 * the event's reporter and business time) and its workflow resumed, exactly once: the wait is removed after the
 * resumption, and a wait whose task no longer waits is just removed. Used by the fan-out that follows a report
 * (off the reporter's request) and by a workflow that reaches its wait after the report.
 */
export interface TrainEventPorts {
  readonly declarations: DeclarationStore;
  readonly milestones: MilestoneStore;
  readonly tasks: TaskCallbacks;
  readonly clock: Clock;
  readonly slaPolicy: SlaPolicy;
}

/** What the arrival wait is resumed with: the report, and the SLA clocks the later waits time out on. */
export interface ArrivalOutput {
  readonly notice: MilestoneNotice;
  readonly sla: Record<string, SlaClock>;
}

export async function fanOutTrainEvent(ports: TrainEventPorts, trainKey: string, notice: MilestoneNotice) {
  const moved: string[] = [];
  if (notice.milestone === 'TRAIN_ARRIVED') {
    for (const wait of await ports.milestones.waitsFor('TRAIN_ARRIVED', trainKey)) {
      await arriveAndResume(ports, trainKey, wait, notice);
      moved.push(wait.declarationId);
    }
    if (notice.supersedes !== undefined) {
      for (const declarationId of await ports.milestones.movedOn('TRAIN_ARRIVED', trainKey)) {
        if (await correctArrival(ports, declarationId, notice)) moved.push(declarationId);
      }
    }
  } else if (notice.milestone === 'TRANSSHIPMENT_STARTED') {
    for (const wait of await ports.milestones.waitsFor('TRANSSHIPMENT_COMPLETED', trainKey)) {
      await moveOn(ports, wait.declarationId, TRANSITION.START_TRANSSHIPMENT, notice);
      moved.push(wait.declarationId);
    }
  } else if (notice.milestone === 'TRANSSHIPMENT_COMPLETED') {
    for (const wait of await ports.milestones.waitsFor('TRANSSHIPMENT_COMPLETED', trainKey)) {
      await completeAndResume(ports, trainKey, wait, notice);
      moved.push(wait.declarationId);
    }
  }
  return { moved };
}

export async function arriveAndResume(
  ports: TrainEventPorts,
  trainKey: string,
  wait: MilestoneWait,
  notice: MilestoneNotice,
): Promise<void> {
  const sla = slaClocksFromArrival(notice.occurredAt, ports.clock(), ports.slaPolicy);
  const arrived = await moveOn(ports, wait.declarationId, TRANSITION.RECORD_ARRIVAL, notice, { arrival: notice, sla });
  if (arrived) {
    await ports.milestones.recordMovedOn('TRAIN_ARRIVED', trainKey, wait.declarationId, ports.clock());
    await ports.tasks.resume(wait.taskToken, { notice, sla } satisfies ArrivalOutput);
  }
  await ports.milestones.removeWait('TRAIN_ARRIVED', trainKey, wait.declarationId);
}

/**
 * A corrected arrival re-stamps a declaration that already arrived: the arrival and the SLA clocks counted from
 * it, with a history entry naming the report superseded. The clocks a running wait already armed keep their
 * timeout; what is judged later (a breach at the gauge change's end, the release deadline shown to officers)
 * reads the corrected clocks. A replayed correction changes nothing.
 */
async function correctArrival(ports: TrainEventPorts, declarationId: string, notice: MilestoneNotice) {
  const record = await ports.declarations.load(declarationId);
  const recorded = record?.facts.arrival as MilestoneNotice | undefined;
  if (record === undefined || recorded?.portEventId === notice.portEventId) return false;
  const sla = slaClocksFromArrival(notice.occurredAt, ports.clock(), ports.slaPolicy);
  return moveOn(ports, declarationId, TRANSITION.CORRECT_ARRIVAL, notice, { arrival: notice, sla });
}

export async function completeAndResume(
  ports: TrainEventPorts,
  trainKey: string,
  wait: MilestoneWait,
  notice: MilestoneNotice,
): Promise<void> {
  const done = await moveOn(ports, wait.declarationId, TRANSITION.COMPLETE_TRANSSHIPMENT, notice);
  if (done) {
    // The terminal's own time decides a breach, however late the report came in.
    const record = await ports.declarations.load(wait.declarationId);
    const clock = (record?.facts.sla as Record<string, SlaClock> | undefined)?.TRANSSHIPMENT;
    if (clock !== undefined && isBreached(clock, notice.occurredAt)) {
      await flagSlaBreach(ports, { declarationId: wait.declarationId, sla: 'TRANSSHIPMENT' });
    }
    await ports.tasks.resume(wait.taskToken, { notice });
  }
  await ports.milestones.removeWait('TRANSSHIPMENT_COMPLETED', trainKey, wait.declarationId);
}

/**
 * Records what the event means for one declaration. False when its lifecycle no longer admits it (cancelled,
 * rejected): that declaration's wait is dropped, nothing else.
 */
export async function moveOn(
  ports: TrainEventPorts,
  declarationId: string,
  transition: TransitionName,
  notice: MilestoneNotice,
  facts: Record<string, unknown> = {},
): Promise<boolean> {
  try {
    await advanceDeclaration(
      ports,
      declarationId,
      {
        transition,
        actor: notice.reportedBy ?? systemActor('port'),
        occurredAt: notice.occurredAt,
        details: {
          ...notice.facts,
          portEventId: notice.portEventId,
          ...(notice.supersedes === undefined ? {} : { supersedes: notice.supersedes }),
        },
      },
      facts,
    );
    return true;
  } catch (error) {
    if (error instanceof TransitionNotAllowedError) return false;
    throw error;
  }
}
