import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { declarationIdFor } from '#domain/declaration.ts';
import { declarationYearOf } from '#domain/declaration-number.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import {
  DECLARATIONS_TABLE,
  declarationTableWrites,
  documents,
  idempotencyRecords,
  queuedWorkflowCommands,
  resetAwsMocks,
} from '../support/aws.ts';
import {
  CONTAINERS,
  goodsLine,
  railImportDeclaration,
  roadExportDeclaration,
  roadImportDeclaration,
} from '../support/declarations.ts';
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
const { handler } = await import('../../functions/handlers/file-declaration.ts');

interface Filing {
  /** A string is sent as raw text; anything else as JSON. */
  readonly body?: unknown;
  /** null sends no Idempotency-Key at all. */
  readonly idempotencyKey?: string | null;
  /** null sends no token at all. */
  readonly claims?: Claims | null;
  readonly contentType?: string;
}

/** POSTs a declaration the way a broker's system does: JSON body, Idempotency-Key, Cognito token. */
async function file({
  body = railImportDeclaration(),
  idempotencyKey = 'LRN-2025-0001',
  claims = brokerClaims(),
  contentType = 'application/json',
}: Filing = {}) {
  const event = apiEvent({
    method: 'POST',
    path: '/v1/declarations',
    ...(claims === null ? {} : { claims }),
    headers: { 'Content-Type': contentType, ...(idempotencyKey === null ? {} : { 'Idempotency-Key': idempotencyKey }) },
    body,
  });
  return parseResponse(await handler(event, lambdaContext('file-declaration')));
}

/** A copy of a valid document, loosened so a test can break it in ways its type would not allow. */
function editable(document: DeclarationDocument): Record<string, unknown> & { goods: Record<string, unknown>[] } {
  return structuredClone(document) as unknown as Record<string, unknown> & { goods: Record<string, unknown>[] };
}

function assertNothingFiled(): void {
  assert.deepEqual(declarationTableWrites(), [], 'no write reached the declarations table');
  assert.equal(queuedWorkflowCommands('start').length, 0, 'no workflow was started');
  assert.equal(idempotencyRecords.size, 0, 'no answer was kept to replay: a corrected retry with the key is filed');
}

beforeEach(() => {
  resetAwsMocks();
});

