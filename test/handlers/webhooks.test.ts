import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, beforeEach, describe, it } from 'node:test';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { httpWebhookTransport } from '#adapters/http-webhook-transport.ts';
import type { DomainEvent } from '#domain/events.ts';
import { verifyWebhookSignature } from '#domain/webhook-signature.ts';
import { DELIVERY_ERRORS } from '#domain/webhooks.ts';
import {
  conditionFailedTransaction,
  documents,
  type Item,
  resetAwsMocks,
  stepFunctions,
  tableHolds,
} from '../support/aws.ts';
import {
  apiEvent,
  assertProblem,
  BROKER_ID,
  brokerClaims,
  lambdaContext,
  OTHER_BROKER_ID,
  parseResponse,
  setUpLambdaEnvironment,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const DELIVERY_MACHINE = 'arn:aws:states:eu-central-1:123456789012:stateMachine:webhook-delivery';
Object.assign(process.env, { ALLOW_LOOPBACK_WEBHOOKS: 'true', WEBHOOK_DELIVERY_STATE_MACHINE_ARN: DELIVERY_MACHINE });
const register = (await import('../../functions/handlers/register-webhook.ts')).handler;
const list = (await import('../../functions/handlers/list-webhooks.ts')).handler;
const remove = (await import('../../functions/handlers/delete-webhook.ts')).handler;
const deliveries = (await import('../../functions/handlers/list-webhook-deliveries.ts')).handler;
const dispatch = (await import('../../functions/handlers/dispatch-notifications.ts')).handler;
const deliver = (await import('../../functions/handlers/workflow/deliver-webhook.ts')).handler;

const WEBHOOK_ID = 'WHK-0123456789ABCDEF01234567';
const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

/** A webhook as the store keeps it (spelled out: a layout change must fail here). */
function webhookItem(overrides: Partial<Item> = {}): Item {
  return {
    PK: `WEBHOOKS#${BROKER_ID}`,
    SK: `WEBHOOK#${WEBHOOK_ID}`,
    entity: 'WebhookSubscription',
    id: WEBHOOK_ID,
    brokerId: BROKER_ID,
    url: 'https://erp.almaty.example/hooks',
    description: 'ERP inbox',
    createdAt: '2026-11-20T10:00:00.000Z',
    secret: SECRET,
    ...overrides,
  };
}

function event(version = 2): DomainEvent {
  const recordedAt = new Date().toISOString();
  return {
    eventId: `DCL-0123456789ABCDEF01234567.v${version}`,
    eventType: 'declaration.status-changed',
    declarationId: 'DCL-0123456789ABCDEF01234567',
    declarationType: 'RAIL_IMPORT',
    status: 'RISK_ASSESSED',
    previousStatus: 'RECEIVED',
    version,
    transition: 'ASSIGN_RISK_CHANNEL',
    actor: { kind: 'system', id: 'risk-engine' },
    occurredAt: recordedAt,
    recordedAt,
    reason: 'green channel',
  };
}

beforeEach(() => resetAwsMocks());

const registerAs = async (body: unknown, key = 'hook-1', claims = brokerClaims()) =>
  parseResponse(
    await register(
      apiEvent({ method: 'POST', path: '/v1/webhooks', claims, headers: { 'Idempotency-Key': key }, body }),
      lambdaContext('register-webhook'),
    ),
  );

describe('POST /v1/webhooks', () => {
  it('registers the webhook with its count in one transaction and answers 201 with the secret, once', async () => {
    const response = await registerAs({ url: 'https://erp.almaty.example/hooks', description: 'ERP inbox' });

    assert.equal(response.statusCode, 201, JSON.stringify(response.body));
    assert.match(response.body.id, /^WHK-[0-9A-F]{24}$/);
    assert.match(response.body.secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
    assert.equal(response.body.links.deliveries, `/dev/v1/webhooks/${response.body.id}/deliveries`);
    const [transaction] = documents.commandCalls(TransactWriteCommand);
    const [count, put] = transaction?.args[0].input.TransactItems ?? [];
    assert.deepEqual(count?.Update?.Key, { PK: `WEBHOOKS#${BROKER_ID}`, SK: 'COUNT' });
    assert.equal(count?.Update?.ExpressionAttributeValues?.[':limit'], 10);
    assert.equal(put?.Put?.Item?.PK, `WEBHOOKS#${BROKER_ID}`);
    assert.equal(put?.Put?.Item?.secret, response.body.secret);
  });

  it('answers a retry with the same key with the same webhook, registering nothing twice', async () => {
    const first = await registerAs({ url: 'https://erp.almaty.example/hooks' }, 'hook-retry');
    const retry = await registerAs({ url: 'https://erp.almaty.example/hooks' }, 'hook-retry');
    assert.deepEqual(retry.body, first.body);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1);
  });

  it('refuses an http URL to a private host, naming /url and each rule', async () => {
    const errors = assertProblem(await registerAs({ url: 'http://10.0.0.1/hooks' }), 422, 'validation-failed');
    assert.deepEqual(errors, ['/url https-only', '/url public-host']);
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 0);
  });

  it('refuses the eleventh webhook with the rule max-webhooks', async () => {
    documents.on(TransactWriteCommand).rejects(conditionFailedTransaction());
    const errors = assertProblem(await registerAs({ url: 'https://erp.almaty.example/11' }), 422, 'validation-failed');
    assert.deepEqual(errors, [' max-webhooks']);
  });

  it('needs an Idempotency-Key', async () => {
    const response = parseResponse(
      await register(
        apiEvent({ method: 'POST', path: '/v1/webhooks', claims: brokerClaims(), body: { url: 'https://a.example/' } }),
        lambdaContext('register-webhook'),
      ),
    );
    assertProblem(response, 400, 'invalid-header');
  });
});

