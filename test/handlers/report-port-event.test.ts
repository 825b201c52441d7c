import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SendTaskSuccessCommand, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import {
  DECLARATIONS_TABLE,
  declarationTableWrites,
  documents,
  idempotencyRecords,
  resetAwsMocks,
  stepFunctions,
  tableHolds,
  waitItem,
} from '../support/aws.ts';
import { railImportDeclaration, roadImportDeclaration } from '../support/declarations.ts';
import {
  apiEvent,
  assertProblem,
  brokerClaims,
  type Claims,
  lambdaContext,
  officerClaims,
  parseResponse,
  portOperatorClaims,
  railwayClaims,
  setUpLambdaEnvironment,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const { handler } = await import('../../functions/handlers/report-port-event.ts');

const WAYBILL = railImportDeclaration().waybillNumber;
const PLATE = roadImportDeclaration().truck.plate;
const OTHER_WAYBILL = 'SMGS-24117791';
const UNCLAIMED_WAYBILL = 'SMGS-24117799';
const DECL_1 = 'DCL-1111111111111111111111AA';
const DECL_2 = 'DCL-2222222222222222222222BB';
const DECL_3 = 'DCL-3333333333333333333333CC';

function trainArrived(overrides: Record<string, unknown> = {}) {
  return {
    eventType: 'TRAIN_ARRIVED',
    eventId: 'KTZ-X8001-20250301',
    trainNumber: 'X8001',
    occurredAt: '2025-03-01T05:42:00Z',
    waybillNumbers: [WAYBILL, OTHER_WAYBILL, UNCLAIMED_WAYBILL],
    ...overrides,
  };
}

function truckGatedIn(overrides: Record<string, unknown> = {}) {
  return {
    eventType: 'TRUCK_GATED_IN',
    eventId: 'GATE3-20250301-0815-777ABD02',
    plate: PLATE,
    gate: 'GATE-3',
    occurredAt: '2025-03-01T08:15:00+06:00',
    ...overrides,
  };
}

async function report(body: unknown, claims: Claims) {
  const event = apiEvent({ method: 'POST', path: '/v1/port-events', claims, body });
  return parseResponse(await handler(event, lambdaContext('report-port-event')));
}

/** Workflows parked on the train's waybills: two declarations on one waybill, one on another. */
function declarationsWaitingForTheTrain(): void {
  tableHolds(
    waitItem('TRAIN_ARRIVED', WAYBILL, DECL_1, 'token-1'),
    waitItem('TRAIN_ARRIVED', WAYBILL, DECL_2, 'token-2'),
    waitItem('TRAIN_ARRIVED', OTHER_WAYBILL, DECL_3, 'token-3'),
  );
}

function resumedTasks() {
  return stepFunctions.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input);
}

function assertNothingRecorded(): void {
  assert.deepEqual(declarationTableWrites(), [], 'nothing was written to the declarations table');
  assert.deepEqual(resumedTasks(), [], 'no workflow was resumed');
  assert.equal(idempotencyRecords.size, 0, 'no answer was kept to replay');
}

beforeEach(() => {
  resetAwsMocks();
});

