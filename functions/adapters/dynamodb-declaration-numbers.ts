import { type DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DeclarationNumbers } from '#application/ports.ts';
import { MAX_DECLARATION_SERIAL } from '#domain/declaration-number.ts';
import { ENTITY, KEYS } from './table-layout.ts';

/**
 * DeclarationNumbers on DynamoDB: one counter item per customs office and year, moved on by an atomic ADD, so
 * concurrent filings never draw the same serial. The counter refuses to pass the 9 digits a serial has.
 */
export function dynamoDbDeclarationNumbers(
  client: DynamoDBDocumentClient,
  tableName: string,
  customsCode: string,
): DeclarationNumbers {
  return {
    customsCode,
    async nextSerial(year) {
      const { Attributes } = await client.send(
        new UpdateCommand({
          TableName: tableName,
          Key: KEYS.declarationSerial(customsCode, year),
          UpdateExpression: 'SET entity = :entity ADD serial :one',
          ConditionExpression: 'attribute_not_exists(serial) OR serial < :max',
          ExpressionAttributeValues: { ':entity': ENTITY.declarationSerial, ':one': 1, ':max': MAX_DECLARATION_SERIAL },
          ReturnValues: 'UPDATED_NEW',
        }),
      );
      return Number(Attributes?.serial);
    },
  };
}