describe('GET /v1/webhooks and DELETE /v1/webhooks/{id}', () => {
  it('lists the broker’s webhooks without their secrets', async () => {
    tableHolds(webhookItem(), { PK: `WEBHOOKS#${BROKER_ID}`, SK: 'COUNT', entity: 'WebhookCount', webhooks: 1 });
    const response = parseResponse(
      await list(apiEvent({ method: 'GET', path: '/v1/webhooks', claims: brokerClaims() }), lambdaContext()),
    );
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.body.items, [
      {
        id: WEBHOOK_ID,
        url: 'https://erp.almaty.example/hooks',
        description: 'ERP inbox',
        createdAt: '2026-11-20T10:00:00.000Z',
        links: { deliveries: `/dev/v1/webhooks/${WEBHOOK_ID}/deliveries` },
      },
    ]);
    assert.ok(!JSON.stringify(response.body).includes(SECRET));
  });

  const deleteAs = async (claims = brokerClaims()) =>
    parseResponse(
      await remove(
        apiEvent({
          method: 'DELETE' as 'GET',
          path: `/v1/webhooks/${WEBHOOK_ID}`,
          pathParameters: { id: WEBHOOK_ID },
          claims,
        }),
        lambdaContext(),
      ),
    );

  it('deletes the webhook and lowers the count in one transaction: 204', async () => {
    const response = await deleteAs();
    assert.equal(response.statusCode, 204);
    assert.equal(response.body, undefined);
    const [transaction] = documents.commandCalls(TransactWriteCommand);
    const [deleted, count] = transaction?.args[0].input.TransactItems ?? [];
    assert.deepEqual(deleted?.Delete?.Key, { PK: `WEBHOOKS#${BROKER_ID}`, SK: `WEBHOOK#${WEBHOOK_ID}` });
    assert.deepEqual(count?.Update?.Key, { PK: `WEBHOOKS#${BROKER_ID}`, SK: 'COUNT' });
  });

  it('answers 404 for a webhook the broker does not have (another broker’s included)', async () => {
    documents.on(TransactWriteCommand).rejects(conditionFailedTransaction());
    const response = await deleteAs(brokerClaims(OTHER_BROKER_ID));
    assertProblem(response, 404, 'not-found');
    const [transaction] = documents.commandCalls(TransactWriteCommand);
    assert.equal(transaction?.args[0].input.TransactItems?.[0]?.Delete?.Key?.PK, `WEBHOOKS#${OTHER_BROKER_ID}`);
  });
});

