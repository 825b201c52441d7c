import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type {
  Amendment,
  DeclarationQuery,
  DeclarationRecord,
  DeclarationStore,
  Filing,
  Page,
  StatusChange,
} from '#application/ports.ts';
import { InvalidCursorError } from '#application/ports.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { VersionConflictError } from '#domain/errors.ts';
import type { DomainEvent } from '#domain/events.ts';
import type { DeclarationStatus, HistoryEntry, Tracks } from '#domain/lifecycle.ts';
import { decodeCursor, ENTITY, EVENT_RETENTION_SECONDS, encodeCursor, expiresAt, KEYS } from './table-layout.ts';

// A listing reads at most this many pages per request, so a filter matching little cannot scan a whole partition.
const MAX_PAGES_PER_LISTING = 5;

/** DeclarationStore on DynamoDB: it writes what the use cases decided, guarded by the version they read. */
export function dynamoDbDeclarationStore(client: DynamoDBDocumentClient, tableName: string): DeclarationStore {
  const historyAndEvent = (record: DeclarationRecord, entry: HistoryEntry, event: DomainEvent) =>
    historyAndEventWrites(tableName, record, entry, event);

  const store: DeclarationStore = {
    async file(filing: Filing) {
      const { record } = filing;
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...KEYS.declaration(record.id),
                    entity: ENTITY.declaration,
                    ...record,
                    idempotencyKey: filing.idempotencyKey,
                    GSI1PK: KEYS.brokerIndex.partition(record.brokerId),
                    GSI1SK: `${record.filedAt}#${record.id}`,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...KEYS.document(record.id, record.documentVersion),
                    entity: ENTITY.document,
                    document: filing.document,
                  },
                },
              },
              { Put: { TableName: tableName, Item: historyItemOf(record.id, filing.entry) } },
              { Put: { TableName: tableName, Item: eventItemOf(record.brokerId, filing.event) } },
            ],
          }),
        );
        return { created: true, record };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await store.load(record.id);
        if (existing === undefined) throw error;
        return { created: false, record: existing };
      }
    },

    async load(id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: KEYS.declaration(id), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : toRecord(Item);
    },

    async loadDocument(id, documentVersion) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: KEYS.document(id, documentVersion), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : (Item.document as DeclarationDocument);
    },

    async loadHistory(id) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: { ':pk': KEYS.declaration(id).PK, ':prefix': KEYS.historyPrefix },
        ConsistentRead: true,
      });
      return items.map(toHistoryEntry);
    },

    async save(change: StatusChange) {
      const { record, entry } = change;
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: KEYS.declaration(record.id),
                  UpdateExpression: lifecycleUpdate(record),
                  ConditionExpression: '#version = :expected',
                  ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
                  ExpressionAttributeValues: {
                    ':status': record.status,
                    ':next': record.version,
                    ':expected': change.expectedVersion,
                    ':at': record.updatedAt,
                    ':facts': record.facts,
                    ...(record.tracks === undefined ? {} : { ':tracks': record.tracks }),
                    ...(record.resumeStatus === undefined ? {} : { ':resume': record.resumeStatus }),
                  },
                },
              },
              ...historyAndEvent(record, entry, change.event),
            ],
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new VersionConflictError(record.id, change.expectedVersion);
        throw error;
      }
    },

    async amend(amendment: Amendment) {
      const { record, entry } = amendment;
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: KEYS.declaration(record.id),
                  // Facts as the use case decided them (a two-step completion records when it came in).
                  UpdateExpression:
                    'SET #version = :next, documentVersion = :nextDocument, updatedAt = :at, facts = :facts',
                  ConditionExpression: '#version = :expected AND documentVersion = :expectedDocument',
                  ExpressionAttributeNames: { '#version': 'version' },
                  ExpressionAttributeValues: {
                    ':next': record.version,
                    ':nextDocument': record.documentVersion,
                    ':expected': amendment.expectedVersion,
                    ':expectedDocument': amendment.expectedDocumentVersion,
                    ':at': record.updatedAt,
                    ':facts': record.facts,
                  },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...KEYS.document(record.id, record.documentVersion),
                    entity: ENTITY.document,
                    document: amendment.document,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
              ...historyAndEvent(record, entry, amendment.event),
            ],
          }),
        );
      } catch (error) {
        if (isConditionFailure(error)) throw new VersionConflictError(record.id, amendment.expectedVersion);
        throw error;
      }
    },

    async listForBroker(brokerId, query: DeclarationQuery): Promise<Page<DeclarationRecord>> {
      const partition = KEYS.brokerIndex.partition(brokerId);
      const conditions = ['GSI1PK = :pk'];
      const values: Record<string, unknown> = { ':pk': partition };
      const from = query.filedFrom ?? '0';
      // Every sort key of that instant or earlier sorts before "<instant>#~".
      const to = `${query.filedTo ?? '9999'}#~`;
      if (query.filedFrom !== undefined || query.filedTo !== undefined) {
        conditions.push('GSI1SK BETWEEN :from AND :to');
        values[':from'] = from;
        values[':to'] = to;
      }
      let startKey = query.cursor === undefined ? undefined : listingStartKey(partition, query.cursor);
      // A cursor of another filing window cannot continue this one (DynamoDB would refuse the start key).
      if (startKey !== undefined && !(String(startKey.GSI1SK) >= from && String(startKey.GSI1SK) <= to)) {
        throw new InvalidCursorError();
      }
      const filters: string[] = [];
      const names: Record<string, string> = {};
      if (query.status !== undefined) {
        filters.push('#status = :status');
        names['#status'] = 'status';
        values[':status'] = query.status;
      }
      if (query.declarationType !== undefined) {
        filters.push('declarationType = :type');
        values[':type'] = query.declarationType;
      }
      if (query.declarationNumber !== undefined) {
        filters.push('declarationNumber = :number');
        values[':number'] = query.declarationNumber;
      }
      const items: DeclarationRecord[] = [];
      for (let page = 0; page < MAX_PAGES_PER_LISTING && items.length < query.limit; page++) {
        const answer = await client.send(
          new QueryCommand({
            TableName: tableName,
            IndexName: KEYS.brokerIndex.name,
            KeyConditionExpression: conditions.join(' AND '),
            ...(filters.length === 0 ? {} : { FilterExpression: filters.join(' AND ') }),
            ...(Object.keys(names).length === 0 ? {} : { ExpressionAttributeNames: names }),
            ExpressionAttributeValues: values,
            ScanIndexForward: false,
            // Limit counts items read, before the filter: never read past what this page may return.
            Limit: query.limit - items.length,
            ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
          }),
        );
        items.push(...(answer.Items ?? []).map(toRecord));
        startKey = answer.LastEvaluatedKey;
        if (startKey === undefined) break;
      }
      return {
        items,
        ...(startKey === undefined ? {} : { nextCursor: encodeCursor({ s: startKey.GSI1SK, p: startKey.PK }) }),
      };
    },
  };
  return store;
}

