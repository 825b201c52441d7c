import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { type ApiRoute, apiGatewayEndpoint, type Invocable, type RestApiModel } from '../../infra/local/api-gateway.ts';
import type { GatewayResponseDefinition } from '../../infra/local/gateway-responses.ts';
import { LocalFunction } from '../../infra/local/lambda-runtime.ts';
import { issueLocalToken } from '../../infra/local/local-identity.ts';

/**
 * The local API Gateway on a hand-built API model (no synth, no Java): the answers API Gateway gives
 * itself, where it differs from a naive HTTP server (bad paths, payload limits, throttling).
 */
const echo: Invocable = {
  invoke: async (event) => ({
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ pathParameters: (event as { pathParameters: unknown }).pathParameters }),
  }),
};
const dir = mkdtempSync(join(tmpdir(), 'api-gateway-'));
const bundle = (name: string, source: string) => {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, source);
  return file;
};
const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
const localFunction = (name: string, source: string) =>
  new LocalFunction(
    {
      logicalId: name,
      functionName: name,
      functionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
      codeFile: bundle(name, source),
      exportName: 'handler',
      timeoutSeconds: 10,
      memoryMb: 256,
      environment: {},
    },
    silent,
    1,
  );
const bigAnswer = localFunction(
  'big-answer',
  `export const handler = async () => ({ statusCode: 200, body: 'x'.repeat(7 * 1024 * 1024) });`,
);
const bodySize = localFunction(
  'body-size',
  `export const handler = async (event) => ({ statusCode: 200, body: String((event.body ?? '').length) });`,
);

const route = (httpMethod: string, resourcePath: string, functionArn: string, auth = 'NONE'): ApiRoute => ({
  httpMethod,
  resourcePath,
  authorizationType: auth,
  ...(auth === 'NONE' ? {} : { identityHeader: 'authorization' }),
  functionArn,
});

function model(overrides: Partial<RestApiModel> = {}): RestApiModel {
  return {
    restApiId: 'local-test',
    stageName: 'test',
    routes: [
      route('GET', '/v1/declarations/{id}', 'echo'),
      route('POST', '/v1/declarations', 'echo', 'COGNITO_USER_POOLS'),
      route('GET', '/v1/big', bigAnswer.spec.functionArn),
      route('POST', '/v1/upload', bodySize.spec.functionArn),
    ],
    gatewayResponses: new Map(),
    throttling: [],
    ...overrides,
  };
}

const servers: Server[] = [];
async function serve(api: RestApiModel): Promise<string> {
  const functions = new Map<string, Invocable>([
    ['echo', echo],
    [bigAnswer.spec.functionArn, bigAnswer],
    [bodySize.spec.functionArn, bodySize],
  ]);
  const server = apiGatewayEndpoint(api, functions);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
after(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
  await Promise.all([bigAnswer.stop(), bodySize.stop()]);
});

const problemResponse = (slug: string, title: string, status?: number): GatewayResponseDefinition => ({
  responseType: slug,
  responseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
  responseTemplates: {
    'application/json': JSON.stringify({
      type: `urn:test:${slug}`,
      title,
      ...(status === undefined ? {} : { status }),
      detail: '$context.error.message',
      requestId: '$context.requestId',
    }),
  },
});

