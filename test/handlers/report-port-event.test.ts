import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { SLOT_KEYS } from '#adapters/table-layout.ts';
import {
  declarationItems,
  declarationTableWrites,
  documents,
  idempotencyRecords,
  queuedWorkflowCommands,
  resetAwsMocks,
  tableHolds,
  waitItem,
} from '../support/aws.ts';
import { roadImportDeclaration } from '../support/declarations.ts';
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

const PLATE = roadImportDeclaration().truck.plate;
const DECL_1 = 'DCL-1111111111111111111111AA';
const DECL_2 = 'DCL-2222222222222222222222BB';

const TRAIN = { trainNumber: 'X8001', trainDate: '2025-02-27' };
const TRAIN_KEY = 'X8001@2025-02-27';

function trainArrived(overrides: Record<string, unknown> = {}) {
  return {
    eventType: 'TRAIN_ARRIVED',
    eventId: 'KTZ-X8001-20250301',
    train: TRAIN,
    occurredAt: '2025-03-01T05:42:00Z',
    ...overrides,
  };
}

/** The train's head, as the railway's manifest filing left it. */
function trainOnFile() {
  return {
    PK: `TRAIN#${TRAIN_KEY}`,
    SK: 'TRAIN',
    entity: 'Train',
    ...TRAIN,
    status: 'MANIFEST_FILED',
    version: 1,
    manifestVersion: 1,
    manifestDigest: 'd',
    departedAt: '2025-02-27T06:00:00Z',
    filedAt: '2025-02-27T07:00:00Z',
    updatedAt: '2025-02-27T07:00:00Z',
    facts: {},
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
    trainOnFile(),
    waitItem('TRAIN_ARRIVED', TRAIN_KEY, DECL_1, 'token-1'),
    waitItem('TRAIN_ARRIVED', TRAIN_KEY, DECL_2, 'token-2'),
  );
}

function resumedTasks() {
  return queuedWorkflowCommands('resume');
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
  for (const [reporter, claims] of [
    ['the railway', railwayClaims()],
    ['the port operator', portOperatorClaims()],
  ] as const) {
    it(`reported by ${reporter}: 202 at once; the record (what the fan-out follows) and the train move on`, async () => {
      tableHolds(trainOnFile(), waitItem('TRAIN_ARRIVED', TRAIN_KEY, DECL_1, 'token-1'));

      const response = await report(trainArrived(), claims);

      assert.equal(response.statusCode, 202, JSON.stringify(response.body));
      assert.deepEqual(response.body, {
        eventId: 'KTZ-X8001-20250301',
        eventType: 'TRAIN_ARRIVED',
        key: TRAIN_KEY,
        resumedDeclarations: [],
        resumptionsFollow: true,
      });
      const written = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
      assert.deepEqual(
        written.map((item) => [item?.PK, item?.SK]),
        [
          [`MILESTONE#TRAIN_ARRIVED#${TRAIN_KEY}`, 'OCCURRED'],
          [`TRAIN#${TRAIN_KEY}`, 'TRAIN'],
        ],
      );
      assert.equal(written[1]?.status, 'ARRIVED');
      assert.deepEqual(resumedTasks(), [], 'the declarations are resumed by the fan-out, not by this request');
    });
  }

  it('an arrival for a train with no manifest on file is 422 naming /train, and nothing is written', async () => {
    tableHolds();

    const response = await report(trainArrived(), railwayClaims());

    assert.deepEqual(assertProblem(response, 422, 'validation-failed'), ['/train known-train']);
    assertNothingRecorded();
  });
});

describe('POST /v1/port-events: a truck gates in', () => {
  it('reported by the port operator: 202, the declaration waiting on its plate gates in and resumes', async () => {
    const document = roadImportDeclaration();
    tableHolds(
      waitItem('TRUCK_GATED_IN', PLATE, DECL_1, 'token-road'),
      ...declarationItems({ id: DECL_1, brokerId: 'broker-7', document, status: 'SLOT_BOOKED', version: 3 }),
      {
        ...SLOT_KEYS.booking(DECL_1),
        entity: 'SlotBooking',
        declarationId: DECL_1,
        truck: document.truck,
        revision: 1,
      },
    );

    const response = await report(truckGatedIn(), portOperatorClaims());

    assert.equal(response.statusCode, 202, JSON.stringify(response.body));
    assert.deepEqual(response.body.resumedDeclarations, [DECL_1]);
    assert.equal((resumedTasks()[0]?.output as { gateCheck?: string } | undefined)?.gateCheck, 'PASSED');
    assert.deepEqual((resumedTasks()[0]?.output as { facts?: unknown } | undefined)?.facts, {
      plate: PLATE,
      gate: 'GATE-3',
    });
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
    const { train: _train, ...withoutTrain } = trainArrived({ occurredAt: 'this morning' });

    const response = await report(withoutTrain, railwayClaims());

    const errors = assertProblem(response, 422, 'validation-failed');
    assert.deepEqual(errors.sort(), ['/occurredAt date-time', '/train required']);
    assertNothingRecorded();
  });

  it('an event type nobody reports is 422 naming /eventType', async () => {
    const response = await report(trainArrived({ eventType: 'SHIP_BERTHED' }), portOperatorClaims());

    assert.deepEqual(assertProblem(response, 422, 'validation-failed'), ['/eventType discriminator']);
    assertNothingRecorded();
  });
});