/** A history entry as an item of the declaration's partition. */
function historyItemOf(id: string, entry: HistoryEntry) {
  return { ...KEYS.history(id, entry.version), entity: ENTITY.history, declarationId: id, ...entry };
}

/** A domain event as an outbox item of its broker, swept by TTL once the pull feed no longer serves it. */
function eventItemOf(brokerId: string, event: DomainEvent) {
  return {
    ...KEYS.event(brokerId, event.recordedAt, event.declarationId, event.version),
    entity: ENTITY.event,
    brokerId,
    event,
    expiresAt: expiresAt(new Date(event.recordedAt), EVENT_RETENTION_SECONDS),
  };
}

/**
 * A change's history entry (never overwritten) and its outbox event, as items of the change's transaction: every
 * store that changes a declaration (status, document, slot booking) records the change through these.
 */
export function historyAndEventWrites(
  tableName: string,
  record: Pick<DeclarationRecord, 'id' | 'brokerId'>,
  entry: HistoryEntry,
  event: DomainEvent,
) {
  return [
    {
      Put: {
        TableName: tableName,
        Item: historyItemOf(record.id, entry),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    { Put: { TableName: tableName, Item: eventItemOf(record.brokerId, event) } },
  ];
}

/** The cursor names a position in this broker's listing; anything else was not issued by us. */
function listingStartKey(partition: string, cursor: string): Record<string, unknown> {
  const key = decodeCursor(cursor);
  if (
    key === undefined ||
    typeof key.s !== 'string' ||
    typeof key.p !== 'string' ||
    !key.p.startsWith('DECL#') ||
    !key.s.endsWith(`#${key.p.slice('DECL#'.length)}`)
  ) {
    throw new InvalidCursorError();
  }
  return { GSI1PK: partition, GSI1SK: key.s, PK: key.p, SK: 'DECLARATION' };
}

export async function queryAll(
  client: DynamoDBDocumentClient,
  input: QueryCommandInput,
): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey !== undefined);
  return items;
}

/** The head's lifecycle state as the domain decided it: status, version, tracks and where a review returns to. */
function lifecycleUpdate(record: DeclarationRecord): string {
  const sets = ['#status = :status', '#version = :next', 'updatedAt = :at', 'facts = :facts'];
  if (record.tracks !== undefined) sets.push('tracks = :tracks');
  if (record.resumeStatus !== undefined) sets.push('resumeStatus = :resume');
  return `SET ${sets.join(', ')}${record.resumeStatus === undefined ? ' REMOVE resumeStatus' : ''}`;
}

function toRecord(item: Record<string, unknown>): DeclarationRecord {
  return {
    id: String(item.id),
    brokerId: String(item.brokerId),
    declarationType: item.declarationType as DeclarationRecord['declarationType'],
    status: item.status as DeclarationRecord['status'],
    version: Number(item.version),
    documentVersion: Number(item.documentVersion),
    declarationNumber: String(item.declarationNumber),
    filedAt: String(item.filedAt),
    updatedAt: String(item.updatedAt),
    facts: (item.facts ?? {}) as Record<string, unknown>,
    ...(item.tracks === undefined ? {} : { tracks: item.tracks as Tracks }),
    ...(item.resumeStatus === undefined ? {} : { resumeStatus: item.resumeStatus as DeclarationStatus }),
  };
}

function toHistoryEntry(item: Record<string, unknown>): HistoryEntry {
  const { PK: _pk, SK: _sk, entity: _entity, declarationId: _id, ...entry } = item;
  return entry as unknown as HistoryEntry;
}

export function isConditionFailure(error: unknown): boolean {
  if (error instanceof TransactionCanceledException) {
    return (error.CancellationReasons ?? []).some((reason) => reason.Code === 'ConditionalCheckFailed');
  }
  return (error as Error | undefined)?.name === 'ConditionalCheckFailedException';
}
