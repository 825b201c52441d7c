import { systemActor } from '#domain/actors.ts';
import { DeclarationNotFoundError } from '#domain/errors.ts';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import {
  awaitsDocuments,
  DEFAULT_QUEUE,
  type DecisionName,
  type DecisionOutput,
  decisionViolations,
  type OfficerQueue,
  type OfficerTaskKind,
  OPENING_TRANSITION,
  planDecision,
  type SupportingDocument,
} from '#domain/officer-tasks.ts';
import { isMootTask } from '#domain/two-step.ts';
import { advanceDeclaration } from './advance-declaration.ts';
import type {
  Caller,
  Clock,
  DeclarationRecord,
  DeclarationStore,
  DocumentRequest,
  OfficerTask,
  OfficerTaskStore,
  Page,
  RecordedDecision,
  TaskCallbacks,
} from './ports.ts';

/**
 * Officers' tasks: the workflow opens one and waits on its token; an officer decides; the workflow resumes with
 * the decision. Every write is guarded by the task's revision, and every step can be retried: a retried opening
 * replaces the token, a retried decision answers what the first one decided and finishes what it left undone.
 */
export interface OfficerPorts {
  readonly declarations: DeclarationStore;
  readonly officerTasks: OfficerTaskStore;
  readonly tasks: TaskCallbacks;
  readonly clock: Clock;
}

// Writers to one task are few (the step and its retry, two officers): a few rounds settle any race.
const MAX_ATTEMPTS = 3;
/** Decisions remembered per declaration, to recognise a retried decision after the task was opened again. */
const REMEMBERED_DECISIONS = 20;

export class OfficerTaskConflictError extends Error {
  constructor(declarationId: string) {
    super(`the officer task of ${declarationId} kept changing while it was written`);
    this.name = 'OfficerTaskConflict';
  }
}

export class NoDocumentsRequestedError extends Error {
  constructor(declarationId: string) {
    super(`no documents were requested for declaration ${declarationId}`);
    this.name = 'NoDocumentsRequested';
  }
}

async function loadRecord(ports: Pick<OfficerPorts, 'declarations'>, id: string): Promise<DeclarationRecord> {
  const record = await ports.declarations.load(id);
  if (record === undefined) throw new DeclarationNotFoundError(id);
  return record;
}

const utc = (time: string | undefined) => (time === undefined ? undefined : new Date(time).toISOString());

// ——— the workflow's steps ————————————————————————————————————————————————————————————————————————————————

export interface OpenOfficerTaskInput {
  readonly declarationId: string;
  readonly taskToken: string;
  readonly kind: OfficerTaskKind;
  readonly queue?: OfficerQueue;
  readonly reason?: string;
  /** The SLA deadline, ISO time. */
  readonly dueAt?: string;
}

/**
 * (.waitForTaskToken) Records that an officer takes over (the inspection track opens, or the declaration goes to
 * manual review) and puts the task in its queue under the workflow's token. The same task opened again (a retry,
 * or a new wait after escalation) keeps its opening time, queue and deadline unless told otherwise, and takes
 * the new token. A decision that came in while no workflow waited (its wait had timed out) resumes it at once.
 */
