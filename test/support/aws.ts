import {
  type AttributeValue,
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactionCanceledException,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import type { DeclarationStatus, HistoryEntry } from '#domain/lifecycle.ts';
import type { Milestone, MilestoneNotice } from '#domain/port-events.ts';
import { TEST_ENV } from './lambda.ts';

/**
 * The AWS SDK, mocked at the client level. The stores talk through the document client; the
 * idempotency middleware sends raw item commands on the plain DynamoDB client; workflows go through Step Functions.
 * node:test runs every test file in its own process, so these stubs are per file.
 */
export const dynamoDb = mockClient(DynamoDBClient);
export const documents = mockClient(DynamoDBDocumentClient);
export const stepFunctions = mockClient(SFNClient);

/** The idempotency table as the middleware sees it: an in-memory map keyed by the idempotency key. */
export const idempotencyRecords = new Map<string, Record<string, AttributeValue>>();

/**
 * Forgets every call and behaviour, then installs the defaults: an empty idempotency table, an empty
 * declarations table whose writes succeed, and Step Functions that starts executions and accepts task results.
 */
export function resetAwsMocks(): void {
  dynamoDb.reset();
  documents.reset();
  stepFunctions.reset();
  idempotencyRecords.clear();
  installIdempotencyTable();
  documents.onAnyCommand().resolves({});
  // The declaration-number counter answers the serial it moved to, as DynamoDB's ADD with UPDATED_NEW does.
  let serial = 0;
  documents.on(UpdateCommand, { Key: { SK: 'SERIAL' } }).callsFake(() => ({ Attributes: { serial: ++serial } }));
  tableHolds();
  stepFunctions.on(StartExecutionCommand).callsFake((input: { stateMachineArn?: string; name?: string }) => ({
    executionArn: `${String(input.stateMachineArn).replace(':stateMachine:', ':execution:')}:${input.name}`,
    startDate: new Date('2025-03-01T00:00:00Z'),
  }));
  stepFunctions.on(SendTaskSuccessCommand).resolves({});
}

function recordKey(key: Record<string, AttributeValue> | undefined): string {
  return JSON.stringify(key?.id);
}

function installIdempotencyTable(): void {
  dynamoDb.on(PutItemCommand).callsFake((input: { Item?: Record<string, AttributeValue> }) => {
    const item = input.Item ?? {};
    const existing = idempotencyRecords.get(recordKey(item));
    if (existing !== undefined) {
      throw new ConditionalCheckFailedException({
        message: 'The conditional request failed',
        $metadata: {},
        Item: existing,
      });
    }
    idempotencyRecords.set(recordKey(item), item);
    return {};
  });
  dynamoDb
    .on(UpdateItemCommand)
    .callsFake(
      (input: {
        Key?: Record<string, AttributeValue>;
        UpdateExpression?: string;
        ExpressionAttributeNames?: Record<string, string>;
        ExpressionAttributeValues?: Record<string, AttributeValue>;
      }) => {
        const item = { ...(idempotencyRecords.get(recordKey(input.Key)) ?? input.Key) };
        const assignments = (input.UpdateExpression ?? '').replace(/^SET /, '').split(', ');
        for (const assignment of assignments) {
          const [name = '', value = ''] = assignment.split(' = ');
          const attribute = input.ExpressionAttributeNames?.[name];
          const attributeValue = input.ExpressionAttributeValues?.[value];
          if (attribute !== undefined && attributeValue !== undefined) item[attribute] = attributeValue;
        }
        idempotencyRecords.set(recordKey(input.Key), item);
        return {};
      },
    );
  dynamoDb.on(DeleteItemCommand).callsFake((input: { Key?: Record<string, AttributeValue> }) => {
    idempotencyRecords.delete(recordKey(input.Key));
    return {};
  });
  dynamoDb.on(GetItemCommand).callsFake((input: { Key?: Record<string, AttributeValue> }) => ({
    Item: idempotencyRecords.get(recordKey(input.Key)),
  }));
}

/** What a request function queued for run-workflow-commands (dynamodb-workflow-commands.ts), in order. */
export function queuedWorkflowCommands(kind?: 'start' | 'stop' | 'resume'): Record<string, unknown>[] {
  return documents
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input.Item)
    .filter((item) => item?.entity === 'WorkflowCommand')
    .map((item) => item?.command as Record<string, unknown>)
    .filter((command) => kind === undefined || command.kind === kind);
}

/** Every write the stores sent to the declarations table. */
export function declarationTableWrites() {
  return [
    ...documents.commandCalls(TransactWriteCommand),
    ...documents.commandCalls(PutCommand),
    ...documents.commandCalls(UpdateCommand),
    ...documents.commandCalls(DeleteCommand),
  ];
}

