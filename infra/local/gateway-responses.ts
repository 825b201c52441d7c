/**
 * API Gateway's own answers (no integration involved: unknown route, unauthorized, too large, throttled...),
 * as the REST API's AWS::ApiGateway::GatewayResponse resources define them, falling back the way API
 * Gateway does: a type not defined inherits DEFAULT_4XX or DEFAULT_5XX, and without those the service's
 * built-in `{"message": ...}` answer.
 */

/** The response types the local gateway produces, with API Gateway's default status for each. */
export const GATEWAY_RESPONSE_STATUS = {
  ACCESS_DENIED: 403,
  BAD_REQUEST_BODY: 400,
  BAD_REQUEST_PARAMETERS: 400,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  MISSING_AUTHENTICATION_TOKEN: 403,
  REQUEST_TOO_LARGE: 413,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
} as const;

export type GatewayResponseType = keyof typeof GATEWAY_RESPONSE_STATUS;

/** What API Gateway puts in x-amzn-ErrorType for each response type it answers with. */
const ERROR_TYPE_HEADER: Partial<Record<GatewayResponseType, string>> = {
  ACCESS_DENIED: 'AccessDeniedException',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  REQUEST_TOO_LARGE: 'RequestTooLargeException',
  THROTTLED: 'TooManyRequestsException',
  UNAUTHORIZED: 'UnauthorizedException',
  BAD_REQUEST_BODY: 'BadRequestException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
};

/** One AWS::ApiGateway::GatewayResponse, its properties as the template has them (intrinsics resolved). */
export interface GatewayResponseDefinition {
  readonly responseType: string;
  readonly statusCode?: string;
  /** e.g. { "gatewayresponse.header.Content-Type": "'application/problem+json'" } */
  readonly responseParameters?: Readonly<Record<string, string>>;
  /** By content type, e.g. { "application/json": "{\"detail\":\"$context.error.message\"}" } */
  readonly responseTemplates?: Readonly<Record<string, string>>;
}

/** A gateway answer about to be rendered: its type, the status it would have, and the `$context` it sees. */
export interface GatewayError {
  readonly type: GatewayResponseType;
  /** API Gateway's message for it, e.g. "Missing Authentication Token" ($context.error.message). */
  readonly message: string;
  /** The status of the failure itself where it is not the type's default (502 for a broken integration). */
  readonly status?: number;
}

export interface GatewayContext {
  readonly requestId: string;
  readonly path: string;
  readonly httpMethod: string;
  readonly resourcePath?: string;
  readonly stage: string;
  readonly apiId: string;
  readonly requestHeaders: Readonly<Record<string, string | string[] | undefined>>;
}

export interface RenderedResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export function renderGatewayResponse(
  definitions: ReadonlyMap<string, GatewayResponseDefinition>,
  error: GatewayError,
  context: GatewayContext,
): RenderedResponse {
  const status = error.status ?? GATEWAY_RESPONSE_STATUS[error.type] ?? 500;
  const definition =
    definitions.get(error.type) ?? definitions.get(status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX') ?? undefined;
  const variables: Record<string, string> = {
    'context.error.message': error.message,
    'context.error.messageString': JSON.stringify(error.message),
    'context.error.responseType': error.type,
    'context.requestId': context.requestId,
    'context.extendedRequestId': context.requestId,
    'context.path': context.path,
    'context.httpMethod': context.httpMethod,
    'context.resourcePath': context.resourcePath ?? '',
    'context.stage': context.stage,
    'context.apiId': context.apiId,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const errorTypeHeader = ERROR_TYPE_HEADER[error.type];
  if (errorTypeHeader !== undefined) headers['x-amzn-errortype'] = errorTypeHeader;
  for (const [parameter, source] of Object.entries(definition?.responseParameters ?? {})) {
    const header = /^gatewayresponse\.header\.(.+)$/.exec(parameter)?.[1];
    const value = header === undefined ? undefined : parameterValue(source, context);
    if (header !== undefined && value !== undefined) headers[header.toLowerCase()] = value;
  }
  const template =
    definition?.responseTemplates?.['application/json'] ?? Object.values(definition?.responseTemplates ?? {})[0];
  return {
    status: definition?.statusCode === undefined ? status : Number(definition.statusCode),
    headers,
    body: renderTemplate(template ?? '{"message":$context.error.messageString}', variables),
  };
}

/** A response parameter's source: a quoted literal or a request header mapping, as API Gateway allows. */
function parameterValue(source: string, context: GatewayContext): string | undefined {
  const literal = /^'(.*)'$/s.exec(source)?.[1];
  if (literal !== undefined) return literal;
  const header = /^method\.request\.header\.(.+)$/.exec(source)?.[1];
  if (header !== undefined) {
    const value = context.requestHeaders[header.toLowerCase()];
    return Array.isArray(value) ? value.join(',') : value;
  }
  return undefined;
}

/**
 * The part of VTL gateway response templates use: `$context.x.y` and `${context.x.y}` references.
 * An unknown `$context` variable renders empty, as API Gateway renders it.
 */
function renderTemplate(template: string, variables: Readonly<Record<string, string>>): string {
  return template.replace(
    /\$\{(context(?:\.\w+)+)\}|\$(context(?:\.\w+)+)/g,
    (_, braced?: string, bare?: string) => variables[braced ?? bare ?? ''] ?? '',
  );
}
