import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import type { MilestoneNotice } from '#domain/port-events.ts';
import { consigneeKeyOf } from '#domain/risk.ts';
import {
  clearanceItem,
  conditionFailedTransaction,
  DECLARATIONS_TABLE,
  declarationHeadItem,
  declarationItems,
  declarationTableWrites,
  documents,
  type FakeTable,
  milestoneItem,
  resetAwsMocks,
  stepFunctions,
  tableHolds,
} from '../support/aws.ts';
import {
  goodsLine,
  railImportDeclaration,
  roadExportDeclaration,
  roadImportDeclaration,
} from '../support/declarations.ts';
import { BROKER_ID, lambdaContext, setUpLambdaEnvironment } from '../support/lambda.ts';

setUpLambdaEnvironment();
const assessRisk = (await import('../../functions/handlers/workflow/assess-risk.ts')).handler;
const awaitMilestone = (await import('../../functions/handlers/workflow/await-milestone.ts')).handler;
const recordTransition = (await import('../../functions/handlers/workflow/record-transition.ts')).handler;

const ID = 'DCL-0123456789ABCDEF01234567';
const WAYBILL = railImportDeclaration().waybillNumber;
const PLATE = roadExportDeclaration().truck.plate;

/**
 * The declaration as the step reads it: its head at a status and version, and its document; its consignee has
 * cleared goods here before unless told otherwise.
 */
function declarationAt(
  status: DeclarationStatus,
  version: number,
  document: DeclarationDocument = railImportDeclaration(),
  consigneeHistory: 'regular' | 'first-time' = 'regular',
): FakeTable {
  return tableHolds(
    ...declarationItems({ id: ID, brokerId: BROKER_ID, document, status, version }),
    ...(consigneeHistory === 'regular' ? [clearanceItem(consigneeKeyOf(document.consignee), 'DCL-EARLIER')] : []),
  );
}

/** The status changes the step wrote: each a guarded head update, a history entry and an event. */
function statusWrites() {
  return documents.commandCalls(TransactWriteCommand).map((call) => {
    const [head, history, event] = call.args[0].input.TransactItems ?? [];
    return { head: head?.Update, history: history?.Put?.Item, event: event?.Put?.Item };
  });
}

async function rejectsWith(step: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
  await assert.rejects(step, (error: Error) => {
    assert.equal(error.name, name, error.message);
    if (message !== undefined) assert.match(error.message, message);
    return true;
  });
}

const arrival: MilestoneNotice = {
  milestone: 'TRAIN_ARRIVED',
  portEventId: 'KTZ-X8001-20250301',
  occurredAt: '2025-03-01T05:42:00Z',
  reportedBy: { kind: 'railway', id: 'railway-ktz-dispatch' },
  facts: { trainNumber: 'X8001' },
};

beforeEach(() => {
  resetAwsMocks();
});