/** A DynamoDB transaction cancelled because one of its conditions failed (e.g. a version guard). */
export function conditionFailedTransaction(): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [ConditionalCheckFailed]',
    $metadata: {},
    CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
  });
}

// ── The declarations table: items as functions/adapters store them (see table-layout.ts) ──────────
// Spelled out here rather than built with the adapters' KEYS, so a change to the stored layout (which
// existing tables would no longer match) fails these tests instead of passing silently.

export const DECLARATIONS_TABLE = TEST_ENV.DECLARATIONS_TABLE_NAME;

export type Item = Record<string, unknown>;

export interface StoredDeclaration {
  readonly id: string;
  readonly brokerId: string;
  readonly document: DeclarationDocument;
  readonly status: DeclarationStatus;
  readonly version: number;
  readonly filedAt?: string;
  readonly facts?: Record<string, unknown>;
}

const FILED_AT = '2025-02-27T08:00:00.000Z';

/** The head item: status, versions, owner and facts, without the document. */
export function declarationHeadItem(declaration: StoredDeclaration): Item {
  const filedAt = declaration.filedAt ?? FILED_AT;
  return {
    PK: `DECL#${declaration.id}`,
    SK: 'DECLARATION',
    entity: 'Declaration',
    id: declaration.id,
    brokerId: declaration.brokerId,
    declarationType: declaration.document.declarationType,
    status: declaration.status,
    version: declaration.version,
    documentVersion: 1,
    declarationNumber: '650120251000000001',
    filedAt,
    updatedAt: filedAt,
    facts: declaration.facts ?? {},
    idempotencyKey: `key-of-${declaration.id}`,
    GSI1PK: `BROKER#${declaration.brokerId}`,
    GSI1SK: `${filedAt}#${declaration.id}`,
  };
}

/** The document as filed (document version 1). */
export function documentItem(id: string, document: DeclarationDocument): Item {
  return { PK: `DECL#${id}`, SK: 'DOCUMENT#0001', entity: 'DeclarationDocument', document };
}

/** A filed declaration: its head and its document. */
export function declarationItems(declaration: StoredDeclaration): Item[] {
  return [declarationHeadItem(declaration), documentItem(declaration.id, declaration.document)];
}

export function historyItem(id: string, entry: HistoryEntry): Item {
  return {
    PK: `DECL#${id}`,
    SK: `HISTORY#${String(entry.version).padStart(6, '0')}`,
    entity: 'HistoryEntry',
    declarationId: id,
    ...entry,
  };
}

/** A declaration released to a consignee earlier: the consignee's record at the port. */
export function clearanceItem(consigneeKey: string, declarationId: string): Item {
  return {
    PK: `TRADER#${consigneeKey}`,
    SK: `CLEARANCE#${declarationId}`,
    entity: 'Clearance',
    declarationId,
    clearedAt: '2025-01-10T09:00:00.000Z',
  };
}

/** The port's first report of a milestone for a key (a waybill, a plate). */
export function milestoneItem(milestone: Milestone, key: string, notice: MilestoneNotice): Item {
  return { PK: `MILESTONE#${milestone}#${key}`, SK: 'OCCURRED', entity: 'Milestone', notice, expiresAt: 1_743_000_000 };
}

/** A workflow parked on a milestone, as the await-milestone step registers it. */
export function waitItem(milestone: Milestone, key: string, declarationId: string, taskToken: string): Item {
  return {
    PK: `MILESTONE#${milestone}#${key}`,
    SK: `WAIT#${declarationId}`,
    entity: 'MilestoneWait',
    declarationId,
    taskToken,
    registeredAt: '2025-02-28T10:00:00.000Z',
    expiresAt: 1_743_000_000,
  };
}

/** The declarations table as the stores read it; `put` changes an item between two reads. */
export interface FakeTable {
  put(item: Item): void;
}

/**
 * Makes the declarations table hold these items for reads: GetCommand by key, and QueryCommand on the key
 * conditions the stores use (a partition with a sort-key prefix, the broker index, the outbox). Writes are
 * not applied: tests read them from the recorded calls. A query the fake does not understand fails the test.
 */
export function tableHolds(...items: Item[]): FakeTable {
  const table = new Map<string, Item>();
  const keyOf = (key: Item | undefined) => `${String(key?.PK)}\u0000${String(key?.SK)}`;
  const put = (item: Item) => table.set(keyOf(item), item);
  items.forEach(put);
  documents.on(GetCommand).callsFake((input: { Key?: Item }) => ({ Item: table.get(keyOf(input.Key)) }));
  documents.on(QueryCommand).callsFake((input: QueryCommandInput) => query([...table.values()], input));
  return { put };
}

