import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { HistoryEntry } from '#domain/lifecycle.ts';
import {
  declarationHeadItem,
  declarationItems,
  documents,
  historyItem,
  type Item,
  resetAwsMocks,
  tableHolds,
} from '../support/aws.ts';
import { railImportDeclaration, roadImportDeclaration } from '../support/declarations.ts';
import {
  apiEvent,
  assertProblem,
  BROKER_ID,
  brokerClaims,
  type Claims,
  lambdaContext,
  OTHER_BROKER_ID,
  officerClaims,
  parseResponse,
  portOperatorClaims,
  railwayClaims,
  setUpLambdaEnvironment,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const getDeclaration = (await import('../../functions/handlers/get-declaration.ts')).handler;
const listDeclarations = (await import('../../functions/handlers/list-declarations.ts')).handler;
const listEvents = (await import('../../functions/handlers/list-events.ts')).handler;

const RAIL_ID = 'DCL-0123456789ABCDEF01234567';
const ROAD_ID = 'DCL-89ABCDEF0123456789ABCDEF';

const railDocument = railImportDeclaration();
const roadDocument = roadImportDeclaration();

/** Filed by the broker, then given a risk channel: the second entry carries the rule that fired. */
function historyOf(id: string): HistoryEntry[] {
  return [
    {
      version: 1,
      status: 'RECEIVED',
      transition: 'FILE',
      actor: { kind: 'broker', id: `user-of-${BROKER_ID}` },
      occurredAt: '2025-02-27T08:00:00.000Z',
      recordedAt: '2025-02-27T08:00:00.000Z',
      reason: 'the broker filed the declaration',
    },
    {
      version: 2,
      status: 'RISK_ASSESSED',
      previousStatus: 'RECEIVED',
      transition: 'ASSIGN_RISK_CHANNEL',
      actor: { kind: 'system', id: 'risk-engine' },
      occurredAt: '2025-02-27T08:00:02.000Z',
      recordedAt: '2025-02-27T08:00:02.000Z',
      reason: `green channel: no risk rule fired (${id})`,
      details: { channel: 'GREEN', rule: 'DEFAULT_GREEN', reason: 'no risk rule fired', priority: false, fired: [] },
    },
  ];
}

function filedDeclarations(): Item[] {
  const facts = { riskChannel: 'GREEN' };
  return [
    ...declarationItems({
      id: RAIL_ID,
      brokerId: BROKER_ID,
      document: railDocument,
      status: 'RISK_ASSESSED',
      version: 2,
      facts,
    }),
    ...historyOf(RAIL_ID).map((entry) => historyItem(RAIL_ID, entry)),
    ...declarationItems({
      id: ROAD_ID,
      brokerId: BROKER_ID,
      document: roadDocument,
      status: 'RISK_ASSESSED',
      version: 2,
      facts,
    }),
    ...historyOf(ROAD_ID).map((entry) => historyItem(ROAD_ID, entry)),
  ];
}

async function read(id: string, claims: Claims) {
  const event = apiEvent({
    method: 'GET',
    path: `/v1/declarations/${id}`,
    claims,
    pathParameters: { id },
  });
  return parseResponse(await getDeclaration(event, lambdaContext('get-declaration')));
}

async function list(query: Record<string, string>, claims: Claims = brokerClaims()) {
  const event = apiEvent({ method: 'GET', path: '/v1/declarations', claims, query });
  return parseResponse(await listDeclarations(event, lambdaContext('list-declarations')));
}

async function pullEvents(query: Record<string, string>, claims: Claims = brokerClaims()) {
  const event = apiEvent({ method: 'GET', path: '/v1/events', claims, query });
  return parseResponse(await listEvents(event, lambdaContext('list-events')));
}

const withoutDetails = (history: HistoryEntry[]) => history.map(({ details: _details, ...entry }) => entry);

beforeEach(() => {
  resetAwsMocks();
  tableHolds(...filedDeclarations());
});

describe('GET /v1/declarations/{id}: the broker who filed it', () => {
  it('reads its status, the whole document and the whole history', async () => {
    const response = await read(RAIL_ID, brokerClaims(BROKER_ID));

    assert.equal(response.statusCode, 200, JSON.stringify(response.body));
    assert.equal(response.body.id, RAIL_ID);
    assert.equal(response.body.status, 'RISK_ASSESSED');
    assert.deepEqual(response.body.facts, { riskChannel: 'GREEN' });
    assert.equal(response.body.links.self, `/dev/v1/declarations/${RAIL_ID}`);
    assert.deepEqual(response.body.declaration, railDocument);
    assert.deepEqual(response.body.history, historyOf(RAIL_ID));
  });

  it('another broker is told it does not exist (404), so ids cannot be probed across brokers', async () => {
    const response = await read(RAIL_ID, brokerClaims(OTHER_BROKER_ID));

    assertProblem(response, 404, 'not-found');
    assert.equal(response.body.declaration, undefined);
  });

  it('an id that names nothing is 404', async () => {
    assertProblem(await read('DCL-FFFFFFFFFFFFFFFFFFFFFFFF', brokerClaims()), 404, 'not-found');
  });

  for (const malformed of ['DCL-123', 'dcl-0123456789abcdef01234567', '..%2F..%2Fetc']) {
    it(`a malformed id (${malformed}) is 404 without reading DynamoDB`, async () => {
      const response = await read(malformed, brokerClaims());

      assertProblem(response, 404, 'not-found');
      assert.equal(documents.calls().length, 0, 'DynamoDB was not read');
    });
  }
});

describe('GET /v1/declarations/{id}: customs and the port', () => {
  it('an officer reads any declaration in full', async () => {
    const response = await read(ROAD_ID, officerClaims());

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.body.declaration, roadDocument);
    assert.deepEqual(response.body.history, historyOf(ROAD_ID));
  });

  it('the port operator sees the transport only (no goods, no parties), and the history without details', async () => {
    const response = await read(RAIL_ID, portOperatorClaims());

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.body.declaration, {
      declarationType: 'RAIL_IMPORT',
      filingMode: railDocument.filingMode,
      train: railDocument.train,
      waybillNumber: railDocument.waybillNumber,
      waybillKind: railDocument.waybillKind,
      expectedArrivalAt: railDocument.expectedArrivalAt,
      containers: railDocument.containers,
      clearance: railDocument.clearance,
    });
    assert.equal(response.body.declaration.goods, undefined);
    assert.equal(response.body.declaration.consignee, undefined);
    assert.deepEqual(response.body.history, withoutDetails(historyOf(RAIL_ID)));
  });

  it('the port operator sees a road declaration’s truck and transit document', async () => {
    const response = await read(ROAD_ID, portOperatorClaims());

    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.body.declaration, {
      declarationType: 'ROAD_IMPORT',
      truck: roadDocument.truck,
      transitDocument: roadDocument.transitDocument,
      expectedGateAt: roadDocument.expectedGateAt,
      containers: roadDocument.containers,
    });
  });

  it('the railway sees a rail declaration’s logistics', async () => {
    const response = await read(RAIL_ID, railwayClaims());

    assert.equal(response.statusCode, 200);
    assert.equal(response.body.declaration.waybillNumber, railDocument.waybillNumber);
    assert.equal(response.body.declaration.goods, undefined);
    assert.deepEqual(response.body.history, withoutDetails(historyOf(RAIL_ID)));
  });

  it('the railway is told a road declaration does not exist (404)', async () => {
    assertProblem(await read(ROAD_ID, railwayClaims()), 404, 'not-found');
  });
});

