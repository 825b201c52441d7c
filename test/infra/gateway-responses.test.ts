import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resourcesOf, synthApp } from './cdk-app.ts';

interface GatewayResponseProps {
  readonly ResponseType: string;
  readonly StatusCode?: string;
  readonly ResponseParameters?: Record<string, string>;
  readonly ResponseTemplates?: Record<string, string>;
}

const { statelessTemplate: template } = synthApp();
const responses = new Map(
  resourcesOf<GatewayResponseProps>(template, 'AWS::ApiGateway::GatewayResponse').map(([, r]) => [
    r.Properties.ResponseType,
    r.Properties,
  ]),
);
/** The body API Gateway would send, with its `$context` reference left as written. */
const documentOf = (type: string) =>
  JSON.parse(responses.get(type)?.ResponseTemplates?.['application/json'] ?? 'null') as Record<string, unknown>;

describe("the broker API answers API Gateway's own errors as problem+json", () => {
  const expected: [type: string, status: string | undefined, problem: string][] = [
    ['UNAUTHORIZED', '401', 'unauthorized'],
    ['ACCESS_DENIED', '403', 'forbidden'],
    ['MISSING_AUTHENTICATION_TOKEN', '403', 'unknown-route'],
    ['BAD_REQUEST_BODY', '400', 'bad-request'],
    ['BAD_REQUEST_PARAMETERS', '400', 'bad-request'],
    ['REQUEST_TOO_LARGE', '413', 'payload-too-large'],
    ['THROTTLED', '429', 'throttled'],
    ['DEFAULT_4XX', undefined, 'request-refused'],
    ['DEFAULT_5XX', undefined, 'internal-error'],
  ];
  for (const [type, status, problem] of expected) {
    it(`${type} → ${status ?? 'its own status'}, urn:preclearance:problem:${problem}`, () => {
      const response = responses.get(type);
      assert.ok(response, `no GatewayResponse of type ${type}`);
      assert.equal(response.StatusCode, status);
      assert.equal(response.ResponseParameters?.['gatewayresponse.header.Content-Type'], "'application/problem+json'");
      const document = documentOf(type);
      assert.equal(document.type, `urn:preclearance:problem:${problem}`);
      assert.equal(document.detail, '$context.error.message');
      assert.equal(document.status, status === undefined ? undefined : Number(status));
      assert.equal(typeof document.title, 'string');
    });
  }
});
