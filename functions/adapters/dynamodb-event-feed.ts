import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { EventFeed } from '#application/ports.ts';
import { InvalidCursorError } from '#application/ports.ts';
import type { DomainEvent } from '#domain/events.ts';
import { decodeCursor, encodeCursor, KEYS } from './table-layout.ts';

/** The outbox read as a feed: a broker's events in the order they were recorded. */
export function dynamoDbEventFeed(client: DynamoDBDocumentClient, tableName: string): EventFeed {
  return {
    async after(brokerId, cursor, limit, settledBefore) {
      const partition = KEYS.eventsOf(brokerId);
      let startKey: Record<string, unknown> | undefined;
      if (cursor !== undefined) {
        const key = decodeCursor(cursor);
        if (key === undefined || typeof key.k !== 'string' || !KEYS.eventSortKey.test(key.k)) {
          throw new InvalidCursorError();
        }
        // A cursor past the settle instant (handed out by a function whose clock runs ahead): nothing new yet.
        if (key.k >= settledBefore.toISOString()) return { items: [], nextCursor: cursor };
        startKey = { PK: partition, SK: key.k };
      }
      const answer = await client.send(
        new QueryCommand({
          TableName: tableName,
          // Sort keys start with the recording time: "<" the settle instant keeps out events still being written.
          KeyConditionExpression: 'PK = :pk AND SK < :settled',
          ExpressionAttributeValues: { ':pk': partition, ':settled': settledBefore.toISOString() },
          ConsistentRead: true,
          Limit: limit,
          ...(startKey === undefined ? {} : { ExclusiveStartKey: startKey }),
        }),
      );
      const items = answer.Items ?? [];
      const last = items.at(-1);
      return {
        items: items.map((item) => item.event as DomainEvent),
        // The cursor always moves to the last event returned, so a client polling an idle feed keeps its place.
        nextCursor: last === undefined ? (cursor ?? encodeCursor({ k: '0' })) : encodeCursor({ k: String(last.SK) }),
      };
    },
  };
}
