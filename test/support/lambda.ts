import assert from 'node:assert/strict';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';

/**
 * Test doubles for the Lambda runtime: a fake invocation context, API Gateway REST proxy events
 * carrying Cognito claims, and the environment the deployed functions are bound to.
 */

export const TEST_ENV = {
  DECLARATIONS_TABLE_NAME: 'test-declarations',
  IDEMPOTENCY_TABLE_NAME: 'test-idempotency',
  STATE_MACHINE_ARN_RAIL_IMPORT: 'arn:aws:states:eu-central-1:123456789012:stateMachine:rail-import',
  STATE_MACHINE_ARN_ROAD: 'arn:aws:states:eu-central-1:123456789012:stateMachine:road',
  CUSTOMS_CODE: '6501',
  RISK_RANDOM_SELECTION: 'off',
  RISK_SELECTION_SEED: 'test-seed',
  GATE_WEIGHT_TOLERANCE_PERCENT: '5',
  PORT_TIME_ZONE: 'Asia/Shanghai',
  FREIGHT_HOURS: 'ROUND_THE_CLOCK',
  DAYTIME_FREIGHT_HOURS: '10:00-18:00',
  SLOT_CAPACITY_PER_HOUR: '{"FREIGHT":30,"VEHICLE_CARRIER":20}',
  SLOT_NO_SHOW_GRACE_MINUTES: '60',
} as const;

/**
 * Binds the variables the handler modules read at import time, with dummy credentials so the SDK never
 * looks for real ones. Call it before `await import(...)` of a handler.
 */
export function setUpLambdaEnvironment(): void {
  Object.assign(process.env, TEST_ENV, {
    AWS_REGION: 'eu-central-1',
    AWS_ACCESS_KEY_ID: 'AKIDTEST',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
    POWERTOOLS_SERVICE_NAME: 'preclearance-test',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
}

let invocation = 0;

/** A fresh fake Lambda context; `getRemainingTimeInMillis` bounds an idempotency claim. */
export function lambdaContext(functionName = 'preclearance-test'): Context {
  invocation++;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: `00000000-0000-4000-8000-${String(invocation).padStart(12, '0')}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2025/01/01/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The Cognito claims API Gateway passes to a REST integration: every claim is a string. */
export type Claims = Record<string, string>;

export const BROKER_ID = 'BRK-ALMATY-01';
export const OTHER_BROKER_ID = 'BRK-URUMQI-07';

export function brokerClaims(brokerId = BROKER_ID): Claims {
  return { sub: `user-of-${brokerId}`, 'cognito:groups': 'broker', 'custom:brokerId': brokerId };
}

export function railwayClaims(): Claims {
  return { sub: 'railway-ktz-dispatch', 'cognito:groups': 'railway' };
}

export function portOperatorClaims(): Claims {
  return { sub: 'port-operator-khorgos', 'cognito:groups': 'port-operator' };
}

export function officerClaims(): Claims {
  return { sub: 'officer-khorgos-17', 'cognito:groups': 'officer' };
}

export interface ApiEventInput {
  readonly method: 'GET' | 'POST';
  /** The resource path, e.g. "/v1/declarations". */
  readonly path: string;
  readonly claims?: Claims;
  /** Headers as a client sends them (original case); the header normalizer lower-cases them. */
  readonly headers?: Record<string, string>;
  /** A string is sent as is (e.g. malformed JSON); anything else is JSON-encoded. */
  readonly body?: unknown;
  readonly pathParameters?: Record<string, string>;
  /** As API Gateway passes them: every value a string. */
  readonly query?: Record<string, string>;
  /** The stage the API is deployed to; the request context's path carries it as a prefix. */
  readonly stage?: string;
}

/**
 * An API Gateway REST proxy event. middy mutates the event it is given (headers, body), so build a
 * fresh one for every invocation.
 */
export function apiEvent(input: ApiEventInput): APIGatewayProxyEvent {
  const stage = input.stage ?? 'dev';
  const headers: Record<string, string> = {
    Host: 'api.preclearance.test',
    ...(input.body === undefined ? {} : { 'Content-Type': 'application/json' }),
    ...input.headers,
  };
  const body =
    input.body === undefined ? null : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
  return {
    resource: input.path,
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, [value]])),
    queryStringParameters: input.query === undefined ? null : { ...input.query },
    multiValueQueryStringParameters:
      input.query === undefined
        ? null
        : Object.fromEntries(Object.entries(input.query).map(([name, value]) => [name, [value]])),
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      authorizer: input.claims === undefined ? null : { claims: { ...input.claims } },
      protocol: 'HTTP/1.1',
      httpMethod: input.method,
      identity: {
        accessKey: null,
        accountId: null,
        apiKey: null,
        apiKeyId: null,
        caller: null,
        clientCert: null,
        cognitoAuthenticationProvider: null,
        cognitoAuthenticationType: null,
        cognitoIdentityId: null,
        cognitoIdentityPoolId: null,
        principalOrgId: null,
        sourceIp: '203.0.113.10',
        user: null,
        userAgent: 'broker-system/1.0',
        userArn: null,
      },
      path: `/${stage}${input.path}`,
      stage,
      requestId: `req-${Math.random().toString(16).slice(2)}`,
      requestTimeEpoch: Date.now(),
      resourceId: 'res123',
      resourcePath: input.path,
    },
  };
}

export interface ParsedResponse {
  readonly statusCode: number;
  readonly headers: Record<string, unknown>;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers
  readonly body: any;
}

/** Reads a handler's answer: status, headers, and the JSON body parsed. */
export function parseResponse(response: {
  statusCode: number;
  headers?: Record<string, unknown>;
  body: string;
}): ParsedResponse {
  return {
    statusCode: response.statusCode,
    headers: response.headers ?? {},
    body: response.body === '' ? undefined : JSON.parse(response.body),
  };
}

/**
 * Asserts an RFC 9457 answer of the given problem type, and returns its field errors as "field rule" pairs
 * so a test can name what the client is told to fix.
 */
export function assertProblem(response: ParsedResponse, status: number, problemType: string): string[] {
  assert.equal(response.statusCode, status, `expected ${status}, got ${JSON.stringify(response.body)}`);
  assert.equal(response.headers['content-type'], 'application/problem+json');
  assert.equal(response.body.status, status);
  assert.equal(response.body.type, `urn:preclearance:problem:${problemType}`);
  return ((response.body.errors ?? []) as { field: string; rule: string }[]).map(
    ({ field, rule }) => `${field} ${rule}`,
  );
}