describe('POST /v1/port-events: a train arrives at Khorgos', () => {
  for (const [reporter, claims, kind] of [
    ['the railway', railwayClaims(), 'railway'],
    ['the port operator', portOperatorClaims(), 'port-operator'],
  ] as const) {
    it(`reported by ${reporter}: 202, the waiting declarations are resumed with the arrival notice`, async () => {
      declarationsWaitingForTheTrain();

      const response = await report(trainArrived(), claims);

      assert.equal(response.statusCode, 202, JSON.stringify(response.body));
      assert.deepEqual(response.body, {
        eventId: 'KTZ-X8001-20250301',
        resumedDeclarations: [DECL_1, DECL_2, DECL_3],
        keysWithoutWaitingDeclarations: [UNCLAIMED_WAYBILL],
      });
      const notice = {
        milestone: 'TRAIN_ARRIVED',
        portEventId: 'KTZ-X8001-20250301',
        occurredAt: '2025-03-01T05:42:00Z',
        reportedBy: { kind, id: claims.sub },
        facts: { trainNumber: 'X8001' },
      };
      assert.deepEqual(resumedTasks(), [
        { taskToken: 'token-1', output: JSON.stringify(notice) },
        { taskToken: 'token-2', output: JSON.stringify(notice) },
        { taskToken: 'token-3', output: JSON.stringify(notice) },
      ]);
    });
  }

  it('keeps each waybill’s arrival (the first report wins) and clears the waits it ended', async () => {
    declarationsWaitingForTheTrain();

    await report(trainArrived({ waybillNumbers: [WAYBILL, UNCLAIMED_WAYBILL] }), railwayClaims());

    const recorded = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    assert.deepEqual(
      recorded.map((input) => [input.TableName, input.Item?.PK, input.Item?.SK, input.ConditionExpression]),
      [
        [DECLARATIONS_TABLE, `MILESTONE#TRAIN_ARRIVED#${WAYBILL}`, 'OCCURRED', 'attribute_not_exists(PK)'],
        [DECLARATIONS_TABLE, `MILESTONE#TRAIN_ARRIVED#${UNCLAIMED_WAYBILL}`, 'OCCURRED', 'attribute_not_exists(PK)'],
      ],
    );
    assert.deepEqual(
      documents.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key),
      [
        { PK: `MILESTONE#TRAIN_ARRIVED#${WAYBILL}`, SK: `WAIT#${DECL_1}` },
        { PK: `MILESTONE#TRAIN_ARRIVED#${WAYBILL}`, SK: `WAIT#${DECL_2}` },
      ],
    );
  });

  it('a declaration whose wait already timed out is not reported as resumed', async () => {
    declarationsWaitingForTheTrain();
    stepFunctions
      .on(SendTaskSuccessCommand, { taskToken: 'token-2' })
      .rejects(new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} }));

    const response = await report(trainArrived(), railwayClaims());

    assert.equal(response.statusCode, 202);
    assert.deepEqual(response.body.resumedDeclarations, [DECL_1, DECL_3]);
  });

  it('a retried report (same eventId) replays the first answer and resumes nobody twice', async () => {
    declarationsWaitingForTheTrain();

    const first = await report(trainArrived(), railwayClaims());
    const retry = await report(trainArrived(), railwayClaims());

    assert.equal(first.statusCode, 202);
    assert.deepEqual(retry, first);
    assert.equal(resumedTasks().length, 3, 'each waiting workflow resumed once');
    assert.equal(documents.commandCalls(PutCommand).length, 3, 'each arrival recorded once');
  });

  it('the railway and the port operator may each use their own id without colliding', async () => {
    const byRailway = await report(trainArrived({ eventId: 'evt-0001' }), railwayClaims());
    const byPort = await report(truckGatedIn({ eventId: 'evt-0001' }), portOperatorClaims());

    assert.equal(byRailway.statusCode, 202);
    assert.equal(byPort.statusCode, 202, JSON.stringify(byPort.body));
    assert.equal(byPort.body.eventId, 'evt-0001');
    assert.deepEqual(byPort.body.keysWithoutWaitingDeclarations, [PLATE]);
  });
});

describe('POST /v1/port-events: a truck gates in', () => {
  it('reported by the port operator: 202, the declaration waiting on its plate resumes', async () => {
    tableHolds(waitItem('TRUCK_GATED_IN', PLATE, DECL_1, 'token-road'));

    const response = await report(truckGatedIn(), portOperatorClaims());

    assert.equal(response.statusCode, 202, JSON.stringify(response.body));
    assert.deepEqual(response.body.resumedDeclarations, [DECL_1]);
    assert.deepEqual(JSON.parse(String(resumedTasks()[0]?.output)).facts, { plate: PLATE, gate: 'GATE-3' });
  });

  it('the railway may not report a gate-in: 403, nothing recorded', async () => {
    tableHolds(waitItem('TRUCK_GATED_IN', PLATE, DECL_1, 'token-road'));

    const response = await report(truckGatedIn(), railwayClaims());

    assertProblem(response, 403, 'forbidden');
    assert.match(response.body.detail, /TRUCK_GATED_IN is reported by: port-operator/);
    assertNothingRecorded();
  });
});

describe('POST /v1/port-events: refused reports', () => {
  for (const [who, claims] of [
    ['a broker', brokerClaims()],
    ['an officer', officerClaims()],
  ] as const) {
    it(`${who} cannot report port events: 403`, async () => {
      declarationsWaitingForTheTrain();

      assertProblem(await report(trainArrived(), claims), 403, 'forbidden');
      assertNothingRecorded();
    });
  }

  it('a report with broken fields is 422 naming each field and rule', async () => {
    declarationsWaitingForTheTrain();
    const { trainNumber: _trainNumber, ...withoutTrain } = trainArrived({
      occurredAt: 'this morning',
      waybillNumbers: [],
    });

    const response = await report(withoutTrain, railwayClaims());

    const errors = assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(errors.sort(), ['/occurredAt date-time', '/trainNumber required', '/waybillNumbers minItems']);
    assertNothingRecorded();
  });

  it('an event type nobody reports is 422 naming /eventType', async () => {
    const response = await report(trainArrived({ eventType: 'SHIP_BERTHED' }), portOperatorClaims());

    assert.deepEqual(assertProblem(response, 422, 'validation-failed'), ['/eventType discriminator']);
    assertNothingRecorded();
  });
});
