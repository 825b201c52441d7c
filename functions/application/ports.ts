import type { Actor } from '#domain/actors.ts';
import type { DeclarationDocument, DeclarationType, WorkflowId } from '#domain/declaration-types/registry.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { DeclarationStatus, HistoryEntry, Tracks, TransitionName } from '#domain/lifecycle.ts';
import type { DecisionName, OfficerQueue, OfficerTaskKind, SupportingDocument } from '#domain/officer-tasks.ts';
import type { Milestone, MilestoneNotice, RailWait, RoadWait, TRUCK_EXPECTED } from '#domain/port-events.ts';

/** What a workflow can wait on: a port milestone, or a rail wait (an amendment). */
export type WaitName = Milestone | RailWait | RoadWait | typeof TRUCK_EXPECTED;

import type { Role } from '#domain/roles.ts';
import type { ManifestVersion, TrainHead, TrainRef } from '#domain/trains.ts';
import type { DeliveryOutcome } from '#domain/webhooks.ts';

/**
 * The ports the use cases depend on. Adapters implement them and only persist or call AWS; every decision
 * (which status follows which, who sees what) is made in the domain and the use cases.
 */

/** A declaration's head: what the lifecycle and the list views need, without the document. */
export interface DeclarationRecord {
  readonly id: string;
  readonly brokerId: string;
  readonly declarationType: DeclarationType;
  readonly status: DeclarationStatus;
  /** The workflow's version: one per status change, the guard of every write. */
  readonly version: number;
  /** The document's version: 1 as filed, one more per amendment (what an ETag and If-Match will carry). */
  readonly documentVersion: number;
  /** The 18-digit number customs gave it on acceptance (see domain/declaration-number.ts); amendments keep it. */
  readonly declarationNumber: string;
  readonly filedAt: string;
  readonly updatedAt: string;
  /** Facts the workflow learned, kept for queries and views (risk channel, arrival). */
  readonly facts: Readonly<Record<string, unknown>>;
  /** After arrival: the transshipment and inspection tracks (types that have them). */
  readonly tracks?: Tracks;
  /** Under review or on hold: the status an officer's RESUME goes back to. */
  readonly resumeStatus?: DeclarationStatus;
}

export interface Filing {
  readonly record: DeclarationRecord;
  readonly document: DeclarationDocument;
  readonly entry: HistoryEntry;
  readonly event: DomainEvent;
  readonly idempotencyKey: string;
}

export interface StatusChange {
  readonly expectedVersion: number;
  readonly record: DeclarationRecord;
  readonly entry: HistoryEntry;
  readonly event: DomainEvent;
}

/**
 * A new version of the document (an amendment, a two-step completion): the head moves on both versions and takes
 * the record's facts, the old document stays readable.
 */
export interface Amendment {
  /** The workflow version read: the guard against a concurrent status change. */
  readonly expectedVersion: number;
  /** The document version read: the guard against a concurrent amendment. */
  readonly expectedDocumentVersion: number;
  readonly record: DeclarationRecord;
  readonly document: DeclarationDocument;
  readonly entry: HistoryEntry;
  readonly event: DomainEvent;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Opaque; absent on the last page. */
  readonly nextCursor?: string;
}

