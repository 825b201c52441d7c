import { systemActor } from '#domain/actors.ts';
import { milestoneKeyOf, riskAssessmentFor, WORKFLOWS, workflowOf } from '#domain/declaration-types/registry.ts';
import { DeclarationNotFoundError, UnknownTransitionError } from '#domain/errors.ts';
import { isTransitionName, TRANSITION, TRANSITIONS, type TransitionName } from '#domain/lifecycle.ts';
import type { MilestoneNotice } from '#domain/port-events.ts';
import { consigneeKeyOf, type RandomSelectionSettings, type RiskAssessment, riskEntryReason } from '#domain/risk.ts';
import { isSlaName, SLAS, type SlaClock } from '#domain/sla.ts';
import { COMPLETION_DEADLINE, type CompletionClock, completionClockAt, completionFactsOf } from '#domain/two-step.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import { loadWithDocument } from './load-with-document.ts';

import type {
  Clock,
  DeclarationRecord,
  DeclarationStore,
  MilestoneStore,
  TaskCallbacks,
  TraderHistory,
} from './ports.ts';

/** The use cases behind the workflows' Task states, shared by every declaration type. */
interface StepPorts {
  readonly declarations: DeclarationStore;
  readonly clock: Clock;
}

/**
 * Assigns the risk channel by the type's risk profile and records every rule that fired. The rules may be
 * confidential, so the declaration's facts keep only the channel (and the priority lane); the history keeps all.
 */
export async function assessRisk(
  ports: StepPorts & { readonly traderHistory: TraderHistory; readonly randomSelection: RandomSelectionSettings },
  declarationId: string,
): Promise<RiskAssessment> {
  const { record, document } = await loadWithDocument(ports, declarationId);
  const assessment = riskAssessmentFor(document, {
    declarationId,
    consigneeHasClearedBefore:
      document.consignee !== undefined &&
      (await ports.traderHistory.hasClearedBefore(consigneeKeyOf(document.consignee))),
    randomSelection: ports.randomSelection,
  });
  await advanceDeclaration(
    ports,
    record,
    {
      transition: TRANSITION.ASSIGN_RISK_CHANNEL,
      actor: systemActor('risk-engine'),
      reason: riskEntryReason(assessment),
      details: { ...assessment },
    },
    { riskChannel: assessment.channel, ...(assessment.priority ? { riskPriority: true } : {}) },
  );
  return assessment;
}

/**
 * Parks the workflow until the port reports the milestone its type waits for (a train's arrival, a truck's
 * gate-in). Where the workflow counts earlier reports (rail), a report that came in before the workflow got
 * here resumes the task at once.
 */
export async function awaitMilestone(
  ports: StepPorts & { readonly milestones: MilestoneStore; readonly tasks: TaskCallbacks },
  input: { readonly declarationId: string; readonly taskToken: string },
): Promise<void> {
  const { record, document } = await loadWithDocument(ports, input.declarationId);
  const { awaits: milestone, earlierReports } = WORKFLOWS[workflowOf(record.declarationType)];
  const key = milestoneKeyOf(document);
  await advanceDeclaration(ports, record, {
    transition: TRANSITION.AWAIT_ARRIVAL,
    actor: systemActor('workflow'),
    details: { milestone, key },
  });
  await ports.milestones.registerWait(milestone, key, input, ports.clock());
  if (earlierReports === 'ignore') return;
  const early = await ports.milestones.find(milestone, key);
  if (early !== undefined) {
    await ports.tasks.resume(input.taskToken, early);
    await ports.milestones.removeWait(milestone, key, input.declarationId);
  }
}

