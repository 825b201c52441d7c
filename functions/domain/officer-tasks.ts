import { isInTheFuture } from './clock-skew.ts';
import type { DeclarationStatus, Tracks, TransitionName } from './lifecycle.ts';
import type { SupportingDocument } from './schemas/officer-tasks.ts';

export type { SupportingDocument };

/**
 * An officer's work: a declaration the workflow parks until an officer decides on it. What kind of task it
 * is, which queue it waits in, which decisions it admits and what each does to the declaration and to the
 * workflow are decided here; the use cases store and carry out what this module decides.
 */

/**
 * What the officer is asked to do; the first two move the inspection track, the third the status. The fourth
 * follows up a two-step summary whose complete declaration did not come in time: the goods stay released.
 */
export const OFFICER_TASK_KINDS = [
  'DOCUMENT_REVIEW',
  'PHYSICAL_INSPECTION',
  'MANUAL_REVIEW',
  'COMPLETION_OVERDUE',
] as const;
export type OfficerTaskKind = (typeof OFFICER_TASK_KINDS)[number];

/** Officers work the first queue; a task waits in the supervisors' queue once its wait timed out (escalation). */
export const OFFICER_QUEUES = ['officers', 'supervisors'] as const;
export type OfficerQueue = (typeof OFFICER_QUEUES)[number];
export const DEFAULT_QUEUE: OfficerQueue = 'officers';

/**
 * The transition a task records when the workflow opens it. A completion follow-up records none: the workflow's
 * step before it flagged the missed period (FLAG_COMPLETION_OVERDUE), once, however often the task is opened.
 */
export const OPENING_TRANSITION: Readonly<Record<OfficerTaskKind, TransitionName | undefined>> = {
  DOCUMENT_REVIEW: 'OPEN_DOCUMENT_REVIEW',
  PHYSICAL_INSPECTION: 'OPEN_PHYSICAL_INSPECTION',
  MANUAL_REVIEW: 'ESCALATE_TO_MANUAL_REVIEW',
  COMPLETION_OVERDUE: undefined,
};

/** Every decision an officer can post. HOLD keeps the task open; the others end it. */
export const DECISION_NAMES = ['APPROVE', 'REQUEST_DOCUMENTS', 'HOLD', 'REJECT'] as const;
export type DecisionName = (typeof DECISION_NAMES)[number];

/**
 * The decisions that resume the workflow, as the output of its waiting task (`{ "decision": NAME }`): the
 * state machine branches on these names. HOLD is not one of them: a held declaration's workflow keeps waiting.
 */
export const OFFICER_DECISIONS = {
  APPROVE: 'APPROVE',
  REQUEST_DOCUMENTS: 'REQUEST_DOCUMENTS',
  REJECT: 'REJECT',
} as const satisfies Partial<Record<DecisionName, DecisionName>>;
export type WorkflowDecision = keyof typeof OFFICER_DECISIONS;

/** What the workflow's waiting task is resumed with. */
export interface DecisionOutput {
  readonly decision: WorkflowDecision;
  /** The decision's business time: a release it causes is recorded then. */
  readonly occurredAt: string;
}

export const MAX_REASON_LENGTH = 500;

/** What a decision does: the transitions to record in order, and whether the task ends and the workflow resumes. */
export type DecisionPlan =
  | {
      readonly kind: 'decide';
      readonly transitions: readonly TransitionName[];
      /** Undefined for HOLD: the task stays open and the workflow waits on. */
      readonly resumeWith?: Pick<DecisionOutput, 'decision'>;
    }
  | { readonly kind: 'refused'; readonly because: string };

const INSPECTION_KINDS: readonly OfficerTaskKind[] = ['DOCUMENT_REVIEW', 'PHYSICAL_INSPECTION'];

/**
 * Which decision an open task admits with the declaration where it is, and what it does. A declaration on hold
 * or under manual review goes back where it was (RESUME) before its inspection is passed or documents are
 * requested, so that the status the broker sees is ARRIVED again when the workflow moves on.
 */
export function planDecision(kind: OfficerTaskKind, status: DeclarationStatus, decision: DecisionName): DecisionPlan {
  if (kind === 'COMPLETION_OVERDUE') return planCompletionFollowUp(status, decision);
  const paused = status === 'HELD' || status === 'MANUAL_REVIEW';
  const inspection = INSPECTION_KINDS.includes(kind);
  const waiting = inspection ? status === 'ARRIVED' || paused : paused;
  if (!waiting) return { kind: 'refused', because: `a ${kind} task cannot be decided on a ${status} declaration` };
  const back: TransitionName[] = paused ? ['RESUME'] : [];
  switch (decision) {
    case 'APPROVE':
      return {
        kind: 'decide',
        transitions: inspection ? [...back, 'PASS_INSPECTION'] : ['RESUME'],
        resumeWith: { decision: 'APPROVE' },
      };
    case 'REQUEST_DOCUMENTS':
      if (!inspection)
        return { kind: 'refused', because: 'documents are requested in a document review or inspection' };
      return {
        kind: 'decide',
        transitions: [...back, 'REQUEST_DOCUMENTS'],
        resumeWith: { decision: 'REQUEST_DOCUMENTS' },
      };
    case 'HOLD':
      if (status === 'HELD') return { kind: 'refused', because: 'the declaration is already held' };
      return { kind: 'decide', transitions: ['HOLD'] };
    case 'REJECT':
      return { kind: 'decide', transitions: ['REJECT'], resumeWith: { decision: 'REJECT' } };
  }
}

