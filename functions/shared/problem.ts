/**
 * RFC 9457 problem details. Every 4xx names the field (as a JSON Pointer into the request) and the
 * rule it broke, so a broker's system can map an answer to a form field without parsing prose.
 */
export interface FieldProblem {
  /** JSON Pointer into the request body ("/containers/0/number"), or a header or query parameter name. */
  readonly field: string;
  /** Machine-readable rule name, e.g. "iso6346-check-digit", "required", "type". */
  readonly rule: string;
  readonly detail: string;
}

export interface ProblemDocument {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly instance?: string;
  readonly errors?: readonly FieldProblem[];
}

/** Every problem type the API answers with, its status and title (API Gateway's own answers included). */
export const PROBLEM_TYPES = {
  'validation-failed': { status: 422, title: 'The request is not a valid document' },
  'malformed-json': { status: 400, title: 'The request body is not valid JSON' },
  'invalid-header': { status: 400, title: 'A required header is missing or invalid' },
  'invalid-query': { status: 400, title: 'A query parameter is missing or invalid' },
  'bad-request': { status: 400, title: 'The request is malformed' },
  'unsupported-media-type': { status: 415, title: 'The request body must be application/json' },
  'payload-too-large': { status: 413, title: 'The request or the document is too large' },
  unauthorized: { status: 401, title: 'Authentication is required' },
  forbidden: { status: 403, title: 'Your role does not allow this operation' },
  'not-found': { status: 404, title: 'No such resource' },
  'idempotency-key-reused': { status: 422, title: 'The Idempotency-Key was already used with a different request' },
  'request-in-progress': { status: 409, title: 'A request with this Idempotency-Key is still being processed' },
  conflict: { status: 409, title: 'The declaration is not waiting for this' },
  'internal-error': { status: 500, title: 'Internal error' },
  // Answered by API Gateway itself (gateway responses in infra/constructs/broker-api.ts), not by a function.
  // Any other 4xx of the gateway's: its status varies, so the document leaves "status" out.
  'request-refused': { status: 400, title: 'The API refused the request' },
  'unknown-route': { status: 403, title: 'No such route: check the path and the method' },
  throttled: { status: 429, title: 'Too many requests: retry later' },
} as const;

export type ProblemType = keyof typeof PROBLEM_TYPES;

export class ProblemError extends Error {
  readonly problemType: ProblemType;
  readonly status: number;
  readonly errors: readonly FieldProblem[];

  constructor(problemType: ProblemType, detail: string, errors: readonly FieldProblem[] = []) {
    super(detail);
    this.name = 'ProblemError';
    this.problemType = problemType;
    this.status = PROBLEM_TYPES[problemType].status;
    this.errors = errors;
  }

  toDocument(instance?: string): ProblemDocument {
    return {
      type: problemTypeUri(this.problemType),
      title: PROBLEM_TYPES[this.problemType].title,
      status: this.status,
      detail: this.message,
      ...(instance === undefined ? {} : { instance }),
      ...(this.errors.length === 0 ? {} : { errors: this.errors }),
    };
  }
}

export function problemTypeUri(problemType: ProblemType): string {
  return `urn:preclearance:problem:${problemType}`;
}

/** The domain's broken rules on a submitted document (or webhook) as one 422 naming each field and rule. */
export function ruleViolationsProblem(
  subject: string,
  violations: readonly { readonly pointer: string; readonly rule: string; readonly detail: string }[],
): ProblemError {
  return new ProblemError(
    'validation-failed',
    `the ${subject} broke the rules listed: ${violations.length} problem(s)`,
    violations.map(({ pointer, rule, detail }) => ({ field: pointer, rule, detail })),
  );
}
