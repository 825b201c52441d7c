import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import validator from '@middy/validator';
import { transpileSchema } from '@middy/validator/transpile';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { type IdempotencyKey, replayFirstAnswer } from './idempotency.ts';
import { logger } from './logger.ts';
import { type Principal, principalOf, type Role } from './principal.ts';
import { type FieldProblem, ProblemError } from './problem.ts';

/** The event a route's core sees: headers lower-cased, body parsed and validated, caller known. */
export interface RouteRequest<TBody> {
  readonly event: APIGatewayProxyEvent;
  readonly body: TBody;
  readonly principal: Principal;
  readonly headers: Readonly<Record<string, string | undefined>>;
}

export type RouteHandler<TBody> = (request: RouteRequest<TBody>, context: Context) => Promise<APIGatewayProxyResult>;

/** A custom JSON-schema format: a pure check and the rule name a failing value is reported under. */
export interface SchemaFormat {
  readonly rule: string;
  readonly validate: (value: string) => boolean;
}

export interface RouteOptions {
  /** Groups allowed to call the route; everyone else gets 403 before the body is even read. */
  readonly roles: readonly Role[];
  /** JSON schema of the body; routes without one take no body. */
  readonly bodySchema?: object;
  readonly formats?: Readonly<Record<string, SchemaFormat>>;
  /** Lower-case header names the route cannot work without. */
  readonly requiredHeaders?: readonly string[];
  /** Makes the route replay its first answer to retries with the same key (write routes). */
  readonly idempotency?: IdempotencyKey;
}

type ProxyMiddleware = MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult>;

/**
 * One middy stack for every HTTP route, so each handler file holds only its use case:
 * logging → problem+json errors → header normalising → role check → JSON body → schema → [idempotency] → core.
 */
export function httpRoute<TBody = undefined>(options: RouteOptions, core: RouteHandler<TBody>) {
  const stack = middy<APIGatewayProxyEvent, APIGatewayProxyResult>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(
      problemDetails({
        formatRules: ruleNamesOf(options.formats ?? {}),
        idempotencyKeyField: options.idempotency?.field ?? '',
      }),
    )
    .use(httpHeaderNormalizer())
    .use(requireRoles(options.roles));
  if (options.bodySchema !== undefined) {
    stack.use(httpJsonBodyParser({}) as ProxyMiddleware);
  }
  stack.use(
    validator({
      eventSchema: transpileSchema(requestSchema(options), {
        // Brokers must send numbers as numbers: a string "100" for an amount is a wrong type, not a number.
        coerceTypes: false,
        formats: Object.fromEntries(Object.entries(options.formats ?? {}).map(([name, f]) => [name, f.validate])),
      }),
    }) as ProxyMiddleware,
  );
  // Last before the core: the idempotency key and payload hash are taken from the parsed, validated body.
  if (options.idempotency !== undefined) stack.use(replayFirstAnswer(options.idempotency) as ProxyMiddleware);
  return stack.handler((event, context) =>
    core(
      {
        event,
        body: event.body as TBody,
        principal: principalOf(event),
        headers: event.headers as Record<string, string | undefined>,
      },
      context,
    ),
  );
}

function requestSchema(options: RouteOptions): object {
  const required = options.requiredHeaders ?? [];
  return {
    type: 'object',
    required: ['headers', ...(options.bodySchema === undefined ? [] : ['body'])],
    properties: {
      headers: {
        type: 'object',
        required,
        properties: Object.fromEntries(
          required.map((name) => [name, { type: 'string', minLength: 1, maxLength: 255 }]),
        ),
      },
      ...(options.bodySchema === undefined ? {} : { body: options.bodySchema }),
    },
  };
}

function requireRoles(roles: readonly Role[]): ProxyMiddleware {
  return {
    before: (request) => {
      const principal = principalOf(request.event);
      if (!roles.some((role) => principal.roles.has(role))) {
        throw new ProblemError('forbidden', `this operation needs one of the roles: ${roles.join(', ')}`);
      }
    },
  };
}

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** Maps every error to an RFC 9457 answer; only unexpected errors become a 500, and they are logged. */
interface ProblemMapping {
  readonly formatRules: FormatRules;
  readonly idempotencyKeyField: string;
}

