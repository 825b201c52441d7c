import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { maskPersonalData, maskText } from './log-masking.ts';

/**
 * Structured JSON logs in Powertools' standard shape (the same keys, in the same order, and the same
 * POWERTOOLS_* settings), with personal data masked out of everything a line carries: the attributes a handler
 * passes, e-mail addresses in the message, and errors (their extra fields and causes). What is masked, and why,
 * is in ./log-masking.ts.
 *
 * Why not Powertools Logger itself: with its shared runtime it weighs ~21 KiB in every bundle, a tenth of the
 * 250 KiB budget, for what these functions use of it: levels, the Lambda context keys, the X-Ray trace id and
 * the invocation event on request. Sampling, persistent keys and child loggers are not used; the log lines are
 * the same, so CloudWatch queries written for Powertools work unchanged.
 */

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** Powertools' scale; SILENT writes nothing (the unit tests set it). */
const SEVERITY: Readonly<Record<LogLevel | 'SILENT', number>> = { DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, SILENT: 28 };

type Attributes = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, attributes?: Attributes): void;
  info(message: string, attributes?: Attributes): void;
  warn(message: string, attributes?: Attributes): void;
  error(message: string, attributes?: Attributes): void;
  /** The invocation's context, written on every line until the next invocation. */
  addContext(context: Context): void;
}

/** The level Lambda's advanced logging controls set wins, then POWERTOOLS_LOG_LEVEL, then INFO. */
function levelFromEnvironment(): LogLevel | 'SILENT' {
  const setting = (process.env.AWS_LAMBDA_LOG_LEVEL ?? process.env.POWERTOOLS_LOG_LEVEL ?? 'INFO').toUpperCase();
  return setting in SEVERITY ? (setting as LogLevel | 'SILENT') : 'INFO';
}

/** The root of the X-Ray trace of the invocation, as Lambda hands it over. */
function xRayTraceId(): string | undefined {
  return process.env._X_AMZN_TRACE_ID?.match(/Root=([^;]+)/)?.[1];
}

/** An error as a log attribute: name, where it was thrown, message, stack and cause, masked. */
function formatError(error: Error): Record<string, unknown> {
  const { name, message, stack, cause, ...fields } = error as Error & Record<string, unknown>;
  const location = stack?.split('\n')[1]?.match(/\((.*:\d+)\)$|at (.*:\d+)$/);
  return {
    name,
    location: location?.[1] ?? location?.[2] ?? '',
    message: maskText(message),
    stack: maskText(stack),
    cause: cause instanceof Error ? formatError(cause) : maskPersonalData(cause),
    ...maskPersonalData(fields),
  };
}

/** Errors anywhere in the attributes become their formatted, masked form; the rest is masked as it is. */
function formatAttributes(attributes: Attributes): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(attributes).map(([key, value]) => [
      key,
      value instanceof Error ? formatError(value) : maskPersonalData(value),
    ]),
  );
}

export function createLogger(options: { readonly logLevel?: LogLevel | 'SILENT' } = {}): Logger {
  const threshold = SEVERITY[options.logLevel ?? levelFromEnvironment()];
  const service = process.env.POWERTOOLS_SERVICE_NAME ?? 'service_undefined';
  let invocation: Record<string, unknown> = {};
  let coldStart = true;

  const write = (level: LogLevel, message: string, attributes: Attributes = {}): void => {
    if (SEVERITY[level] < threshold) return;
    const line = JSON.stringify({
      level,
      message: maskText(message),
      timestamp: new Date().toISOString(),
      service,
      ...invocation,
      xray_trace_id: xRayTraceId(),
      ...formatAttributes(attributes),
    });
    // The same streams as Powertools: warnings and errors to stderr, the rest to stdout.
    if (level === 'ERROR' || level === 'WARN') process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  };

  return {
    debug: (message, attributes) => write('DEBUG', message, attributes),
    info: (message, attributes) => write('INFO', message, attributes),
    warn: (message, attributes) => write('WARN', message, attributes),
    error: (message, attributes) => write('ERROR', message, attributes),
    addContext(context) {
      invocation = {
        cold_start: coldStart,
        function_arn: context.invokedFunctionArn,
        function_memory_size: Number(context.memoryLimitInMB),
        function_name: context.functionName,
        function_request_id: context.awsRequestId,
      };
      coldStart = false;
    },
  };
}

/** The one logger of a function. */
export const logger = createLogger();

/**
 * The middy middleware every handler starts with: the invocation's context on every line, and the incoming
 * event logged (masked) when POWERTOOLS_LOGGER_LOG_EVENT is true, as Powertools' injectLambdaContext does.
 */
export function withInvocationContext(log: Logger = logger): MiddlewareObj {
  return {
    before: (request) => {
      log.addContext(request.context);
      if (process.env.POWERTOOLS_LOGGER_LOG_EVENT?.toLowerCase() === 'true') {
        log.info('Lambda invocation event', { event: request.event });
      }
    },
  };
}
