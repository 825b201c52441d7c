import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { DeleteItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DECLARATION_ID_PATTERN, declarationIdFor } from '#domain/declaration.ts';
import {
  conditionFailedTransaction,
  DECLARATIONS_TABLE,
  declarationItem,
  declarationTableWrites,
  documents,
  dynamoDb,
  idempotencyRecords,
  resetAwsMocks,
  stepFunctions,
} from '../support/aws.ts';
import { CONTAINERS, goodsLine, railImportDeclaration } from '../support/declarations.ts';
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
  TEST_ENV,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const { handler } = await import('../../functions/handlers/submit-declaration.ts');

interface Submission {
  readonly body?: unknown;
  readonly idempotencyKey?: string | null;
  readonly claims?: Claims;
}

/** POSTs a declaration the way a broker's system does: JSON body, Idempotency-Key, Cognito token. */
async function submit({
  body = railImportDeclaration(),
  idempotencyKey = 'order-4711',
  claims = brokerClaims(),
}: Submission = {}) {
  const event = apiEvent({
    method: 'POST',
    path: '/v1/declarations',
    claims,
    headers: idempotencyKey === null ? {} : { 'Idempotency-Key': idempotencyKey },
    body,
  });
  return parseResponse(await handler(event, lambdaContext('submit-declaration')));
}

/** A copy of a valid declaration, loosened so a test can break it in ways the type would not allow. */
function editableDeclaration(): Record<string, unknown> & { goods: Record<string, unknown>[] } {
  return structuredClone(railImportDeclaration()) as unknown as Record<string, unknown> & {
    goods: Record<string, unknown>[];
  };
}

function assertNothingFiled(): void {
  assert.deepEqual(declarationTableWrites(), [], 'no write reached the declarations table');
  assert.equal(stepFunctions.commandCalls(StartExecutionCommand).length, 0, 'no workflow was started');
}

function assertProblem(
  response: { statusCode: number; headers: Record<string, unknown>; body: { status?: number; type?: string } },
  status: number,
  type: string,
): void {
  assert.equal(response.statusCode, status);
  assert.equal(response.headers['content-type'], 'application/problem+json');
  assert.equal(response.body.status, status);
  assert.equal(response.body.type, `urn:preclearance:problem:${type}`);
}

beforeEach(() => {
  resetAwsMocks();
});