function query(items: Item[], input: QueryCommandInput) {
  const values = input.ExpressionAttributeValues ?? {};
  const condition = input.KeyConditionExpression ?? '';
  const text = (item: Item, name: string) => String(item[name]);
  let matches: Item[];
  let sortKey: string;
  if (input.IndexName === 'GSI1' && /^GSI1PK = :pk( AND GSI1SK BETWEEN :from AND :to)?$/.test(condition)) {
    sortKey = 'GSI1SK';
    matches = items.filter(
      (item) =>
        item.GSI1PK === values[':pk'] &&
        (values[':from'] === undefined ||
          (text(item, sortKey) >= String(values[':from']) && text(item, sortKey) <= String(values[':to']))),
    );
  } else if (input.IndexName === 'GSI2' && condition === 'GSI2PK = :pk') {
    sortKey = 'GSI2SK';
    matches = items.filter((item) => item.GSI2PK === values[':pk']);
  } else if (input.IndexName === undefined && condition === 'PK = :pk AND begins_with(SK, :prefix)') {
    sortKey = 'SK';
    matches = items.filter(
      (item) => item.PK === values[':pk'] && text(item, 'SK').startsWith(String(values[':prefix'])),
    );
  } else if (input.IndexName === undefined && condition === 'PK = :pk AND SK < :settled') {
    sortKey = 'SK';
    matches = items.filter((item) => item.PK === values[':pk'] && text(item, 'SK') < String(values[':settled']));
  } else {
    throw new Error(`the fake table cannot answer ${input.IndexName ?? 'the table'}: ${condition}`);
  }
  const forward = input.ScanIndexForward !== false;
  matches.sort((a, b) => text(a, sortKey).localeCompare(text(b, sortKey)) * (forward ? 1 : -1));
  const start = input.ExclusiveStartKey;
  if (start !== undefined) {
    const after = String(start[sortKey]);
    matches = matches.filter((item) => (forward ? text(item, sortKey) > after : text(item, sortKey) < after));
  }
  // Limit counts items read, before the filter, as DynamoDB does.
  const read = input.Limit === undefined ? matches : matches.slice(0, input.Limit);
  const last = read.at(-1);
  const more = read.length < matches.length && last !== undefined;
  return {
    Items: read.filter((item) => passesFilter(item, input)),
    ...(more
      ? {
          LastEvaluatedKey: {
            PK: last.PK,
            SK: last.SK,
            ...(sortKey === 'GSI1SK' ? { GSI1PK: last.GSI1PK, GSI1SK: last.GSI1SK } : {}),
            ...(sortKey === 'GSI2SK' ? { GSI2PK: last.GSI2PK, GSI2SK: last.GSI2SK } : {}),
          },
        }
      : {}),
  };
}

/** Equality filters joined by AND, the only kind the stores send. */
function passesFilter(item: Item, input: QueryCommandInput): boolean {
  if (input.FilterExpression === undefined) return true;
  return input.FilterExpression.split(' AND ').every((clause) => {
    const match = /^(#?\w+) = (:\w+)$/.exec(clause);
    if (match === null) throw new Error(`the fake table cannot filter on ${clause}`);
    const [, name = '', value = ''] = match;
    const attribute = name.startsWith('#') ? input.ExpressionAttributeNames?.[name] : name;
    return attribute !== undefined && item[attribute] === input.ExpressionAttributeValues?.[value];
  });
}

/** An officer's task as the officer task store keeps it; an open one is queued on GSI2 by its deadline. */
export function officerTaskItem(task: {
  readonly declarationId: string;
  readonly taskToken: string;
  readonly kind?: string;
  readonly queue?: string;
  readonly dueAt?: string;
  readonly state?: 'OPEN' | 'CLOSED';
  readonly revision?: number;
  readonly decision?: Record<string, unknown>;
}): Item {
  const queue = task.queue ?? 'officers';
  const state = task.state ?? 'OPEN';
  const openedAt = '2025-03-01T06:00:00.000Z';
  return {
    PK: `DECL#${task.declarationId}`,
    SK: 'OFFICER_TASK',
    entity: 'OfficerTask',
    declarationId: task.declarationId,
    declarationType: 'RAIL_IMPORT',
    brokerId: 'BRK-ALMATY-01',
    kind: task.kind ?? 'DOCUMENT_REVIEW',
    queue,
    taskToken: task.taskToken,
    openedAt,
    ...(task.dueAt === undefined ? {} : { dueAt: task.dueAt }),
    riskChannel: 'YELLOW',
    state,
    ...(task.decision === undefined ? {} : { decision: task.decision }),
    decisions: task.decision === undefined ? [] : [task.decision],
    revision: task.revision ?? 1,
    ...(state === 'OPEN'
      ? { GSI2PK: `QUEUE#${queue}`, GSI2SK: `${task.dueAt ?? `~#${openedAt}`}#${task.declarationId}` }
      : {}),
  };
}