export interface RecordTransitionInput {
  readonly declarationId: string;
  /** One transition, or several applied in order in one step (SECURE_DUTIES then RELEASE): fewer billed states. */
  readonly transition?: string;
  readonly transitions?: readonly string[];
  readonly reason?: string;
  readonly details?: Record<string, unknown>;
  /** The port's report that ended a wait: its reporter and business time go into the history. */
  readonly milestone?: MilestoneNotice;
  /**
   * The business time of what the stage follows from, when it is not the moment the step runs: a truck cleared
   * from the opening of the freight hours is released then, whenever the step records it.
   */
  readonly occurredAt?: string;
  /**
   * What let the goods go, each with its business time: a milestone wait's answer (`{ notice }`), an officer's
   * decision (`{ occurredAt }`). The stage happened at the latest of them: for a release that waited on both the
   * gauge change and an inspection.
   */
  readonly clearedBy?: Readonly<Record<string, ClearanceCause | undefined>>;
  /**
   * Also answer the two-step completion clock (`completion`): the release of a summary, whose next wait times
   * out when the period from its acceptance runs out.
   */
  readonly completionClock?: boolean;
}

/** What a stage follows from, as the state machine collected it. */
export interface ClearanceCause {
  readonly occurredAt?: unknown;
  readonly notice?: { readonly occurredAt?: unknown };
}

/** The latest business time among what a stage follows from; undefined when none is named. */
function latestOf(clearedBy: RecordTransitionInput['clearedBy']): string | undefined {
  const times = Object.values(clearedBy ?? {}).map((cause) => cause?.occurredAt ?? cause?.notice?.occurredAt);
  if (times.length === 0) return undefined;
  // A cause without a readable time is a bug in the state machine: fail loudly (below) rather than guess.
  const unreadable = times.findIndex((time) => typeof time !== 'string' || Number.isNaN(Date.parse(time)));
  if (unreadable >= 0) return String(times[unreadable]);
  return (times as string[]).reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
}

/** A later stage named in the state machine (arrival, duties and release, manual review). */
export async function recordTransition(
  ports: StepPorts & { readonly traderHistory: TraderHistory },
  input: RecordTransitionInput,
): Promise<{ status: string; applied: boolean; completion?: CompletionClock }> {
  const { milestone } = input;
  const names = input.transitions ?? (input.transition === undefined ? [] : [input.transition]);
  // A wrong name is a bug in the state machine definition: fail loudly rather than retry.
  if (names.length === 0) throw new UnknownTransitionError(undefined);
  for (const name of names) if (!isTransitionName(name)) throw new UnknownTransitionError(name);
  const occurredAt = milestone?.occurredAt ?? input.occurredAt ?? latestOf(input.clearedBy);
  if (occurredAt !== undefined && Number.isNaN(Date.parse(occurredAt))) {
    throw new UnknownTransitionError(`${names.join(', ')} at "${occurredAt}" (not a date-time)`);
  }
  let outcome: { record: DeclarationRecord; applied: boolean } | undefined;
  let appliedAny = false;
  let pending = names as TransitionName[];
  if (pending.length > 1) {
    // A retried step whose first attempt got partway (or all the way) starts after the last stage it reached.
    const current = await ports.declarations.load(input.declarationId);
    if (current === undefined) throw new DeclarationNotFoundError(input.declarationId);
    const reached = pending.findLastIndex((name) => TRANSITIONS[name].to === current.status);
    if (reached >= 0) pending = pending.slice(reached + 1);
    outcome = { record: current, applied: false };
  }
  for (const transition of pending) {
    outcome = await advanceDeclaration(
      ports,
      outcome?.record ?? input.declarationId,
      {
        transition,
        actor: milestone?.reportedBy ?? systemActor('workflow'),
        ...(occurredAt === undefined ? {} : { occurredAt }),
        ...(input.reason === undefined ? {} : { reason: input.reason }),
        ...(milestone === undefined && input.details === undefined
          ? {}
          : {
              details: {
                ...input.details,
                ...(milestone === undefined ? {} : { ...milestone.facts, portEventId: milestone.portEventId }),
              },
            }),
      },
      milestone === undefined ? {} : { [milestone.milestone === 'TRAIN_ARRIVED' ? 'arrival' : 'gateIn']: milestone },
    );
    appliedAny ||= outcome.applied;
  }
  const record = outcome?.record;
  // Also when a retry finds the release already applied: the first attempt may have stopped before recording it.
  if (record !== undefined && names.includes(TRANSITION.RELEASE) && record.status === 'RELEASED') {
    const document = await ports.declarations.loadDocument(record.id, record.documentVersion);
    if (document === undefined) throw new DeclarationNotFoundError(record.id);
    if (document.consignee !== undefined) {
      await ports.traderHistory.recordClearance(
        consigneeKeyOf(document.consignee),
        record.id,
        new Date(record.updatedAt),
      );
    }
  }
  return {
    status: String(record?.status),
    applied: appliedAny,
    ...(input.completionClock === true && record !== undefined
      ? { completion: completionClockAt(record.facts, ports.clock()) }
      : {}),
  };
}