export async function openOfficerTask(
  ports: OfficerPorts,
  input: OpenOfficerTaskInput,
): Promise<{ kind: OfficerTaskKind; queue: OfficerQueue }> {
  const record = await loadRecord(ports, input.declarationId);
  if (isMootTask(input.kind, record.facts)) {
    await ports.tasks.resume(input.taskToken, { moot: input.kind });
    return { kind: input.kind, queue: input.queue ?? DEFAULT_QUEUE };
  }
  const before = await ports.officerTasks.loadTask(input.declarationId);
  const alreadyWithAnOfficer = record.status === 'MANUAL_REVIEW' || record.status === 'HELD';
  // A decision the workflow missed has moved the declaration on already: nothing to open, only to hand over.
  const missedOne = missedDecision(before, input.kind) !== undefined;
  const opening = OPENING_TRANSITION[input.kind];
  if (opening !== undefined && !missedOne && (input.kind !== 'MANUAL_REVIEW' || !alreadyWithAnOfficer)) {
    await advanceDeclaration(ports, record, {
      transition: opening,
      actor: systemActor('workflow'),
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      details: { officerTask: input.kind, queue: input.queue ?? DEFAULT_QUEUE },
    });
  }
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const existing = attempt === 1 ? before : await ports.officerTasks.loadTask(input.declarationId);
    const now = ports.clock().toISOString();
    const waitsStill = existing !== undefined && existing.kind === input.kind && existing.state === 'OPEN';
    const missed = missedDecision(existing, input.kind);
    const dueAt = utc(input.dueAt) ?? (waitsStill ? existing.dueAt : undefined);
    const riskChannel = record.facts.riskChannel;
    const task: OfficerTask = {
      declarationId: record.id,
      declarationType: record.declarationType,
      brokerId: record.brokerId,
      kind: input.kind,
      queue: input.queue ?? ((waitsStill || missed) && existing !== undefined ? existing.queue : DEFAULT_QUEUE),
      taskToken: input.taskToken,
      openedAt: (waitsStill || missed) && existing !== undefined ? existing.openedAt : now,
      ...(dueAt === undefined ? {} : { dueAt }),
      ...(typeof riskChannel === 'string' ? { riskChannel } : {}),
      ...(input.reason === undefined ? {} : { reason: input.reason }),
      state: missed ? 'CLOSED' : 'OPEN',
      ...(waitsStill && existing.escalatedAt !== undefined
        ? { escalatedAt: existing.escalatedAt, escalationReason: existing.escalationReason ?? '' }
        : {}),
      ...(waitsStill && existing.decision !== undefined ? { decision: existing.decision } : {}),
      ...(missed ? { decision: { ...missed, resumed: true } } : {}),
      decisions: existing?.decisions ?? [],
      revision: (existing?.revision ?? 0) + 1,
    };
    if (!(await ports.officerTasks.saveTask(task, existing?.revision))) continue;
    if (missed) await ports.tasks.resume(input.taskToken, outputOf(missed));
    return { kind: task.kind, queue: task.queue };
  }
  throw new OfficerTaskConflictError(input.declarationId);
}

/** A decision carried out while no workflow waited for it (its wait had timed out): the next wait gets it at once. */
function missedDecision(task: OfficerTask | undefined, kind: OfficerTaskKind): RecordedDecision | undefined {
  const decision = task?.decision;
  return task?.kind === kind && task.state === 'CLOSED' && decision?.carriedOut === true && decision.resumed === false
    ? decision
    : undefined;
}

/**
 * Moves an open task to the supervisors' queue when its wait timed out. It keeps its kind; the workflow opens it
 * again (a new token) to wait on. A task already decided, or already with the supervisors, stays as it is.
 */
export async function escalateOfficerTask(
  ports: Pick<OfficerPorts, 'officerTasks' | 'clock'>,
  declarationId: string,
  reason: string,
): Promise<{ declarationId: string; escalated: boolean; kind?: OfficerTaskKind; queue?: OfficerQueue }> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const task = await ports.officerTasks.loadTask(declarationId);
    if (task === undefined) return { declarationId, escalated: false };
    if (task.state !== 'OPEN' || task.queue === 'supervisors') {
      return { declarationId, escalated: false, kind: task.kind, queue: task.queue };
    }
    const escalated: OfficerTask = {
      ...task,
      queue: 'supervisors',
      escalatedAt: ports.clock().toISOString(),
      escalationReason: reason,
      revision: task.revision + 1,
    };
    if (await ports.officerTasks.saveTask(escalated, task.revision)) {
      return { declarationId, escalated: true, kind: escalated.kind, queue: escalated.queue };
    }
  }
  throw new OfficerTaskConflictError(declarationId);
}

/**
 * (.waitForTaskToken) Parks the workflow until the broker provides the documents an officer requested. When the
 * broker answered before the workflow got here, it resumes at once with the answer.
 */
