import type { Actor } from './actors.ts';
import type { HistoryEntry } from './schemas/history-entry.ts';

export type { HistoryEntry };

/**
 * The declaration lifecycle: which status follows which, and why. It is decided here and only here; the
 * state machines branch on the names this module exports, and adapters store what it decided.
 *
 * Every status carries the UN/EDIFACT CUSRES response code (data element 7365) that a customs system
 * would send for it, so brokers' systems can map our statuses onto their own.
 */
export const DECLARATION_STATUSES = {
  RECEIVED: { cusresCode: '1', meaning: 'filed: the document passed every rule and was accepted for processing' },
  REJECTED: { cusresCode: '2', meaning: 'rejected with comment' },
  RISK_ASSESSED: { cusresCode: '1', meaning: 'accepted, risk channel assigned' },
  AWAITING_ARRIVAL: { cusresCode: '9', meaning: 'accepted, awaiting arrival of the goods' },
  ARRIVED: { cusresCode: '9', meaning: 'the goods arrived at the port' },
  RELEASED: { cusresCode: '4', meaning: 'released' },
  MANUAL_REVIEW: { cusresCode: '6', meaning: 'documents required: an officer must review' },
} as const;

export type DeclarationStatus = keyof typeof DECLARATION_STATUSES;
export const STATUS_NAMES = Object.keys(DECLARATION_STATUSES) as DeclarationStatus[];

/** Status names as constants, for code outside the domain that must name one (state machines, tests). */
export const STATUS = Object.fromEntries(STATUS_NAMES.map((name) => [name, name])) as {
  readonly [K in DeclarationStatus]: K;
};

/**
 * The transitions, each naming the status it leads to, the statuses it may start from, and the reason
 * recorded when the caller gives none. FILE creates a declaration and has no predecessor.
 */
export const TRANSITIONS = {
  FILE: { to: 'RECEIVED', from: [], reason: 'the broker filed the declaration' },
  REJECT: { to: 'REJECTED', from: ['RECEIVED'], reason: 'the declaration breaks a clearance rule' },
  ASSIGN_RISK_CHANNEL: { to: 'RISK_ASSESSED', from: ['RECEIVED'], reason: 'a risk channel was assigned' },
  AWAIT_ARRIVAL: { to: 'AWAITING_ARRIVAL', from: ['RISK_ASSESSED'], reason: 'waiting for the goods to arrive' },
  RECORD_ARRIVAL: { to: 'ARRIVED', from: ['AWAITING_ARRIVAL'], reason: 'the port reported the goods arrived' },
  RELEASE: { to: 'RELEASED', from: ['ARRIVED'], reason: 'green channel: released without inspection' },
  // An officer takes over when the goods are late, or after arrival when the risk channel is not green.
  ESCALATE_TO_MANUAL_REVIEW: {
    to: 'MANUAL_REVIEW',
    from: ['RECEIVED', 'RISK_ASSESSED', 'AWAITING_ARRIVAL', 'ARRIVED'],
    reason: 'an officer must review the declaration',
  },
} as const satisfies Record<string, { to: DeclarationStatus; from: readonly DeclarationStatus[]; reason: string }>;

export type TransitionName = keyof typeof TRANSITIONS;
export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as TransitionName[];
export const TRANSITION = Object.fromEntries(TRANSITION_NAMES.map((name) => [name, name])) as {
  readonly [K in TransitionName]: K;
};

export function isTransitionName(candidate: unknown): candidate is TransitionName {
  return typeof candidate === 'string' && Object.hasOwn(TRANSITIONS, candidate);
}

/** The transitions one declaration type goes through: a subset of TRANSITIONS, named in the type registry. */
export type Lifecycle = readonly TransitionName[];

/** The part of a declaration the lifecycle decides on. */
export interface LifecycleState {
  readonly status: DeclarationStatus;
  readonly version: number;
}

/** A request to move a declaration on: what, who, when it happened and why. */
export interface TransitionRequest {
  readonly transition: TransitionName;
  readonly actor: Actor;
  /** Business time of the event; the time of recording when the caller has none. */
  readonly occurredAt?: string;
  readonly reason?: string;
  readonly details?: Record<string, unknown>;
}

export type TransitionOutcome =
  | { readonly kind: 'apply'; readonly entry: HistoryEntry }
  /** The declaration is already where this transition leads: a retried step, nothing to write. */
  | { readonly kind: 'already-applied' }
  | { readonly kind: 'not-allowed'; readonly from: DeclarationStatus; readonly to: DeclarationStatus };

/** Decides what a transition does to a declaration in its current state, under its type's lifecycle. */
export function decideTransition(
  lifecycle: Lifecycle,
  current: LifecycleState,
  request: TransitionRequest,
  recordedAt: Date,
): TransitionOutcome {
  const rule = TRANSITIONS[request.transition];
  if (current.status === rule.to) return { kind: 'already-applied' };
  const allowed =
    lifecycle.includes(request.transition) && (rule.from as readonly DeclarationStatus[]).includes(current.status);
  if (!allowed) return { kind: 'not-allowed', from: current.status, to: rule.to };
  return { kind: 'apply', entry: entryFor(request, current.version + 1, rule.to, recordedAt, current.status) };
}

/** The first history entry of every declaration. */
export function filingEntry(request: Omit<TransitionRequest, 'transition'>, recordedAt: Date): HistoryEntry {
  return entryFor({ ...request, transition: 'FILE' }, 1, 'RECEIVED', recordedAt);
}

function entryFor(
  request: TransitionRequest,
  version: number,
  status: DeclarationStatus,
  recordedAt: Date,
  previousStatus?: DeclarationStatus,
): HistoryEntry {
  const recorded = recordedAt.toISOString();
  return {
    version,
    status,
    ...(previousStatus === undefined ? {} : { previousStatus }),
    transition: request.transition,
    actor: request.actor,
    occurredAt: request.occurredAt ?? recorded,
    recordedAt: recorded,
    reason: request.reason ?? TRANSITIONS[request.transition].reason,
    ...(request.details === undefined ? {} : { details: request.details }),
  };
}
