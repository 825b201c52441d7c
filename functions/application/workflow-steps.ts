import { systemActor } from '#domain/actors.ts';
import {
  type DeclarationDocument,
  milestoneKeyOf,
  riskDecisionFor,
  WORKFLOWS,
  workflowOf,
} from '#domain/declaration-types/registry.ts';
import { DeclarationNotFoundError, UnknownTransitionError } from '#domain/errors.ts';
import { isTransitionName, TRANSITION, type TransitionName } from '#domain/lifecycle.ts';
import type { MilestoneNotice } from '#domain/port-events.ts';
import type { RiskDecision } from '#domain/risk.ts';
import { isSlaName, SLAS, type SlaClock } from '#domain/sla.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import type { Clock, DeclarationRecord, DeclarationStore, MilestoneStore, TaskCallbacks } from './ports.ts';

/** The use cases behind the workflows' Task states, shared by every declaration type. */
interface StepPorts {
  readonly declarations: DeclarationStore;
  readonly clock: Clock;
}

async function loadWithDocument(
  ports: StepPorts,
  id: string,
): Promise<{ record: DeclarationRecord; document: DeclarationDocument }> {
  const record = await ports.declarations.load(id);
  const document = record && (await ports.declarations.loadDocument(id, record.documentVersion));
  if (record === undefined || document === undefined) throw new DeclarationNotFoundError(id);
  return { record, document };
}

/** Assigns the risk channel by the type's rules and records the rule that fired. */
export async function assessRisk(ports: StepPorts, declarationId: string): Promise<RiskDecision> {
  const { record, document } = await loadWithDocument(ports, declarationId);
  const decision = riskDecisionFor(document);
  await advanceDeclaration(
    ports,
    record,
    {
      transition: TRANSITION.ASSIGN_RISK_CHANNEL,
      actor: systemActor('risk-engine'),
      reason: `${decision.channel.toLowerCase()} channel: ${decision.reason}`,
      details: { ...decision },
    },
    { riskChannel: decision.channel, riskRule: decision.rule },
  );
  return decision;
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
}

/** A later stage named in the state machine (arrival, duties and release, manual review). */
export async function recordTransition(
  ports: StepPorts,
  input: RecordTransitionInput,
): Promise<{ status: string; applied: boolean }> {
  const { milestone } = input;
  const names = input.transitions ?? (input.transition === undefined ? [] : [input.transition]);
  // A wrong name is a bug in the state machine definition: fail loudly rather than retry.
  if (names.length === 0) throw new UnknownTransitionError(undefined);
  for (const name of names) if (!isTransitionName(name)) throw new UnknownTransitionError(name);
  let outcome: { record: DeclarationRecord; applied: boolean } | undefined;
  let appliedAny = false;
  for (const transition of names as TransitionName[]) {
    outcome = await advanceDeclaration(
      ports,
      outcome?.record ?? input.declarationId,
      {
        transition,
        actor: milestone?.reportedBy ?? systemActor('workflow'),
        ...(milestone === undefined ? {} : { occurredAt: milestone.occurredAt }),
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
  return { status: String(outcome?.record.status), applied: appliedAny };
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
  const record = await ports.declarations.load(input.declarationId);
  if (record === undefined) throw new DeclarationNotFoundError(input.declarationId);
  const breaches = (record.facts.slaBreaches ?? {}) as Record<string, unknown>;
  if (Object.hasOwn(breaches, input.sla)) return { flagged: false };
  const clock = (record.facts.sla as Record<string, SlaClock> | undefined)?.[input.sla];
  const detectedAt = ports.clock().toISOString();
  const breach = { sla: input.sla, dueAt: clock?.dueAt, detectedAt };
  const { applied } = await advanceDeclaration(
    ports,
    record,
    {
      transition: TRANSITION.FLAG_SLA_BREACH,
      actor: systemActor('sla-clock'),
      reason: `${input.sla.toLowerCase()} deadline ${clock?.dueAt ?? ''} passed: ${SLAS[input.sla].meaning}`.trim(),
      details: breach,
    },
    { slaBreaches: { ...breaches, [input.sla]: breach } },
  );
  return { flagged: applied };
}