export async function awaitBrokerDocuments(
  ports: Pick<OfficerPorts, 'officerTasks' | 'tasks'>,
  input: { readonly declarationId: string; readonly taskToken: string },
): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const request = await ports.officerTasks.loadDocumentRequest(input.declarationId);
    if (request === undefined) throw new NoDocumentsRequestedError(input.declarationId);
    const waiting: DocumentRequest = { ...request, taskToken: input.taskToken, revision: request.revision + 1 };
    if (!(await ports.officerTasks.saveDocumentRequest(waiting, request.revision))) continue;
    if (request.answer?.carriedOut === true) await ports.tasks.resume(input.taskToken, documentsOutput(request));
    return;
  }
  throw new OfficerTaskConflictError(input.declarationId);
}

// ——— the officer ——————————————————————————————————————————————————————————————————————————————————————————

export interface DecisionInput {
  readonly declarationId: string;
  readonly caller: Caller;
  readonly decision: DecisionName;
  readonly reason: string;
  readonly requestedDocuments?: readonly string[];
  readonly decisionId?: string;
  /** Business time of the decision, when the officer gives one. */
  readonly occurredAt?: string;
}

/** A decision once done: it knows the status it left the declaration in. */
type CarriedOut = RecordedDecision & { readonly status: DeclarationStatus };

export type DecisionOutcome =
  | { readonly kind: 'decided'; readonly decision: CarriedOut; readonly taskState: OfficerTask['state'] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'invalid'; readonly violations: ReturnType<typeof decisionViolations> }
  /** The declaration waits for no decision (no open task, or not this one): nothing changed. */
  | { readonly kind: 'not-awaited'; readonly because: string };

/**
 * An officer's decision on the task a declaration waits in. The decision is written on the task first (guarded by
 * its revision), then carried out: the transitions it calls for, documents requested, the workflow resumed. A
 * retry (the same decisionId, or the same decision on a task it already decided) answers the same and only
 * finishes what a crash may have left undone.
 */
export async function decideOnDeclaration(ports: OfficerPorts, input: DecisionInput): Promise<DecisionOutcome> {
  const violations = decisionViolations(input, ports.clock());
  if (violations.length > 0) return { kind: 'invalid', violations };
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const record = await ports.declarations.load(input.declarationId);
    if (record === undefined) return { kind: 'not-found' };
    const task = await ports.officerTasks.loadTask(input.declarationId);
    const earlier = task === undefined ? undefined : sameDecisionAs(task, input);
    if (task !== undefined && earlier === 'another') {
      return { kind: 'not-awaited', because: `decisionId ${input.decisionId} named another decision` };
    }
    if (task !== undefined && earlier !== undefined && earlier !== 'another') {
      return { kind: 'decided', decision: await carryOut(ports, task, earlier, 'retry'), taskState: task.state };
    }
    if (task === undefined || task.state !== 'OPEN') {
      return { kind: 'not-awaited', because: 'the declaration waits for no decision' };
    }
    const plan = planDecision(task.kind, record.status, input.decision);
    if (plan.kind === 'refused') return { kind: 'not-awaited', because: plan.because };
    const decision: RecordedDecision = {
      ...(input.decisionId === undefined ? {} : { decisionId: input.decisionId }),
      decision: input.decision,
      reason: input.reason,
      ...(input.requestedDocuments === undefined ? {} : { requestedDocuments: [...input.requestedDocuments] }),
      decidedBy: input.caller.actor,
      decidedAt: ports.clock().toISOString(),
      ...(input.occurredAt === undefined ? {} : { occurredAt: new Date(input.occurredAt).toISOString() }),
      transitions: plan.transitions,
      carriedOut: false,
    };
    const decided: OfficerTask = {
      ...task,
      state: plan.resumeWith === undefined ? 'OPEN' : 'CLOSED',
      decision,
      decisions: [...task.decisions, decision].slice(-REMEMBERED_DECISIONS),
      revision: task.revision + 1,
    };
    if (!(await ports.officerTasks.saveTask(decided, task.revision))) continue;
    return { kind: 'decided', decision: await carryOut(ports, decided, decision, 'first'), taskState: decided.state };
  }
  throw new OfficerTaskConflictError(input.declarationId);
}

