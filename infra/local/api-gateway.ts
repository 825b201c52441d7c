import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { matchRoute } from './api-routes.ts';
import { type GatewayError, type GatewayResponseDefinition, renderGatewayResponse } from './gateway-responses.ts';
import type { LocalResolver } from './intrinsics.ts';
import { LambdaInvocationError } from './lambda-runtime.ts';
import { claimsAsApiGatewayPassesThem, verifyLocalToken } from './local-identity.ts';

/** One method of the synthesized REST API: where it lives, who may call it, which function answers. */
export interface ApiRoute {
  readonly httpMethod: string;
  /** Resource path with API Gateway's placeholders, e.g. "/v1/declarations/{id}". */
  readonly resourcePath: string;
  readonly authorizationType: string;
  /** The request header the authorizer reads its token from. */
  readonly identityHeader?: string;
  readonly functionArn: string;
}

/** One MethodSettings entry of the stage that throttles: which methods, how many requests per second. */
export interface MethodThrottling {
  /** "/*" for every resource, or a resource path with "/" escaped as "~1". */
  readonly resourcePath: string;
  readonly httpMethod: string;
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface RestApiModel {
  readonly restApiId: string;
  readonly stageName: string;
  readonly routes: readonly ApiRoute[];
  /** The API's AWS::ApiGateway::GatewayResponse resources, by response type. */
  readonly gatewayResponses: ReadonlyMap<string, GatewayResponseDefinition>;
  readonly throttling: readonly MethodThrottling[];
}

/** Reads each REST API's routes from the AWS::ApiGateway::* resources of the synthesized templates. */
export function restApisFrom(resolver: LocalResolver): RestApiModel[] {
  return resolver.resources('AWS::ApiGateway::RestApi').map((api) => {
    const inApi = (type: string) =>
      resolver
        .resources(type)
        .filter((r) => r.stackName === api.stackName && refersTo(r.resource.Properties?.RestApiId, api.logicalId));
    const pathOf = new Map<string, string>([[api.attributes.RootResourceId ?? '', '']]);
    const resources = inApi('AWS::ApiGateway::Resource');
    // Parents may be listed after their children: resolve until every path is known.
    while (pathOf.size <= resources.length) {
      const before = pathOf.size;
      for (const r of resources) {
        const parent = String(resolver.resolve(r.stackName, r.resource.Properties?.ParentId));
        const parentPath = pathOf.get(parent);
        if (parentPath !== undefined && !pathOf.has(r.ref))
          pathOf.set(r.ref, `${parentPath}/${String(r.resource.Properties?.PathPart)}`);
      }
      if (pathOf.size === before) throw new Error('API resources whose parents cannot be found');
    }
    const authorizers = new Map(
      inApi('AWS::ApiGateway::Authorizer').map((a) => [a.ref, String(a.resource.Properties?.IdentitySource ?? '')]),
    );
    const routes = inApi('AWS::ApiGateway::Method').map((m): ApiRoute => {
      const props = resolver.resolve(m.stackName, m.resource.Properties) as {
        HttpMethod: string;
        ResourceId: string;
        AuthorizationType?: string;
        AuthorizerId?: string;
        Integration?: { Uri?: string };
      };
      const functionArn = /functions\/(arn:[^/]+)\/invocations$/.exec(props.Integration?.Uri ?? '')?.[1];
      if (functionArn === undefined) throw new Error(`method ${m.logicalId} is not a Lambda proxy integration`);
      const identitySource = props.AuthorizerId === undefined ? undefined : authorizers.get(props.AuthorizerId);
      return {
        httpMethod: props.HttpMethod,
        resourcePath: pathOf.get(props.ResourceId) || '/',
        authorizationType: props.AuthorizationType ?? 'NONE',
        ...(identitySource === undefined
          ? {}
          : { identityHeader: identitySource.replace('method.request.header.', '').toLowerCase() }),
        functionArn,
      };
    });
    const gatewayResponses = new Map(
      inApi('AWS::ApiGateway::GatewayResponse').map((r) => {
        const props = resolver.resolve(r.stackName, r.resource.Properties) as {
          ResponseType: string;
          StatusCode?: string;
          ResponseParameters?: Record<string, string>;
          ResponseTemplates?: Record<string, string>;
        };
        const definition: GatewayResponseDefinition = {
          responseType: props.ResponseType,
          ...(props.StatusCode === undefined ? {} : { statusCode: String(props.StatusCode) }),
          ...(props.ResponseParameters === undefined ? {} : { responseParameters: props.ResponseParameters }),
          ...(props.ResponseTemplates === undefined ? {} : { responseTemplates: props.ResponseTemplates }),
        };
        return [props.ResponseType, definition];
      }),
    );
    const stage = inApi('AWS::ApiGateway::Stage')[0];
    const methodSettings = (resolver.resolve(stage?.stackName ?? '', stage?.resource.Properties?.MethodSettings) ??
      []) as {
      ResourcePath?: string;
      HttpMethod?: string;
      ThrottlingRateLimit?: number;
      ThrottlingBurstLimit?: number;
    }[];
    const throttling = methodSettings
      .filter((s) => s.ThrottlingRateLimit !== undefined || s.ThrottlingBurstLimit !== undefined)
      .map(
        (s): MethodThrottling => ({
          resourcePath: s.ResourcePath ?? '/*',
          httpMethod: s.HttpMethod ?? '*',
          // API Gateway's account-level defaults stand in for whichever half a setting leaves out.
          rateLimit: Number(s.ThrottlingRateLimit ?? 10_000),
          burstLimit: Number(s.ThrottlingBurstLimit ?? 5_000),
        }),
      );
    return {
      restApiId: api.ref,
      stageName: String(stage?.resource.Properties?.StageName ?? 'local'),
      routes,
      gatewayResponses,
      throttling,
    };
  });
}

function refersTo(value: unknown, logicalId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === logicalId;
}

/** What the gateway needs of a function: the local runtime, or a stand-in in a test. */
export interface Invocable {
  invoke(event: unknown): Promise<unknown>;
}

/** API Gateway's hard limit on a request body (10 MiB). */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;
/** Beyond this much past the limit the gateway stops draining and closes the connection. */
const MAX_DRAINED_BYTES = 64 * 1024 * 1024;

/**
 * Serves one REST API over HTTP as API Gateway would: picks the method by specificity, applies the stage's
 * throttling, enforces the Cognito authorizer (locally issued tokens), builds the REST proxy event, maps the
 * function's answer, and answers its own errors with the API's gateway responses.
 */
export function apiGatewayEndpoint(api: RestApiModel, functions: ReadonlyMap<string, Invocable>): Server {
  for (const route of api.routes) {
    if (!functions.has(route.functionArn))
      throw new Error(
        `${route.httpMethod} ${route.resourcePath} integrates with ${route.functionArn}, which is not running`,
      );
  }
  const throttles = new Map(api.routes.map((route) => [route, throttleFor(api.throttling, route)]));
  return createServer(async (request, response) => {
    const requestId = randomUUID();
    const method = request.method ?? 'GET';
    const rawPath = (request.url ?? '/').split('?')[0] ?? '/';
    let resourcePath: string | undefined;
    const send = (status: number, headers: Record<string, string>, body: string) => {
      response.writeHead(status, { 'x-amzn-requestid': requestId, ...headers });
      response.end(body);
    };
    const gatewayError = (error: GatewayError) => {
      const rendered = renderGatewayResponse(api.gatewayResponses, error, {
        requestId,
        path: rawPath,
        httpMethod: method,
        resourcePath,
        stage: api.stageName,
        apiId: api.restApiId,
        requestHeaders: request.headers,
      });
      send(rendered.status, rendered.headers, rendered.body);
    };
    try {
      const read = await readRequestBody(request, MAX_REQUEST_BODY_BYTES);
      if ('tooLarge' in read) {
        if (!read.drained) response.setHeader('connection', 'close');
        return gatewayError({ type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' });
      }

      // The request target is a path: with a base of its own, "//x/…" stays a path instead of naming a host "x".
      const query = new URL(`http://localhost${request.url ?? '/'}`).searchParams;
      const match = matchRoute(api.routes, method, rawPath);
      // API Gateway answers an unknown path, or a known path without that method, with 403, not 404.
      if (match.kind === 'no-route')
        return gatewayError({ type: 'MISSING_AUTHENTICATION_TOKEN', message: 'Missing Authentication Token' });
      if (match.kind === 'malformed-path')
        return gatewayError({ type: 'BAD_REQUEST_PARAMETERS', message: match.message });
      const { route } = match;
      resourcePath = route.resourcePath;
      if (throttles.get(route)?.take() === false)
        return gatewayError({ type: 'THROTTLED', message: 'Too Many Requests' });

      let claims: Record<string, string> | undefined;
      if (route.authorizationType === 'COGNITO_USER_POOLS') {
        const header = request.headers[route.identityHeader ?? 'authorization'];
        const token = String(header ?? '').replace(/^Bearer\s+/i, '');
        const payload = token === '' ? undefined : await verifyLocalToken(token);
        if (payload === undefined) return gatewayError({ type: 'UNAUTHORIZED', message: 'Unauthorized' });
        claims = claimsAsApiGatewayPassesThem(payload);
      }

      const event = proxyEvent({
        api,
        route,
        requestId,
        method,
        path: rawPath,
        query,
        headers: request.headers,
        pathParameters: match.pathParameters,
        body: read.body.toString('utf8'),
        claims,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      });
      let result: unknown;
      try {
        result = await (functions.get(route.functionArn) as Invocable).invoke(event);
      } catch (error) {
        // Lambda refused the event itself (over its 6 MB request limit): API Gateway passes the 413 on.
        if (error instanceof LambdaInvocationError && error.name === 'RequestEntityTooLargeException')
          return gatewayError({ type: 'REQUEST_TOO_LARGE', message: 'Request Too Long' });
        return gatewayError({ type: 'INTEGRATION_FAILURE', status: 502, message: 'Internal server error' });
      }
      const proxyResult = result as {
        statusCode?: number;
        headers?: Record<string, string>;
        multiValueHeaders?: Record<string, string[]>;
        body?: string;
        isBase64Encoded?: boolean;
      } | null;
      if (proxyResult === null || typeof proxyResult.statusCode !== 'number') {
        return gatewayError({ type: 'INTEGRATION_FAILURE', status: 502, message: 'Internal server error' });
      }
      const headers: Record<string, string> = { ...proxyResult.headers };
      for (const [name, values] of Object.entries(proxyResult.multiValueHeaders ?? {}))
        headers[name] = values.join(', ');
      const responseBody = proxyResult.isBase64Encoded
        ? Buffer.from(proxyResult.body ?? '', 'base64').toString('utf8')
        : (proxyResult.body ?? '');
      return send(proxyResult.statusCode, headers, responseBody);
    } catch {
      return gatewayError({ type: 'DEFAULT_5XX', status: 500, message: 'Internal server error' });
    }
  });
}

/**
 * Reads the whole body, or reports it too large. Past the limit the rest is read and dropped rather than
 * the connection reset, so a client still sending gets its 413 instead of ECONNRESET; only a body absurdly
 * over the limit is cut short (`drained: false`), and its connection closed after the answer.
 */
function readRequestBody(
  request: IncomingMessage,
  limitBytes: number,
): Promise<{ readonly body: Buffer } | { readonly tooLarge: true; readonly drained: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limitBytes) chunks.push(chunk);
      else if (size <= limitBytes + MAX_DRAINED_BYTES) chunks.length = 0;
      else {
        request.off('data', onData);
        request.pause();
        resolve({ tooLarge: true, drained: false });
      }
    };
    request.on('data', onData);
    request.on('end', () =>
      resolve(size > limitBytes ? { tooLarge: true, drained: true } : { body: Buffer.concat(chunks) }),
    );
    request.on('error', reject);
  });
}