describe('POST /v1/declarations: a broker files a declaration of each type', () => {
  const cases: [DeclarationDocument, string][] = [
    [railImportDeclaration(), 'rail-import'],
    [roadExportDeclaration(), 'road'],
    [roadImportDeclaration(), 'road'],
  ];
  for (const [document, workflow] of cases) {
    it(`${document.declarationType}: 202 with its Location and summary, stored once, its workflow started`, async () => {
      const response = await file({ body: document, idempotencyKey: 'LRN-2025-0001' });

      const id = declarationIdFor(BROKER_ID, 'LRN-2025-0001');
      assert.equal(response.statusCode, 202, JSON.stringify(response.body));
      assert.equal(response.headers.location, `/dev/v1/declarations/${id}`);
      const { filedAt, updatedAt, declarationNumber, ...summary } = response.body;
      const year = declarationYearOf(new Date(filedAt));
      const flag = document.declarationType === 'ROAD_EXPORT' ? '0' : '1';
      assert.equal(declarationNumber, `6501${year}${flag}000000001`, 'numbered on acceptance by the customs office');
      assert.deepEqual(
        documents.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key),
        [{ PK: `DECLNO#6501#${year}`, SK: 'SERIAL' }],
        'one serial drawn from the counter of the office and year',
      );
      assert.deepEqual(summary, {
        id,
        declarationType: document.declarationType,
        status: 'RECEIVED',
        cusresCode: '1',
        version: 1,
        documentVersion: 1,
        facts: {},
        links: { self: `/dev/v1/declarations/${id}` },
      });
      assert.equal(updatedAt, filedAt);

      const writes = documents.commandCalls(TransactWriteCommand);
      assert.equal(writes.length, 1, 'one transaction');
      const puts = (writes[0]?.args[0].input.TransactItems ?? []).map((item) => item.Put);
      assert.deepEqual(
        puts.map((put) => [put?.TableName, put?.Item?.PK, put?.Item?.SK?.replace(/^2\d{3}-.*#(DCL-)/, '<time>#$1')]),
        [
          [DECLARATIONS_TABLE, `DECL#${id}`, 'DECLARATION'],
          [DECLARATIONS_TABLE, `DECL#${id}`, 'DOCUMENT#0001'],
          [DECLARATIONS_TABLE, `DECL#${id}`, 'HISTORY#000001'],
          [DECLARATIONS_TABLE, `EVENTS#${BROKER_ID}`, `<time>#${id}#000001`],
        ],
      );
      assert.equal(puts[0]?.ConditionExpression, 'attribute_not_exists(PK)', 'a filing never overwrites');
      assert.deepEqual(puts[1]?.Item?.document, document, 'the document is kept as filed');

      assert.deepEqual(queuedWorkflowCommands(), [{ kind: 'start', workflow, declarationId: id }]);
    });
  }

  it('two brokers using the same reference file two declarations', async () => {
    const first = await file({ idempotencyKey: 'LRN-1', claims: brokerClaims(BROKER_ID) });
    const second = await file({ idempotencyKey: 'LRN-1', claims: brokerClaims(OTHER_BROKER_ID) });

    assert.equal(first.statusCode, 202);
    assert.equal(second.statusCode, 202);
    assert.notEqual(first.body.id, second.body.id);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 2);
  });
});

describe('POST /v1/declarations: the Idempotency-Key', () => {
  it('a filing without one is refused with 400 naming idempotency-key', async () => {
    const response = await file({ idempotencyKey: null });

    assert.deepEqual(assertProblem(response, 400, 'invalid-header'), ['idempotency-key required']);
    assertNothingFiled();
  });

  for (const [why, key] of [
    ['contains a space', 'LRN 2025 0001'],
    ['is longer than 255 characters', 'K'.repeat(256)],
    ['is empty', ''],
  ] as const) {
    it(`a key that ${why} is refused with 400 naming idempotency-key`, async () => {
      const response = await file({ idempotencyKey: key });

      const errors = assertProblem(response, 400, 'invalid-header');
      assert.deepEqual(
        errors.map((error) => error.split(' ')[0]),
        ['idempotency-key'],
      );
      assertNothingFiled();
    });
  }

  it('a retry with the same key replays the first answer and files once', async () => {
    const first = await file({ idempotencyKey: 'LRN-2025-0001' });
    const retry = await file({ idempotencyKey: 'LRN-2025-0001' });

    assert.equal(first.statusCode, 202);
    assert.deepEqual(retry, first);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1, 'stored once');
    assert.equal(queuedWorkflowCommands('start').length, 1, 'one workflow');
  });

  it('the same key with a different document is refused with 422 naming idempotency-key, and the first stands', async () => {
    await file({ idempotencyKey: 'LRN-2025-0001', body: railImportDeclaration() });

    const response = await file({ idempotencyKey: 'LRN-2025-0001', body: roadImportDeclaration() });

    const errors = assertProblem(response, 422, 'idempotency-key-reused');
    assert.deepEqual(errors, ['idempotency-key same-payload']);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1, 'nothing more was stored');
    assert.equal(queuedWorkflowCommands('start').length, 1, 'no second workflow');
  });
});

describe('POST /v1/declarations: who may file', () => {
  it('a request without a token is answered 401', async () => {
    const response = await file({ claims: null });

    assertProblem(response, 401, 'unauthorized');
    assertNothingFiled();
  });

  for (const [role, claims] of [
    ['railway', railwayClaims()],
    ['port operator', portOperatorClaims()],
    ['officer', officerClaims()],
  ] as const) {
    it(`a ${role} cannot file: 403`, async () => {
      const response = await file({ claims });

      assertProblem(response, 403, 'forbidden');
      assertNothingFiled();
    });
  }
});

