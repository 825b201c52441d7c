import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { WebhookStore, WebhookSubscription } from '#application/ports.ts';
import { queryAll } from './dynamodb-declaration-store.ts';
import { WEBHOOK_ENTITY, WEBHOOK_KEYS } from './table-layout.ts';

/**
 * Webhook subscriptions in the declarations table, one partition per broker. A counter item in the same
 * partition guards the per-broker limit: adding and removing change it in the same transaction as the
 * subscription, so two concurrent registrations cannot both take the last place.
 */
export function dynamoDbWebhookStore(client: DynamoDBDocumentClient, tableName: string): WebhookStore {
  return {
    async add(subscription, limit) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: tableName,
                  Key: WEBHOOK_KEYS.webhookCount(subscription.brokerId),
                  UpdateExpression: 'SET webhooks = if_not_exists(webhooks, :zero) + :one, entity = :entity',
                  ConditionExpression: 'attribute_not_exists(webhooks) OR webhooks < :limit',
                  ExpressionAttributeValues: {
                    ':zero': 0,
                    ':one': 1,
                    ':limit': limit,
                    ':entity': WEBHOOK_ENTITY.webhookCount,
                  },
                },
              },
              {
                Put: {
                  TableName: tableName,
                  Item: {
                    ...WEBHOOK_KEYS.webhook(subscription.brokerId, subscription.id),
                    entity: WEBHOOK_ENTITY.webhook,
                    ...subscription,
                  },
                  ConditionExpression: 'attribute_not_exists(PK)',
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailedAt(error, 0)) return false;
        throw error;
      }
    },

    async listForBroker(brokerId) {
      const items = await queryAll(client, {
        TableName: tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
        ExpressionAttributeValues: {
          ':pk': WEBHOOK_KEYS.webhookCount(brokerId).PK,
          ':prefix': WEBHOOK_KEYS.webhookPrefix,
        },
        ConsistentRead: true,
      });
      return items
        .map(toSubscription)
        .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    },

    async find(brokerId, id) {
      const { Item } = await client.send(
        new GetCommand({ TableName: tableName, Key: WEBHOOK_KEYS.webhook(brokerId, id), ConsistentRead: true }),
      );
      return Item === undefined ? undefined : toSubscription(Item);
    },

    async remove(brokerId, id) {
      try {
        await client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Delete: {
                  TableName: tableName,
                  Key: WEBHOOK_KEYS.webhook(brokerId, id),
                  ConditionExpression: 'attribute_exists(PK)',
                },
              },
              {
                Update: {
                  TableName: tableName,
                  Key: WEBHOOK_KEYS.webhookCount(brokerId),
                  UpdateExpression: 'SET webhooks = webhooks - :one',
                  ConditionExpression: 'webhooks > :zero',
                  ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
                },
              },
            ],
          }),
        );
        return true;
      } catch (error) {
        if (conditionFailedAt(error, 0)) return false;
        throw error;
      }
    },
  };
}

/** Whether a transaction was cancelled because the condition of its `index`th item failed. */
function conditionFailedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  );
}

function toSubscription(item: Record<string, unknown>): WebhookSubscription {
  return {
    id: String(item.id),
    brokerId: String(item.brokerId),
    url: String(item.url),
    ...(typeof item.description === 'string' ? { description: item.description } : {}),
    createdAt: String(item.createdAt),
    secret: String(item.secret),
  };
}
