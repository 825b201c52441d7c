import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { brokerToken, eventually, railImportDeclaration, startTestStack } from './local-stack-client.ts';

/**
 * Amending a rail declaration on the local stack: the broker reads the ETag, amends under If-Match, and both
 * document versions stay readable; a stale If-Match is refused and writes nothing; the number never changes.
 */
describe('a broker amends its rail declaration, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let acme: string;

  before(async () => {
    env = await startTestStack();
    acme = await brokerToken('BRK-ACME');
  });
  after(async () => env?.stop());

  const itemsOfDeclaration = async (id: string) =>
    (
      await env.dynamodb.send(
        new QueryCommand({
          TableName: env.stack.tables.find((table) => table.includes('Declarations')) ?? '',
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: `DECL#${id}` } },
        }),
      )
    ).Items ?? [];

  it('file, then amend with If-Match: version 2 is current, version 1 still readable, one number throughout', async () => {
    const filedDocument = railImportDeclaration();
    const filed = await env.api.post('/v1/declarations', {
      token: acme,
      idempotencyKey: 'amend-1',
      json: filedDocument,
    });
    assert.equal(filed.status, 202);
    const id = String(filed.body.id);
    const declarationNumber = String(filed.body.declarationNumber);
    assert.match(declarationNumber, /^6501\d{4}1\d{9}$/);
    // The workflow runs to its first wait: amendment is still allowed there.
    await eventually(
      async () => (await env.api.get(`/v1/declarations/${id}`, acme)).body.status,
      // No manifest is on file for the builder's train: the workflow settles waiting for an amendment.
      (status) => status === 'MANIFEST_MISMATCH',
      60_000,
    );
    const read = await env.api.get(`/v1/declarations/${id}`, acme);
    assert.equal(read.headers.get('etag'), '"1"');

    const corrected = { ...filedDocument, incoterm: 'CPT' };
    const amended = await env.api.put(`/v1/declarations/${id}/document`, {
      token: acme,
      ifMatch: '"1"',
      json: corrected,
    });

    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    assert.equal(amended.headers.get('etag'), '"2"');
    assert.equal(amended.body.documentVersion, 2);
    assert.equal(amended.body.declarationNumber, declarationNumber);
    assert.deepEqual(amended.body.declaration, corrected);
    const history = amended.body.history as { transition: string; reason: string; actor: { kind: string } }[];
    assert.deepEqual(
      history.filter((entry) => entry.transition === 'AMEND_DOCUMENT').map(({ reason, actor }) => [reason, actor.kind]),
      [['amended by the broker', 'broker']],
    );

    const current = await env.api.get(`/v1/declarations/${id}`, acme);
    assert.deepEqual(current.body.declaration, corrected);
    assert.equal(current.headers.get('etag'), '"2"');
    const first = await env.api.get(`/v1/declarations/${id}?documentVersion=1`, acme);
    assert.equal(first.status, 200);
    assert.deepEqual(first.body.declaration, filedDocument);
    assert.equal(first.headers.get('etag'), '"1"');
    assert.equal((await env.api.get(`/v1/declarations/${id}?documentVersion=3`, acme)).status, 404);

    const listed = await env.api.get(`/v1/declarations?declarationNumber=${declarationNumber}`, acme);
    assert.deepEqual(
      (listed.body.items as { id: string }[]).map((item) => item.id),
      [id],
    );

    const events = await eventually(
      async () =>
        (await env.api.get('/v1/events?limit=100', acme)).body.items as { eventType: string; declarationId: string }[],
      (items) => items.some((event) => event.declarationId === id && event.eventType === 'declaration.amended'),
      30_000,
    );
    assert.equal(
      events.filter((event) => event.declarationId === id && event.eventType === 'declaration.amended').length,
      1,
    );
  });

  it('a stale If-Match answers 412 and writes nothing; no If-Match answers 428', async () => {
    const document = railImportDeclaration();
    const filed = await env.api.post('/v1/declarations', { token: acme, idempotencyKey: 'amend-2', json: document });
    const id = String(filed.body.id);
    await eventually(
      async () => (await env.api.get(`/v1/declarations/${id}`, acme)).body.status,
      // No manifest is on file for the builder's train: the workflow settles waiting for an amendment.
      (status) => status === 'MANIFEST_MISMATCH',
      60_000,
    );
    const first = await env.api.put(`/v1/declarations/${id}/document`, {
      token: acme,
      ifMatch: '"1"',
      json: { ...document, incoterm: 'CPT' },
    });
    assert.equal(first.status, 200);
    const itemsBefore = await itemsOfDeclaration(id);

    const stale = await env.api.put(`/v1/declarations/${id}/document`, {
      token: acme,
      ifMatch: '"1"',
      json: { ...document, incoterm: 'DAP' },
    });
    const missing = await env.api.put(`/v1/declarations/${id}/document`, {
      token: acme,
      json: { ...document, incoterm: 'DAP' },
    });

    assert.equal(stale.status, 412);
    assert.equal(stale.contentType, 'application/problem+json');
    assert.deepEqual(
      stale.body.errors?.map(({ field, rule }) => ({ field, rule })),
      [{ field: 'if-match', rule: 'current-version' }],
    );
    assert.equal(missing.status, 428);
    assert.deepEqual(await itemsOfDeclaration(id), itemsBefore, 'nothing written');
  });
});
