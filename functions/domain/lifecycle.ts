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
  RECEIVED: { cusresCode: '1' },
  MANIFEST_MISMATCH: { cusresCode: '6' },
  MANIFEST_MATCHED: { cusresCode: '1' },
  REJECTED: { cusresCode: '2' },
  RISK_ASSESSED: { cusresCode: '1' },
  AWAITING_ARRIVAL: { cusresCode: '9' },
  ARRIVED: { cusresCode: '9' },
  DUTIES_SECURED: { cusresCode: '1' },
  SLOT_BOOKED: { cusresCode: '9' },
  GATED_IN: { cusresCode: '9' },
  RELEASED: { cusresCode: '4' },
  EXITED: { cusresCode: '4' },
  CLOSED: { cusresCode: '4' },
  HELD: { cusresCode: '7' },
  MANUAL_REVIEW: { cusresCode: '6' },
  // No CUSRES code answers a declarant's own cancellation (NCTS has a decision message for it, IE009).
  CANCELLED: { cusresCode: undefined },
} as const satisfies Record<string, { cusresCode: string | undefined }>;

export type DeclarationStatus = keyof typeof DECLARATION_STATUSES;
export const STATUS_NAMES = Object.keys(DECLARATION_STATUSES) as DeclarationStatus[];

/**
 * What each status means, in the words of the API's documentation (kept apart from the codes, so that the
 * functions that only name statuses do not bundle the prose).
 */
export const STATUS_MEANINGS = {
  RECEIVED: 'filed: the document passed every rule and was accepted for processing',
  MANIFEST_MISMATCH: 'the declaration does not match its train’s manifest: amend it (the lines are in the history)',
  MANIFEST_MATCHED: 'accepted: the declaration matches its train’s manifest',
  REJECTED: 'rejected with comment',
  RISK_ASSESSED: 'accepted, risk channel assigned',
  AWAITING_ARRIVAL: 'accepted, awaiting arrival of the goods',
  ARRIVED: 'the goods arrived: transshipment and inspection (see tracks) are under way',
  DUTIES_SECURED: 'duties and taxes paid or guaranteed: release follows',
  SLOT_BOOKED: 'accepted, the truck has a gate slot: awaiting it at the gate',
  GATED_IN: 'the truck passed the gate (plate and weight checked): inspection by channel',
  RELEASED: 'released',
  EXITED: 'released, and the truck left through the border',
  CLOSED: 'closed: the truck left and nothing is open on the declaration',
  HELD: 'detained by an officer',
  MANUAL_REVIEW: 'an officer must review the declaration before it can go on',
  CANCELLED: 'cancelled by the broker before release',
} as const satisfies Record<DeclarationStatus, string>;

/** Status names as constants, for code outside the domain that must name one (state machines, tests). */
// Pure: a function that names no status through it leaves it out of its bundle (the budget is 250 KiB each).
export const STATUS = /* @__PURE__ */ Object.fromEntries(/* @__PURE__ */ STATUS_NAMES.map((name) => [name, name])) as {
  readonly [K in DeclarationStatus]: K;
};

/** Where nothing moves any more: no workflow waits, no officer acts. */
export const FINAL_STATUSES: readonly DeclarationStatus[] = ['RELEASED', 'EXITED', 'CLOSED', 'REJECTED', 'CANCELLED'];

/**
 * After arrival two things happen at once, and neither owns the status: the train's gauge change
 * (transshipment) and the inspection the risk channel calls for. Each is a track with its own state; the
 * declaration's status stays ARRIVED (or HELD / MANUAL_REVIEW) until both are done and duties are secured.
 */
export const TRACK_STATES = {
  transshipment: ['PENDING', 'IN_PROGRESS', 'COMPLETED'],
  inspection: ['NOT_REQUIRED', 'PENDING', 'DOCUMENT_REVIEW', 'DOCUMENTS_REQUESTED', 'PHYSICAL_INSPECTION', 'PASSED'],
} as const;
export type TrackName = keyof typeof TRACK_STATES;
export type TrackState<T extends TrackName = TrackName> = (typeof TRACK_STATES)[T][number];
export type Tracks = { readonly [T in TrackName]: TrackState<T> };

/** A track is done when nothing on it holds the goods back. */
export const TRACK_DONE: { readonly [T in TrackName]: readonly TrackState<T>[] } = {
  transshipment: ['COMPLETED'],
  inspection: ['NOT_REQUIRED', 'PASSED'],
};

