import { DECLARATION_STATUSES, STATUS_MEANINGS } from '#domain/lifecycle.ts';
import { PROBLEM_TYPES, type ProblemType, problemTypeUri } from './problem.ts';
import { ROUTE_LIST, type RouteDefinition } from './routes.ts';
import { webhookDescriptions } from './webhook-contract.ts';

/**
 * The API description (OpenAPI 3.1), generated from the route registry and the same schemas that validate
 * requests, so the published contract cannot drift from what the API accepts and answers.
 */
type Json = Record<string, unknown>;

const SECURITY_SCHEME = 'cognitoIdToken';

/** Problems any authenticated route may answer, besides its own: the gateway's and the platform's. */
const COMMON_PROBLEMS: readonly ProblemType[] = ['unauthorized', 'forbidden', 'throttled', 'internal-error'];
const PUBLIC_PROBLEMS: readonly ProblemType[] = ['throttled', 'internal-error'];
const BODY_PROBLEMS: readonly ProblemType[] = ['payload-too-large'];
const PATH_PROBLEMS: readonly ProblemType[] = ['bad-request'];

/** Whatever else API Gateway itself may answer (other 4xx, a 502 from a failed integration): problem+json too. */
const GATEWAY_RANGES = {
  '4XX': 'Any other refusal by the API Gateway itself',
  '5XX': 'The API Gateway could not get an answer from the function (e.g. 502, 504)',
} as const;

const ProblemSchema = {
  type: 'object',
  title: 'Problem',
  description: 'RFC 9457 problem details; `errors` names each field (JSON Pointer, header or parameter) and rule',
  // The gateway's catch-all answers (4XX, 5XX) cannot state the status they carry, so `status` may be absent.
  required: ['type', 'title'],
  properties: {
    type: { type: 'string', enum: Object.keys(PROBLEM_TYPES).map((type) => problemTypeUri(type as ProblemType)) },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'rule', 'detail'],
        properties: { field: { type: 'string' }, rule: { type: 'string' }, detail: { type: 'string' } },
        additionalProperties: false,
      },
    },
  },
  additionalProperties: false,
};

/** TypeBox schemas are JSON Schema 2020-12, which OpenAPI 3.1 embeds as they are. */
function plain(schema: unknown): Json {
  return JSON.parse(JSON.stringify(schema)) as Json;
}

function parameters(route: RouteDefinition): Json[] {
  const locations = [
    ['path', route.request.path],
    ['query', route.request.query],
    ['header', route.request.headers],
  ] as const;
  return locations.flatMap(([location, schema]) => {
    if (schema === undefined) return [];
    const { properties = {}, required = [] } = plain(schema) as {
      properties?: Record<string, Json>;
      required?: string[];
    };
    return Object.entries(properties).map(([name, property]) => {
      const { description, ...rest } = property;
      return {
        name,
        in: location,
        required: location === 'path' || required.includes(name),
        ...(description === undefined ? {} : { description }),
        schema: rest,
      };
    });
  });
}

function problemResponses(route: RouteDefinition): Record<string, Json> {
  const problems = [
    ...route.problems,
    ...(route.roles === 'public' ? PUBLIC_PROBLEMS : COMMON_PROBLEMS),
    ...(route.request.body === undefined ? [] : BODY_PROBLEMS),
    // The gateway refuses a path parameter it cannot decode (e.g. "%ZZ") before any function runs.
    ...(route.request.path === undefined ? [] : PATH_PROBLEMS),
  ];
  const byStatus = new Map<number, ProblemType[]>();
  for (const problem of new Set(problems)) {
    const { status } = PROBLEM_TYPES[problem];
    byStatus.set(status, [...(byStatus.get(status) ?? []), problem]);
  }
  const problem = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };
  return {
    ...Object.fromEntries(
      [...byStatus].map(([status, types]) => [
        String(status),
        { description: types.map((type) => PROBLEM_TYPES[type].title).join('; '), content: problem },
      ]),
    ),
    ...Object.fromEntries(
      Object.entries(GATEWAY_RANGES).map(([range, description]) => [range, { description, content: problem }]),
    ),
  };
}

function successResponse(success: RouteDefinition['success'], description: string): Json {
  return {
    description,
    ...(success.headers === undefined
      ? {}
      : {
          headers: Object.fromEntries(
            Object.entries(success.headers).map(([name, headerDescription]) => [
              name,
              { description: headerDescription, schema: { type: 'string' } },
            ]),
          ),
        }),
    ...(success.schema === undefined
      ? {}
      : { content: { [success.mediaType ?? 'application/json']: { schema: plain(success.schema) } } }),
  };
}

function operation(route: RouteDefinition): Json {
  const { success } = route;
  return {
    operationId: route.operationId,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: route.tags,
    security: route.roles === 'public' ? [] : [{ [SECURITY_SCHEME]: [] }],
    'x-roles': route.roles === 'public' ? [] : route.roles,
    ...(route.idempotency === undefined ? {} : { 'x-idempotency-key': route.idempotency.field }),
    parameters: parameters(route),
    ...(route.request.body === undefined
      ? {}
      : { requestBody: { required: true, content: { 'application/json': { schema: plain(route.request.body) } } } }),
    responses: {
      ...Object.fromEntries(
        [{ status: success.status, description: success.description }, ...(success.alternatives ?? [])].map(
          ({ status, description }) => [String(status), successResponse(success, description)],
        ),
      ),
      ...problemResponses(route),
    },
  };
}

export function openApiDocument(routes: readonly RouteDefinition[] = ROUTE_LIST) {
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  const statuses = Object.entries(DECLARATION_STATUSES)
    .map(
      ([status, { cusresCode }]) =>
        `\`${status}\` (CUSRES ${cusresCode}): ${STATUS_MEANINGS[status as keyof typeof STATUS_MEANINGS]}`,
    )
    .join('\n- ');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Horgos customs pre-clearance API',
      version: '1.0.0',
      description: [
        'Brokers file declarations before the goods reach the Horgos border; the railway and the port report what',
        'happens; each declaration moves through its workflow and every change is notified.',
        '',
        `Statuses:\n- ${statuses}`,
        '',
        'Every refusal is RFC 9457 problem+json naming the field and the rule it broke.',
      ].join('\n'),
    },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    servers: [{ url: '/' }],
    paths,
    webhooks: webhookDescriptions(),
    components: {
      securitySchemes: {
        [SECURITY_SCHEME]: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'A Cognito user-pool id token. Its groups (broker, railway, port-operator, officer) decide what you may call; a broker’s custom:brokerId decides which declarations are yours.',
        },
      },
      schemas: { Problem: ProblemSchema },
    },
  };
}
