import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { openApiDocument } from '#shared/openapi.ts';
import { PROBLEM_TYPES } from '#shared/problem.ts';
import { ROUTE_LIST } from '#shared/routes.ts';
import { OPENAPI_FILE, openApiText } from '../../infra/build/write-openapi.ts';
import { apiRoutes, synthApp } from './cdk-app.ts';

/**
 * The published contract: an independent OpenAPI 3.1 validator accepts it, it describes exactly the routes
 * the synthesized API serves, and the copy committed for brokers is the one the code generates.
 */
type Operation = {
  operationId: string;
  security: unknown[];
  parameters: { name: string; in: string; required: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, unknown> }>;
};
const document = openApiDocument() as unknown as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { securitySchemes: Record<string, { type: string; scheme?: string }> };
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({ key: `${method.toUpperCase()} ${path}`, operation })),
);

function operationOf(path: string, method: string): Operation {
  const operation = document.paths[path]?.[method.toLowerCase()];
  assert.ok(operation !== undefined, `${method} ${path} is described`);
  return operation;
}

describe('the API description (OpenAPI 3.1)', () => {
  it('is valid OpenAPI 3.1 for an independent validator (@seriousme/openapi-schema-validator)', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as never);
    assert.equal(validator.version, '3.1');
    assert.deepEqual(result, { valid: true });
  });

  it('lists exactly the routes the synthesized API Gateway serves', () => {
    const { statelessTemplate } = synthApp({ stage: 'test' });
    assert.deepEqual(operations.map(({ key }) => key).sort(), [...apiRoutes(statelessTemplate).keys()].sort());
  });

  it('names each operation after its registry entry and declares its parameters and body', () => {
    for (const route of ROUTE_LIST) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      assert.ok(operation !== undefined, `${route.method} ${route.path}`);
      assert.equal(operation.operationId, route.operationId);
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        const parameter = operation.parameters.find((p) => p.in === 'path' && `{${p.name}}` === name);
        assert.ok(parameter?.required, `${route.operationId} declares ${name}`);
      }
      assert.equal(operation.requestBody !== undefined, route.request.body !== undefined, route.operationId);
      if (route.idempotency?.field === 'idempotency-key') {
        assert.ok(
          operation.parameters.some((p) => p.in === 'header' && p.name === 'idempotency-key' && p.required),
          `${route.operationId} requires the Idempotency-Key header`,
        );
      }
    }
  });

  it('declares a problem+json answer for every problem a route may give, and the success answer', () => {
    for (const route of ROUTE_LIST) {
      const { responses } = operationOf(route.path, route.method);
      const success = responses[String(route.success.status)];
      if (route.success.schema === undefined) assert.ok(success !== undefined && success.content === undefined);
      else assert.ok(success?.content?.[route.success.mediaType ?? 'application/json'], route.operationId);
      for (const problem of route.problems) {
        const answer = responses[String(PROBLEM_TYPES[problem].status)];
        assert.ok(answer?.content?.['application/problem+json'], `${route.operationId} declares ${problem}`);
      }
      if (route.roles !== 'public') {
        for (const status of ['401', '403']) {
          assert.ok(responses[status]?.content?.['application/problem+json'], `${route.operationId} ${status}`);
        }
      }
    }
  });

  it('describes the security scheme, and every route but the public ones requires it', () => {
    const schemes = Object.values(document.components.securitySchemes);
    assert.equal(schemes.length, 1);
    assert.deepEqual([schemes[0]?.type, schemes[0]?.scheme], ['http', 'bearer']);
    for (const route of ROUTE_LIST) {
      const { security } = operationOf(route.path, route.method);
      assert.equal(security.length === 0, route.roles === 'public', route.operationId);
    }
  });

  it('is committed for brokers as docs/openapi.json, as generated (npm run openapi writes it)', () => {
    assert.equal(readFileSync(OPENAPI_FILE, 'utf8'), openApiText(), 'run `npm run openapi` and commit the result');
  });
});