describe('GET /v1/declarations: a broker lists its declarations', () => {
  /** Three of this broker's declarations filed a day apart, and one of another broker's. */
  function listing(): void {
    const filed = (id: string, brokerId: string, day: number, status: 'RECEIVED' | 'RELEASED') =>
      declarationHeadItem({
        id,
        brokerId,
        document: railDocument,
        status,
        version: status === 'RELEASED' ? 6 : 1,
        filedAt: `2025-03-0${day}T08:00:00.000Z`,
      });
    tableHolds(
      filed('DCL-000000000000000000000001', BROKER_ID, 1, 'RELEASED'),
      filed('DCL-000000000000000000000002', BROKER_ID, 2, 'RECEIVED'),
      filed('DCL-000000000000000000000003', BROKER_ID, 3, 'RELEASED'),
      filed('DCL-0000000000000000000000FF', OTHER_BROKER_ID, 4, 'RECEIVED'),
    );
  }

  it('pages newest first: a page carries links.next with its cursor, which leads to the rest', async () => {
    listing();

    const first = await list({ limit: '2' });

    assert.equal(first.statusCode, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.items.map((item: { id: string }) => item.id),
      ['DCL-000000000000000000000003', 'DCL-000000000000000000000002'],
    );
    assert.equal(typeof first.body.nextCursor, 'string');
    assert.equal(
      first.body.links.next,
      `/dev/v1/declarations?limit=2&cursor=${encodeURIComponent(first.body.nextCursor)}`,
    );
    assert.equal(first.body.links.self, '/dev/v1/declarations?limit=2');
    assert.equal(first.body.items[0].links.self, '/dev/v1/declarations/DCL-000000000000000000000003');

    const next = new URL(first.body.links.next, 'https://api.example').searchParams;
    const second = await list(Object.fromEntries(next));

    assert.equal(second.statusCode, 200, JSON.stringify(second.body));
    assert.deepEqual(
      second.body.items.map((item: { id: string }) => item.id),
      ['DCL-000000000000000000000001'],
    );
    assert.equal(second.body.nextCursor, undefined);
    assert.equal(second.body.links.next, undefined);
  });

  it('filters by status', async () => {
    listing();

    const response = await list({ status: 'RELEASED' });

    assert.equal(response.statusCode, 200);
    assert.deepEqual(
      response.body.items.map((item: { id: string; status: string }) => [item.id, item.status]),
      [
        ['DCL-000000000000000000000003', 'RELEASED'],
        ['DCL-000000000000000000000001', 'RELEASED'],
      ],
    );
  });

  for (const [query, expected] of [
    [{ limit: 'abc' }, 'limit type'],
    [{ limit: '0' }, 'limit minimum'],
    [{ limit: '101' }, 'limit maximum'],
    [{ sort: 'newest' }, 'sort additionalProperties'],
    [{ status: 'PENDING' }, 'status enum'],
  ] as const) {
    it(`a bad query (${new URLSearchParams(query)}) is 400 invalid-query naming the parameter`, async () => {
      const response = await list(query);

      assert.deepEqual(assertProblem(response, 400, 'invalid-query'), [expected]);
      assert.equal(documents.calls().length, 0, 'DynamoDB was not read');
    });
  }

  it('a forged cursor is 400 naming cursor', async () => {
    // Well-formed, but naming a position outside any declaration listing.
    const forged = Buffer.from(JSON.stringify({ s: '2025-03-01T08:00:00.000Z#ADMIN', p: 'USER#admin' })).toString(
      'base64url',
    );

    const response = await list({ cursor: forged });

    assert.deepEqual(assertProblem(response, 400, 'invalid-query'), ['cursor cursor']);
    assert.equal(documents.commandCalls(QueryCommand).length, 0, 'nothing was queried');
  });
});

