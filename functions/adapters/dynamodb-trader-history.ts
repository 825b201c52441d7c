import { type DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { TraderHistory } from '#application/ports.ts';
import { ENTITY, KEYS } from './table-layout.ts';

/** Consignees' clearances at the port, one item per released declaration, in the declarations table. */
export function dynamoDbTraderHistory(client: DynamoDBDocumentClient, tableName: string): TraderHistory {
  return {
    async hasClearedBefore(consigneeKey) {
      const { Items } = await client.send(
        new QueryCommand({
          TableName: tableName,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)',
          ExpressionAttributeValues: { ':pk': KEYS.clearancesOf(consigneeKey), ':prefix': KEYS.clearancePrefix },
          Limit: 1,
          ProjectionExpression: 'PK',
        }),
      );
      return (Items ?? []).length > 0;
    },

    async recordClearance(consigneeKey, declarationId, at) {
      // The same content every time for one declaration, so a retried release writes it again harmlessly.
      await client.send(
        new PutCommand({
          TableName: tableName,
          Item: {
            ...KEYS.clearance(consigneeKey, declarationId),
            entity: ENTITY.clearance,
            declarationId,
            clearedAt: at.toISOString(),
          },
        }),
      );
    },
  };
}
