import { createHash } from 'node:crypto';
import { type AttributeValue, DeleteItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { dynamoDbClient } from '#adapters/dynamodb-clients.ts';
import { ENV, requireEnv } from './env.ts';
import type { RouteDefinition } from './routes.ts';

/** How a write route recognises a retry: its entry in the route registry. */
export type IdempotencyKey = NonNullable<RouteDefinition['idempotency']>;

/** The same key was used before with a different request: a client bug, not a retry (422). */
export class IdempotencyKeyReusedError extends Error {
  override readonly name = 'IdempotencyKeyReusedError';
}

/** The first request with the key has not answered yet (409); retry later. */
export class RequestInProgressError extends Error {
  override readonly name = 'RequestInProgressError';
}

const RECORD_LIFETIME_SECONDS = 24 * 3600;
const IN_PROGRESS = 'INPROGRESS';
const COMPLETED = 'COMPLETED';

type Middleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, Record<string, unknown>>;

/** The record this invocation claimed, kept on its request: invocations may interleave in one environment. */
function claimOf(request: { readonly internal: Record<string, unknown> }): Record<string, AttributeValue> | undefined {
  return request.internal.idempotencyClaim as Record<string, AttributeValue> | undefined;
}

/**
 * A write route's first answer is kept for 24 hours and replayed to every retry with the same key; the same key
 * with another body is refused. Runs after body parsing, so the body is hashed as the parsed document.
 *
 * The records have the layout of Powertools idempotency's DynamoDB persistence (`id`, `status`, `data`,
 * `validation`, `expiration` as TTL, `in_progress_expiration`), whose protocol this follows: one conditional
 * put claims the key, or hands back the record that holds it; the answer is stored when the route succeeds; a
 * refusal or failure deletes the claim, so a corrected request with the same key is handled afresh. Powertools
 * itself, with JMESPath for its keys, cost ~37 KiB in each of these bundles; this is under 2.
 */
export function replayFirstAnswer(key: IdempotencyKey, operationId: string): Middleware {
  const tableName = requireEnv(ENV.idempotencyTable);
  return {
    before: async (request) => {
      const id = { S: recordIdOf(request.event, key, operationId) };
      const validation = { S: sha256(JSON.stringify(request.event.body ?? null)) };
      const now = Date.now();
      try {
        await dynamoDbClient.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              id,
              status: { S: IN_PROGRESS },
              validation,
              expiration: { N: String(Math.floor(now / 1000) + RECORD_LIFETIME_SECONDS) },
              in_progress_expiration: { N: String(now + request.context.getRemainingTimeInMillis()) },
            },
            // A record that expired, or a claim whose invocation timed out, no longer holds the key.
            ConditionExpression:
              'attribute_not_exists(id) OR expiration < :nowSeconds OR (#status = :inProgress AND in_progress_expiration < :nowMillis)',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: {
              ':nowSeconds': { N: String(Math.floor(now / 1000)) },
              ':nowMillis': { N: String(now) },
              ':inProgress': { S: IN_PROGRESS },
            },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        request.internal.idempotencyClaim = { id };
      } catch (error) {
        const existing = (error as { name?: string; Item?: Record<string, AttributeValue> }).Item;
        if ((error as Error).name !== 'ConditionalCheckFailedException' || existing === undefined) throw error;
        if (existing.validation?.S !== validation.S) {
          throw new IdempotencyKeyReusedError(`${key.field} was used before with a different request`);
        }
        if (existing.status?.S !== COMPLETED || existing.data?.S === undefined) {
          throw new RequestInProgressError(`the first request with this ${key.field} has not answered yet`);
        }
        // middy's early return: the stored answer, without running the route again.
        return JSON.parse(existing.data.S) as APIGatewayProxyResult;
      }
    },
    after: async (request) => {
      const claimed = claimOf(request);
      if (claimed === undefined) return;
      await dynamoDbClient.send(
        new UpdateItemCommand({
          TableName: tableName,
          Key: claimed,
          UpdateExpression: 'SET #status = :status, #data = :data',
          ExpressionAttributeNames: { '#status': 'status', '#data': 'data' },
          ExpressionAttributeValues: { ':status': { S: COMPLETED }, ':data': { S: JSON.stringify(request.response) } },
        }),
      );
    },
    onError: async (request) => {
      const claimed = claimOf(request);
      if (claimed === undefined) return;
      request.internal.idempotencyClaim = undefined;
      await dynamoDbClient.send(new DeleteItemCommand({ TableName: tableName, Key: claimed }));
    },
  };
}

/** The route, whose keys they are, and the key itself: two brokers' equal keys are different records. */
function recordIdOf(event: APIGatewayProxyEvent, key: IdempotencyKey, operationId: string): string {
  const claims = (event.requestContext.authorizer?.claims ?? {}) as Record<string, unknown>;
  const owner = key.scope === 'broker' ? claims['custom:brokerId'] : claims.sub;
  const value = key.field.startsWith('/')
    ? (event.body as unknown as Record<string, unknown> | null)?.[key.field.slice(1)]
    : event.headers[key.field];
  // The schemas make both required; a route whose request lacks them is a wiring mistake, not a client's.
  if (typeof owner !== 'string' || (typeof value !== 'string' && typeof value !== 'number')) {
    throw new Error(`no idempotency key at ${key.field} (scope ${key.scope})`);
  }
  return `${operationId}#${sha256(JSON.stringify([owner, String(value)]))}`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