/** The stage's throttling for one method: its own MethodSettings entry, else the stage-wide one (\/* *). */
function throttleFor(settings: readonly MethodThrottling[], route: ApiRoute): TokenBucket | undefined {
  const escaped = route.resourcePath.replaceAll('/', '~1');
  const setting =
    settings.find((s) => s.resourcePath === escaped && s.httpMethod === route.httpMethod) ??
    settings.find((s) => s.resourcePath === escaped && s.httpMethod === '*') ??
    settings.find((s) => s.resourcePath === '/*' && s.httpMethod === '*');
  return setting === undefined ? undefined : new TokenBucket(setting.rateLimit, setting.burstLimit);
}

/** API Gateway's throttling algorithm: a bucket of `burst` tokens refilled at `rate` per second. */
export class TokenBucket {
  private tokens: number;
  private refilledAt = performance.now();
  private readonly rate: number;
  private readonly burst: number;

  constructor(rate: number, burst: number) {
    this.rate = rate;
    this.burst = burst;
    this.tokens = burst;
  }

  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

interface ProxyEventInput {
  readonly api: RestApiModel;
  readonly route: ApiRoute;
  readonly requestId: string;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly pathParameters: Record<string, string>;
  readonly body: string;
  readonly claims: Record<string, string> | undefined;
  readonly sourceIp: string;
}

/** The REST API (v1) Lambda proxy event, with the fields the handlers read. */
function proxyEvent(input: ProxyEventInput) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query = [...input.query.keys()];
  const now = new Date();
  return {
    resource: input.route.resourcePath,
    path: input.path,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.length === 0 ? null : Object.fromEntries(input.query),
    multiValueQueryStringParameters:
      query.length === 0 ? null : Object.fromEntries(query.map((k) => [k, input.query.getAll(k)])),
    pathParameters: Object.keys(input.pathParameters).length === 0 ? null : input.pathParameters,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: input.api.restApiId,
      resourceId: input.route.resourcePath,
      resourcePath: input.route.resourcePath,
      httpMethod: input.method,
      path: input.path,
      stage: input.api.stageName,
      protocol: 'HTTP/1.1',
      requestId: input.requestId,
      extendedRequestId: input.requestId,
      requestTime: now.toUTCString(),
      requestTimeEpoch: now.getTime(),
      domainName: String(input.headers.host ?? 'localhost'),
      identity: { sourceIp: input.sourceIp, userAgent: String(input.headers['user-agent'] ?? '') },
      authorizer: input.claims === undefined ? null : { claims: input.claims },
    },
    body: input.body === '' ? null : input.body,
    isBase64Encoded: false,
  };
}
