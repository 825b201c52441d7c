/**
 * Single-table layout of DeclarationsTable (see README, "Data model"). Adapters are the only code that knows it.
 *
 *   PK                          SK                               item
 *   DECL#<id>                   DECLARATION                      head: status, version, documentVersion, owner, facts
 *   DECL#<id>                   DOCUMENT#<documentVersion:4>     the document as filed (1) or amended
 *   DECL#<id>                   HISTORY#<version:6>              one entry per status change
 *   DECL#<id>                   OFFICER_TASK                     the officer's task: kind, queue, token, deadline, decisions
 *   DECL#<id>                   DOCUMENT_REQUEST                 documents an officer asked for, the broker's answer
 *   EVENTS#<brokerId>           <recordedAt>#<id>#<version:6>    the outbox: one domain event per change
 *   MILESTONE#<event>#<key>     OCCURRED                         the first report of a milestone (arrival, gate-in)
 *   MILESTONE#<event>#<key>     WAIT#<id>                        a workflow waiting for it: its task token
 *   MILESTONE#<event>#<key>     MOVED#<id>                       a declaration it moved on (what a correction re-stamps)
 *   TRADER#<consigneeKey>       CLEARANCE#<id>                   a declaration released to that consignee
 *   WEBHOOKS#<brokerId>         WEBHOOK#<id>                     a broker's webhook: url, description, signing secret
 *   WEBHOOKS#<brokerId>         COUNT                            how many webhooks the broker has (guards the limit)
 *   DELIVERIES#<webhookId>      LOG#<attemptedAt>#<eventId>#<attempt:4>  one delivery attempt (TTL `expiresAt`)
 *   DELIVERIES#<webhookId>      ATTEMPTS#<eventId>               the attempt counter of one event (TTL `expiresAt`)
 *   DECLNO#<customsCode>#<year> SERIAL                           the last declaration-number serial issued there
 *   TRAIN#<number>@<date>       TRAIN                            a train's head: status, version, manifestVersion, facts
 *   TRAIN#<number>@<date>       MANIFEST#<manifestVersion:4>     one version of the train's manifest, as filed
 *   WORKFLOW_COMMAND#<digest>   COMMAND                          start, stop or resume a workflow (TTL `expiresAt`)
 *   DECL#<id>                   SLOT                             the truck's slot booking: lane, hour, truck, revision
 *   SLOTS#<lane>#<localDate>    HOUR#<startsAt>                  how many units of that hour are booked (TTL `expiresAt`)
 *
 * The table's stream (NEW_IMAGE) carries every write; the dispatcher's event source mapping lets through only
 * the INSERTs of outbox items (entity = DomainEvent), which are never updated, so each event arrives once.
 *
 *   GSI1: GSI1PK = BROKER#<brokerId>, GSI1SK = <filedAt>#<id>    a broker's declarations in filing order
 *   GSI2: GSI2PK = QUEUE#<queue>, GSI2SK = <dueAt>#<id>            an officers' queue, the earliest deadline first;
 *         sparse: only open tasks carry the keys, and a task without a deadline sorts last (GSI2SK ~#<openedAt>#<id>)
 *   GSI3: entity, updatedAt                                       the port's board: every declaration head (entity
 *         Declaration), the latest change first; keyed on attributes every head has, so no writer adds a key
 *         (train heads, which also carry both, fall in their own partition)
 */
