import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { linkTo } from '#shared/links.ts';
import { ROUTES } from '#shared/routes.ts';

const ID = 'DCL-0123456789ABCDEF01234567';

describe('links to other operations of the API', () => {
  it('keeps the stage prefix API Gateway adds on AWS', () => {
    const event = { path: '/v1/declarations', requestContext: { path: '/dev/v1/declarations' } };

    assert.equal(linkTo(event, ROUTES.getDeclaration, { id: ID }), `/dev/v1/declarations/${ID}`);
  });

  it('keeps a custom-domain base path just like a stage', () => {
    const event = { path: '/v1/port-events', requestContext: { path: '/customs/prod/v1/port-events' } };

    assert.equal(linkTo(event, ROUTES.getDeclaration, { id: 'X' }), '/customs/prod/v1/declarations/X');
  });

  it('links from the root when the request context has no prefix (local harness)', () => {
    const local = { path: '/v1/declarations', requestContext: { path: '/v1/declarations' } };

    assert.equal(linkTo(local, ROUTES.listEvents), '/v1/events');
    assert.equal(linkTo({ path: '/v1/declarations', requestContext: {} }, ROUTES.listEvents), '/v1/events');
  });

  it('does not invent a prefix when the two paths do not line up', () => {
    const event = { path: '/v1/declarations', requestContext: { path: '/other' } };

    assert.equal(linkTo(event, ROUTES.listEvents), '/v1/events');
  });

  it('links to the next page with the query it was asked, leaving out what was not given', () => {
    const event = { path: '/v1/declarations', requestContext: { path: '/dev/v1/declarations' } };

    assert.equal(
      linkTo(
        event,
        ROUTES.listDeclarations,
        {},
        { status: 'RELEASED', limit: 25, cursor: 'abc_-', filedFrom: undefined },
      ),
      '/dev/v1/declarations?status=RELEASED&limit=25&cursor=abc_-',
    );
  });

  it('escapes path parameters and query values', () => {
    const event = { path: '/v1/declarations', requestContext: {} };

    assert.equal(linkTo(event, ROUTES.getDeclaration, { id: 'a/b c' }), '/v1/declarations/a%2Fb%20c');
    assert.equal(
      linkTo(event, ROUTES.listDeclarations, {}, { filedFrom: '2025-03-01T06:00:00+06:00' }),
      '/v1/declarations?filedFrom=2025-03-01T06%3A00%3A00%2B06%3A00',
    );
  });

  it('refuses to link to an operation without the path parameter it needs', () => {
    assert.throws(() => linkTo({ path: '/v1/declarations', requestContext: {} }, ROUTES.getDeclaration), /id/);
  });
});