describe('workflow step: assess risk', () => {
  it('gives goods of no risky chapter the green channel, keeping the channel as a fact and the decision in history', async () => {
    declarationAt('RECEIVED', 1, roadImportDeclaration());

    const decision = await assessRisk({ declarationId: ID }, lambdaContext('assess-risk'));

    assert.deepEqual(decision, { manifest: 'NOT_REQUIRED', channel: 'GREEN' });
    const [write] = statusWrites();
    assert.equal(write?.head?.TableName, DECLARATIONS_TABLE);
    assert.deepEqual(write?.head?.Key, { PK: `DECL#${ID}`, SK: 'DECLARATION' });
    assert.equal(write?.head?.ConditionExpression, '#version = :expected');
    assert.deepEqual(write?.head?.ExpressionAttributeValues?.[':expected'], 1);
    assert.deepEqual(write?.head?.ExpressionAttributeValues?.[':facts'], { riskChannel: 'GREEN' });
    assert.equal(write?.history?.SK, 'HISTORY#000002');
    assert.equal(write?.history?.status, 'RISK_ASSESSED');
    assert.deepEqual(write?.history?.details, {
      channel: 'GREEN',
      rule: 'DEFAULT_GREEN',
      reason: 'no risk rule fired',
      priority: false,
      fired: [],
    });
    assert.equal(write?.event?.PK, `EVENTS#${BROKER_ID}`);
  });

  it('sends firearms (HS chapter 93) to the red channel', async () => {
    // A road import: a rail declaration is first matched against its train's manifest (see the rail tests).
    const firearms = roadImportDeclaration({
      goods: [goodsLine('930200', { description: 'Sporting rifles' })],
    });
    declarationAt('RECEIVED', 1, firearms);

    const decision = await assessRisk({ declarationId: ID }, lambdaContext('assess-risk'));

    assert.deepEqual(decision, { manifest: 'NOT_REQUIRED', channel: 'RED' });
  });

  it('sends a consignee with no clearance at the port to yellow, having read its record under its key', async () => {
    declarationAt('RECEIVED', 1, roadImportDeclaration(), 'first-time');

    const decision = await assessRisk({ declarationId: ID }, lambdaContext('assess-risk'));

    assert.equal(decision.channel, 'YELLOW');
    const [query] = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    assert.equal(
      query?.ExpressionAttributeValues?.[':pk'],
      `TRADER#${consigneeKeyOf(roadImportDeclaration().consignee)}`,
    );
    assert.equal(query?.Limit, 1);
  });

  it('fails with TransitionNotAllowed for a declaration already released, writing nothing', async () => {
    declarationAt('RELEASED', 6);

    await rejectsWith(assessRisk({ declarationId: ID }, lambdaContext('assess-risk')), 'TransitionNotAllowed');
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('fails with DeclarationNotFound for a declaration that does not exist', async () => {
    await rejectsWith(assessRisk({ declarationId: ID }, lambdaContext('assess-risk')), 'DeclarationNotFound');
  });
});

describe('workflow step: await the milestone at the port', () => {
  it('a rail declaration waits for its train: AWAITING_ARRIVAL, its task token parked under its waybill', async () => {
    declarationAt('RISK_ASSESSED', 2);

    await awaitMilestone({ declarationId: ID, taskToken: 'token-1' }, lambdaContext('await-milestone'));

    assert.equal(statusWrites()[0]?.history?.status, 'AWAITING_ARRIVAL');
    const [wait] = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    assert.equal(wait?.PK, `MILESTONE#TRAIN_ARRIVED#${WAYBILL}`);
    assert.equal(wait?.SK, `WAIT#${ID}`);
    assert.equal(wait?.taskToken, 'token-1');
    assert.equal(stepFunctions.commandCalls(SendTaskSuccessCommand).length, 0, 'it waits');
  });

  it('a road declaration waits for its truck at the gate, under its plate', async () => {
    declarationAt('SLOT_BOOKED', 3, roadExportDeclaration());

    await awaitMilestone(
      { declarationId: ID, taskToken: 'token-1', milestone: 'TRUCK_GATED_IN' },
      lambdaContext('await-milestone'),
    );

    const [wait] = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    assert.equal(wait?.PK, `MILESTONE#TRUCK_GATED_IN#${PLATE}`);
  });

  it('a train that arrived before the workflow got there resumes it at once with the arrival', async () => {
    const table = declarationAt('RISK_ASSESSED', 2);
    table.put(milestoneItem('TRAIN_ARRIVED', WAYBILL, arrival));

    await awaitMilestone({ declarationId: ID, taskToken: 'token-1' }, lambdaContext('await-milestone'));

    assert.deepEqual(
      stepFunctions.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input),
      [{ taskToken: 'token-1', output: JSON.stringify(arrival) }],
    );
    assert.deepEqual(
      documents.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key),
      [{ PK: `MILESTONE#TRAIN_ARRIVED#${WAYBILL}`, SK: `WAIT#${ID}` }],
    );
  });

  it('fails with TransitionNotAllowed for a declaration not yet risk-assessed, parking nothing', async () => {
    declarationAt('RECEIVED', 1);

    await rejectsWith(
      awaitMilestone({ declarationId: ID, taskToken: 'token-1' }, lambdaContext('await-milestone')),
      'TransitionNotAllowed',
      /cannot move from RECEIVED to AWAITING_ARRIVAL/,
    );
    assert.deepEqual(declarationTableWrites(), []);
  });
});