describe('GET /v1/webhooks/{id}/deliveries', () => {
  const read = async (claims = brokerClaims(), query?: Record<string, string>) =>
    parseResponse(
      await deliveries(
        apiEvent({
          method: 'GET',
          path: `/v1/webhooks/${WEBHOOK_ID}/deliveries`,
          pathParameters: { id: WEBHOOK_ID },
          claims,
          ...(query === undefined ? {} : { query }),
        }),
        lambdaContext(),
      ),
    );
  const attempt = (n: number, outcome: string, httpStatus: number): Item => ({
    PK: `DELIVERIES#${WEBHOOK_ID}`,
    SK: `LOG#2026-11-21T08:0${n}:00.000Z#DCL-0123456789ABCDEF01234567.v2#000${n}`,
    entity: 'DeliveryAttempt',
    eventId: 'DCL-0123456789ABCDEF01234567.v2',
    attempt: n,
    attemptedAt: `2026-11-21T08:0${n}:00.000Z`,
    outcome,
    httpStatus,
    ...(outcome === 'failed' ? { error: `the receiver answered ${httpStatus}` } : {}),
    durationMs: 40,
    expiresAt: 1_800_000_000,
  });

  it('answers the log newest first, one page at a time', async () => {
    tableHolds(webhookItem(), attempt(1, 'failed', 500), attempt(2, 'failed', 500), attempt(3, 'delivered', 200));
    const first = await read(brokerClaims(), { limit: '2' });
    assert.equal(first.statusCode, 200, JSON.stringify(first.body));
    assert.deepEqual(
      first.body.items.map((item: { attempt: number; outcome: string }) => `${item.attempt} ${item.outcome}`),
      ['3 delivered', '2 failed'],
    );
    assert.deepEqual(first.body.items[1], {
      eventId: 'DCL-0123456789ABCDEF01234567.v2',
      attempt: 2,
      attemptedAt: '2026-11-21T08:02:00.000Z',
      outcome: 'failed',
      httpStatus: 500,
      error: 'the receiver answered 500',
      durationMs: 40,
    });
    const second = await read(brokerClaims(), { limit: '2', cursor: first.body.nextCursor });
    assert.deepEqual(
      second.body.items.map((item: { attempt: number }) => item.attempt),
      [1],
    );
    assertProblem(await read(brokerClaims(), { cursor: 'bm90LW91cnM' }), 400, 'invalid-query');
  });

  it('answers 404 for another broker’s webhook', async () => {
    tableHolds(webhookItem(), attempt(1, 'delivered', 200));
    assertProblem(await read(brokerClaims(OTHER_BROKER_ID)), 404, 'not-found');
  });
});

describe('the dispatcher, on a batch of the table’s stream', () => {
  const streamBatch = (...items: Item[]): DynamoDBStreamEvent => ({
    Records: items.map((item, index) => ({
      eventID: `e${index}`,
      eventName: 'INSERT',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-central-1',
      dynamodb: {
        Keys: marshall({ PK: item.PK, SK: item.SK }) as never,
        NewImage: marshall(item, { removeUndefinedValues: true }) as never,
        SequenceNumber: String(100 + index),
        SizeBytes: 100,
        StreamViewType: 'NEW_IMAGE',
      },
    })),
  });
  const outboxItem = (domainEvent: DomainEvent, brokerId = BROKER_ID): Item => ({
    PK: `EVENTS#${brokerId}`,
    SK: `${domainEvent.recordedAt}#${domainEvent.declarationId}#00000${domainEvent.version}`,
    entity: 'DomainEvent',
    brokerId,
    event: domainEvent,
    expiresAt: 1_800_000_000,
  });

  it('starts one delivery execution per event and webhook, named after both', async () => {
    tableHolds(
      webhookItem(),
      webhookItem({ SK: 'WEBHOOK#WHK-FFFFFFFFFFFFFFFFFFFFFFFF', id: 'WHK-FFFFFFFFFFFFFFFFFFFFFFFF' }),
    );
    const first = event(1);
    await dispatch(
      streamBatch(outboxItem(first), outboxItem(event(2)), outboxItem(event(3), OTHER_BROKER_ID)),
      lambdaContext(),
    );

    const starts = stepFunctions.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    assert.equal(starts.length, 4, 'two events of this broker, two webhooks; none for the other broker');
    for (const start of starts) {
      assert.equal(start.stateMachineArn, DELIVERY_MACHINE);
      assert.match(String(start.name), /^[A-Za-z0-9_-]{1,80}$/);
    }
    assert.equal(new Set(starts.map((start) => start.name)).size, 4);
    assert.deepEqual(JSON.parse(String(starts[0]?.input)), {
      event: first,
      brokerId: BROKER_ID,
      subscriptionId: WEBHOOK_ID,
    });
  });

  it('treats an execution that already exists as started: a replayed record starts nothing new and fails nothing', async () => {
    tableHolds(webhookItem());
    const batch = () => streamBatch(outboxItem(event(1)));
    await dispatch(batch(), lambdaContext());
    const [firstName] = stepFunctions.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name);
    stepFunctions
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Execution Already Exists'), { name: 'ExecutionAlreadyExists' }));
    await dispatch(batch(), lambdaContext());
    const names = stepFunctions.commandCalls(StartExecutionCommand).map((call) => call.args[0].input.name);
    assert.deepEqual(names, [firstName, firstName]);
  });

  it('fails the batch when Step Functions refuses a start, so the mapping retries it', async () => {
    tableHolds(webhookItem());
    stepFunctions
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    await assert.rejects(dispatch(streamBatch(outboxItem(event(1))), lambdaContext()), AggregateError);
  });
});

