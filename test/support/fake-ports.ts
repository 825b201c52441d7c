import {
  type Caller,
  type Clock,
  type DeclarationNumbers,
  type DeclarationQuery,
  type DeclarationRecord,
  type DeclarationStore,
  InvalidCursorError,
  type ManifestChange,
  type MilestoneStore,
  type MilestoneWait,
  type Page,
  type TaskCallbacks,
  type TraderHistory,
  type TrainStore,
  type WaitName,
  type WorkflowEngine,
} from '#application/ports.ts';
import type { DeclarationDocument, WorkflowId } from '#domain/declaration-types/registry.ts';
import { VersionConflictError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { HistoryEntry } from '#domain/lifecycle.ts';
import type { Milestone, MilestoneNotice } from '#domain/port-events.ts';
import { consigneeKeyOf, type RandomSelectionSettings } from '#domain/risk.ts';
import { NO_RANDOM_SELECTION } from '#domain/risk-reference-data.ts';
import type { Role } from '#domain/roles.ts';
import { DEFAULT_SLA_POLICY } from '#domain/sla.ts';
import type { SlotBooking } from '#domain/slot-booking.ts';
import { type SlotCalendar, slotCalendarFrom } from '#domain/slot-calendar.ts';
import {
  type ManifestVersion,
  type TrainHead,
  type TrainRef,
  TrainVersionConflictError,
  trainKeyOf,
} from '#domain/trains.ts';
import { DEFAULT_COMPLETION_PERIOD } from '#domain/two-step.ts';
import { railImportDeclaration, roadExportDeclaration } from './declarations.ts';

/**
 * Hand-written, in-memory fakes of the application's ports: no AWS, no mocks. They keep each port's contract
 * (first filing wins, writes guarded by the version read, listings newest first with opaque cursors) without
 * the DynamoDB table layout, and let a test look at what was written.
 */

interface StoredDeclaration {
  record: DeclarationRecord;
  readonly idempotencyKey: string;
  readonly documents: Map<number, DeclarationDocument>;
  readonly history: HistoryEntry[];
}

// Marks the cursors this fake issued, so anything else is refused as the real store refuses it.
const CURSOR_TAG = 'in-memory-declarations';

const clone = <T>(value: T): T => structuredClone(value);

/** The order of a broker's listing: by filing time, then id, as the broker index sorts them. */
const sortKeyOf = (record: DeclarationRecord) => `${record.filedAt}#${record.id}`;

export function inMemoryDeclarationStore() {
  const declarations = new Map<string, StoredDeclaration>();
  const outbox: DomainEvent[] = [];
  const interference = new Map<string, number>();
  const saveAttempts = new Map<string, number>();

  function encodeCursor(sortKey: string): string {
    return Buffer.from(JSON.stringify({ tag: CURSOR_TAG, after: sortKey }), 'utf8').toString('base64url');
  }

  function decodeCursor(cursor: string): string {
    try {
      const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
      const { tag, after } = (value ?? {}) as { tag?: unknown; after?: unknown };
      if (tag === CURSOR_TAG && typeof after === 'string') return after;
    } catch {
      // falls through: not a cursor of ours
    }
    throw new InvalidCursorError();
  }

  /** Another writer changes the declaration between this writer's read and its write. */
  function concurrentWriteBeforeSave(id: string): void {
    const remaining = interference.get(id) ?? 0;
    const stored = declarations.get(id);
    if (remaining === 0 || stored === undefined) return;
    interference.set(id, remaining - 1);
    stored.record = { ...stored.record, version: stored.record.version + 1 };
  }

  const store: DeclarationStore = {
    async file(filing) {
      const existing = declarations.get(filing.record.id);
      if (existing !== undefined) return { created: false, record: clone(existing.record) };
      declarations.set(filing.record.id, {
        record: clone(filing.record),
        idempotencyKey: filing.idempotencyKey,
        documents: new Map([[filing.record.documentVersion, clone(filing.document)]]),
        history: [clone(filing.entry)],
      });
      outbox.push(clone(filing.event));
      return { created: true, record: clone(filing.record) };
    },

    async load(id) {
      const stored = declarations.get(id);
      return stored === undefined ? undefined : clone(stored.record);
    },

    async loadDocument(id, documentVersion) {
      const document = declarations.get(id)?.documents.get(documentVersion);
      return document === undefined ? undefined : clone(document);
    },

    async loadHistory(id) {
      return clone(declarations.get(id)?.history ?? []);
    },

    async save(change) {
      const { record, entry, event, expectedVersion } = change;
      saveAttempts.set(record.id, (saveAttempts.get(record.id) ?? 0) + 1);
      concurrentWriteBeforeSave(record.id);
      const stored = declarations.get(record.id);
      if (stored === undefined || stored.record.version !== expectedVersion) {
        throw new VersionConflictError(record.id, expectedVersion);
      }
      stored.record = clone(record);
      stored.history.push(clone(entry));
      stored.history.sort((a, b) => a.version - b.version);
      outbox.push(clone(event));
    },

    async amend(amendment) {
      const { record, entry, event, expectedVersion, expectedDocumentVersion } = amendment;
      concurrentWriteBeforeSave(record.id);
      const stored = declarations.get(record.id);
      if (
        stored === undefined ||
        stored.record.version !== expectedVersion ||
        stored.record.documentVersion !== expectedDocumentVersion ||
        stored.documents.has(record.documentVersion)
      ) {
        throw new VersionConflictError(record.id, expectedVersion);
      }
      stored.record = clone(record);
      stored.documents.set(record.documentVersion, clone(amendment.document));
      stored.history.push(clone(entry));
      outbox.push(clone(event));
    },

    async listForBroker(brokerId, query: DeclarationQuery): Promise<Page<DeclarationRecord>> {
      const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
      const matching = [...declarations.values()]
        .map(({ record }) => record)
        .filter(
          (record) =>
            record.brokerId === brokerId &&
            (query.status === undefined || record.status === query.status) &&
            (query.declarationType === undefined || record.declarationType === query.declarationType) &&
            (query.declarationNumber === undefined || record.declarationNumber === query.declarationNumber) &&
            (query.filedFrom === undefined || record.filedAt >= query.filedFrom) &&
            (query.filedTo === undefined || record.filedAt <= query.filedTo),
        )
        .sort((a, b) => (sortKeyOf(a) < sortKeyOf(b) ? 1 : sortKeyOf(a) > sortKeyOf(b) ? -1 : 0))
        .filter((record) => after === undefined || sortKeyOf(record) < after);
      const items = matching.slice(0, query.limit);
      const last = items.at(-1);
      return {
        items: clone(items),
        ...(matching.length > items.length && last !== undefined ? { nextCursor: encodeCursor(sortKeyOf(last)) } : {}),
      };
    },
  };

  return {
    store,
    /** The outbox: every event written, in the order it was recorded. */
    events: () => clone(outbox),
    history: (id: string) => clone(declarations.get(id)?.history ?? []),
    /** The document versions kept for a declaration. */
    documentVersions: (id: string) => [...(declarations.get(id)?.documents.keys() ?? [])],
    idempotencyKeyOf: (id: string) => declarations.get(id)?.idempotencyKey,
    count: () => declarations.size,
    /** How often a status change of the declaration was attempted, conflicts included. */
    saveAttempts: (id: string) => saveAttempts.get(id) ?? 0,
    /** Everything stored, to assert that a refused or repeated request wrote nothing. */
    snapshot: () =>
      clone({
        declarations: [...declarations.entries()].map(([id, stored]) => ({
          id,
          record: stored.record,
          documents: [...stored.documents.entries()],
          history: stored.history,
        })),
        outbox,
      }),
    /**
     * A concurrent writer moves the declaration's version on just before each of the next `times` saves of it,
     * so the writer that read the older version meets a VersionConflictError.
     */
    concurrentWriter(id: string, times = 1) {
      interference.set(id, times);
    },
  };
}

export function inMemoryMilestoneStore() {
  const reports = new Map<string, MilestoneNotice>();
  const waits = new Map<string, (MilestoneWait & { registeredAt: string })[]>();
  const movedOn = new Map<string, Set<string>>();
  const at = (milestone: WaitName, key: string) => `${milestone}#${key}`;

  const store: MilestoneStore = {
    async record(milestone, key, notice) {
      if (!reports.has(at(milestone, key))) reports.set(at(milestone, key), clone(notice));
    },
    async replace(milestone, key, notice) {
      reports.set(at(milestone, key), clone(notice));
    },
    async find(milestone, key) {
      const notice = reports.get(at(milestone, key));
      return notice === undefined ? undefined : clone(notice);
    },
    async registerWait(milestone, key, wait, registeredAt) {
      // One wait per declaration and key: a retried step replaces its own wait.
      const others = (waits.get(at(milestone, key)) ?? []).filter((w) => w.declarationId !== wait.declarationId);
      const { declarationId, taskToken } = wait;
      waits.set(at(milestone, key), [
        ...others,
        { declarationId, taskToken, registeredAt: registeredAt.toISOString() },
      ]);
    },
    async waitsFor(milestone, key) {
      return (waits.get(at(milestone, key)) ?? []).map(({ declarationId, taskToken }) => ({
        declarationId,
        taskToken,
      }));
    },
    async removeWait(milestone, key, declarationId) {
      waits.set(
        at(milestone, key),
        (waits.get(at(milestone, key)) ?? []).filter((w) => w.declarationId !== declarationId),
      );
    },
    async recordMovedOn(milestone, key, declarationId) {
      movedOn.set(at(milestone, key), new Set([...(movedOn.get(at(milestone, key)) ?? []), declarationId]));
    },
    async movedOn(milestone, key) {
      return [...(movedOn.get(at(milestone, key)) ?? [])];
    },
  };

  return {
    store,
    reportOf: (milestone: Milestone, key: string) => clone(reports.get(at(milestone, key))),
    waitsOn: (milestone: Milestone, key: string) => clone(waits.get(at(milestone, key)) ?? []),
  };
}

/** Serials per year from 1, as the counter item hands them out; `drawn` lists every serial given. */
export function inMemoryDeclarationNumbers(customsCode = '6501') {
  const last = new Map<number, number>();
  const drawn: { year: number; serial: number }[] = [];
  const numbers: DeclarationNumbers = {
    customsCode,
    async nextSerial(year) {
      const serial = (last.get(year) ?? 0) + 1;
      last.set(year, serial);
      drawn.push({ year, serial });
      return serial;
    },
  };
  return { numbers, drawn };
}

/** A workflow engine that remembers every start; a second start of the same declaration starts nothing. */
export function fakeWorkflowEngine() {
  const starts: { workflow: WorkflowId; declarationId: string }[] = [];
  const executions: { workflow: WorkflowId; declarationId: string }[] = [];
  const stopped: string[] = [];
  const engine: WorkflowEngine = {
    async start(workflow, declarationId) {
      starts.push({ workflow, declarationId });
      if (!executions.some((execution) => execution.declarationId === declarationId)) {
        executions.push({ workflow, declarationId });
      }
    },
    async stop(_workflow, declarationId) {
      stopped.push(declarationId);
    },
  };
  return { engine, starts, executions, stopped };
}

/** Task callbacks that remember every resumed token; tokens listed as gone answer false, as timed-out tasks do. */
export function fakeTaskCallbacks(goneTokens: Iterable<string> = []) {
  const gone = new Set(goneTokens);
  const resumed: { taskToken: string; output: unknown }[] = [];
  const tasks: TaskCallbacks = {
    async resume(taskToken, output) {
      if (gone.has(taskToken)) return false;
      resumed.push({ taskToken, output: clone(output) });
      return true;
    },
  };
  return { tasks, resumed, gone };
}

/** A clock that moves on a minute (or `stepMs`) at every reading, so each history entry has its own time. */
export function steppingClock(start = new Date('2025-03-01T06:00:00Z'), stepMs = 60_000): Clock {
  let next = start.getTime();
  return () => {
    const now = new Date(next);
    next += stepMs;
    return now;
  };
}

export const BROKERS = { almaty: 'BRK-ALMATY-01', urumqi: 'BRK-URUMQI-07' } as const;

/** A caller in one role; a broker carries its tenancy. */
export function callerAs(role: Role, options: { readonly userId?: string; readonly brokerId?: string } = {}): Caller {
  const brokerId = options.brokerId ?? (role === 'broker' ? BROKERS.almaty : undefined);
  return {
    actor: { kind: role, id: options.userId ?? `${role}-user-1` },
    roles: new Set([role]),
    ...(brokerId === undefined ? {} : { brokerId }),
  };
}

/** A broker of the given tenancy. */
export function brokerCaller(brokerId: string = BROKERS.almaty, userId = `${brokerId.toLowerCase()}-clerk`): Caller {
  return callerAs('broker', { brokerId, userId });
}

/** Every port the use cases need, with handles to look at what they were asked to do. */
/** Consignees' clearances, in memory: which declarations were released to each consignee key. */
export function inMemoryTraderHistory(clearedConsignees: Iterable<{ name: string; taxId?: string } | undefined> = []) {
  const clearances = new Map<string, Set<string>>();
  const store: TraderHistory = {
    async hasClearedBefore(consigneeKey) {
      return (clearances.get(consigneeKey)?.size ?? 0) > 0;
    },
    async recordClearance(consigneeKey, declarationId) {
      clearances.set(consigneeKey, (clearances.get(consigneeKey) ?? new Set()).add(declarationId));
    },
  };
  for (const consignee of clearedConsignees) clearances.set(consigneeKeyOf(consignee), new Set(['DCL-EARLIER']));
  return { store, clearancesOf: (consigneeKey: string) => [...(clearances.get(consigneeKey) ?? [])] };
}

/** The fixtures' usual consignees (test/support/declarations.ts), who have cleared goods here before. */
export const REGULAR_CONSIGNEES = [railImportDeclaration().consignee, roadExportDeclaration().consignee];

export function fakePorts(
  options: {
    readonly goneTokens?: Iterable<string>;
    readonly clock?: Clock;
    /** The port's calendar: round the clock unless given. */
    readonly calendar?: SlotCalendar;
    /** Consignees with clearances at the port already; the fixtures' usual consignees unless given. */
    readonly clearedConsignees?: Iterable<{ name: string; taxId?: string } | undefined>;
    /** No random selection unless given, so a test's channel follows from its goods and trader. */
    readonly randomSelection?: RandomSelectionSettings;
  } = {},
) {
  const traderHistory = inMemoryTraderHistory(options.clearedConsignees ?? REGULAR_CONSIGNEES);
  const declarationStore = inMemoryDeclarationStore();
  const milestoneStore = inMemoryMilestoneStore();
  const workflowEngine = fakeWorkflowEngine();
  const declarationNumbers = inMemoryDeclarationNumbers();
  const taskCallbacks = fakeTaskCallbacks(options.goneTokens);
  const trainStore = inMemoryTrainStore();
  const bookings = new Map<string, SlotBooking>();
  return {
    declarations: declarationStore.store,
    /** Slot bookings by declaration, as the booking use case leaves them (set them with `bookings`). */
    slots: { loadBooking: async (declarationId: string) => bookings.get(declarationId) },
    bookings,
    gateWeightTolerancePercent: 5,
    calendar: options.calendar ?? slotCalendarFrom(),
    trains: trainStore,
    slaPolicy: DEFAULT_SLA_POLICY,
    completionPeriod: DEFAULT_COMPLETION_PERIOD,
    milestones: milestoneStore.store,
    declarationNumbers: declarationNumbers.numbers,
    workflows: workflowEngine.engine,
    tasks: taskCallbacks.tasks,
    clock: options.clock ?? steppingClock(),
    traderHistory: traderHistory.store,
    randomSelection: options.randomSelection ?? { rates: NO_RANDOM_SELECTION, seed: 'test' },
    declarationStore,
    traderHistoryStore: traderHistory,
    milestoneStore,
    workflowEngine,
    taskCallbacks,
    numbersDrawn: declarationNumbers.drawn,
    trainStore,
  };
}
export type FakePorts = ReturnType<typeof fakePorts>;

/** Trains in memory, with the store's contract: every manifest version kept, the head guarded by its version. */
export function inMemoryTrainStore() {
  const heads = new Map<string, TrainHead>();
  const manifests = new Map<string, Map<number, ManifestVersion>>();
  /** Writes another clerk makes just before the next save of a train, to test the conflict path. */
  const interference = new Map<string, ManifestChange>();
  const keep = (change: ManifestChange) => {
    const key = trainKeyOf(change.head);
    heads.set(key, clone(change.head));
    const versions = manifests.get(key) ?? new Map<number, ManifestVersion>();
    versions.set(change.manifest.version, clone(change.manifest));
    manifests.set(key, versions);
  };
  const lines = new Map<string, Set<string>>();
  const store: TrainStore = {
    async closeLine(train, waybillNumber) {
      const key = trainKeyOf(train);
      lines.set(key, new Set([...(lines.get(key) ?? []), waybillNumber]));
    },
    async closedLines(train) {
      return new Set(lines.get(trainKeyOf(train)) ?? []);
    },
    async loadHead(train) {
      const head = heads.get(trainKeyOf(train));
      return head === undefined ? undefined : clone(head);
    },
    async loadManifest(train, version) {
      const key = trainKeyOf(train);
      const found = manifests.get(key)?.get(version ?? heads.get(key)?.manifestVersion ?? 0);
      return found === undefined ? undefined : clone(found);
    },
    async saveHead(change) {
      const key = trainKeyOf(change.head);
      if ((heads.get(key)?.version ?? 0) !== change.expectedVersion) {
        throw new TrainVersionConflictError(key, change.expectedVersion);
      }
      heads.set(key, clone(change.head));
    },
    async saveManifest(change) {
      const key = trainKeyOf(change.head);
      const competing = interference.get(key);
      interference.delete(key);
      if (competing !== undefined) keep(competing);
      if ((heads.get(key)?.version ?? 0) !== change.expectedVersion) {
        throw new TrainVersionConflictError(key, change.expectedVersion);
      }
      keep(change);
    },
  };
  return {
    ...store,
    versionsOf: (train: TrainRef) => [...(manifests.get(trainKeyOf(train))?.keys() ?? [])].sort((a, b) => a - b),
    /** Overwrites a head as the port's events will (an arrival), bumping its version. */
    setStatus(train: TrainRef, status: TrainHead['status']) {
      const head = heads.get(trainKeyOf(train));
      if (head !== undefined) heads.set(trainKeyOf(train), { ...head, status, version: head.version + 1 });
    },
    /** Another clerk's change, stored just before the next save of the train reaches the store. */
    interfereBeforeNextSave(change: ManifestChange) {
      interference.set(trainKeyOf(change.head), change);
    },
  };
}
