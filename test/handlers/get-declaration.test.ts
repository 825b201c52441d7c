import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { declarationIdFor } from '#domain/declaration.ts';
import { DECLARATIONS_TABLE, declarationItem, documents, historyItem, resetAwsMocks } from '../support/aws.ts';
import { railImportDeclaration } from '../support/declarations.ts';
import {
  apiEvent,
  BROKER_ID,
  brokerClaims,
  type Claims,
  lambdaContext,
  OTHER_BROKER_ID,
  parseResponse,
  portOperatorClaims,
  setUpLambdaEnvironment,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const { handler } = await import('../../functions/handlers/get-declaration.ts');

const ID = declarationIdFor(BROKER_ID, 'order-4711');
const DOCUMENT = railImportDeclaration();

async function getDeclaration(id: string, claims: Claims = brokerClaims()) {
  const event = apiEvent({
    method: 'GET',
    path: `/v1/declarations/${id}`,
    pathParameters: { id },
    claims,
  });
  return parseResponse(await handler(event, lambdaContext('get-declaration')));
}

/** The declaration's partition as the repository stores it: head item and history, in table (SK) order. */
type Item = Record<string, unknown>;

function storedPartition(): [head: Item, first: Item, second: Item, third: Item] {
  return [
    declarationItem({
      id: ID,
      brokerId: BROKER_ID,
      status: 'RISK_ASSESSED',
      version: 3,
      document: DOCUMENT,
      facts: { riskChannel: 'GREEN', riskRule: 'DEFAULT_GREEN' },
    }),
    historyItem(ID, { version: 1, status: 'RECEIVED', transition: 'SUBMIT', at: '2025-02-27T08:00:00.000Z' }),
    historyItem(ID, { version: 2, status: 'VALIDATED', transition: 'VALIDATE', at: '2025-02-27T08:01:00.000Z' }),
    historyItem(ID, {
      version: 3,
      status: 'RISK_ASSESSED',
      transition: 'ASSIGN_RISK_CHANNEL',
      at: '2025-02-27T08:02:00.000Z',
      details: { channel: 'GREEN', rule: 'DEFAULT_GREEN', reason: 'no risk rule matched' },
    }),
  ];
}

beforeEach(() => {
  resetAwsMocks();
});

describe('GET /v1/declarations/{id}: a broker follows a declaration', () => {
  it('shows the owning broker its status, CUSRES code, facts, document and stage history', async () => {
    documents.on(QueryCommand).resolves({ Items: storedPartition() });

    const response = await getDeclaration(ID);

    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.equal(response.body.id, ID);
    assert.equal(response.body.status, 'RISK_ASSESSED');
    assert.equal(response.body.cusresCode, '1');
    assert.equal(response.body.version, 3);
    assert.equal(response.body.riskChannel, 'GREEN');
    assert.deepEqual(response.body.declaration, DOCUMENT);
    assert.deepEqual(
      response.body.history.map((entry: { version: number; status: string; transition: string }) => [
        entry.version,
        entry.status,
        entry.transition,
      ]),
      [
        [1, 'RECEIVED', 'SUBMIT'],
        [2, 'VALIDATED', 'VALIDATE'],
        [3, 'RISK_ASSESSED', 'ASSIGN_RISK_CHANNEL'],
      ],
    );
    assert.equal(response.body.history[2].details.rule, 'DEFAULT_GREEN');
    assert.equal(response.body.links.self, `/dev/v1/declarations/${ID}`);
  });

  it('reads the declaration’s partition consistently from the declarations table', async () => {
    documents.on(QueryCommand).resolves({ Items: storedPartition() });

    await getDeclaration(ID);

    const queries = documents.commandCalls(QueryCommand);
    assert.equal(queries.length, 1);
    const input = queries[0]?.args[0].input;
    assert.equal(input?.TableName, DECLARATIONS_TABLE);
    assert.equal(input?.ConsistentRead, true);
    assert.deepEqual(input?.ExpressionAttributeValues, { ':pk': `DECL#${ID}` });
  });

  it('lists the history in version order even when it spans several pages', async () => {
    const [head, first, second, third] = storedPartition();
    documents
      .on(QueryCommand)
      .resolvesOnce({ Items: [third, head], LastEvaluatedKey: { PK: `DECL#${ID}`, SK: 'HISTORY#000003' } })
      .resolvesOnce({ Items: [second, first] });

    const response = await getDeclaration(ID);

    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      response.body.history.map((entry: { version: number }) => entry.version),
      [1, 2, 3],
    );
    const pages = documents.commandCalls(QueryCommand);
    assert.equal(pages.length, 2);
    assert.deepEqual(pages[1]?.args[0].input.ExclusiveStartKey, { PK: `DECL#${ID}`, SK: 'HISTORY#000003' });
  });

  it('answers another broker with 404, as if the declaration did not exist', async () => {
    documents.on(QueryCommand).resolves({ Items: storedPartition() });

    const response = await getDeclaration(ID, brokerClaims(OTHER_BROKER_ID));

    assert.equal(response.statusCode, 404);
    assert.equal(response.headers['content-type'], 'application/problem+json');
    assert.equal(response.body.type, 'urn:preclearance:problem:not-found');
    assert.equal(response.body.declaration, undefined);
    assert.equal(response.body.history, undefined);
  });

  it('answers 404 for an id that was never filed', async () => {
    documents.on(QueryCommand).resolves({ Items: [] });

    const response = await getDeclaration('DCL-0123456789ABCDEF01234567');

    assert.equal(response.statusCode, 404);
    assert.equal(response.body.type, 'urn:preclearance:problem:not-found');
  });

  it('answers 404 for a malformed id without reading the table', async () => {
    for (const id of ['not-an-id', 'dcl-0123456789abcdef01234567', `${ID}0`, 'DCL-', '']) {
      const response = await getDeclaration(id);

      assert.equal(response.statusCode, 404, JSON.stringify(id));
      assert.equal(response.body.type, 'urn:preclearance:problem:not-found');
    }
    assert.equal(documents.commandCalls(QueryCommand).length, 0);
  });

  it('refuses a port operator with 403', async () => {
    documents.on(QueryCommand).resolves({ Items: storedPartition() });

    const response = await getDeclaration(ID, portOperatorClaims());

    assert.equal(response.statusCode, 403);
    assert.equal(response.body.type, 'urn:preclearance:problem:forbidden');
    assert.equal(documents.commandCalls(QueryCommand).length, 0);
  });
});