describe('the delivery step, over real HTTP to a receiver on this machine', async () => {
  const received: { headers: IncomingHttpHeaders; body: string }[] = [];
  let answer = 204;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(answer, answer === 302 ? { location: 'http://169.254.169.254/latest/' } : {}).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  after(() => receiver.close());

  const deliverOnce = (domainEvent: DomainEvent) =>
    deliver({ event: domainEvent, brokerId: BROKER_ID, subscriptionId: WEBHOOK_ID }, lambdaContext('deliver-webhook'));

  it('POSTs the signed event and logs the attempt delivered', async () => {
    received.length = 0;
    answer = 204;
    tableHolds(webhookItem({ url }));
    documents.on(UpdateCommand).resolves({ Attributes: { attempts: 1 } });
    const domainEvent = event(2);

    assert.deepEqual(await deliverOnce(domainEvent), { outcome: 'delivered', attempt: 1, httpStatus: 204 });

    const [request] = received;
    assert.ok(request !== undefined);
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['webhook-id'], domainEvent.eventId);
    assert.deepEqual(JSON.parse(request.body), domainEvent);
    assert.equal(
      verifyWebhookSignature({ secret: SECRET, headers: request.headers as never, body: request.body }).valid,
      true,
    );
    const [logged] = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    assert.equal(logged?.PK, `DELIVERIES#${WEBHOOK_ID}`);
    assert.equal(logged?.outcome, 'delivered');
    assert.equal(logged?.httpStatus, 204);
  });

  it('throws DeliveryFailed when the receiver answers 500', async () => {
    answer = 500;
    tableHolds(webhookItem({ url }));
    documents.on(UpdateCommand).resolves({ Attributes: { attempts: 2 } });
    await assert.rejects(deliverOnce(event(2)), { name: DELIVERY_ERRORS.failed });
    const [logged] = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    assert.deepEqual([logged?.attempt, logged?.outcome, logged?.httpStatus], [2, 'failed', 500]);
  });

  it('logs a host name that does not resolve as a failed attempt', async () => {
    received.length = 0;
    tableHolds(webhookItem({ url: 'https://receiver.preclearance.invalid/hooks' }));
    documents.on(UpdateCommand).resolves({ Attributes: { attempts: 1 } });
    await assert.rejects(deliverOnce(event(2)), { name: DELIVERY_ERRORS.failed });
    const [logged] = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    assert.match(String(logged?.error), /did not resolve/);
    assert.equal(received.length, 0);
  });

  it('never connects to a host name that resolves to a private or metadata address', async () => {
    const transport = httpWebhookTransport({
      policy: { allowLoopback: true },
      timeoutMs: 1_000,
      lookupHost: async () => ['93.184.215.14', '169.254.169.254'],
    });
    const response = await transport.send({ url: 'https://rebinding.example/hooks', headers: {}, body: '{}' });
    assert.equal(response.kind, 'unreachable');
    assert.match(response.kind === 'unreachable' ? response.error : '', /169\.254\.169\.254, which is not a public/);
  });

  it('does not follow a redirect: a 3xx is a failed attempt', async () => {
    answer = 302;
    const transport = httpWebhookTransport({ policy: { allowLoopback: true }, timeoutMs: 1_000 });
    const response = await transport.send({ url, headers: {}, body: '{}' });
    assert.deepEqual([response.kind, response.kind === 'answered' ? response.status : 0], ['answered', 302]);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const transport = httpWebhookTransport({ policy: { allowLoopback: true }, timeoutMs: 200 });
      const port = (silent.address() as AddressInfo).port;
      const response = await transport.send({ url: `http://127.0.0.1:${port}/`, headers: {}, body: '{}' });
      assert.deepEqual(response.kind === 'unreachable' ? response.error : response, 'no answer within 0.2 s');
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });

  it('sends nothing for a webhook deleted meanwhile', async () => {
    received.length = 0;
    tableHolds();
    assert.deepEqual(await deliverOnce(event(2)), { outcome: 'subscription-deleted' });
    assert.equal(received.length, 0);
  });
});
