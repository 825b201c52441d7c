import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { Static, TSchema } from 'typebox';
import type { Caller } from '#application/ports.ts';
import type { Role } from '#domain/roles.ts';
import type { CompiledRoute } from './compiled-route.ts';
import type { IdempotencyKey } from './idempotency.ts';
import { logger, withInvocationContext } from './logger.ts';
import { callerOf, type Principal, principalOf } from './principal.ts';
import { type FieldProblem, ProblemError } from './problem.ts';
import type { RouteDefinition } from './routes.ts';
import { type CompiledValidator, fieldProblemOf } from './validation.ts';

type Part<R extends RouteDefinition, K extends keyof RouteDefinition['request']> = R['request'][K] extends TSchema
  ? Static<R['request'][K]>
  : undefined;

/** What a route's core sees: every request part validated against the route's schemas, the caller known. */
export interface RouteRequest<R extends RouteDefinition> {
  readonly event: APIGatewayProxyEvent;
  readonly body: Part<R, 'body'>;
  readonly query: Part<R, 'query'>;
  readonly path: Part<R, 'path'>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  /** Undefined only on public routes. */
  readonly principal: Principal;
  readonly caller: Caller;
}

export type RouteCore<R extends RouteDefinition> = (
  request: RouteRequest<R>,
  context: Context,
) => Promise<APIGatewayProxyResult>;

type ProxyMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/** Makes a write route replay its first answer; see idempotency.ts. */
export type IdempotencyMiddleware = (
  key: IdempotencyKey,
  operationId: string,
) => MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult, Error, Context, Record<string, unknown>>;

/**
 * One middy stack for every HTTP route, built from its entry in the route registry (as compiled at build time,
 * validators included), so each handler file holds only its use case: logging → problem+json errors → headers →
 * roles → path → query → headers → JSON body → [idempotency] → core. Write routes pass the idempotency
 * middleware in, so that read routes do not bundle it.
 */
export function httpRoute<R extends RouteDefinition>(
  route: CompiledRoute<R>,
  core: RouteCore<R>,
  idempotency?: IdempotencyMiddleware,
) {
  if ((route.idempotency === undefined) !== (idempotency === undefined)) {
    throw new Error(`${route.operationId}: the registry and the handler disagree on whether the route is idempotent`);
  }
  const stack = middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(withInvocationContext())
    .use(problemDetails(route))
    .use(normalizeHeaders())
    .use(authorize(route))
    .use(validateRequest(route));
  // Last before the core: the idempotency key and payload hash are taken from the parsed, validated body.
  if (route.idempotency !== undefined && idempotency !== undefined) {
    stack.use(idempotency(route.idempotency, route.operationId) as ProxyMiddleware);
  }
  return stack.handler((event, context) => {
    const principal = route.roles === 'public' ? anonymous : principalOf(event);
    return core(
      {
        event,
        body: event.body as Part<R, 'body'>,
        query: (event.queryStringParameters ?? {}) as Part<R, 'query'>,
        path: (event.pathParameters ?? {}) as Part<R, 'path'>,
        headers: event.headers as Record<string, string | undefined>,
        principal,
        caller: callerOf(principal, route.roles === 'public' ? [] : route.roles),
      },
      context,
    );
  });
}

const anonymous: Principal = { subject: 'anonymous', roles: new Set() };

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** HTTP header names are case-insensitive; API Gateway passes them as sent. One spelling from here on. */
function normalizeHeaders(): ProxyMiddleware {
  return {
    before: (request) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.event.headers ?? {})) {
        if (value !== undefined) headers[name.toLowerCase()] = value;
      }
      request.event.headers = headers;
    },
  };
}

function authorize(route: CompiledRoute): ProxyMiddleware {
  return {
    before: (request) => {
      if (route.roles === 'public') return;
      const principal = principalOf(request.event);
      const roles = route.roles as readonly Role[];
      if (!roles.some((role) => principal.roles.has(role))) {
        throw new ProblemError('forbidden', `this operation needs one of the roles: ${roles.join(', ')}`);
      }
    },
  };
}

