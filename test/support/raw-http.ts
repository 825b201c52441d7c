import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { ContractViolation, checkAgainstContract } from './contract.ts';

/**
 * Requests exactly as written, for tests that send what no well-behaved client would: any method, a path that
 * is not normalised or re-encoded (`%ZZ` stays `%ZZ`), any content type, any bytes as the body.
 */
export interface RawRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
}

export interface RawAnswer {
  readonly status: number;
  /** The media type only, lower case: "application/problem+json". */
  readonly mediaType: string;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: unknown;
}

/** Sends one request; rejects only when no HTTP answer came back (a reset connection, a timeout). */
export function sendRaw(baseUrl: string, request: RawRequest, timeoutMs = 60_000): Promise<RawAnswer> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: base.hostname,
        port: base.port,
        method: request.method,
        path: request.path,
        headers: {
          ...(request.body === undefined ? {} : { 'content-length': String(Buffer.byteLength(request.body)) }),
          ...request.headers,
        },
        // One connection per request: a connection the server closed cannot fail the next request.
        agent: false,
        timeout: timeoutMs,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: response.statusCode ?? 0,
            mediaType: (response.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '',
            headers: response.headers,
            text,
            json: parseOrUndefined(text),
          });
        });
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * API Gateway's built-in answer, `{"message": …}` as application/json, which the gateway gives until the API
 * defines its gateway responses as problem+json. Only the gateway answers that way: the functions never do.
 */
export function isBuiltInGatewayAnswer(answer: RawAnswer): boolean {
  const body = answer.json as { message?: unknown } | undefined;
  return (
    answer.mediaType === 'application/json' &&
    answer.headers['x-amzn-errortype'] !== undefined &&
    body !== undefined &&
    body !== null &&
    typeof body.message === 'string' &&
    Object.keys(body).length === 1
  );
}

/**
 * What is wrong with an answer, as sentences (none when it is fine): never a 5xx; every refusal is RFC 9457
 * problem+json whose `status` is the HTTP status; a 400 or 422 from the functions names the field and the rule;
 * and every answer is one the published contract promises. Built-in gateway answers are counted by the caller
 * (see isBuiltInGatewayAnswer), not judged here beyond their status.
 */
export function answerFaults(request: RawRequest, answer: RawAnswer): string[] {
  const faults: string[] = [];
  if (answer.status >= 500) faults.push(`a ${answer.status} answer: ${answer.text.slice(0, 300)}`);
  if (answer.status < 400 || isBuiltInGatewayAnswer(answer)) return [...faults, ...contractFaults(request, answer)];
  if (answer.mediaType !== 'application/problem+json') {
    faults.push(`a ${answer.status} answered as "${answer.mediaType}", not application/problem+json`);
    return faults;
  }
  const problem = answer.json as { status?: unknown; errors?: { field?: unknown; rule?: unknown }[] } | undefined;
  if (problem === undefined || problem === null || typeof problem !== 'object') {
    faults.push(`a problem+json ${answer.status} whose body is not a JSON object: ${answer.text.slice(0, 200)}`);
    return faults;
  }
  // The gateway's own answers carry no `instance`; its DEFAULT_4XX/5XX ones cannot know the status they stand
  // for, so they leave `status` out. The functions' answers always have both.
  const fromGateway = answer.headers['x-amzn-errortype'] !== undefined || !('instance' in problem);
  if (problem.status !== answer.status && !(fromGateway && problem.status === undefined)) {
    faults.push(`HTTP status ${answer.status} but problem status ${String(problem.status)}`);
  }
  if ((answer.status === 400 || answer.status === 422) && !fromGateway) {
    const named = (problem.errors ?? []).some(
      (error) => typeof error.field === 'string' && typeof error.rule === 'string' && error.rule !== '',
    );
    if (!named) faults.push(`a ${answer.status} that names no field and rule: ${answer.text.slice(0, 300)}`);
  }
  return [...faults, ...contractFaults(request, answer)];
}

function contractFaults(request: RawRequest, answer: RawAnswer): string[] {
  if (isBuiltInGatewayAnswer(answer) || answer.status >= 500) return [];
  try {
    checkAgainstContract({
      method: request.method,
      path: request.path,
      status: answer.status,
      contentType: answer.mediaType,
      body: answer.json,
    });
    return [];
  } catch (error) {
    if (error instanceof ContractViolation) return [error.message];
    throw error;
  }
}
