import { type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  type DocumentRequest,
  InvalidCursorError,
  type OfficerTask,
  type OfficerTaskStore,
} from '#application/ports.ts';
import { isConditionFailure } from './dynamodb-declaration-store.ts';
import { decodeCursor, ENTITY, encodeCursor, KEYS } from './table-layout.ts';

/** Officers' tasks and document requests, in the declaration's partition; open tasks are queued on GSI2. */
export function dynamoDbOfficerTaskStore(client: DynamoDBDocumentClient, tableName: string): OfficerTaskStore {
  /** A whole-item put guarded by the revision read (or by there being none). */
  async function guardedPut(item: Record<string, unknown>, expectedRevision: number | undefined): Promise<boolean> {
    try {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: item,
          ...(expectedRevision === undefined
            ? { ConditionExpression: 'attribute_not_exists(PK)' }
            : {
                ConditionExpression: 'revision = :expected',
                ExpressionAttributeValues: { ':expected': expectedRevision },
              }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async function get(key: Record<string, string>): Promise<Record<string, unknown> | undefined> {
    const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }));
    return Item;
  }

  return {
    async loadTask(id) {
      const item = await get(KEYS.officerTask(id));
      return item === undefined ? undefined : (withoutKeys(item) as unknown as OfficerTask);
    },

    async saveTask(task, expectedRevision) {
      return guardedPut(
        {
          ...KEYS.officerTask(task.declarationId),
          entity: ENTITY.officerTask,
          ...task,
          // Only open tasks are in a queue: a decided one drops out of the index.
          ...(task.state === 'OPEN'
            ? { GSI2PK: KEYS.queueIndex.partition(task.queue), GSI2SK: KEYS.queueIndex.sortKey(task) }
            : {}),
        },
        expectedRevision,
      );
    },

    async listQueue(queue, limit, cursor) {
      const partition = KEYS.queueIndex.partition(queue);
      const startKey = cursor === undefined ? undefined : queueStartKey(partition, cursor);
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          IndexName: KEYS.queueIndex.name,
          KeyConditionExpression: 'GSI2PK = :pk',
          ExpressionAttributeValues: { ':pk': partition },
          Limit: limit,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const last = answer.LastEvaluatedKey;
      return {
        items: (answer.Items ?? []).map((item) => withoutKeys(item) as unknown as OfficerTask),
        ...(last === undefined ? {} : { nextCursor: encodeCursor({ s: last.GSI2SK, p: last.PK }) }),
      };
    },

    async loadDocumentRequest(id) {
      const item = await get(KEYS.documentRequest(id));
      return item === undefined ? undefined : (withoutKeys(item) as unknown as DocumentRequest);
    },

    async saveDocumentRequest(request, expectedRevision) {
      return guardedPut(
        { ...KEYS.documentRequest(request.declarationId), entity: ENTITY.documentRequest, ...request },
        expectedRevision,
      );
    },
  };
}

/** The cursor names a task of this queue; anything else was not issued by us. */
function queueStartKey(partition: string, cursor: string): Record<string, unknown> {
  const key = decodeCursor(cursor);
  if (
    key === undefined ||
    typeof key.s !== 'string' ||
    typeof key.p !== 'string' ||
    !/^DECL#DCL-[0-9A-F]{24}$/.test(key.p) ||
    !key.s.endsWith(`#${key.p.slice('DECL#'.length)}`)
  ) {
    throw new InvalidCursorError();
  }
  return { GSI2PK: partition, GSI2SK: key.s, PK: key.p, SK: KEYS.officerTask('').SK };
}

function withoutKeys(item: Record<string, unknown>): Record<string, unknown> {
  const { PK: _pk, SK: _sk, entity: _entity, GSI2PK: _gsiPk, GSI2SK: _gsiSk, ...rest } = item;
  return rest;
}