/**
 * A deadline passed while the workflow waited (its timer fired): the breach is flagged on the declaration,
 * written to its history and emitted as an event, once per SLA however often the step runs.
 */
export async function flagSlaBreach(
  ports: StepPorts,
  input: { readonly declarationId: string; readonly sla: string },
): Promise<{ readonly flagged: boolean }> {
  if (!isSlaName(input.sla)) throw new UnknownTransitionError(`FLAG_SLA_BREACH of ${input.sla}`);
  const sla = input.sla;
  const record = await ports.declarations.load(input.declarationId);
  if (record === undefined) throw new DeclarationNotFoundError(input.declarationId);
  const dueAt = (record.facts.sla as Record<string, SlaClock> | undefined)?.[sla]?.dueAt;
  const detectedAt = ports.clock().toISOString();
  const breach = { sla, dueAt, detectedAt };
  const { applied } = await advanceDeclaration(
    ports,
    record,
    {
      transition: TRANSITION.FLAG_SLA_BREACH,
      actor: systemActor('sla-clock'),
      reason: `${sla.toLowerCase()} deadline ${dueAt ?? ''} passed: ${SLAS[sla].meaning}`.trim(),
      details: breach,
    },
    // Once per SLA: the completion report and the wait can both find the breach at the same moment.
    (current) => {
      const breaches = (current.facts.slaBreaches ?? {}) as Record<string, unknown>;
      if (Object.hasOwn(breaches, sla)) return 'already-applied';
      return { slaBreaches: { ...breaches, [sla]: breach } };
    },
  );
  return { flagged: applied };
}

/**
 * The two-step completion period ran out while the workflow waited for the complete declaration (its timer fired):
 * the miss is flagged on the declaration (facts.completion.overdueSince), written to its history and emitted as an
 * event, once however often the step runs; nothing is flagged when the complete declaration came in after all.
 */
export async function flagMissedCompletion(
  ports: StepPorts,
  input: { readonly declarationId: string },
): Promise<{ readonly flagged: boolean }> {
  const record = await ports.declarations.load(input.declarationId);
  if (record === undefined) throw new DeclarationNotFoundError(input.declarationId);
  const dueAt = completionFactsOf(record.facts).dueAt;
  const detectedAt = ports.clock().toISOString();
  const { applied } = await advanceDeclaration(
    ports,
    record,
    {
      transition: TRANSITION.FLAG_COMPLETION_OVERDUE,
      actor: systemActor('deadline-clock'),
      reason: `the complete declaration was due by ${dueAt ?? 'its deadline'}: an officer follows it up`,
      details: { deadline: COMPLETION_DEADLINE, dueAt, detectedAt },
    },
    // Read again on a conflict: a complete declaration that came in meanwhile means nothing is overdue.
    (current) => {
      const completion = completionFactsOf(current.facts);
      if (completion.completedAt !== undefined || completion.overdueSince !== undefined) return 'already-applied';
      return { completion: { ...completion, overdueSince: detectedAt } };
    },
  );
  return { flagged: applied };
}
