import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import {
  arrivalWaitItem,
  DECLARATIONS_TABLE,
  declarationTableWrites,
  documents,
  idempotencyRecords,
  resetAwsMocks,
  stepFunctions,
} from '../support/aws.ts';
import {
  apiEvent,
  brokerClaims,
  type Claims,
  lambdaContext,
  parseResponse,
  portOperatorClaims,
  setUpLambdaEnvironment,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const { handler } = await import('../../functions/handlers/post-port-event.ts');

const WAYBILL_A = 'SMGS-24117790';
const WAYBILL_B = 'SMGS-24117791';
const WAYBILL_UNCLAIMED = 'SMGS-24117799';
const DECL_1 = 'DCL-1111111111111111111111AA';
const DECL_2 = 'DCL-2222222222222222222222BB';
const DECL_3 = 'DCL-3333333333333333333333CC';

function trainArrived(overrides: Record<string, unknown> = {}) {
  return {
    eventType: 'TRAIN_ARRIVED',
    eventId: 'evt-X8001-20250301',
    trainNumber: 'X8001',
    occurredAt: '2025-03-01T05:42:00Z',
    waybillNumbers: [WAYBILL_A, WAYBILL_B, WAYBILL_UNCLAIMED],
    ...overrides,
  };
}

async function postPortEvent(body: unknown, claims: Claims = portOperatorClaims()) {
  const event = apiEvent({ method: 'POST', path: '/v1/port-events', claims, body });
  return parseResponse(await handler(event, lambdaContext('post-port-event')));
}

/** Declarations parked by their workflows, as the await-arrival step registers them. */
function waitingDeclarations(waits: Record<string, [declarationId: string, taskToken: string][]>): void {
  for (const [waybill, entries] of Object.entries(waits)) {
    documents
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `WAYBILL#${waybill}` } })
      .resolves({ Items: entries.map(([id, token]) => arrivalWaitItem(waybill, id, token)) });
  }
}

const arrivalNotice = { trainNumber: 'X8001', arrivedAt: '2025-03-01T05:42:00Z', portEventId: 'evt-X8001-20250301' };

beforeEach(() => {
  resetAwsMocks();
  documents.on(QueryCommand).resolves({ Items: [] });
});