/**
 * The follow-up of a missing complete declaration, on goods released under the summary: the broker's complete
 * declaration ends it, or an officer's APPROVE closes it (the declaration stays as it is; the reason says why).
 * Released goods are neither held nor rejected here, and the broker's answer is the complete declaration itself.
 */
function planCompletionFollowUp(status: DeclarationStatus, decision: DecisionName): DecisionPlan {
  if (status !== 'RELEASED') {
    return { kind: 'refused', because: `a COMPLETION_OVERDUE task cannot be decided on a ${status} declaration` };
  }
  if (decision !== 'APPROVE') {
    return {
      kind: 'refused',
      because: `the goods are released: ${decision} does not apply; APPROVE closes the follow-up, the broker’s complete declaration ends it`,
    };
  }
  return { kind: 'decide', transitions: ['CLOSE_COMPLETION_FOLLOW_UP'], resumeWith: { decision: 'APPROVE' } };
}

/** The rules of a decision's body the schema cannot say: documents are named with REQUEST_DOCUMENTS, and only then. */
export function decisionViolations(
  request: {
    readonly decision: DecisionName;
    readonly requestedDocuments?: readonly string[];
    readonly occurredAt?: string;
  },
  now: Date,
): { pointer: string; rule: string; detail: string }[] {
  if (request.occurredAt !== undefined && isInTheFuture(Date.parse(request.occurredAt), now)) {
    return [
      {
        pointer: '/occurredAt',
        rule: 'not-in-the-future',
        detail: `${request.occurredAt} is later than now: a decision is recorded once it is taken`,
      },
    ];
  }
  if (request.decision === 'REQUEST_DOCUMENTS' && request.requestedDocuments === undefined) {
    return [{ pointer: '/requestedDocuments', rule: 'required', detail: 'name the documents the broker must provide' }];
  }
  if (request.decision !== 'REQUEST_DOCUMENTS' && request.requestedDocuments !== undefined) {
    return [
      {
        pointer: '/requestedDocuments',
        rule: 'request-documents-only',
        detail: `documents are requested with REQUEST_DOCUMENTS, not ${request.decision}`,
      },
    ];
  }
  return [];
}

/** Whether the broker is being asked for documents: the inspection waits for them on a declaration still open. */
export function awaitsDocuments(declaration: {
  readonly status: DeclarationStatus;
  readonly tracks?: Tracks;
}): boolean {
  return (
    declaration.tracks?.inspection === 'DOCUMENTS_REQUESTED' &&
    (declaration.status === 'ARRIVED' || declaration.status === 'HELD' || declaration.status === 'MANUAL_REVIEW')
  );
}

/** How a task stands against its deadline. */
export const SLA_STATES = ['OK', 'APPROACHING', 'BREACHED'] as const;
export type SlaState = (typeof SLA_STATES)[number];

/** The share of the time to the deadline after which a task shows as APPROACHING, unless configured. */
export const DEFAULT_APPROACHING_SHARE = 0.8;

/**
 * A task's SLA state at `now`: BREACHED once its deadline has passed, APPROACHING once `approachingShare` of the
 * time between opening and deadline is used, else OK. A task without a deadline is always OK. Times are business
 * times (the SLA clock starts from the event that opened the task), compared as instants.
 */
export function slaStateOf(
  task: { readonly openedAt: string; readonly dueAt?: string },
  now: Date,
  approachingShare: number = DEFAULT_APPROACHING_SHARE,
): SlaState {
  if (task.dueAt === undefined) return 'OK';
  const opened = Date.parse(task.openedAt);
  const due = Date.parse(task.dueAt);
  const at = now.getTime();
  if (at >= due) return 'BREACHED';
  const allowed = due - opened;
  if (allowed <= 0) return 'APPROACHING';
  return (at - opened) / allowed >= approachingShare ? 'APPROACHING' : 'OK';
}

/** Reads the configured share (e.g. "0.8"); anything that is not a share strictly between 0 and 1 is refused. */
export function approachingShareFrom(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_APPROACHING_SHARE;
  const share = Number(text);
  if (!(share > 0 && share < 1)) throw new Error(`the SLA approaching share must be between 0 and 1, not ${text}`);
  return share;
}