function problemDetails(mapping: ProblemMapping): ProxyMiddleware {
  return {
    onError: (request) => {
      const problem = toProblem(request.error, mapping);
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

interface MiddyHttpError extends Error {
  readonly statusCode?: number;
  readonly cause?: { readonly package?: string; readonly data?: unknown };
}

interface AjvError {
  readonly instancePath: string;
  readonly keyword: string;
  readonly message?: string;
  readonly params: Record<string, unknown>;
}

function toProblem(error: unknown, mapping: ProblemMapping): ProblemError {
  if (error instanceof ProblemError) return error;
  const err = error as MiddyHttpError | undefined;
  switch (err?.cause?.package) {
    case '@middy/http-json-body-parser':
      return err.statusCode === 415
        ? new ProblemError('unsupported-media-type', 'send the body as application/json', [
            { field: 'content-type', rule: 'media-type', detail: 'must be application/json' },
          ])
        : new ProblemError('malformed-json', 'the body could not be parsed as JSON', [
            { field: '', rule: 'json-syntax', detail: 'the body is not well-formed JSON' },
          ]);
    case '@middy/validator':
      return validationProblem((err.cause.data ?? []) as AjvError[], mapping.formatRules);
  }
  switch (err?.name) {
    case 'IdempotencyValidationError':
      return new ProblemError(
        'idempotency-key-reused',
        `${mapping.idempotencyKeyField} was used before with a different body`,
        [
          {
            field: mapping.idempotencyKeyField,
            rule: 'same-payload',
            detail: 'reuse a key only to retry the identical request',
          },
        ],
      );
    case 'IdempotencyAlreadyInProgressError':
      return new ProblemError('request-in-progress', 'retry once the first request has completed');
  }
  return new ProblemError('internal-error', 'the request could not be processed; it is safe to retry');
}

function validationProblem(ajvErrors: readonly AjvError[], formatRules: FormatRules): ProblemError {
  const errors = ajvErrors.map((error) => fieldProblemOf(error, formatRules));
  // Body fields are JSON Pointers; header problems name the header. Headers are checked first by the
  // schema, so a request with a bad header is refused as such even when its body is fine.
  const headerProblems = errors.filter((e) => !e.field.startsWith('/') && e.field !== '');
  if (headerProblems.length > 0 && headerProblems.length === errors.length) {
    return new ProblemError(
      'invalid-header',
      `check the ${headerProblems.map((e) => e.field).join(', ')} header`,
      errors,
    );
  }
  return new ProblemError('validation-failed', `${errors.length} field(s) broke a rule`, errors);
}

/** RFC 6901: "~" and "/" inside a property name are written "~0" and "~1". */
function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/** Custom formats report under their own rule names (e.g. iso6346-check-digit), not as "format". */
type FormatRules = Readonly<Record<string, string>>;

function ruleNamesOf(formats: Readonly<Record<string, SchemaFormat>>): FormatRules {
  return Object.fromEntries(Object.entries(formats).map(([name, format]) => [name, format.rule]));
}

function fieldProblemOf(error: AjvError, formatRules: FormatRules): FieldProblem {
  // Ajv reports a missing or unexpected property on its parent object; name the property itself.
  const child = error.params.missingProperty ?? error.params.additionalProperty;
  const path = child === undefined ? error.instancePath : `${error.instancePath}/${escapePointerToken(String(child))}`;
  const field = path.startsWith('/headers/') ? path.slice('/headers/'.length) : path.replace(/^\/body/, '');
  const rule =
    error.keyword === 'format'
      ? (formatRules[String(error.params.format)] ?? String(error.params.format))
      : error.keyword;
  return { field, rule, detail: error.message ?? rule };
}