export interface DeclarationQuery {
  readonly status?: DeclarationStatus;
  readonly declarationNumber?: string;
  readonly declarationType?: DeclarationType;
  readonly filedFrom?: string;
  readonly filedTo?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface DeclarationStore {
  /** Stores a new declaration with its document, first history entry and event; the existing one if the id is taken. */
  file(filing: Filing): Promise<{ created: boolean; record: DeclarationRecord }>;
  load(id: string): Promise<DeclarationRecord | undefined>;
  loadDocument(id: string, documentVersion: number): Promise<DeclarationDocument | undefined>;
  loadHistory(id: string): Promise<HistoryEntry[]>;
  /** Writes a status change, its history entry and its event at once; VersionConflictError if the version moved. */
  save(change: StatusChange): Promise<void>;
  /** Writes a new document version, the head's facts, its history entry and its event at once; VersionConflictError if either version moved. */
  amend(amendment: Amendment): Promise<void>;
  /** A broker's declarations, newest first. InvalidCursorError for a cursor this store did not issue. */
  listForBroker(brokerId: string, query: DeclarationQuery): Promise<Page<DeclarationRecord>>;
}

/** Allocates the serials of declaration numbers: per customs office and year, each once. */
export interface DeclarationNumbers {
  /** The customs office whose numbers these are (configuration, not a fact of the code). */
  readonly customsCode: string;
  /** The next serial of that office in that year: 1, 2, 3… never the same twice (a failed filing leaves a gap). */
  nextSerial(year: number): Promise<number>;
}

export interface MilestoneWait {
  readonly declarationId: string;
  readonly taskToken: string;
}

export interface MilestoneStore {
  /** Keeps the first report of a milestone for a key; a replay changes nothing. */
  record(milestone: Milestone, key: string, notice: MilestoneNotice): Promise<void>;
  /** Overwrites the report of a milestone with its correction (the notice names what it supersedes). */
  replace(milestone: Milestone, key: string, notice: MilestoneNotice): Promise<void>;
  find(milestone: Milestone, key: string): Promise<MilestoneNotice | undefined>;
  registerWait(wait: WaitName, key: string, task: MilestoneWait, at: Date): Promise<void>;
  waitsFor(wait: WaitName, key: string): Promise<MilestoneWait[]>;
  removeWait(wait: WaitName, key: string, declarationId: string): Promise<void>;
  /** Remembers that a declaration was moved on by a milestone, so that a correction of it finds the declaration. */
  recordMovedOn(milestone: Milestone, key: string, declarationId: string, at: Date): Promise<void>;
  /** The declarations a milestone moved on. */
  movedOn(milestone: Milestone, key: string): Promise<string[]>;
}

/** Which consignees have cleared goods at this port: the memory behind the first-time-consignee rule. */
export interface TraderHistory {
  hasClearedBefore(consigneeKey: string): Promise<boolean>;
  /** Records a released declaration; recording the same one again changes nothing. */
  recordClearance(consigneeKey: string, declarationId: string, at: Date): Promise<void>;
}

/** A new manifest version and the head that names it, written together. */
export interface ManifestChange {
  /** The head's version as read; 0 when the train has no head yet. */
  readonly expectedVersion: number;
  readonly head: TrainHead;
  readonly manifest: ManifestVersion;
}

export interface TrainStore {
  loadHead(train: TrainRef): Promise<TrainHead | undefined>;
  /** A version of the train's manifest; the current one when no version is given. */
  loadManifest(train: TrainRef, version?: number): Promise<ManifestVersion | undefined>;
  /** Stores the new manifest version and head at once; TrainVersionConflictError if the head moved. */
  saveManifest(change: ManifestChange): Promise<void>;
  /** Marks a manifest line (a waybill) accounted for by a declaration closed with `status`; idempotent. */
  closeLine(train: TrainRef, waybillNumber: string, declarationId: string, status: string, at: Date): Promise<void>;
  /** The waybills of the train whose lines are accounted for. */
  closedLines(train: TrainRef): Promise<Set<string>>;
  /** Stores the head alone (the port's events move it on); TrainVersionConflictError if it moved. */
  saveHead(change: { readonly expectedVersion: number; readonly head: TrainHead }): Promise<void>;
}

export interface EventFeed {
  /** A broker's events in the order they were recorded, after the cursor, up to `settledBefore`. */
  after(brokerId: string, cursor: string | undefined, limit: number, settledBefore: Date): Promise<Page<DomainEvent>>;
}

export interface WorkflowEngine {
  /** Starts the declaration's workflow, once: a second start of the same declaration is a no-op. */
  start(workflow: WorkflowId, declarationId: string): Promise<void>;
  /** Stops the declaration's workflow, its waiting tasks with it; nothing to stop is not an error. */
  stop(workflow: WorkflowId, declarationId: string, cause: string): Promise<void>;
}

export interface TaskCallbacks {
  /** Resumes a task waiting on a token; false if that task is known to wait no more (a queued resumption is true). */
  resume(taskToken: string, output: unknown): Promise<boolean>;
}

export type Clock = () => Date;

/** Cryptographically strong random bytes (subscription ids and secrets). */
export type RandomBytes = (size: number) => Uint8Array;

/** Where a broker wants its events delivered, and the secret each delivery is signed with. */
export interface WebhookSubscription {
  readonly id: string;
  readonly brokerId: string;
  readonly url: string;
  readonly description?: string;
  readonly createdAt: string;
  readonly secret: string;
}

export interface WebhookStore {
  /** Stores a new subscription unless the broker already has `limit` of them; false then, and nothing stored. */
  add(subscription: WebhookSubscription, limit: number): Promise<boolean>;
  /** A broker's subscriptions, oldest first. */
  listForBroker(brokerId: string): Promise<WebhookSubscription[]>;
  /** The subscription, if it exists and is this broker's. */
  find(brokerId: string, id: string): Promise<WebhookSubscription | undefined>;
  /** False if the broker has no such subscription. */
  remove(brokerId: string, id: string): Promise<boolean>;
}

/** One attempt to deliver one event to one subscription, as the broker reads it in the delivery log. */
export interface DeliveryAttempt {
  readonly eventId: string;
  /** 1 for the first attempt at the event, then 2, 3… */
  readonly attempt: number;
  readonly attemptedAt: string;
  readonly outcome: DeliveryOutcome;
  /** The receiver's answer, when it answered. */
  readonly httpStatus?: number;
  /** Why the attempt failed, when the receiver did not answer 2xx. */
  readonly error?: string;
  readonly durationMs: number;
}

export interface DeliveryLog {
  /** Numbers the attempts at an event for a subscription: 1 the first time, then 2, 3…, even across crashes. */
  nextAttempt(subscriptionId: string, eventId: string): Promise<number>;
  record(subscriptionId: string, attempt: DeliveryAttempt): Promise<void>;
  /** Newest first. InvalidCursorError for a cursor this log did not issue. */
  newestFirst(subscriptionId: string, limit: number, cursor?: string): Promise<Page<DeliveryAttempt>>;
}

/** One event for one subscription: what a delivery carries from the dispatcher to the delivery step. */
export interface Delivery {
  readonly event: DomainEvent;
  readonly brokerId: string;
  readonly subscriptionId: string;
}

export interface DeliveryScheduler {
  /** Starts delivering an event to a subscription, once: the same pair again starts nothing. */
  schedule(delivery: Delivery): Promise<'scheduled' | 'already-scheduled'>;
}

export interface WebhookRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type WebhookResponse =
  | { readonly kind: 'answered'; readonly status: number; readonly durationMs: number }
  | { readonly kind: 'unreachable'; readonly error: string; readonly durationMs: number };

export interface WebhookTransport {
  /** POSTs one delivery; never throws for what the receiver or the network did. */
  send(request: WebhookRequest): Promise<WebhookResponse>;
}

/** Who is calling, as the use cases need it: the person, the roles they hold, and a broker's tenancy. */
export interface Caller {
  readonly actor: Actor;
  readonly roles: ReadonlySet<Role>;
  readonly brokerId?: string;
}

export class InvalidCursorError extends Error {
  constructor() {
    super('the cursor was not issued by this API');
    this.name = 'InvalidCursor';
  }
}

/** A query that can never match anything (a window that ends before it starts): the caller's mistake. */
export class InvalidQueryError extends Error {
  readonly parameter: string;
  readonly rule: string;
  constructor(parameter: string, rule: string, detail: string) {
    super(detail);
    this.name = 'InvalidQuery';
    this.parameter = parameter;
    this.rule = rule;
  }
}

/** One decision an officer took on a task, as it is answered again to a retry. */
export interface RecordedDecision {
  /** The client's own id for the decision, when it sent one: a retry with it answers this decision again. */
  readonly decisionId?: string;
  readonly decision: DecisionName;
  readonly reason: string;
  readonly requestedDocuments?: readonly string[];
  readonly decidedBy: Actor;
  /** When it was recorded: with the officer, what tells this decision apart from the task's others. */
  readonly decidedAt: string;
  /** Business time, when the officer gave one (a check done earlier): the history's time; else `decidedAt`. */
  readonly occurredAt?: string;
  /** What the decision records, in order (planned when it was taken). */
  readonly transitions: readonly TransitionName[];
  /** False until its transitions are recorded and the workflow resumed: a retry finishes what a crash left. */
  readonly carriedOut: boolean;
  /** The declaration's status once carried out. */
  readonly status?: DeclarationStatus;
  /** Whether the waiting workflow took the decision; false when its wait had already ended (timed out). */
  readonly resumed?: boolean;
}

/** A declaration waiting for an officer: one task per declaration, replaced when the workflow waits again. */
export interface OfficerTask {
  readonly declarationId: string;
  readonly declarationType: DeclarationType;
  readonly brokerId: string;
  readonly kind: OfficerTaskKind;
  readonly queue: OfficerQueue;
  /** The workflow's waiting task; replaced when the step runs again (a retry, or a new wait after escalation). */
  readonly taskToken: string;
  readonly openedAt: string;
  /** The SLA deadline (UTC), when the workflow gave one. */
  readonly dueAt?: string;
  readonly riskChannel?: string;
  /** Why the workflow asked for an officer. */
  readonly reason?: string;
  /** OPEN while it waits for a decision (a HOLD keeps it open); CLOSED once decided. */
  readonly state: 'OPEN' | 'CLOSED';
  readonly escalatedAt?: string;
  readonly escalationReason?: string;
  /** The decision taken since the task was last opened. */
  readonly decision?: RecordedDecision;
  /** The last decisions on this declaration, newest last, so a retried decision is recognised after a reopening. */
  readonly decisions: readonly RecordedDecision[];
  /** One more per write: the guard of every write. */
  readonly revision: number;
}

/** Documents an officer asked the broker for, and the broker's answer. */
export interface DocumentRequest {
  readonly declarationId: string;
  readonly requestedDocuments: readonly string[];
  readonly reason: string;
  readonly requestedBy: Actor;
  readonly requestedAt: string;
  /** The workflow waiting for the answer, once it got there. */
  readonly taskToken?: string;
  readonly answer?: {
    readonly documents: readonly SupportingDocument[];
    readonly providedBy: Actor;
    readonly providedAt: string;
    /** False until recorded in history and the workflow resumed. */
    readonly carriedOut: boolean;
  };
  readonly revision: number;
}

export interface OfficerTaskStore {
  loadTask(declarationId: string): Promise<OfficerTask | undefined>;
  /** Writes the task if it is still at `expectedRevision` (absent: if there is none); false if another writer was first. */
  saveTask(task: OfficerTask, expectedRevision: number | undefined): Promise<boolean>;
  /** A queue's open tasks, the earliest deadline first (tasks without one last). InvalidCursorError for a foreign cursor. */
  listQueue(queue: OfficerQueue, limit: number, cursor?: string): Promise<Page<OfficerTask>>;
  loadDocumentRequest(declarationId: string): Promise<DocumentRequest | undefined>;
  /** As saveTask. */
  saveDocumentRequest(request: DocumentRequest, expectedRevision: number | undefined): Promise<boolean>;
}
