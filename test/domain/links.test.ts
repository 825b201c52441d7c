import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkTo } from '#shared/links.ts';

describe('links to other resources of the API', () => {
  it('keeps the stage prefix API Gateway adds on AWS', () => {
    const event = { path: '/v1/declarations', requestContext: { path: '/dev/v1/declarations' } };

    assert.equal(
      linkTo(event, '/v1/declarations/DCL-0123456789ABCDEF01234567'),
      '/dev/v1/declarations/DCL-0123456789ABCDEF01234567',
    );
  });

  it('keeps a custom-domain base path just like a stage', () => {
    const event = { path: '/v1/port-events', requestContext: { path: '/customs/prod/v1/port-events' } };

    assert.equal(linkTo(event, '/v1/declarations/X'), '/customs/prod/v1/declarations/X');
  });

  it('links from the root when the request context has no prefix (local harness)', () => {
    assert.equal(linkTo({ path: '/v1/declarations', requestContext: { path: '/v1/declarations' } }, '/v1/x'), '/v1/x');
    assert.equal(linkTo({ path: '/v1/declarations', requestContext: {} }, '/v1/x'), '/v1/x');
  });

  it('does not invent a prefix when the two paths do not line up', () => {
    assert.equal(linkTo({ path: '/v1/declarations', requestContext: { path: '/other' } }, '/v1/x'), '/v1/x');
  });
});
