import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import {
  brokerToken,
  eventually,
  holdsStill,
  officerToken,
  portOperatorToken,
  railImportDeclaration,
  railwayToken,
  roadExportDeclaration,
  startTestStack,
} from './local-stack-client.ts';

/**
 * What every mode shares, end to end on the local stack: a road declaration through its own workflow, the
 * broker's listing and event feed, and what each role may see. Every answer is checked against the contract.
 */
describe('the platform, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let roadBroker: string;
  let listingBroker: string;
  let port: string;

  before(async () => {
    env = await startTestStack();
    [roadBroker, listingBroker, port] = await Promise.all([
      brokerToken('BRK-ROAD'),
      brokerToken('BRK-LISTING'),
      portOperatorToken(),
    ]);
  });
  after(async () => env?.stop());

  const file = (token: string, body: unknown, key: string) =>
    env.api.post('/v1/declarations', { token, idempotencyKey: key, json: body });
  const statusOf = async (id: string, token: string) =>
    String((await env.api.get(`/v1/declarations/${id}`, token)).body.status);

  // A road export's way through slot, gate and border is test/e2e/road-flow.e2e.test.ts.

  it('shows each role what it may see of a road declaration', async () => {
    const filed = await file(roadBroker, roadExportDeclaration(), 'road-visibility-1');
    const id = String(filed.body.id);
    const as = async (token: string) => env.api.get(`/v1/declarations/${id}`, token);

    const officer = await as(await officerToken());
    assert.equal(officer.status, 200);
    assert.ok('driver' in (officer.body.declaration as object), 'an officer sees the whole document');

    const operator = await as(port);
    assert.equal(operator.status, 200);
    const seen = operator.body.declaration as Record<string, unknown>;
    assert.deepEqual(Object.keys(seen).sort(), ['declarationType', 'transitDocument', 'truck', 'vehicles'].sort());

    assert.equal((await as(await railwayToken())).status, 404, 'a road declaration does not exist for the railway');
    assert.equal((await as(await brokerToken('BRK-SOMEONE-ELSE'))).status, 404);
  });

  it('pages through 250 of a broker’s declarations with a cursor, newest first, each exactly once', async () => {
    const filedIds: string[] = [];
    const pending = Array.from({ length: 250 }, (_, index) => index);
    // A few at a time, like a broker's batch job; each filing also starts a workflow on this machine.
    await Promise.all(
      Array.from({ length: 6 }, async () => {
        for (let index = pending.shift(); index !== undefined; index = pending.shift()) {
          const answer = await file(listingBroker, railImportDeclaration(), `batch-${index}`);
          assert.equal(answer.status, 202);
          filedIds.push(String(answer.body.id));
        }
      }),
    );

    const seen: string[] = [];
    const filedAt: string[] = [];
    let path: string | undefined = '/v1/declarations?limit=40';
    let pages = 0;
    while (path !== undefined) {
      const page = await env.api.get(path, listingBroker);
      assert.equal(page.status, 200);
      const items = page.body.items as { id: string; filedAt: string }[];
      seen.push(...items.map((item) => item.id));
      filedAt.push(...items.map((item) => item.filedAt));
      path = (page.body.links as { next?: string }).next;
      pages++;
      assert.ok(pages < 20, 'the cursor always moves on');
    }
    assert.equal(seen.length, 250);
    assert.deepEqual([...seen].sort(), [...filedIds].sort(), 'every declaration exactly once');
    assert.deepEqual(filedAt, [...filedAt].sort().reverse(), 'newest first');

    // Filters: by type (none of this broker's is a road declaration) and by filing time.
    const road = await env.api.get('/v1/declarations?declarationType=ROAD_EXPORT', listingBroker);
    assert.deepEqual(road.body.items, []);
    const middle = [...filedAt].sort()[125] ?? '';
    const later = await env.api.get(
      `/v1/declarations?limit=100&filedFrom=${encodeURIComponent(middle)}`,
      listingBroker,
    );
    assert.ok((later.body.items as { filedAt: string }[]).every((item) => item.filedAt >= middle));

    // Another broker's listing holds none of them.
    const other = await env.api.get('/v1/declarations?limit=100', roadBroker);
    assert.ok((other.body.items as { id: string }[]).every((item) => !filedIds.includes(item.id)));
  });

  it('serves a broker its own events in order through the pull feed, and no other broker’s', async () => {
    const filed = await file(roadBroker, roadExportDeclaration(), 'road-events-1');
    const id = String(filed.body.id);
    await eventually(
      () => statusOf(id, roadBroker),
      (status) => holdsStill('ROAD_EXPORT', status),
    );

    const events = await eventually(
      async () => {
        const collected: { declarationId: string; version: number; eventId: string }[] = [];
        let cursor: string | undefined;
        for (let round = 0; round < 50; round++) {
          const page = await env.api.get(
            `/v1/events?limit=7${cursor === undefined ? '' : `&after=${cursor}`}`,
            roadBroker,
          );
          assert.equal(page.status, 200);
          const items = page.body.items as typeof collected;
          collected.push(...items);
          cursor = String(page.body.nextCursor);
          if (items.length === 0) break;
        }
        return collected;
      },
      // Filed and risk-assessed: the truck then waits for its slot booking.
      (collected) => collected.filter((event) => event.declarationId === id).length >= 2,
    );
    const mine = events.filter((event) => event.declarationId === id);
    assert.deepEqual(
      mine.map((event) => event.version),
      [1, 2],
    );
    assert.equal(new Set(events.map((event) => event.eventId)).size, events.length, 'no event twice');
    const listingBrokersIds = new Set(
      ((await env.api.get('/v1/declarations?limit=100', listingBroker)).body.items as { id: string }[]).map(
        (item) => item.id,
      ),
    );
    assert.ok(
      events.every((event) => !listingBrokersIds.has(event.declarationId)),
      'only this broker’s events',
    );
  });

  it('publishes its contract without a token, valid for an independent OpenAPI 3.1 validator', async () => {
    const answer = await env.api.get('/v1/openapi.json');
    assert.equal(answer.status, 200);
    assert.equal(answer.body.openapi, '3.1.0');
    const validator = new Validator();
    assert.deepEqual(await validator.validate(answer.body as never), { valid: true });
    // The routes it lists are the routes this stack serves.
    const served = env.stack.api.routes.map((route) => `${route.httpMethod} ${route.resourcePath}`).sort();
    const listed = Object.entries(answer.body.paths as Record<string, object>)
      .flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    assert.deepEqual(listed, served);
  });
});
