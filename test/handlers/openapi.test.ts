import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUTE_LIST } from '#shared/routes.ts';
import { apiEvent, lambdaContext, parseResponse, setUpLambdaEnvironment } from '../support/lambda.ts';

setUpLambdaEnvironment();
const { handler } = await import('../../functions/handlers/get-openapi.ts');

async function fetchContract(stage: string | undefined) {
  const event = apiEvent({ method: 'GET', path: '/v1/openapi.json', ...(stage === undefined ? {} : { stage }) });
  return parseResponse(await handler(event, lambdaContext('get-openapi')));
}

describe('GET /v1/openapi.json: a broker’s developer reads the contract', () => {
  it('needs no token, and names the stage it was fetched from as the server', async () => {
    const response = await fetchContract('dev');

    assert.equal(response.statusCode, 200, JSON.stringify(response.body));
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.body.openapi, '3.1.0');
    assert.deepEqual(response.body.servers, [{ url: '/dev' }]);
  });

  it('each stage gets its own server, though the document is built once', async () => {
    assert.deepEqual((await fetchContract('prod')).body.servers, [{ url: '/prod' }]);
    assert.deepEqual((await fetchContract('dev')).body.servers, [{ url: '/dev' }]);
  });

  it('describes every operation of the API, and which header makes a filing idempotent', async () => {
    const { body } = await fetchContract('dev');

    for (const route of ROUTE_LIST) {
      assert.equal(body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, route.operationId);
    }
    assert.equal(body.paths['/v1/declarations'].post['x-idempotency-key'], 'idempotency-key');
  });
});