function validateRequest(route: CompiledRoute): ProxyMiddleware {
  const { validators } = route;
  return {
    before: (request) => {
      const { event } = request;
      // A malformed id cannot name anything that exists: the answer is the same as for an unknown one.
      if (validators.path !== undefined && !validators.path(event.pathParameters ?? {})) {
        throw new ProblemError('not-found', `no such resource: ${event.path}`);
      }
      if (validators.query !== undefined) {
        const query = typedQuery(route, event.queryStringParameters ?? {});
        check(validators.query, query, 'query', 'invalid-query', 'check the query parameters');
        event.queryStringParameters = query as Record<string, string>;
      } else if (Object.keys(event.queryStringParameters ?? {}).length > 0) {
        const [name = ''] = Object.keys(event.queryStringParameters ?? {});
        throw new ProblemError('invalid-query', 'this operation takes no query parameters', [
          { field: name, rule: 'additionalProperties', detail: 'is not a known parameter' },
        ]);
      }
      if (validators.headers !== undefined) {
        check(validators.headers, event.headers, 'headers', 'invalid-header', 'check the request headers');
      }
      if (validators.body !== undefined) {
        (event as { body: unknown }).body = parseJsonBody(event);
        check(validators.body, event.body, 'body', 'validation-failed', 'the document broke the rules listed');
      }
    },
  };
}

function check(
  validate: CompiledValidator,
  data: unknown,
  part: 'body' | 'query' | 'headers',
  problem: 'validation-failed' | 'invalid-query' | 'invalid-header',
  detail: string,
): void {
  if (validate(data)) return;
  const errors = (validate.errors ?? []).map((error) => fieldProblemOf(error, part));
  throw new ProblemError(problem, `${detail}: ${errors.length} problem(s)`, dedupe(errors));
}

// A discriminated union reports some failures twice (once per keyword that saw them).
function dedupe(errors: readonly FieldProblem[]): FieldProblem[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.field}\u0000${error.rule}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Query parameters arrive as strings; the schema says which are integers. Only a string that is exactly an
 * integer is converted, so "12abc" stays a string and fails the schema with the parameter's name.
 */
function typedQuery(route: CompiledRoute, query: Record<string, string | undefined>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).map(([name, value]) => {
      const integer = route.integerQueryParameters.includes(name) && value !== undefined && /^-?\d{1,15}$/.test(value);
      return [name, integer ? Number(value) : value];
    }),
  );
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;\s*charset\s*=\s*"?utf-8"?\s*)?$/i;

function parseJsonBody(event: APIGatewayProxyEvent): unknown {
  const contentType = event.headers['content-type'] ?? '';
  if (!JSON_MEDIA_TYPE.test(contentType.trim())) {
    throw new ProblemError('unsupported-media-type', 'send the body as application/json (UTF-8)', [
      { field: 'content-type', rule: 'media-type', detail: 'must be application/json' },
    ]);
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : (event.body ?? '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProblemError('malformed-json', 'the body could not be parsed as JSON', [
      { field: '', rule: 'json-syntax', detail: 'the body is not well-formed JSON' },
    ]);
  }
  const badText = firstIllFormedString(body);
  if (badText !== undefined) {
    // A lone surrogate cannot be stored as UTF-8: refuse it here rather than fail in DynamoDB.
    throw new ProblemError('malformed-json', 'the body contains text that is not valid Unicode', [
      { field: badText, rule: 'unicode', detail: 'contains an unpaired surrogate (\\uD800–\\uDFFF)' },
    ]);
  }
  return body;
}

/** The JSON Pointer of the first string (or key) that is not well-formed UTF-16; iterative, so depth is no risk. */
function firstIllFormedString(root: unknown): string | undefined {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length > 0) {
    const [value, pointer] = stack.pop() as [unknown, string];
    if (typeof value === 'string') {
      if (!value.isWellFormed()) return pointer;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        const childPointer = `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (!key.isWellFormed()) return childPointer;
        stack.push([child, childPointer]);
      }
    }
  }
  return undefined;
}

/** Maps every error to an RFC 9457 answer; only unexpected errors become a 5xx, and they are logged. */
function problemDetails(route: CompiledRoute): ProxyMiddleware {
  return {
    onError: (request) => {
      const problem = toProblem(request.error, route, request.context.awsRequestId);
      if (problem.status >= 500) logger.error('unhandled error', { error: request.error as Error });
      else logger.info('request refused', { problem: problem.problemType, errors: problem.errors });
      request.response = {
        statusCode: problem.status,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify(problem.toDocument(request.event?.path)),
      };
    },
  };
}

function toProblem(error: unknown, route: CompiledRoute, requestId: string | undefined): ProblemError {
  if (error instanceof ProblemError) return error;
  const field = route.idempotency?.field ?? 'idempotency-key';
  switch ((error as Error | undefined)?.name) {
    case 'IdempotencyKeyReusedError':
      return new ProblemError('idempotency-key-reused', `${field} was used before with a different body`, [
        { field, rule: 'same-payload', detail: 'reuse a key only to retry the identical request' },
      ]);
    case 'RequestInProgressError':
      return new ProblemError('request-in-progress', 'retry once the first request has completed');
  }
  return new ProblemError(
    'internal-error',
    `an unexpected error occurred and was logged under request id ${requestId ?? 'unknown'}`,
  );
}