describe('POST /v1/declarations: a broker files an advance rail-import declaration', () => {
  it('is accepted with 202, answered with the new declaration and a link to it, and its workflow starts', async () => {
    const document = railImportDeclaration();

    const response = await submit({ body: document, idempotencyKey: 'order-4711' });

    const id = declarationIdFor(BROKER_ID, 'order-4711');
    assert.equal(response.statusCode, 202);
    assert.equal(response.headers['content-type'], 'application/json');
    assert.match(response.body.id, DECLARATION_ID_PATTERN);
    assert.equal(response.body.id, id);
    assert.equal(response.body.status, 'RECEIVED');
    assert.equal(response.body.cusresCode, '1');
    assert.equal(response.body.version, 1);
    assert.equal(response.body.links.self, `/dev/v1/declarations/${id}`);
    assert.equal(response.headers.location, `/dev/v1/declarations/${id}`);
  });

  it('stores the declaration and its first history entry in one transaction that cannot overwrite', async () => {
    const document = railImportDeclaration();

    await submit({ body: document, idempotencyKey: 'order-4711' });

    const id = declarationIdFor(BROKER_ID, 'order-4711');
    const writes = documents.commandCalls(TransactWriteCommand);
    assert.equal(writes.length, 1);
    const [head, history] = writes[0]?.args[0].input.TransactItems ?? [];
    assert.equal(head?.Put?.TableName, DECLARATIONS_TABLE);
    assert.equal(head?.Put?.ConditionExpression, 'attribute_not_exists(PK)');
    const { submittedAt, updatedAt, GSI1SK, ...item } = head?.Put?.Item ?? {};
    assert.deepEqual(item, {
      PK: `DECL#${id}`,
      SK: 'DECLARATION',
      entity: 'Declaration',
      id,
      brokerId: BROKER_ID,
      status: 'RECEIVED',
      version: 1,
      document,
      idempotencyKey: 'order-4711',
      waybillNumber: document.waybillNumber,
      GSI1PK: `BROKER#${BROKER_ID}`,
    });
    assert.match(String(submittedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    assert.equal(updatedAt, submittedAt);
    assert.equal(GSI1SK, `${submittedAt}#${id}`);
    assert.equal(history?.Put?.TableName, DECLARATIONS_TABLE);
    assert.equal(history?.Put?.Item?.PK, `DECL#${id}`);
    assert.equal(history?.Put?.Item?.SK, 'HISTORY#000001');
    assert.equal(history?.Put?.Item?.status, 'RECEIVED');
    assert.equal(history?.Put?.Item?.transition, 'SUBMIT');
    assert.equal(history?.Put?.Item?.version, 1);
  });

  it('starts the rail-import workflow named after the declaration, so it can only ever start once', async () => {
    await submit({ idempotencyKey: 'order-4711' });

    const starts = stepFunctions.commandCalls(StartExecutionCommand);
    assert.equal(starts.length, 1);
    const id = declarationIdFor(BROKER_ID, 'order-4711');
    assert.deepEqual(starts[0]?.args[0].input, {
      stateMachineArn: TEST_ENV.RAIL_IMPORT_STATE_MACHINE_ARN,
      name: id,
      input: JSON.stringify({ declarationId: id }),
    });
  });

  it('replays the first answer to a retry with the same key, without filing or starting anything again', async () => {
    const first = await submit({ idempotencyKey: 'order-4711' });

    const retry = await submit({ idempotencyKey: 'order-4711' });

    assert.equal(retry.statusCode, 202);
    assert.deepEqual(retry.body, first.body);
    assert.equal(retry.headers.location, first.headers.location);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1);
    assert.equal(stepFunctions.commandCalls(StartExecutionCommand).length, 1);
  });

  it('refuses a reused key with a different declaration (422), instead of replaying the wrong answer', async () => {
    await submit({ idempotencyKey: 'order-4711' });

    const reused = await submit({
      idempotencyKey: 'order-4711',
      body: railImportDeclaration({ waybillNumber: 'SMGS-99999999' }),
    });

    assertProblem(reused, 422, 'idempotency-key-reused');
    assert.equal(reused.body.errors[0].field, 'idempotency-key');
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1);
  });

  it('keeps two brokers who choose the same key apart: each gets its own declaration', async () => {
    const mine = await submit({ idempotencyKey: 'order-1', claims: brokerClaims(BROKER_ID) });
    const theirs = await submit({ idempotencyKey: 'order-1', claims: brokerClaims(OTHER_BROKER_ID) });

    assert.equal(mine.statusCode, 202);
    assert.equal(theirs.statusCode, 202);
    assert.notEqual(mine.body.id, theirs.body.id);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 2);
  });

  it('answers a retry that outlived its idempotency record with the declaration already on file', async () => {
    const id = declarationIdFor(BROKER_ID, 'order-4711');
    const onFile = declarationItem({
      id,
      brokerId: BROKER_ID,
      status: 'RISK_ASSESSED',
      version: 3,
      document: railImportDeclaration(),
    });
    documents.on(TransactWriteCommand).rejects(conditionFailedTransaction());
    documents.on(GetCommand, { Key: { PK: `DECL#${id}`, SK: 'DECLARATION' } }).resolves({ Item: onFile });
    stepFunctions.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));

    const response = await submit({ idempotencyKey: 'order-4711' });

    assert.equal(response.statusCode, 202);
    assert.equal(response.body.id, id);
    assert.equal(response.body.status, 'RISK_ASSESSED');
    assert.equal(response.body.version, 3);
  });

  it('answers a double submission still being filed with 409, and files the declaration once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reachedStart: () => void = () => undefined;
    const firstIsStarting = new Promise<void>((resolve) => {
      reachedStart = resolve;
    });
    stepFunctions.on(StartExecutionCommand).callsFake(async (input: { name?: string }) => {
      reachedStart();
      await gate;
      return {
        executionArn: `arn:aws:states:eu-central-1:123456789012:execution:rail-import:${input.name}`,
        startDate: new Date(),
      };
    });

    const first = submit({ idempotencyKey: 'order-4711' });
    await firstIsStarting;
    const second = await submit({ idempotencyKey: 'order-4711' });
    release();

    assertProblem(second, 409, 'request-in-progress');
    assert.equal((await first).statusCode, 202);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1);
  });

  it('answers 500 when DynamoDB fails, and frees the key so the broker can retry', async () => {
    documents.on(TransactWriteCommand).rejects(Object.assign(new Error('throttled'), { name: 'ThrottlingException' }));

    const response = await submit({ idempotencyKey: 'order-4711' });

    assertProblem(response, 500, 'internal-error');
    assert.equal(stepFunctions.commandCalls(StartExecutionCommand).length, 0);
    assert.equal(dynamoDb.commandCalls(DeleteItemCommand).length, 1);
    assert.equal(idempotencyRecords.size, 0);
  });
});