export const KEYS = {
  declaration: (id: string) => ({ PK: `DECL#${id}`, SK: 'DECLARATION' }),
  document: (id: string, documentVersion: number) => ({
    PK: `DECL#${id}`,
    SK: `DOCUMENT#${String(documentVersion).padStart(4, '0')}`,
  }),
  history: (id: string, version: number) => ({ PK: `DECL#${id}`, SK: `HISTORY#${String(version).padStart(6, '0')}` }),
  historyPrefix: 'HISTORY#',
  event: (brokerId: string, recordedAt: string, id: string, version: number) => ({
    PK: `EVENTS#${brokerId}`,
    SK: `${recordedAt}#${id}#${String(version).padStart(6, '0')}`,
  }),
  eventsOf: (brokerId: string) => `EVENTS#${brokerId}`,
  /** What an outbox sort key looks like; '0' is the position before the first event. */
  eventSortKey: /^(0|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#DCL-[0-9A-F]{24}#\d{6})$/,
  milestone: (milestone: string, key: string) => ({ PK: `MILESTONE#${milestone}#${key}`, SK: 'OCCURRED' }),
  wait: (milestone: string, key: string, id: string) => ({ PK: `MILESTONE#${milestone}#${key}`, SK: `WAIT#${id}` }),
  waitPrefix: 'WAIT#',
  movedOn: (milestone: string, key: string, id: string) => ({ PK: `MILESTONE#${milestone}#${key}`, SK: `MOVED#${id}` }),
  movedOnPrefix: 'MOVED#',
  /** Kept without expiry: a consignee's record at the port is what the first-time-consignee rule reads. */
  clearance: (consigneeKey: string, id: string) => ({ PK: `TRADER#${consigneeKey}`, SK: `CLEARANCE#${id}` }),
  clearancesOf: (consigneeKey: string) => `TRADER#${consigneeKey}`,
  clearancePrefix: 'CLEARANCE#',
  brokerIndex: { name: 'GSI1', partition: (brokerId: string) => `BROKER#${brokerId}` },
  declarationSerial: (customsCode: string, year: number) => ({ PK: `DECLNO#${customsCode}#${year}`, SK: 'SERIAL' }),
  officerTask: (id: string) => ({ PK: `DECL#${id}`, SK: 'OFFICER_TASK' }),
  documentRequest: (id: string) => ({ PK: `DECL#${id}`, SK: 'DOCUMENT_REQUEST' }),
  queueIndex: {
    name: 'GSI2',
    partition: (queue: string) => `QUEUE#${queue}`,
    sortKey: (task: { readonly declarationId: string; readonly openedAt: string; readonly dueAt?: string }) =>
      task.dueAt === undefined ? `~#${task.openedAt}#${task.declarationId}` : `${task.dueAt}#${task.declarationId}`,
  },
} as const;

/**
 * The port's board (GSI3), apart from KEYS so that the functions that only write heads bundle none of it. Its
 * projection is what a board shows of a head; the document's transport is read beside it.
 */
export const BOARD_INDEX = {
  name: 'GSI3',
  partitionAttribute: 'entity',
  sortAttribute: 'updatedAt',
  projected: [
    'id',
    'brokerId',
    'declarationType',
    'status',
    'version',
    'documentVersion',
    'declarationNumber',
    'filedAt',
    'facts',
    'tracks',
  ],
} as const;

/** Entity names stored on every item, so that a stream consumer or an operator can tell items apart. */
export const ENTITY = {
  declaration: 'Declaration',
  document: 'DeclarationDocument',
  history: 'HistoryEntry',
  event: 'DomainEvent',
  milestone: 'Milestone',
  wait: 'MilestoneWait',
  movedOn: 'MilestoneMovedOn',
  declarationSerial: 'DeclarationSerial',
  clearance: 'Clearance',
  officerTask: 'OfficerTask',
  documentRequest: 'DocumentRequest',
} as const;

/** The notification items (webhooks and their delivery log), apart so that functions without them bundle none. */
export const WEBHOOK_KEYS = {
  webhook: (brokerId: string, id: string) => ({ PK: `WEBHOOKS#${brokerId}`, SK: `WEBHOOK#${id}` }),
  webhookPrefix: 'WEBHOOK#',
  webhookCount: (brokerId: string) => ({ PK: `WEBHOOKS#${brokerId}`, SK: 'COUNT' }),
  deliveriesOf: (webhookId: string) => `DELIVERIES#${webhookId}`,
  deliveryAttempt: (webhookId: string, attemptedAt: string, eventId: string, attempt: number) => ({
    PK: `DELIVERIES#${webhookId}`,
    SK: `LOG#${attemptedAt}#${eventId}#${String(attempt).padStart(4, '0')}`,
  }),
  deliveryLogPrefix: 'LOG#',
  attemptCounter: (webhookId: string, eventId: string) => ({
    PK: `DELIVERIES#${webhookId}`,
    SK: `ATTEMPTS#${eventId}`,
  }),
} as const;

export const WEBHOOK_ENTITY = {
  webhook: 'WebhookSubscription',
  webhookCount: 'WebhookCount',
  deliveryAttempt: 'DeliveryAttempt',
  attemptCounter: 'DeliveryAttemptCounter',
} as const;

/** Trains and their manifests, apart so that functions without them bundle none. Keyed by trainKeyOf. */
export const TRAIN_KEYS = {
  train: (trainKey: string) => ({ PK: `TRAIN#${trainKey}`, SK: 'TRAIN' }),
  manifest: (trainKey: string, manifestVersion: number) => ({
    PK: `TRAIN#${trainKey}`,
    SK: `MANIFEST#${String(manifestVersion).padStart(4, '0')}`,
  }),
} as const;

export const TRAIN_ENTITY = { train: 'Train', manifest: 'TrainManifest' } as const;

/**
 * Commands to Step Functions, queued by the functions that answer requests and carried out from the stream by
 * run-workflow-commands. Keyed by a digest of the command, so a command queued twice is one item.
 */
export const WORKFLOW_COMMAND_KEYS = {
  command: (digest: string) => ({ PK: `WORKFLOW_COMMAND#${digest}`, SK: 'COMMAND' }),
} as const;

export const WORKFLOW_COMMAND_ENTITY = 'WorkflowCommand';

/** The slot calendar (bookings beside their declarations, a counter per lane and hour), apart like the trains. */
export const SLOT_KEYS = {
  booking: (declarationId: string) => ({ PK: `DECL#${declarationId}`, SK: 'SLOT' }),
  /** One lane's hours of one local date share a partition: a day's availability is one Query. */
  hoursOf: (laneType: string, localDate: string) => `SLOTS#${laneType}#${localDate}`,
  hour: (laneType: string, localDate: string, startsAt: string) => ({
    PK: `SLOTS#${laneType}#${localDate}`,
    SK: `HOUR#${startsAt}`,
  }),
} as const;

export const SLOT_ENTITY = { booking: 'SlotBooking', hour: 'SlotHourCount' } as const;

const DAY_SECONDS = 24 * 3600;
/** An hour's counter outlives its day by this long (the port authority's figures); DynamoDB TTL sweeps it after. */
export const SLOT_COUNTER_RETENTION_SECONDS = 90 * DAY_SECONDS;
/** Outbox events stay readable by the pull feed this long; DynamoDB TTL sweeps them after. */
export const EVENT_RETENTION_SECONDS = 30 * DAY_SECONDS;
/** Milestone reports and waits outlive their purpose only if something crashed. */
export const MILESTONE_RETENTION_SECONDS = 30 * DAY_SECONDS;
/** A command is carried out within seconds; it is kept a day for an operator to trace. */
export const WORKFLOW_COMMAND_RETENTION_SECONDS = DAY_SECONDS;
/** The delivery log a broker reads, and its attempt counters. */
export const DELIVERY_LOG_RETENTION_SECONDS = 30 * DAY_SECONDS;

export function expiresAt(from: Date, afterSeconds: number): number {
  return Math.floor(from.getTime() / 1000) + afterSeconds;
}

/** Opaque cursors: a base64url JSON of the last key returned, which the store checks before using. */
export function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
