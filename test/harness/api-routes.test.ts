import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matchRoute, type RoutableMethod } from '../../infra/local/api-routes.ts';

/**
 * Route matching as API Gateway does it, on a made-up API richer than the real one: a literal resource
 * next to a parameter, a greedy proxy, and a resource with only some methods. The order of the list is
 * deliberately the worst case (least specific first), so a first-match matcher would fail these.
 */
const routes: (RoutableMethod & { readonly name: string })[] = [
  { name: 'proxy-any', httpMethod: 'ANY', resourcePath: '/v1/{proxy+}' },
  { name: 'get-declaration', httpMethod: 'GET', resourcePath: '/v1/declarations/{id}' },
  { name: 'delete-declaration', httpMethod: 'DELETE', resourcePath: '/v1/declarations/{id}' },
  { name: 'export', httpMethod: 'POST', resourcePath: '/v1/declarations/export' },
  { name: 'submit', httpMethod: 'POST', resourcePath: '/v1/declarations' },
  { name: 'history', httpMethod: 'GET', resourcePath: '/v1/declarations/{id}/history' },
  { name: 'root', httpMethod: 'GET', resourcePath: '/' },
];

const routed = (method: string, path: string) => {
  const match = matchRoute(routes, method, path);
  return match.kind === 'matched' ? { name: match.route.name, params: match.pathParameters } : match.kind;
};

describe('route matching by specificity', () => {
  it('sends POST /v1/declarations/export to the literal resource, not to {id}', () => {
    assert.deepEqual(routed('POST', '/v1/declarations/export'), { name: 'export', params: {} });
  });

  it('prefers {id} over the greedy proxy, and passes the decoded parameter', () => {
    assert.deepEqual(routed('GET', '/v1/declarations/DCL-1%20A'), {
      name: 'get-declaration',
      params: { id: 'DCL-1 A' },
    });
    assert.deepEqual(routed('GET', '/v1/declarations/DCL-1/history'), { name: 'history', params: { id: 'DCL-1' } });
  });

  it('lets the greedy proxy take whatever nothing more specific matches, slashes included', () => {
    assert.deepEqual(routed('PUT', '/v1/containers/CSQU3054383/seals'), {
      name: 'proxy-any',
      params: { proxy: 'containers/CSQU3054383/seals' },
    });
  });

  it('answers a known resource without that method as API Gateway does: no route (403), no fallback to the proxy', () => {
    assert.equal(routed('GET', '/v1/declarations/export'), 'no-route');
    assert.equal(routed('PUT', '/v1/declarations/DCL-1'), 'no-route');
  });

  it('answers an unknown path with no route', () => {
    assert.equal(routed('GET', '/v2/declarations'), 'no-route');
    assert.equal(routed('GET', '/v1'), 'no-route');
  });

  it('matches the root and tolerates a trailing slash', () => {
    assert.deepEqual(routed('GET', '/'), { name: 'root', params: {} });
    assert.deepEqual(routed('POST', '/v1/declarations/'), { name: 'submit', params: {} });
  });

  it('reports malformed percent-encoding in a parameter instead of throwing', () => {
    assert.equal(routed('GET', '/v1/declarations/%ZZ'), 'malformed-path');
  });

  it('does not let {id} match an empty segment (the greedy proxy takes the path instead)', () => {
    assert.deepEqual(routed('GET', '/v1/declarations//history'), {
      name: 'proxy-any',
      params: { proxy: 'declarations//history' },
    });
  });
});