describe('POST /v1/declarations: a declaration that breaks a rule is refused before anything is filed', () => {
  it('answers malformed JSON with 400 and the json-syntax rule', async () => {
    const response = await submit({ body: '{"declarationType": "RAIL_IMPORT", "waybillNumber": ' });

    assertProblem(response, 400, 'malformed-json');
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => ({ field: e.field, rule: e.rule })),
      [{ field: '', rule: 'json-syntax' }],
    );
    assertNothingFiled();
    assert.equal(dynamoDb.calls().length, 0, 'not even an idempotency record');
  });

  it('names a missing waybill number: field /waybillNumber, rule required (422)', async () => {
    const body = editableDeclaration();
    delete body.waybillNumber;

    const response = await submit({ body });

    assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['/waybillNumber', 'required']],
    );
    assertNothingFiled();
  });

  it('refuses an amount sent as the string "100": field /goods/0/value/amount, rule type (422)', async () => {
    const body = editableDeclaration();
    body.goods[0] = { ...body.goods[0], value: { amount: '100', currency: 'CNY' } };

    const response = await submit({ body });

    assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['/goods/0/value/amount', 'type']],
    );
    assertNothingFiled();
  });

  it('refuses a container number with a wrong check digit under the iso6346-check-digit rule', async () => {
    const response = await submit({
      body: railImportDeclaration({ containers: [{ number: 'CSQU3054384' }], goods: [goodsLine('85171300')] }),
    });

    assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['/containers/0/number', 'iso6346-check-digit']],
    );
    assertNothingFiled();
  });

  it('reports every broken field in one answer, each under its own rule', async () => {
    const body = editableDeclaration();
    delete body.waybillNumber;
    body.goods[0] = { ...goodsLine('77010000'), value: { amount: 10, currency: 'XYZ' }, originCountry: 'XX' };
    body.unexpected = true;

    const response = await submit({ body });

    assertProblem(response, 422, 'validation-failed');
    const rules = new Map(response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]));
    assert.deepEqual(Object.fromEntries(rules), {
      '/waybillNumber': 'required',
      '/unexpected': 'additionalProperties',
      '/goods/0/hsCode': 'hs-code',
      '/goods/0/value/currency': 'iso4217-currency',
      '/goods/0/originCountry': 'iso3166-country',
    });
    assertNothingFiled();
  });

  it('refuses goods in a container the declaration does not list (422 declared-container) and frees the key', async () => {
    const body = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }],
      goods: [{ ...goodsLine('85171300'), containerNumber: CONTAINERS.second }],
    });

    const response = await submit({ body, idempotencyKey: 'order-4711' });

    assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['/goods/0/containerNumber', 'declared-container']],
    );
    assertNothingFiled();
    assert.equal(idempotencyRecords.size, 0, 'the broker may resubmit the corrected declaration with the same key');
  });

  it('refuses a container listed twice (422 unique-container)', async () => {
    const response = await submit({
      body: railImportDeclaration({ containers: [{ number: CONTAINERS.first }, { number: CONTAINERS.first }] }),
    });

    assertProblem(response, 422, 'validation-failed');
    assert.equal(response.body.errors[0].field, '/containers/1/number');
    assert.equal(response.body.errors[0].rule, 'unique-container');
    assertNothingFiled();
  });

  it('names an unexpected property by a well-formed JSON Pointer, escaping "/" and "~"', async () => {
    const response = await submit({ body: { ...railImportDeclaration(), 'notes/internal': 'x', 'a~b': 1 } });

    assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(response.body.errors.map((e: { field: string }) => e.field).sort(), ['/a~0b', '/notes~1internal']);
  });

  it('answers a submission without an Idempotency-Key with 400 naming the header', async () => {
    const response = await submit({ idempotencyKey: null });

    assertProblem(response, 400, 'invalid-header');
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['idempotency-key', 'required']],
    );
    assertNothingFiled();
    assert.equal(dynamoDb.commandCalls(PutItemCommand).length, 0);
  });

  it('reads the Idempotency-Key header whatever its case', async () => {
    const event = apiEvent({
      method: 'POST',
      path: '/v1/declarations',
      claims: brokerClaims(),
      headers: { 'IDEMPOTENCY-KEY': 'order-4711' },
      body: railImportDeclaration(),
    });

    const response = parseResponse(await handler(event, lambdaContext()));

    assert.equal(response.statusCode, 202);
    assert.equal(response.body.id, declarationIdFor(BROKER_ID, 'order-4711'));
  });

  it('refuses a body that is not sent as JSON (415)', async () => {
    const event = apiEvent({
      method: 'POST',
      path: '/v1/declarations',
      claims: brokerClaims(),
      headers: { 'Idempotency-Key': 'order-4711', 'Content-Type': 'text/plain' },
      body: railImportDeclaration(),
    });

    const response = parseResponse(await handler(event, lambdaContext()));

    assertProblem(response, 415, 'unsupported-media-type');
    assertNothingFiled();
  });
});

