import { IdempotencyConfig } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { makeHandlerIdempotent } from '@aws-lambda-powertools/idempotency/middleware';
import { dynamoDbClient } from '#adapters/dynamodb-clients.ts';
import { ENV, requireEnv } from './env.ts';

/** How a write route recognises a retry. */
export interface IdempotencyKey {
  /** JMESPath into the (parsed) event, e.g. `body.eventId`. */
  readonly jmesPath: string;
  /** The same key as a broker sees it (a header name or a body JSON Pointer), named when the key is reused. */
  readonly field: string;
}

/**
 * Powertools idempotency for a write route: the first answer is stored and replayed to retries with the
 * same key; the same key with a different body is refused (it is a client bug, not a retry).
 * Runs after body parsing, so `body` in the key paths is the parsed document.
 */
export function replayFirstAnswer(key: IdempotencyKey) {
  return makeHandlerIdempotent({
    persistenceStore: new DynamoDBPersistenceLayer({
      tableName: requireEnv(ENV.idempotencyTable),
      awsSdkV3Client: dynamoDbClient,
    }),
    config: new IdempotencyConfig({
      eventKeyJmesPath: key.jmesPath,
      payloadValidationJmesPath: 'body',
      throwOnNoIdempotencyKey: true,
      expiresAfterSeconds: 24 * 3600,
    }),
  });
}
