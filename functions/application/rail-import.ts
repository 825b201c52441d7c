import type { DeclarationRepository, StoredDeclaration } from '#adapters/declaration-repository.ts';
import { DeclarationNotFoundError } from '#adapters/declaration-repository.ts';
import type { TaskCallbacks, WorkflowStarter } from '#adapters/workflow-client.ts';
import { crossFieldViolations, declarationIdFor, type RailImportDeclaration } from '#domain/declaration.ts';
import type { HistoryEntry, TransitionName } from '#domain/lifecycle.ts';
import { DECLARATION_STATUSES } from '#domain/lifecycle.ts';
import { type ArrivalNotice, arrivalNoticeFrom, type TrainArrivedEvent } from '#domain/port-event.ts';
import { decideRiskChannel, type RiskDecision } from '#domain/risk.ts';

/** The use cases of the rail-import flow. Handlers parse and authorize, then call exactly one of these. */
export interface Ports {
  readonly declarations: DeclarationRepository;
  readonly workflow: WorkflowStarter;
  readonly tasks: TaskCallbacks;
  readonly clock: () => Date;
}

// ── Broker API ──────────────────────────────────────────────────────────────────────────────────

export async function submitDeclaration(
  ports: Pick<Ports, 'declarations' | 'workflow' | 'clock'>,
  input: { brokerId: string; idempotencyKey: string; document: RailImportDeclaration },
): Promise<StoredDeclaration> {
  const id = declarationIdFor(input.brokerId, input.idempotencyKey);
  const { declaration } = await ports.declarations.create({ id, ...input, at: ports.clock() });
  // Started even when the item already existed: a first attempt may have crashed between the two
  // writes, and the execution name makes a second start a no-op.
  await ports.workflow.startFor(id);
  return declaration;
}

export async function readDeclaration(
  ports: Pick<Ports, 'declarations'>,
  input: { id: string; brokerId: string },
): Promise<{ declaration: StoredDeclaration; history: HistoryEntry[] } | undefined> {
  const found = await ports.declarations.getWithHistory(input.id);
  // Another broker's declaration is reported as absent, so ids cannot be probed across tenants.
  if (found === undefined || found.declaration.brokerId !== input.brokerId) return undefined;
  return found;
}

export function declarationView(declaration: StoredDeclaration, history?: readonly HistoryEntry[]) {
  return {
    id: declaration.id,
    status: declaration.status,
    cusresCode: DECLARATION_STATUSES[declaration.status].cusresCode,
    version: declaration.version,
    submittedAt: declaration.submittedAt,
    updatedAt: declaration.updatedAt,
    ...(declaration.facts === undefined ? {} : declaration.facts),
    ...(history === undefined ? {} : { declaration: declaration.document, history }),
  };
}

// ── Port operator API ───────────────────────────────────────────────────────────────────────────

export interface ArrivalReport {
  readonly eventId: string;
  readonly resumedDeclarations: string[];
  /** Waybills nobody waits on yet: their arrival is kept, and a workflow reaching its wait later resumes at once. */
  readonly waybillsWithoutWaitingDeclarations: string[];
}

export async function reportTrainArrival(
  ports: Pick<Ports, 'declarations' | 'tasks'>,
  event: TrainArrivedEvent,
): Promise<ArrivalReport> {
  const notice = arrivalNoticeFrom(event);
  const resumed: string[] = [];
  const unmatched: string[] = [];
  for (const waybill of event.waybillNumbers) {
    // Arrival first, then the waits: a workflow registering its wait in between sees the arrival itself.
    await ports.declarations.recordArrival(waybill, notice);
    const waits = await ports.declarations.arrivalWaitsFor(waybill);
    if (waits.length === 0) unmatched.push(waybill);
    for (const wait of waits) {
      if (await ports.tasks.resume(wait.taskToken, notice)) resumed.push(wait.declarationId);
      await ports.declarations.removeArrivalWait(waybill, wait.declarationId);
    }
  }
  return { eventId: event.eventId, resumedDeclarations: resumed, waybillsWithoutWaitingDeclarations: unmatched };
}

// ── Workflow steps ──────────────────────────────────────────────────────────────────────────────

async function loadDeclaration(ports: Pick<Ports, 'declarations'>, id: string): Promise<StoredDeclaration> {
  const declaration = await ports.declarations.getDeclaration(id);
  if (declaration === undefined) throw new DeclarationNotFoundError(id);
  return declaration;
}

export async function validateForClearance(
  ports: Pick<Ports, 'declarations' | 'clock'>,
  id: string,
): Promise<{ outcome: 'VALIDATED' | 'REJECTED'; violations: ReturnType<typeof crossFieldViolations> }> {
  const declaration = await loadDeclaration(ports, id);
  const violations = crossFieldViolations(declaration.document);
  const transition: TransitionName = violations.length === 0 ? 'VALIDATE' : 'REJECT';
  const { declaration: after } = await ports.declarations.applyTransition(id, transition, {
    at: ports.clock(),
    ...(violations.length === 0 ? {} : { details: { violations } }),
  });
  return { outcome: after.status === 'REJECTED' ? 'REJECTED' : 'VALIDATED', violations };
}

export async function assessRisk(ports: Pick<Ports, 'declarations' | 'clock'>, id: string): Promise<RiskDecision> {
  const declaration = await loadDeclaration(ports, id);
  const decision = decideRiskChannel(declaration.document);
  await ports.declarations.applyTransition(id, 'ASSIGN_RISK_CHANNEL', {
    at: ports.clock(),
    details: { ...decision },
    facts: { riskChannel: decision.channel, riskRule: decision.rule },
  });
  return decision;
}

/**
 * Parks the workflow until the declaration's train arrives. If the arrival was reported before the
 * workflow got here, the task is resumed at once with that arrival.
 */
export async function awaitArrival(
  ports: Pick<Ports, 'declarations' | 'tasks' | 'clock'>,
  input: { declarationId: string; taskToken: string },
): Promise<void> {
  const declaration = await loadDeclaration(ports, input.declarationId);
  const waybill = declaration.document.waybillNumber;
  await ports.declarations.applyTransition(input.declarationId, 'AWAIT_ARRIVAL', {
    at: ports.clock(),
    details: { waybillNumber: waybill },
  });
  await ports.declarations.registerArrivalWait(waybill, input, ports.clock());
  const earlyArrival = await ports.declarations.arrivalOf(waybill);
  if (earlyArrival !== undefined) {
    await ports.tasks.resume(input.taskToken, earlyArrival);
    await ports.declarations.removeArrivalWait(waybill, input.declarationId);
  }
}

export async function recordTransition(
  ports: Pick<Ports, 'declarations' | 'clock'>,
  input: { declarationId: string; transition: TransitionName; details?: Record<string, unknown> },
): Promise<{ status: string; applied: boolean }> {
  const facts = input.transition === 'RECORD_ARRIVAL' ? { arrival: input.details as unknown as ArrivalNotice } : {};
  const { declaration, applied } = await ports.declarations.applyTransition(input.declarationId, input.transition, {
    at: ports.clock(),
    ...(input.details === undefined ? {} : { details: input.details }),
    facts,
  });
  return { status: declaration.status, applied };
}