/** Statuses in which the goods have arrived and the tracks move. */
const AFTER_ARRIVAL: readonly DeclarationStatus[] = ['ARRIVED', 'HELD', 'MANUAL_REVIEW'];
/** Every status a declaration can still leave. */
const OPEN: readonly DeclarationStatus[] = STATUS_NAMES.filter((status) => !FINAL_STATUSES.includes(status));

interface TransitionRule {
  /** The status it leads to (a track move keeps the status); PREVIOUS goes back to where it was before review or hold. */
  readonly to: DeclarationStatus | 'PREVIOUS' | 'SAME';
  readonly from: readonly DeclarationStatus[];
  readonly reason: string;
  /** A move on one track (the status stays). */
  readonly track?: { readonly name: TrackName; readonly to: TrackState; readonly from: readonly TrackState[] };
  /** Tracks that must be done first. */
  readonly requiresTracksDone?: boolean;
}

/**
 * The transitions, each naming the status it leads to, the statuses it may start from, and the reason
 * recorded when the caller gives none. FILE creates a declaration and has no predecessor.
 */
export const TRANSITIONS = {
  FILE: { to: 'RECEIVED', from: [], reason: 'the broker filed the declaration' },
  REPORT_MANIFEST_MISMATCH: {
    to: 'MANIFEST_MISMATCH',
    from: ['RECEIVED'],
    reason: 'the declaration does not match the train manifest',
  },
  MATCH_MANIFEST: {
    to: 'MANIFEST_MATCHED',
    from: ['RECEIVED', 'MANIFEST_MISMATCH'],
    reason: 'the declaration matches the train manifest',
  },
  ASSIGN_RISK_CHANNEL: {
    to: 'RISK_ASSESSED',
    from: ['RECEIVED', 'MANIFEST_MATCHED'],
    reason: 'a risk channel was assigned',
  },
  AWAIT_ARRIVAL: { to: 'AWAITING_ARRIVAL', from: ['RISK_ASSESSED'], reason: 'waiting for the goods to arrive' },
  // Highway: the truck's booked gate slot, its passage through the smart gate, and its exit through the border.
  CONFIRM_BOOKING: { to: 'SLOT_BOOKED', from: ['RISK_ASSESSED'], reason: 'a gate slot is booked' },
  GATE_IN: { to: 'GATED_IN', from: ['SLOT_BOOKED'], reason: 'the truck gated in' },
  // A red-channel truck's scan (./road-scan.ts) is kept in the history; a suspicious one is then held (HOLD).
  RECORD_SCAN: { to: 'SAME', from: ['GATED_IN'], reason: 'the scanner scanned the truck' },
  RECORD_ARRIVAL: { to: 'ARRIVED', from: ['AWAITING_ARRIVAL'], reason: 'the port reported the goods arrived' },
  // A corrected arrival report re-stamps a declaration that already arrived: its arrival time and the SLA clocks
  // counted from it change, its status does not (the trace is its history entry, naming the report superseded).
  CORRECT_ARRIVAL: {
    to: 'SAME',
    from: ['ARRIVED', 'HELD', 'MANUAL_REVIEW', 'DUTIES_SECURED', 'RELEASED'],
    reason: 'the port corrected the arrival report',
  },
  START_TRANSSHIPMENT: {
    to: 'SAME',
    from: AFTER_ARRIVAL,
    reason: 'the terminal started the gauge change',
    track: { name: 'transshipment', to: 'IN_PROGRESS', from: ['PENDING'] },
  },
  COMPLETE_TRANSSHIPMENT: {
    to: 'SAME',
    from: AFTER_ARRIVAL,
    reason: 'the terminal completed the gauge change',
    track: { name: 'transshipment', to: 'COMPLETED', from: ['PENDING', 'IN_PROGRESS'] },
  },
  OPEN_DOCUMENT_REVIEW: {
    to: 'SAME',
    from: AFTER_ARRIVAL,
    reason: 'an officer reviews the documents',
    track: { name: 'inspection', to: 'DOCUMENT_REVIEW', from: ['PENDING', 'DOCUMENTS_REQUESTED'] },
  },
  OPEN_PHYSICAL_INSPECTION: {
    to: 'SAME',
    from: AFTER_ARRIVAL,
    reason: 'an officer scans or inspects the goods',
    track: { name: 'inspection', to: 'PHYSICAL_INSPECTION', from: ['PENDING', 'DOCUMENTS_REQUESTED'] },
  },
  REQUEST_DOCUMENTS: {
    to: 'SAME',
    from: AFTER_ARRIVAL,
    reason: 'an officer requested documents from the broker',
    track: { name: 'inspection', to: 'DOCUMENTS_REQUESTED', from: ['DOCUMENT_REVIEW', 'PHYSICAL_INSPECTION'] },
  },
  PASS_INSPECTION: {
    to: 'SAME',
    from: AFTER_ARRIVAL,
    reason: 'the officer approved the goods',
    track: { name: 'inspection', to: 'PASSED', from: ['DOCUMENT_REVIEW', 'PHYSICAL_INSPECTION'] },
  },
  // The broker's answer to REQUEST_DOCUMENTS, kept in the history; the workflow then opens the review again.
  PROVIDE_DOCUMENTS: { to: 'SAME', from: AFTER_ARRIVAL, reason: 'the broker provided documents' },
  SECURE_DUTIES: {
    to: 'DUTIES_SECURED',
    from: ['ARRIVED', 'GATED_IN'],
    reason: 'duties and taxes are paid or guaranteed',
    requiresTracksDone: true,
  },
  RELEASE: { to: 'RELEASED', from: ['DUTIES_SECURED'], reason: 'released: every check is done' },
  RECORD_EXIT: { to: 'EXITED', from: ['RELEASED'], reason: 'the truck left' },
  CLOSE: { to: 'CLOSED', from: ['EXITED'], reason: 'closed after exit' },
  HOLD: {
    to: 'HELD',
    from: ['ARRIVED', 'SLOT_BOOKED', 'GATED_IN', 'MANUAL_REVIEW'],
    reason: 'an officer detained the goods',
  },
  REJECT: {
    to: 'REJECTED',
    from: ['RECEIVED', 'MANIFEST_MISMATCH', 'ARRIVED', 'SLOT_BOOKED', 'GATED_IN', 'HELD', 'MANUAL_REVIEW'],
    reason: 'the declaration breaks a clearance rule',
  },
  CANCEL: { to: 'CANCELLED', from: OPEN, reason: 'the broker cancelled the declaration' },
  // A missed deadline changes no status: it is flagged on the declaration, kept in history and notified.
  FLAG_SLA_BREACH: { to: 'SAME', from: OPEN, reason: 'a clearance deadline passed' },
  // Two-step (./two-step.ts): goods released under a summary stay released; the broker's missing complete
  // declaration is flagged and followed up by an officer, who may close the follow-up.
  FLAG_COMPLETION_OVERDUE: {
    to: 'SAME',
    from: ['RELEASED'],
    reason: 'the complete declaration did not come within its period: an officer follows it up',
  },
  CLOSE_COMPLETION_FOLLOW_UP: {
    to: 'SAME',
    from: ['RELEASED'],
    reason: 'an officer closed the follow-up of the missing complete declaration',
  },
  // An officer takes over when something did not come in time or the goods need a decision; not a dead end:
  // RESUME takes the declaration back to where it was, and the workflow goes on from there.
  ESCALATE_TO_MANUAL_REVIEW: {
    to: 'MANUAL_REVIEW',
    // Any open status, and a released truck that is not reported leaving (an officer finds out where it is).
    from: [...OPEN.filter((status) => status !== 'HELD' && status !== 'MANUAL_REVIEW'), 'RELEASED'],
    reason: 'an officer must review the declaration',
  },
  RESUME: {
    to: 'PREVIOUS',
    from: ['MANUAL_REVIEW', 'HELD'],
    reason: 'the officer let the declaration go on',
  },
} as const satisfies Record<string, TransitionRule>;

