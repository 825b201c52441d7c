import { DeleteCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { MilestoneStore } from '#application/ports.ts';
import type { MilestoneNotice } from '#domain/port-events.ts';
import { isConditionFailure, queryAll } from './dynamodb-declaration-store.ts';
import { ENTITY, expiresAt, KEYS, MILESTONE_RETENTION_SECONDS } from './table-layout.ts';

/** Milestone reports and the workflows waiting on them, in the declarations table. */
export function dynamoDbMilestoneStore(client: DynamoDBDocumentClient, tableName: string): MilestoneStore {
  /** The items of one kind (waits, declarations moved on) under a milestone's report, read consistently. */
  const itemsOf = (milestone: string, key: string, prefix: string) =>
    queryAll(client, {
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
      ExpressionAttributeValues: { ':pk': KEYS.milestone(milestone, key).PK, ':prefix': prefix },
      ConsistentRead: true,
    });
  return {
    async record(milestone, key, notice) {
      try {
        await client.send(
          new PutCommand({
            TableName: tableName,
            Item: {
              ...KEYS.milestone(milestone, key),
              entity: ENTITY.milestone,
              key,
              notice,
              expiresAt: expiresAt(new Date(), MILESTONE_RETENTION_SECONDS),
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          }),
        );
      } catch (error) {
        // The first report wins, so a replayed event changes nothing.
        if (!isConditionFailure(error)) throw error;
      }
    },

    async replace(milestone, key, notice) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...KEYS.milestone(milestone, key),
            entity: ENTITY.milestone,
            key,
            notice,
            expiresAt: expiresAt(new Date(), MILESTONE_RETENTION_SECONDS),
          },
        }),
      );
    },

    async find(milestone, key) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: KEYS.milestone(milestone, key), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : (Item.notice as MilestoneNotice);
    },

    async registerWait(milestone, key, wait, at) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...KEYS.wait(milestone, key, wait.declarationId),
            entity: ENTITY.wait,
            ...wait,
            registeredAt: at.toISOString(),
            expiresAt: expiresAt(at, MILESTONE_RETENTION_SECONDS),
          },
        }),
      );
    },

    async waitsFor(milestone, key) {
      const items = await itemsOf(milestone, key, KEYS.waitPrefix);
      return items.map((item) => ({ declarationId: String(item.declarationId), taskToken: String(item.taskToken) }));
    },

    async removeWait(milestone, key, declarationId) {
      await client.send(new DeleteCommand({ TableName: tableName, Key: KEYS.wait(milestone, key, declarationId) }));
    },

    async recordMovedOn(milestone, key, declarationId, at) {
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...KEYS.movedOn(milestone, key, declarationId),
            entity: ENTITY.movedOn,
            declarationId,
            movedAt: at.toISOString(),
            expiresAt: expiresAt(at, MILESTONE_RETENTION_SECONDS),
          },
        }),
      );
    },

    async movedOn(milestone, key) {
      const items = await itemsOf(milestone, key, KEYS.movedOnPrefix);
      return items.map((item) => String(item.declarationId));
    },
  };
}
