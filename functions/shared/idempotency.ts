import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { dynamoDbClient } from '#adapters/dynamodb-clients.ts';
import { ENV, requireEnv } from './env.ts';

/**
 * Powertools idempotency for a write route: the first answer is stored and replayed to retries with the
 * same key; the same key with a different body is refused (it is a client bug, not a retry).
 * Runs after body parsing, so `body` in the key paths is the parsed document.
 */
export function replayFirstAnswer(eventKeyJmesPath: string) {
  return makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv(ENV.idempotencyTable),
      awsSdkV3Client: dynamoDbClient,
    }),
    config: new IdempotencyConfig({
      eventKeyJmesPath,
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: 24 * 3600,
    }),
  });
}