export type TransitionName = keyof typeof TRANSITIONS;
export const TRANSITION_NAMES = Object.keys(TRANSITIONS) as TransitionName[];
// Pure, as STATUS is: a function that moves no declaration on leaves it out of its bundle.
export const TRANSITION = /* @__PURE__ */ Object.fromEntries(
  /* @__PURE__ */ TRANSITION_NAMES.map((name) => [name, name]),
) as {
  readonly [K in TransitionName]: K;
};

export function isTransitionName(candidate: unknown): candidate is TransitionName {
  return typeof candidate === 'string' && Object.hasOwn(TRANSITIONS, candidate);
}

/** The transitions one declaration type goes through: a subset of TRANSITIONS, named in the type registry. */
export type Lifecycle = readonly TransitionName[];

/** The part of a declaration the lifecycle decides on, and all it decides. */
export interface LifecycleState {
  readonly status: DeclarationStatus;
  readonly version: number;
  /** Set on arrival for the types that have tracks. */
  readonly tracks?: Tracks;
  /** Where a declaration under review or on hold goes back to. */
  readonly resumeStatus?: DeclarationStatus;
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
  | { readonly kind: 'apply'; readonly entry: HistoryEntry; readonly next: LifecycleState }
  /** The declaration is already where this transition leads: a retried step, nothing to write. */
  | { readonly kind: 'already-applied' }
  | {
      readonly kind: 'not-allowed';
      readonly from: DeclarationStatus;
      readonly to: DeclarationStatus | TrackState;
      readonly because?: string;
    };

/** The tracks a declaration starts with on arrival: inspection only where its risk channel asks for one. */
export function tracksOnArrival(inspectionRequired: boolean): Tracks {
  return { transshipment: 'PENDING', inspection: inspectionRequired ? 'PENDING' : 'NOT_REQUIRED' };
}

export function tracksDone(tracks: Tracks | undefined): boolean {
  if (tracks === undefined) return true;
  return (
    (TRACK_DONE.transshipment as readonly string[]).includes(tracks.transshipment) &&
    (TRACK_DONE.inspection as readonly string[]).includes(tracks.inspection)
  );
}

/**
 * Decides what a transition does to a declaration in its current state, under its type's lifecycle.
 * `arrival` says, for RECORD_ARRIVAL, which tracks the declaration's type and risk channel give it.
 */
export function decideTransition(
  lifecycle: Lifecycle,
  current: LifecycleState,
  request: TransitionRequest,
  recordedAt: Date,
  arrival?: { readonly tracks: Tracks | undefined },
): TransitionOutcome {
  const rule: TransitionRule = TRANSITIONS[request.transition];
  const inLifecycle = lifecycle.includes(request.transition);
  const fromAllowed = rule.from.includes(current.status);
  if (rule.track !== undefined) {
    const state = current.tracks?.[rule.track.name];
    if (state === rule.track.to) return { kind: 'already-applied' };
    if (
      !inLifecycle ||
      !fromAllowed ||
      state === undefined ||
      !(rule.track.from as readonly string[]).includes(state)
    ) {
      return {
        kind: 'not-allowed',
        from: current.status,
        to: rule.track.to,
        ...(state === undefined ? {} : { because: `${rule.track.name} is ${state}` }),
      };
    }
    const tracks = { ...current.tracks, [rule.track.name]: rule.track.to } as Tracks;
    const entry = entryFor(request, current.version + 1, current.status, recordedAt, current.status, {
      track: rule.track.name,
      trackState: rule.track.to,
    });
    return { kind: 'apply', entry, next: { ...current, version: entry.version, tracks } };
  }
  const to = rule.to === 'PREVIOUS' ? current.resumeStatus : rule.to === 'SAME' ? current.status : rule.to;
  if (to === undefined)
    return { kind: 'not-allowed', from: current.status, to: current.status, because: 'nowhere to go back to' };
  if (rule.to !== 'SAME' && current.status === to && !fromAllowed) return { kind: 'already-applied' };
  if (!inLifecycle || !fromAllowed) return { kind: 'not-allowed', from: current.status, to };
  if (rule.requiresTracksDone === true && !tracksDone(current.tracks)) {
    return { kind: 'not-allowed', from: current.status, to, because: 'transshipment and inspection are not both done' };
  }
  const entry = entryFor(request, current.version + 1, to, recordedAt, current.status);
  const { resumeStatus: _done, ...rest } = current;
  const next: LifecycleState = {
    ...(rule.to === 'PREVIOUS' ? rest : current),
    status: to,
    version: entry.version,
    // Review and hold remember where the declaration was, so that RESUME can take it back there.
    ...((to === 'MANUAL_REVIEW' || to === 'HELD') && current.status !== 'MANUAL_REVIEW' && current.status !== 'HELD'
      ? { resumeStatus: current.status }
      : {}),
    ...(request.transition === 'RECORD_ARRIVAL' && arrival?.tracks !== undefined ? { tracks: arrival.tracks } : {}),
  };
  return { kind: 'apply', entry, next };
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
  track?: { readonly track: TrackName; readonly trackState: TrackState },
): HistoryEntry {
  const recorded = recordedAt.toISOString();
  return {
    version,
    status,
    ...(previousStatus === undefined ? {} : { previousStatus }),
    ...track,
    transition: request.transition,
    actor: request.actor,
    occurredAt: request.occurredAt ?? recorded,
    recordedAt: recorded,
    reason: request.reason ?? TRANSITIONS[request.transition].reason,
    ...(request.details === undefined ? {} : { details: request.details }),
  };
}
