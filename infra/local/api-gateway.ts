import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { LocalResolver } from './intrinsics.ts';
import type { LocalFunction } from './lambda-runtime.ts';
import { claimsAsApiGatewayPassesThem, verifyLocalToken } from './local-identity.ts';
import { readBody } from './step-functions-endpoint.ts';

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

export interface RestApiModel {
  readonly restApiId: string;
  readonly stageName: string;
  readonly routes: readonly ApiRoute[];
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
    const stage = resolver.resources('AWS::ApiGateway::Stage').find((s) => s.stackName === api.stackName);
    return { restApiId: api.ref, stageName: String(stage?.resource.Properties?.StageName ?? 'local'), routes };
  });
}

function refersTo(value: unknown, logicalId: string): boolean {
  return typeof value === 'object' && value !== null && (value as { Ref?: string }).Ref === logicalId;
}

/**
 * Serves one REST API over HTTP as API Gateway would: matches the method's resource path, enforces the
 * Cognito authorizer (locally issued tokens), builds the REST proxy event, maps the function's answer.
 */
export function apiGatewayEndpoint(api: RestApiModel, functions: ReadonlyMap<string, LocalFunction>): Server {
  const matchers = api.routes.map((route) => ({ route, pattern: routePattern(route.resourcePath) }));
  return createServer(async (request, response) => {
    const requestId = randomUUID();
    const send = (status: number, headers: Record<string, string>, body: string) => {
      response.writeHead(status, { 'x-amzn-requestid': requestId, ...headers });
      response.end(body);
    };
    const gatewayError = (status: number, message: string) =>
      send(
        status,
        { 'content-type': 'application/json', 'x-amzn-errortype': message.replace(/ /g, '') },
        JSON.stringify({ message }),
      );
    try {
      const url = new URL(request.url ?? '/', 'http://localhost');
      const method = request.method ?? 'GET';
      const candidates = matchers
        .map(({ route, pattern }) => ({ route, match: pattern.exec(url.pathname) }))
        .filter((c) => c.match !== null);
      const found = candidates.find((c) => c.route.httpMethod === method || c.route.httpMethod === 'ANY');
      // API Gateway answers an unknown path or method with 403, not 404.
      if (found === undefined || found.match === null) return gatewayError(403, 'Missing Authentication Token');
      const { route } = found;

      let claims: Record<string, string> | undefined;
      if (route.authorizationType === 'COGNITO_USER_POOLS') {
        const header = request.headers[route.identityHeader ?? 'authorization'];
        const token = String(header ?? '').replace(/^Bearer\s+/i, '');
        const payload = token === '' ? undefined : await verifyLocalToken(token);
        if (payload === undefined) return gatewayError(401, 'Unauthorized');
        claims = claimsAsApiGatewayPassesThem(payload);
      }

      const fn = functions.get(route.functionArn);
      if (fn === undefined) return gatewayError(500, 'Internal server error');
      const body = await readBody(request);
      const event = proxyEvent({
        api,
        route,
        requestId,
        method,
        url,
        headers: request.headers,
        pathParameters: found.match.groups ?? {},
        body,
        claims,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
      });
      let result: unknown;
      try {
        result = await fn.invoke(event);
      } catch {
        return gatewayError(502, 'Internal server error');
      }
      const proxyResult = result as {
        statusCode?: number;
        headers?: Record<string, string>;
        multiValueHeaders?: Record<string, string[]>;
        body?: string;
        isBase64Encoded?: boolean;
      } | null;
      if (proxyResult === null || typeof proxyResult.statusCode !== 'number') {
        return gatewayError(502, 'Internal server error');
      }
      const headers: Record<string, string> = { ...proxyResult.headers };
      for (const [name, values] of Object.entries(proxyResult.multiValueHeaders ?? {}))
        headers[name] = values.join(', ');
      const responseBody = proxyResult.isBase64Encoded
        ? Buffer.from(proxyResult.body ?? '', 'base64').toString('utf8')
        : (proxyResult.body ?? '');
      return send(proxyResult.statusCode, headers, responseBody);
    } catch {
      return gatewayError(500, 'Internal server error');
    }
  });
}

function routePattern(resourcePath: string): RegExp {
  const source = resourcePath
    .split('/')
    .map((part) => {
      const greedy = /^\{(\w+)\+\}$/.exec(part);
      if (greedy) return `(?<${greedy[1]}>.+)`;
      const param = /^\{(\w+)\}$/.exec(part);
      if (param) return `(?<${param[1]}>[^/]+)`;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source || '/'}/?$`);
}

interface ProxyEventInput {
  readonly api: RestApiModel;
  readonly route: ApiRoute;
  readonly requestId: string;
  readonly method: string;
  readonly url: URL;
  readonly headers: IncomingHttpHeaders;
  readonly pathParameters: Record<string, string>;
  readonly body: string;
  readonly claims: Record<string, string> | undefined;
  readonly sourceIp: string;
}

/** The REST API (v1) Lambda proxy event, with the fields handlers and Powertools read. */
function proxyEvent(input: ProxyEventInput) {
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(input.headers)) {
    if (value === undefined) continue;
    const values = Array.isArray(value) ? value : [value];
    headers[name] = values.join(',');
    multiValueHeaders[name] = values;
  }
  const query = [...input.url.searchParams.keys()];
  const now = new Date();
  return {
    resource: input.route.resourcePath,
    path: input.url.pathname,
    httpMethod: input.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query.length === 0 ? null : Object.fromEntries(input.url.searchParams),
    multiValueQueryStringParameters:
      query.length === 0 ? null : Object.fromEntries(query.map((k) => [k, input.url.searchParams.getAll(k)])),
    pathParameters: Object.keys(input.pathParameters).length === 0 ? null : decodeAll(input.pathParameters),
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: input.api.restApiId,
      resourceId: input.route.resourcePath,
      resourcePath: input.route.resourcePath,
      httpMethod: input.method,
      path: input.url.pathname,
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

function decodeAll(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, decodeURIComponent(v)]));
}