describe('workflow step: record a stage (arrival, release, manual review)', () => {
  it('records the arrival with the port’s reporter and business time, and keeps it as a fact', async () => {
    declarationAt('AWAITING_ARRIVAL', 3);

    const result = await recordTransition(
      { declarationId: ID, transition: 'RECORD_ARRIVAL', milestone: arrival },
      lambdaContext('record-transition'),
    );

    assert.deepEqual(result, { status: 'ARRIVED', applied: true });
    const [write] = statusWrites();
    assert.deepEqual(write?.history?.actor, arrival.reportedBy);
    assert.equal(write?.history?.occurredAt, arrival.occurredAt);
    assert.deepEqual(write?.history?.details, { trainNumber: 'X8001', portEventId: arrival.portEventId });
    assert.deepEqual(write?.head?.ExpressionAttributeValues?.[':facts'], { arrival });
  });

  it('a step retried after it succeeded finds the status in place and writes nothing', async () => {
    declarationAt('ARRIVED', 4);

    const result = await recordTransition(
      { declarationId: ID, transition: 'RECORD_ARRIVAL', milestone: arrival },
      lambdaContext('record-transition'),
    );

    assert.deepEqual(result, { status: 'ARRIVED', applied: false });
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('a release is recorded as a clearance under the consignee’s key, and again (same item) on a retry', async () => {
    declarationAt('DUTIES_SECURED', 5);

    const result = await recordTransition(
      { declarationId: ID, transition: 'RELEASE' },
      lambdaContext('record-transition'),
    );

    assert.deepEqual(result, { status: 'RELEASED', applied: true });
    const [clearance] = documents.commandCalls(PutCommand).map((call) => call.args[0].input);
    assert.equal(clearance?.TableName, DECLARATIONS_TABLE);
    assert.deepEqual(
      [clearance?.Item?.PK, clearance?.Item?.SK],
      [`TRADER#${consigneeKeyOf(railImportDeclaration().consignee)}`, `CLEARANCE#${ID}`],
    );
  });

  it('an arrival is no clearance: nothing is written under the consignee', async () => {
    declarationAt('AWAITING_ARRIVAL', 3);

    await recordTransition(
      { declarationId: ID, transition: 'RECORD_ARRIVAL', milestone: arrival },
      lambdaContext('record-transition'),
    );

    assert.equal(documents.commandCalls(PutCommand).length, 0);
  });

  it('fails with TransitionNotAllowed when the lifecycle forbids the move (release before arrival)', async () => {
    declarationAt('AWAITING_ARRIVAL', 3);

    await rejectsWith(
      recordTransition({ declarationId: ID, transition: 'RELEASE' }, lambdaContext('record-transition')),
      'TransitionNotAllowed',
      /cannot move from AWAITING_ARRIVAL to RELEASED/,
    );
    assert.deepEqual(declarationTableWrites(), []);
  });

  for (const transition of ['SHIP', 'release', 'toString', '__proto__', 'SUBMIT']) {
    it(`fails with UnknownTransition for "${transition}", without reading the table`, async () => {
      declarationAt('ARRIVED', 4);

      await rejectsWith(
        recordTransition({ declarationId: ID, transition }, lambdaContext('record-transition')),
        'UnknownTransition',
      );
      assert.equal(documents.calls().length, 0);
    });
  }

  it('a version conflict is retried against the fresh declaration (the escalation raced the arrival)', async () => {
    const table = declarationAt('AWAITING_ARRIVAL', 3);
    documents
      .on(TransactWriteCommand)
      .callsFakeOnce(() => {
        // While the escalation was being written, the arrival was recorded.
        table.put(
          declarationHeadItem({
            id: ID,
            brokerId: BROKER_ID,
            document: railImportDeclaration(),
            status: 'ARRIVED',
            version: 4,
          }),
        );
        throw conditionFailedTransaction();
      })
      .resolves({});

    const result = await recordTransition(
      { declarationId: ID, transition: 'ESCALATE_TO_MANUAL_REVIEW', reason: 'the train is late' },
      lambdaContext('record-transition'),
    );

    assert.deepEqual(result, { status: 'MANUAL_REVIEW', applied: true });
    const writes = statusWrites();
    assert.equal(writes.length, 2);
    assert.equal(writes[1]?.head?.ExpressionAttributeValues?.[':expected'], 4, 'guarded by the version read again');
    assert.equal(writes[1]?.history?.previousStatus, 'ARRIVED');
    assert.equal(writes[1]?.history?.version, 5);
  });

  it('a version conflict that persists surfaces as VersionConflict after three attempts', async () => {
    declarationAt('AWAITING_ARRIVAL', 3);
    documents.on(TransactWriteCommand).rejects(conditionFailedTransaction());

    await rejectsWith(
      recordTransition({ declarationId: ID, transition: 'RECORD_ARRIVAL' }, lambdaContext('record-transition')),
      'VersionConflict',
    );
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 3);
    assert.equal(
      documents.commandCalls(GetCommand, { Key: { PK: `DECL#${ID}`, SK: 'DECLARATION' } }).length,
      3,
      'read again before each attempt',
    );
  });
});