/** The decision this request repeats, if it does; 'another' when its decisionId names a different decision. */
function sameDecisionAs(task: OfficerTask, input: DecisionInput): RecordedDecision | 'another' | undefined {
  if (input.decisionId !== undefined) {
    const named = task.decisions.find((decision) => decision.decisionId === input.decisionId);
    if (named === undefined) return undefined;
    return named.decision === input.decision ? named : 'another';
  }
  const current = task.decision;
  if (current === undefined || current.decision !== input.decision) return undefined;
  // Decided and closed, or held and still held: the same decision again is the same decision.
  return task.state === 'CLOSED' || current.decision === 'HOLD' ? current : undefined;
}

/**
 * Does what the decision calls for, unless it was done: the transitions it planned, the documents it requests,
 * the workflow's resumption; the last write marks it done. A retry skips the transitions the history already
 * holds for this decision, since the workflow may have moved the declaration on since.
 */
async function carryOut(
  ports: OfficerPorts,
  task: OfficerTask,
  decision: RecordedDecision,
  attempt: 'first' | 'retry',
): Promise<CarriedOut> {
  if (decision.carriedOut && decision.status !== undefined) return { ...decision, status: decision.status };
  let record = await loadRecord(ports, task.declarationId);
  const recorded =
    attempt === 'first'
      ? new Set<string>()
      : new Set(
          (await ports.declarations.loadHistory(task.declarationId))
            .filter(
              (entry) => entry.occurredAt === businessTimeOf(decision) && entry.actor.id === decision.decidedBy.id,
            )
            .map((entry) => entry.transition),
        );
  for (const transition of decision.transitions.filter((name) => !recorded.has(name))) {
    ({ record } = await advanceDeclaration(ports, record, {
      transition,
      actor: decision.decidedBy,
      occurredAt: businessTimeOf(decision),
      reason: decision.reason,
      details: {
        decision: decision.decision,
        officerTask: task.kind,
        ...(decision.decisionId === undefined ? {} : { decisionId: decision.decisionId }),
        ...(decision.requestedDocuments === undefined ? {} : { requestedDocuments: decision.requestedDocuments }),
      },
    }));
  }
  if (decision.decision === 'REQUEST_DOCUMENTS') await recordDocumentRequest(ports, task, decision);
  const output = outputOf(decision);
  const resumed = output === undefined ? undefined : await ports.tasks.resume(task.taskToken, output);
  const done: CarriedOut = {
    ...decision,
    carriedOut: true,
    status: record.status,
    ...(resumed === undefined ? {} : { resumed }),
  };
  await markCarriedOut(ports, task.declarationId, done);
  return done;
}

function outputOf(decision: RecordedDecision): DecisionOutput | undefined {
  return decision.decision === 'HOLD'
    ? undefined
    : { decision: decision.decision, occurredAt: businessTimeOf(decision) };
}

/** When the decision happened at the port: the officer's time for a check done earlier, else when it was recorded. */
function businessTimeOf(decision: RecordedDecision): string {
  return decision.occurredAt ?? decision.decidedAt;
}

async function markCarriedOut(ports: OfficerPorts, declarationId: string, done: RecordedDecision): Promise<void> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const task = await ports.officerTasks.loadTask(declarationId);
    if (task === undefined) return;
    const same = (decision: RecordedDecision) => decision.decidedAt === done.decidedAt;
    const updated: OfficerTask = {
      ...task,
      ...(task.decision !== undefined && same(task.decision) ? { decision: done } : {}),
      decisions: task.decisions.map((decision) => (same(decision) ? done : decision)),
      revision: task.revision + 1,
    };
    if (await ports.officerTasks.saveTask(updated, task.revision)) return;
  }
}

async function recordDocumentRequest(ports: OfficerPorts, task: OfficerTask, decision: RecordedDecision) {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const existing = await ports.officerTasks.loadDocumentRequest(task.declarationId);
    if (existing?.requestedAt === decision.decidedAt) return;
    const request: DocumentRequest = {
      declarationId: task.declarationId,
      requestedDocuments: decision.requestedDocuments ?? [],
      reason: decision.reason,
      requestedBy: decision.decidedBy,
      requestedAt: decision.decidedAt,
      revision: (existing?.revision ?? 0) + 1,
    };
    if (await ports.officerTasks.saveDocumentRequest(request, existing?.revision)) return;
  }
  throw new OfficerTaskConflictError(task.declarationId);
}

