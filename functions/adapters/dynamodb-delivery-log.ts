import { type DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryAttempt, DeliveryLog } from '#application/ports.ts';
import { InvalidCursorError } from '#application/ports.ts';
import {
  DELIVERY_LOG_RETENTION_SECONDS,
  decodeCursor,
  encodeCursor,
  expiresAt,
  WEBHOOK_ENTITY,
  WEBHOOK_KEYS,
} from './table-layout.ts';

/** Each webhook's delivery log in the declarations table: one item per attempt, kept 30 days. */
export function dynamoDbDeliveryLog(client: DynamoDBDocumentClient, tableName: string): DeliveryLog {
  return {
    async nextAttempt(subscriptionId, eventId) {
      // An atomic counter rather than the execution's retry count: a step retried after a crash still counts.
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: WEBHOOK_KEYS.attemptCounter(subscriptionId, eventId),
          UpdateExpression: 'ADD attempts :one SET entity = :entity, expiresAt = if_not_exists(expiresAt, :expiresAt)',
          ExpressionAttributeValues: {
            ':one': 1,
            ':entity': WEBHOOK_ENTITY.attemptCounter,
            ':expiresAt': expiresAt(new Date(), DELIVERY_LOG_RETENTION_SECONDS),
          },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.attempts);
    },

    async record(subscriptionId, attempt) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...WEBHOOK_KEYS.deliveryAttempt(subscriptionId, attempt.attemptedAt, attempt.eventId, attempt.attempt),
            entity: WEBHOOK_ENTITY.deliveryAttempt,
            ...attempt,
            expiresAt: expiresAt(new Date(attempt.attemptedAt), DELIVERY_LOG_RETENTION_SECONDS),
          },
        }),
      );
    },

    async newestFirst(subscriptionId, limit, cursor) {
      const partition = WEBHOOK_KEYS.deliveriesOf(subscriptionId);
      let startKey: Record<string, unknown> | undefined;
      if (cursor !== undefined) {
        const key = decodeCursor(cursor);
        if (key === undefined || typeof key.k !== 'string' || !key.k.startsWith(WEBHOOK_KEYS.deliveryLogPrefix)) {
          throw new InvalidCursorError();
        }
        startKey = { PK: partition, SK: key.k };
      }
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': partition, ':prefix': WEBHOOK_KEYS.deliveryLogPrefix },
          ScanIndexForward: false,
          ConsistentRead: true,
          Limit: limit,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const next = answer.LastEvaluatedKey;
      return {
        items: (answer.Items ?? []).map(toAttempt),
        ...(next === undefined ? {} : { nextCursor: encodeCursor({ k: String(next.SK) }) }),
      };
    },
  };
}

function toAttempt(item: Record<string, unknown>): DeliveryAttempt {
  return {
    eventId: String(item.eventId),
    attempt: Number(item.attempt),
    attemptedAt: String(item.attemptedAt),
    outcome: item.outcome as DeliveryAttempt['outcome'],
    ...(item.httpStatus === undefined ? {} : { httpStatus: Number(item.httpStatus) }),
    ...(item.error === undefined ? {} : { error: String(item.error) }),
    durationMs: Number(item.durationMs),
  };
}