describe('POST /v1/declarations: only brokers may file', () => {
  it('refuses a port operator with 403, before even reading the body', async () => {
    const response = await submit({ claims: portOperatorClaims(), body: '{not json' });

    assertProblem(response, 403, 'forbidden');
    assertNothingFiled();
    assert.equal(dynamoDb.calls().length, 0);
  });

  it('refuses a broker account without a broker id with 403 and frees the key', async () => {
    const response = await submit({ claims: { sub: 'u-9', 'cognito:groups': 'broker' } });

    assertProblem(response, 403, 'forbidden');
    assertNothingFiled();
    assert.equal(idempotencyRecords.size, 0);
  });

  it('lets a user who is both broker and port operator file for the broker', async () => {
    const response = await submit({ claims: { ...brokerClaims(), 'cognito:groups': '[broker port-operator]' } });

    assert.equal(response.statusCode, 202);
  });

  it('answers a request without an identity with 401', async () => {
    const event = apiEvent({
      method: 'POST',
      path: '/v1/declarations',
      headers: { 'Idempotency-Key': 'order-4711' },
      body: railImportDeclaration(),
    });

    const response = parseResponse(await handler(event, lambdaContext()));

    assertProblem(response, 401, 'unauthorized');
    assertNothingFiled();
  });
});
