/**
 * The declaration lifecycle: which status follows which, and what each stage records.
 * Every status carries the UN/EDIFACT CUSRES response code (data element 7365) that a customs
 * system would send for it, so brokers' systems can map our statuses onto their own.
 */

export const DECLARATION_STATUSES = {
  RECEIVED: { cusresCode: '1', meaning: 'accepted for processing' },
  VALIDATED: { cusresCode: '1', meaning: 'accepted' },
  REJECTED: { cusresCode: '2', meaning: 'rejected with comment' },
  RISK_ASSESSED: { cusresCode: '1', meaning: 'accepted, risk channel assigned' },
  AWAITING_ARRIVAL: { cusresCode: '9', meaning: 'accepted, awaiting arrival of goods' },
  ARRIVED: { cusresCode: '9', meaning: 'goods arrived, matched against the manifest' },
  RELEASED: { cusresCode: '4', meaning: 'released' },
  MANUAL_REVIEW: { cusresCode: '6', meaning: 'documents required: an officer must review' },
} as const;

export type DeclarationStatus = keyof typeof DECLARATION_STATUSES;

/** The transitions the workflow may ask for, each naming the status it leads to and where from. */
export const TRANSITIONS = {
  VALIDATE: { to: 'VALIDATED', from: ['RECEIVED'] },
  REJECT: { to: 'REJECTED', from: ['RECEIVED'] },
  ASSIGN_RISK_CHANNEL: { to: 'RISK_ASSESSED', from: ['VALIDATED'] },
  AWAIT_ARRIVAL: { to: 'AWAITING_ARRIVAL', from: ['RISK_ASSESSED'] },
  RECORD_ARRIVAL: { to: 'ARRIVED', from: ['AWAITING_ARRIVAL'] },
  RELEASE: { to: 'RELEASED', from: ['ARRIVED'] },
  // An officer takes over when the train is late, or after arrival when the risk channel is not green.
  ESCALATE_TO_MANUAL_REVIEW: {
    to: 'MANUAL_REVIEW',
    from: ['AWAITING_ARRIVAL', 'ARRIVED', 'RISK_ASSESSED', 'VALIDATED'],
  },
} as const satisfies Record<string, { to: DeclarationStatus; from: readonly DeclarationStatus[] }>;

export type TransitionName = keyof typeof TRANSITIONS;

export function isTransitionName(candidate: unknown): candidate is TransitionName {
  return typeof candidate === 'string' && Object.hasOwn(TRANSITIONS, candidate);
}

export interface HistoryEntry {
  readonly version: number;
  readonly status: DeclarationStatus;
  readonly transition: TransitionName | 'SUBMIT';
  readonly at: string;
  readonly details?: Record<string, unknown>;
}

export interface DeclarationState {
  readonly status: DeclarationStatus;
  readonly version: number;
}

export type TransitionOutcome =
  | { readonly kind: 'apply'; readonly entry: HistoryEntry }
  /** The declaration is already where this transition leads: a retried step, nothing to write. */
  | { readonly kind: 'already-applied' }
  | { readonly kind: 'not-allowed'; readonly from: DeclarationStatus; readonly to: DeclarationStatus };

/** Decides what a transition does to a declaration in its current state. */
export function decideTransition(
  current: DeclarationState,
  transition: TransitionName,
  at: Date,
  details?: Record<string, unknown>,
): TransitionOutcome {
  const rule = TRANSITIONS[transition];
  if (current.status === rule.to) return { kind: 'already-applied' };
  if (!(rule.from as readonly DeclarationStatus[]).includes(current.status)) {
    return { kind: 'not-allowed', from: current.status, to: rule.to };
  }
  return {
    kind: 'apply',
    entry: {
      version: current.version + 1,
      status: rule.to,
      transition,
      at: at.toISOString(),
      ...(details === undefined ? {} : { details }),
    },
  };
}

/** The first history entry of every declaration. */
export function submissionEntry(at: Date): HistoryEntry {
  return { version: 1, status: 'RECEIVED', transition: 'SUBMIT', at: at.toISOString() };
}