describe('the local API Gateway, without gateway responses in the template', () => {
  let base: string;
  before(async () => {
    base = await serve(model());
  });

  it("answers an unknown route with API Gateway's own 403 body", async () => {
    const answer = await fetch(`${base}/v1/containers`);
    assert.equal(answer.status, 403);
    assert.equal(answer.headers.get('content-type'), 'application/json');
    assert.deepEqual(await answer.json(), { message: 'Missing Authentication Token' });
  });

  it('answers malformed percent-encoding in the path with 400, and keeps serving', async () => {
    const answer = await fetch(`${base}/v1/declarations/%ZZ`);
    assert.equal(answer.status, 400);
    const next = await fetch(`${base}/v1/declarations/DCL-1`);
    assert.equal(next.status, 200);
    assert.deepEqual(await next.json(), { pathParameters: { id: 'DCL-1' } });
  });

  it('answers a body over 10 MB with 413, not a reset connection', async () => {
    const answer = await fetch(`${base}/v1/upload`, { method: 'POST', body: 'x'.repeat(11 * 1024 * 1024) });
    assert.equal(answer.status, 413);
    assert.deepEqual(await answer.json(), { message: 'Request Too Long' });
  });

  it('passes a body just under Lambda’s 6 MB to the function', async () => {
    const answer = await fetch(`${base}/v1/upload`, { method: 'POST', body: 'x'.repeat(5 * 1024 * 1024) });
    assert.equal(answer.status, 200);
    assert.equal(await answer.text(), String(5 * 1024 * 1024));
  });

  it('answers 413 when the event is over Lambda’s 6 MB request limit, though under 10 MB', async () => {
    const answer = await fetch(`${base}/v1/upload`, { method: 'POST', body: 'x'.repeat(7 * 1024 * 1024) });
    assert.equal(answer.status, 413);
  });

  it('answers 502 when the function returns more than Lambda’s 6 MB', async () => {
    const answer = await fetch(`${base}/v1/big`);
    assert.equal(answer.status, 502);
    assert.deepEqual(await answer.json(), { message: 'Internal server error' });
  });
});

describe('the local API Gateway honours the gateway responses of the template', () => {
  let base: string;
  before(async () => {
    base = await serve(
      model({
        gatewayResponses: new Map([
          ['UNAUTHORIZED', problemResponse('unauthorized', 'Authentication is required', 401)],
          ['MISSING_AUTHENTICATION_TOKEN', problemResponse('unknown-route', 'No such route', 403)],
          ['DEFAULT_4XX', problemResponse('bad-request', 'The request is malformed')],
          ['DEFAULT_5XX', problemResponse('internal-error', 'Internal error')],
        ]),
      }),
    );
  });

  it('renders 401 from the UNAUTHORIZED response, with $context values filled in', async () => {
    const answer = await fetch(`${base}/v1/declarations`, { method: 'POST', body: '{}' });
    assert.equal(answer.status, 401);
    assert.equal(answer.headers.get('content-type'), 'application/problem+json');
    const body = (await answer.json()) as Record<string, unknown>;
    assert.deepEqual(
      { ...body, requestId: undefined },
      {
        type: 'urn:test:unauthorized',
        title: 'Authentication is required',
        status: 401,
        detail: 'Unauthorized',
        requestId: undefined,
      },
    );
    assert.equal(body.requestId, answer.headers.get('x-amzn-requestid'));
  });

  it('renders an unknown route from MISSING_AUTHENTICATION_TOKEN', async () => {
    const answer = await fetch(`${base}/v1/containers`, {
      headers: { authorization: `Bearer ${await issueLocalToken({ role: 'port-operator' })}` },
    });
    assert.equal(answer.status, 403);
    assert.equal(((await answer.json()) as { type: string }).type, 'urn:test:unknown-route');
  });

  it('falls back to DEFAULT_4XX for a type the template does not define, keeping its status', async () => {
    const answer = await fetch(`${base}/v1/upload`, { method: 'POST', body: 'x'.repeat(11 * 1024 * 1024) });
    assert.equal(answer.status, 413);
    assert.equal(answer.headers.get('content-type'), 'application/problem+json');
    assert.deepEqual(await answer.json(), {
      type: 'urn:test:bad-request',
      title: 'The request is malformed',
      detail: 'Request Too Long',
      requestId: answer.headers.get('x-amzn-requestid'),
    });
  });

  it('falls back to DEFAULT_5XX for a failed integration, keeping its 502', async () => {
    const answer = await fetch(`${base}/v1/big`);
    assert.equal(answer.status, 502);
    assert.equal(((await answer.json()) as { type: string }).type, 'urn:test:internal-error');
  });
});

describe('the local API Gateway throttles as the stage says', () => {
  it('answers 429 once the burst is spent, per method', async () => {
    const base = await serve(
      model({ throttling: [{ resourcePath: '/*', httpMethod: '*', rateLimit: 0.001, burstLimit: 2 }] }),
    );
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${base}/v1/declarations/DCL-${i}`)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    // Another method has a bucket of its own.
    assert.equal((await fetch(`${base}/v1/upload`, { method: 'POST', body: 'x' })).status, 200);
  });
});