describe('POST /v1/port-events: the port reports a train arrival', () => {
  it('resumes every declaration waiting on the train’s waybills and answers 202 with what it did', async () => {
    waitingDeclarations({
      [WAYBILL_A]: [
        [DECL_1, 'token-1'],
        [DECL_2, 'token-2'],
      ],
      [WAYBILL_B]: [[DECL_3, 'token-3']],
    });

    const response = await postPortEvent(trainArrived());

    assert.equal(response.statusCode, 202);
    assert.deepEqual(response.body, {
      eventId: 'evt-X8001-20250301',
      resumedDeclarations: [DECL_1, DECL_2, DECL_3],
      waybillsWithoutWaitingDeclarations: [WAYBILL_UNCLAIMED],
    });
  });

  it('hands each waiting workflow its task token back with the arrival notice', async () => {
    waitingDeclarations({ [WAYBILL_A]: [[DECL_1, 'token-1']], [WAYBILL_B]: [[DECL_3, 'token-3']] });

    await postPortEvent(trainArrived());

    const resumed = stepFunctions.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input);
    assert.deepEqual(resumed, [
      { taskToken: 'token-1', output: JSON.stringify(arrivalNotice) },
      { taskToken: 'token-3', output: JSON.stringify(arrivalNotice) },
    ]);
  });

  it('records each waybill’s arrival (first report wins) and clears the waits it answered', async () => {
    waitingDeclarations({ [WAYBILL_A]: [[DECL_1, 'token-1']] });

    await postPortEvent(trainArrived({ waybillNumbers: [WAYBILL_A, WAYBILL_UNCLAIMED] }));

    const arrivals = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    assert.deepEqual(
      arrivals.map((input) => [input.TableName, input.Item?.PK, input.Item?.SK, input.ConditionExpression]),
      [
        [DECLARATIONS_TABLE, `WAYBILL#${WAYBILL_A}`, 'ARRIVAL', 'attribute_not_exists(PK)'],
        [DECLARATIONS_TABLE, `WAYBILL#${WAYBILL_UNCLAIMED}`, 'ARRIVAL', 'attribute_not_exists(PK)'],
      ],
    );
    assert.equal(arrivals[0]?.Item?.trainNumber, 'X8001');
    assert.equal(arrivals[0]?.Item?.portEventId, 'evt-X8001-20250301');
    const cleared = documents.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key);
    assert.deepEqual(cleared, [{ PK: `WAYBILL#${WAYBILL_A}`, SK: `AWAIT_ARRIVAL#${DECL_1}` }]);
  });

  it('does not report a declaration whose wait already timed out as resumed, and still answers 202', async () => {
    waitingDeclarations({
      [WAYBILL_A]: [
        [DECL_1, 'token-1'],
        [DECL_2, 'token-timed-out'],
      ],
    });
    stepFunctions
      .on(SendTaskSuccessCommand, { taskToken: 'token-timed-out' })
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    const response = await postPortEvent(trainArrived({ waybillNumbers: [WAYBILL_A] }));

    assert.equal(response.statusCode, 202);
    assert.deepEqual(response.body.resumedDeclarations, [DECL_1]);
    assert.deepEqual(response.body.waybillsWithoutWaitingDeclarations, []);
    assert.equal(stepFunctions.commandCalls(SendTaskSuccessCommand).length, 2);
    // The stale wait is cleared all the same: nothing will ever answer it.
    assert.equal(documents.commandCalls(DeleteCommand).length, 2);
  });

  it('goes on when the waybill’s arrival was already recorded by an earlier report', async () => {
    documents
      .on(PutCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    waitingDeclarations({ [WAYBILL_A]: [[DECL_1, 'token-1']] });

    const response = await postPortEvent(trainArrived({ waybillNumbers: [WAYBILL_A] }));

    assert.equal(response.statusCode, 202);
    assert.deepEqual(response.body.resumedDeclarations, [DECL_1]);
  });

  it('replays the first answer when the port retries the same event, resuming nobody twice', async () => {
    waitingDeclarations({ [WAYBILL_A]: [[DECL_1, 'token-1']] });
    const first = await postPortEvent(trainArrived());

    const retry = await postPortEvent(trainArrived());

    assert.equal(retry.statusCode, 202);
    assert.deepEqual(retry.body, first.body);
    assert.equal(stepFunctions.commandCalls(SendTaskSuccessCommand).length, 1);
  });

  it('refuses the same event id with different content (422), naming the event id rather than a header', async () => {
    await postPortEvent(trainArrived({ waybillNumbers: [WAYBILL_A] }));

    const conflicting = await postPortEvent(trainArrived({ waybillNumbers: [WAYBILL_B] }));

    assert.equal(conflicting.statusCode, 422);
    assert.equal(conflicting.body.errors[0].field, '/eventId');
  });

  it('answers 500 when Step Functions fails for another reason, freeing the event id for a retry', async () => {
    waitingDeclarations({ [WAYBILL_A]: [[DECL_1, 'token-1']] });
    stepFunctions
      .on(SendTaskSuccessCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    const response = await postPortEvent(trainArrived({ waybillNumbers: [WAYBILL_A] }));

    assert.equal(response.statusCode, 500);
    assert.equal(response.body.type, 'urn:preclearance:problem:internal-error');
    assert.equal(idempotencyRecords.size, 0);
  });
});

describe('POST /v1/port-events: who may report, and what', () => {
  it('refuses a broker with 403 and resumes nothing', async () => {
    waitingDeclarations({ [WAYBILL_A]: [[DECL_1, 'token-1']] });

    const response = await postPortEvent(trainArrived(), brokerClaims());

    assert.equal(response.statusCode, 403);
    assert.equal(response.headers['content-type'], 'application/problem+json');
    assert.equal(response.body.type, 'urn:preclearance:problem:forbidden');
    assert.equal(stepFunctions.commandCalls(SendTaskSuccessCommand).length, 0);
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('refuses an event without waybills, or with one listed twice (422), before touching anything', async () => {
    for (const waybillNumbers of [[], [WAYBILL_A, WAYBILL_A]]) {
      const response = await postPortEvent(trainArrived({ waybillNumbers }));

      assert.equal(response.statusCode, 422, JSON.stringify(waybillNumbers));
      assert.equal(response.body.errors[0].field, '/waybillNumbers');
    }
    assert.equal(documents.calls().length, 0);
    assert.equal(stepFunctions.calls().length, 0);
  });

  it('refuses an event type it does not know (422 on /eventType)', async () => {
    const response = await postPortEvent(trainArrived({ eventType: 'TRAIN_DEPARTED' }));

    assert.equal(response.statusCode, 422);
    assert.deepEqual(
      response.body.errors.map((e: { field: string; rule: string }) => [e.field, e.rule]),
      [['/eventType', 'const']],
    );
  });

  it('refuses an arrival time without a time zone (422 on /occurredAt)', async () => {
    const response = await postPortEvent(trainArrived({ occurredAt: '2025-03-01 05:42' }));

    assert.equal(response.statusCode, 422);
    assert.equal(response.body.errors[0].field, '/occurredAt');
    assert.equal(response.body.errors[0].rule, 'date-time');
  });
});