/** One page of a queue, the earliest deadline first. */
export function listOfficerTasks(
  ports: Pick<OfficerPorts, 'officerTasks'>,
  input: { readonly queue: OfficerQueue; readonly limit: number; readonly cursor?: string },
): Promise<Page<OfficerTask>> {
  return ports.officerTasks.listQueue(input.queue, input.limit, input.cursor);
}

// ——— the broker ———————————————————————————————————————————————————————————————————————————————————————————

export type ProvideDocumentsOutcome =
  | {
      readonly kind: 'provided';
      readonly record: DeclarationRecord;
      readonly providedAt: string;
      readonly requestedDocuments: readonly string[];
    }
  | { readonly kind: 'not-found' }
  /** Nothing was requested, or something else was already provided: nothing changed. */
  | { readonly kind: 'not-requested'; readonly because: string };

/**
 * The broker's answer to a request for documents: recorded in the declaration's history and handed to the waiting
 * workflow. Only the declaration's own broker may answer; to anyone else it does not exist. The same documents
 * again answer the same; other documents after an answer are refused.
 */
export async function provideDocuments(
  ports: OfficerPorts,
  input: { readonly declarationId: string; readonly caller: Caller; readonly documents: readonly SupportingDocument[] },
): Promise<ProvideDocumentsOutcome> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const record = await ports.declarations.load(input.declarationId);
    if (record === undefined || input.caller.brokerId === undefined || record.brokerId !== input.caller.brokerId) {
      return { kind: 'not-found' };
    }
    const request = await ports.officerTasks.loadDocumentRequest(record.id);
    if (request?.answer !== undefined) {
      if (JSON.stringify(request.answer.documents) !== JSON.stringify(input.documents)) {
        return { kind: 'not-requested', because: 'the requested documents were already provided' };
      }
      return finishAnswer(ports, record, request);
    }
    if (request === undefined || !awaitsDocuments(record)) {
      return { kind: 'not-requested', because: 'no documents were requested for this declaration' };
    }
    const answered: DocumentRequest = {
      ...request,
      answer: {
        documents: [...input.documents],
        providedBy: input.caller.actor,
        providedAt: ports.clock().toISOString(),
        carriedOut: false,
      },
      revision: request.revision + 1,
    };
    if (!(await ports.officerTasks.saveDocumentRequest(answered, request.revision))) continue;
    return finishAnswer(ports, record, answered);
  }
  throw new OfficerTaskConflictError(input.declarationId);
}

async function finishAnswer(
  ports: OfficerPorts,
  record: DeclarationRecord,
  request: DocumentRequest,
): Promise<ProvideDocumentsOutcome> {
  const answer = request.answer;
  if (answer === undefined) throw new NoDocumentsRequestedError(record.id);
  let current = record;
  if (!answer.carriedOut) {
    ({ record: current } = await advanceDeclaration(ports, record, {
      transition: 'PROVIDE_DOCUMENTS',
      actor: answer.providedBy,
      occurredAt: answer.providedAt,
      details: { documents: answer.documents, requestedDocuments: request.requestedDocuments },
    }));
    // The workflow may not wait yet: then its wait step finds the answer and resumes itself.
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const latest = (await ports.officerTasks.loadDocumentRequest(record.id)) ?? request;
      if (latest.taskToken !== undefined) await ports.tasks.resume(latest.taskToken, documentsOutput(latest));
      const done: DocumentRequest = {
        ...latest,
        answer: { ...answer, carriedOut: true },
        revision: latest.revision + 1,
      };
      if (await ports.officerTasks.saveDocumentRequest(done, latest.revision)) break;
    }
  }
  return {
    kind: 'provided',
    record: current,
    providedAt: answer.providedAt,
    requestedDocuments: request.requestedDocuments,
  };
}

function documentsOutput(request: DocumentRequest) {
  return { documentsProvidedAt: request.answer?.providedAt, documents: request.answer?.documents ?? [] };
}