describe('POST /v1/declarations: a body that is not a JSON document', () => {
  it('a body sent as text/plain is answered 415', async () => {
    const response = await file({ contentType: 'text/plain', body: JSON.stringify(railImportDeclaration()) });

    assert.deepEqual(assertProblem(response, 415, 'unsupported-media-type'), ['content-type media-type']);
    assertNothingFiled();
  });

  it('a truncated JSON body is answered 400', async () => {
    const response = await file({ body: '{"declarationType": "RAIL_IMPORT", "goods": [' });

    assert.deepEqual(assertProblem(response, 400, 'malformed-json'), [' json-syntax']);
    assertNothingFiled();
  });

  it('a description holding a lone surrogate is answered 400 naming the field', async () => {
    // As a broken client encodes it: the escape is valid JSON, but the text is not valid Unicode.
    const text = JSON.stringify(railImportDeclaration()).replace('"Smartphones"', '"Smartphones \\ud800"');
    assert.match(text, /\\ud800/);

    const response = await file({ body: text });

    assert.deepEqual(assertProblem(response, 400, 'malformed-json'), ['/goods/0/description unicode']);
    assertNothingFiled();
  });
});

describe('POST /v1/declarations: a document that breaks the rules is answered 422 naming each field', () => {
  it('a container number with a wrong ISO 6346 check digit', async () => {
    const document = editable(railImportDeclaration());
    document.containers = [{ number: 'CSQU3054384' }];

    const response = await file({ body: document });

    assert.deepEqual(assertProblem(response, 422, 'validation-failed'), ['/containers/0/number iso6346-check-digit']);
    assertNothingFiled();
  });

  it('a declaration type the API does not know', async () => {
    const document = editable(railImportDeclaration());
    document.declarationType = 'SEA_IMPORT';

    const response = await file({ body: document });

    assert.deepEqual(assertProblem(response, 422, 'validation-failed'), ['/declarationType discriminator']);
    assert.match(response.body.errors[0].detail, /"SEA_IMPORT"/);
    assertNothingFiled();
  });

  it('an amount and a gross mass of 1e-300, which DynamoDB could not store, each by its rule', async () => {
    const document = editable(roadImportDeclaration());
    document.goods[0] = { ...document.goods[0], value: { amount: 1e-300, currency: 'CNY' }, grossMassKg: 1e-300 };

    const response = await file({ body: document });

    const errors = assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(errors.sort(), ['/goods/0/grossMassKg minimum', '/goods/0/value/amount minimum']);
    assertNothingFiled();
  });

  it('a goods line in a container the declaration does not list (a rule of the domain)', async () => {
    const document = railImportDeclaration({
      goods: [goodsLine('85171300', { containerNumber: CONTAINERS.second })],
    });

    const response = await file({ body: document });

    assert.deepEqual(assertProblem(response, 422, 'validation-failed'), [
      '/goods/0/containerNumber declared-container',
    ]);
    assertNothingFiled();
  });
});

describe('POST /v1/declarations: a document too large to keep', () => {
  it('999 goods lines with 512-character descriptions are answered 413, and nothing is stored or started', async () => {
    const goods = Array.from({ length: 999 }, (_, index) =>
      goodsLine('85171300', { description: `${String(index).padStart(3, '0')} ${'x'.repeat(508)}` }),
    );
    assert.equal(goods[998]?.description.length, 512);

    const response = await file({ body: railImportDeclaration({ goods }) });

    assert.deepEqual(assertProblem(response, 413, 'payload-too-large'), [' max-document-size']);
    assertNothingFiled();
  });
});

describe('POST /v1/declarations: when DynamoDB fails', () => {
  it('answers 500 without promising that a retry is safe, starts no workflow, and a later retry files', async () => {
    documents
      .on(TransactWriteCommand)
      .rejectsOnce(new InternalServerError({ message: 'Internal server error', $metadata: {} }))
      .resolves({});

    const response = await file({ idempotencyKey: 'LRN-2025-0001' });

    assertProblem(response, 500, 'internal-error');
    assert.doesNotMatch(response.body.detail, /safe to retry/i);
    assert.match(response.body.detail, /request id/);
    assert.equal(queuedWorkflowCommands('start').length, 0, 'no workflow was started');

    const retry = await file({ idempotencyKey: 'LRN-2025-0001' });
    assert.equal(retry.statusCode, 202);
    assert.equal(queuedWorkflowCommands('start').length, 1);
  });
});