describe('GET /v1/events: a broker pulls its declarations’ events', () => {
  it('reads them oldest first, and continues after the cursor it was given', async () => {
    const eventItem = (version: number, recordedAt: string) => ({
      PK: `EVENTS#${BROKER_ID}`,
      SK: `${recordedAt}#${RAIL_ID}#${String(version).padStart(6, '0')}`,
      entity: 'DomainEvent',
      brokerId: BROKER_ID,
      event: { eventId: `${RAIL_ID}.v${version}`, declarationId: RAIL_ID, version, recordedAt },
    });
    tableHolds(eventItem(1, '2025-02-27T08:00:00.000Z'), eventItem(2, '2025-02-27T08:00:02.000Z'));

    const first = await pullEvents({ limit: '1' });
    assert.equal(first.statusCode, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.items.map((event: { eventId: string }) => event.eventId),
      [`${RAIL_ID}.v1`],
    );

    const second = await pullEvents({ after: first.body.nextCursor });
    assert.deepEqual(
      second.body.items.map((event: { eventId: string }) => event.eventId),
      [`${RAIL_ID}.v2`],
    );
  });

  for (const after of ['not-a-cursor', Buffer.from('{}').toString('base64url')]) {
    it(`a cursor it did not issue (${after}) is 400 naming after`, async () => {
      const response = await pullEvents({ after });

      assert.deepEqual(assertProblem(response, 400, 'invalid-query'), ['after cursor']);
    });
  }
});
