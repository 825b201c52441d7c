import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { RailImportDeclaration } from '#domain/declaration.ts';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import {
  conditionFailedTransaction,
  DECLARATIONS_TABLE,
  declarationItem,
  declarationTableWrites,
  documents,
  resetAwsMocks,
  stepFunctions,
} from '../support/aws.ts';
import { CONTAINERS, goodsLine, railImportDeclaration } from '../support/declarations.ts';
import { BROKER_ID, lambdaContext, setUpLambdaEnvironment } from '../support/lambda.ts';

setUpLambdaEnvironment();
const recordTransition = (await import('../../functions/handlers/workflow/record-transition.ts')).handler;
const assessRisk = (await import('../../functions/handlers/workflow/assess-risk.ts')).handler;
const validateDeclaration = (await import('../../functions/handlers/workflow/validate-declaration.ts')).handler;
const awaitArrival = (await import('../../functions/handlers/workflow/await-arrival.ts')).handler;

const ID = 'DCL-0123456789ABCDEF01234567';
const WAYBILL = 'SMGS-24117790';
const declarationKey = { PK: `DECL#${ID}`, SK: 'DECLARATION' };

/** The declaration as the workflow step will read it (GetItem on its head item). */
function storedDeclaration(
  status: DeclarationStatus,
  version: number,
  document: RailImportDeclaration = railImportDeclaration({ waybillNumber: WAYBILL }),
  facts?: Record<string, unknown>,
) {
  return declarationItem({ id: ID, brokerId: BROKER_ID, status, version, document, ...(facts ? { facts } : {}) });
}

function onFile(...items: Record<string, unknown>[]): void {
  const stub = documents.on(GetCommand, { Key: declarationKey });
  for (const item of items) stub.resolvesOnce({ Item: item });
  const last = items.at(-1);
  if (last !== undefined) stub.resolves({ Item: last });
}

/** The single TransactWrite the repository sent for a transition: the guarded update and the history put. */
function transitionWrite() {
  const writes = documents.commandCalls(TransactWriteCommand);
  assert.equal(writes.length, 1, 'one transition written');
  const [update, history] = writes[0]?.args[0].input.TransactItems ?? [];
  assert.ok(update?.Update, 'first item updates the declaration');
  assert.ok(history?.Put, 'second item adds the history entry');
  return { update: update.Update, history: history.Put };
}

beforeEach(() => {
  resetAwsMocks();
  documents.on(GetCommand).resolves({});
});

describe('workflow step: record a stage (RecordArrival, ReleaseDeclaration, manual review)', () => {
  it('fails with UnknownTransition for a name the lifecycle does not know, writing nothing', async () => {
    onFile(storedDeclaration('ARRIVED', 5));
    for (const transition of ['SHIP', 'release', 'toString', '__proto__', 'SUBMIT']) {
      await assert.rejects(
        recordTransition({ declarationId: ID, transition } as never, lambdaContext('record-transition')),
        (error: Error) => {
          assert.equal(error.name, 'UnknownTransition', transition);
          assert.match(error.message, /unknown transition/);
          return true;
        },
      );
    }
    assert.equal(documents.calls().length, 0, 'the table was not even read');
  });

  it('records the arrival: status ARRIVED guarded by the version read, arrival kept as a fact', async () => {
    onFile(storedDeclaration('AWAITING_ARRIVAL', 4, undefined, { riskChannel: 'GREEN', riskRule: 'DEFAULT_GREEN' }));
    const arrival = { trainNumber: 'X8001', arrivedAt: '2025-03-01T05:42:00Z', portEventId: 'evt-1' };

    const result = await recordTransition(
      { declarationId: ID, transition: 'RECORD_ARRIVAL', details: arrival },
      lambdaContext('record-transition'),
    );

    assert.deepEqual(result, { status: 'ARRIVED', applied: true });
    const { update, history } = transitionWrite();
    assert.equal(update.TableName, DECLARATIONS_TABLE);
    assert.deepEqual(update.Key, declarationKey);
    assert.equal(update.ConditionExpression, '#version = :expected');
    assert.equal(update.ExpressionAttributeValues?.[':status'], 'ARRIVED');
    assert.equal(update.ExpressionAttributeValues?.[':expected'], 4);
    assert.equal(update.ExpressionAttributeValues?.[':next'], 5);
    assert.deepEqual(update.ExpressionAttributeValues?.[':facts'], {
      riskChannel: 'GREEN',
      riskRule: 'DEFAULT_GREEN',
      arrival,
    });
    assert.equal(history.Item?.SK, 'HISTORY#000005');
    assert.equal(history.Item?.transition, 'RECORD_ARRIVAL');
    assert.deepEqual(history.Item?.details, arrival);
    assert.equal(history.ConditionExpression, 'attribute_not_exists(PK)');
  });

  it('writes nothing when a retried step finds the declaration already released', async () => {
    onFile(storedDeclaration('RELEASED', 6));

    const result = await recordTransition({ declarationId: ID, transition: 'RELEASE' }, lambdaContext());

    assert.deepEqual(result, { status: 'RELEASED', applied: false });
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('fails with TransitionNotAllowed when asked to release goods that have not arrived', async () => {
    onFile(storedDeclaration('AWAITING_ARRIVAL', 4));

    await assert.rejects(recordTransition({ declarationId: ID, transition: 'RELEASE' }, lambdaContext()), {
      name: 'TransitionNotAllowed',
    });
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('fails with DeclarationNotFound for a declaration that is not on file', async () => {
    await assert.rejects(recordTransition({ declarationId: ID, transition: 'RELEASE' }, lambdaContext()), {
      name: 'DeclarationNotFound',
    });
  });

  it('sends a declaration whose train never came to manual review (ReviewMissedArrival)', async () => {
    onFile(storedDeclaration('AWAITING_ARRIVAL', 4));

    const result = await recordTransition(
      { declarationId: ID, transition: 'ESCALATE_TO_MANUAL_REVIEW', details: { reason: 'ARRIVAL_TIMEOUT' } },
      lambdaContext(),
    );

    assert.deepEqual(result, { status: 'MANUAL_REVIEW', applied: true });
  });

  it('refers an arrived red-channel declaration to an officer (ReferToOfficer runs after RecordArrival)', async () => {
    onFile(storedDeclaration('ARRIVED', 5, undefined, { riskChannel: 'RED' }));

    const result = await recordTransition(
      {
        declarationId: ID,
        transition: 'ESCALATE_TO_MANUAL_REVIEW',
        details: { reason: 'RISK_CHANNEL', channel: 'RED' },
      },
      lambdaContext(),
    );

    assert.deepEqual(result, { status: 'MANUAL_REVIEW', applied: true });
  });
});

describe('workflow step: assess risk', () => {
  it('assigns the red channel to arms (chapter 93): RISK_ASSESSED guarded by the version, rule recorded', async () => {
    onFile(storedDeclaration('VALIDATED', 2, railImportDeclaration({ goods: [goodsLine('93020000')] })));

    const decision = await assessRisk({ declarationId: ID }, lambdaContext('assess-risk'));

    assert.equal(decision.channel, 'RED');
    assert.equal(decision.rule, 'REGULATED_GOODS_CHAPTER_93');
    const { update, history } = transitionWrite();
    assert.match(update.UpdateExpression ?? '', /#status = :status/);
    assert.equal(update.ConditionExpression, '#version = :expected');
    assert.deepEqual(update.ExpressionAttributeNames, { '#status': 'status', '#version': 'version' });
    assert.equal(update.ExpressionAttributeValues?.[':status'], 'RISK_ASSESSED');
    assert.equal(update.ExpressionAttributeValues?.[':expected'], 2);
    assert.equal(update.ExpressionAttributeValues?.[':next'], 3);
    assert.deepEqual(update.ExpressionAttributeValues?.[':facts'], {
      riskChannel: 'RED',
      riskRule: 'REGULATED_GOODS_CHAPTER_93',
    });
    assert.equal(history.Item?.transition, 'ASSIGN_RISK_CHANNEL');
    assert.deepEqual(history.Item?.details, { ...decision });
  });

  it('settles a race with its own earlier attempt: re-reads, finds the channel assigned, writes nothing more', async () => {
    // Read to decide, read to transition, then the re-read after the version guard failed.
    onFile(
      storedDeclaration('VALIDATED', 2),
      storedDeclaration('VALIDATED', 2),
      storedDeclaration('RISK_ASSESSED', 3, undefined, { riskChannel: 'GREEN', riskRule: 'DEFAULT_GREEN' }),
    );
    documents.on(TransactWriteCommand).rejects(conditionFailedTransaction());

    const decision = await assessRisk({ declarationId: ID }, lambdaContext('assess-risk'));

    assert.equal(decision.channel, 'GREEN');
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 1);
    assert.equal(documents.commandCalls(GetCommand).length, 3, 'load, then two reads by the transition');
  });

  it('gives up after three version conflicts and lets the state machine retry the step', async () => {
    onFile(storedDeclaration('VALIDATED', 2));
    documents.on(TransactWriteCommand).rejects(conditionFailedTransaction());

    await assert.rejects(assessRisk({ declarationId: ID }, lambdaContext()), { name: 'TransactionCanceledException' });
    assert.equal(documents.commandCalls(TransactWriteCommand).length, 3);
  });
});

describe('workflow step: validate the stored declaration', () => {
  it('validates a consistent declaration', async () => {
    onFile(storedDeclaration('RECEIVED', 1));

    const result = await validateDeclaration({ declarationId: ID }, lambdaContext('validate-declaration'));

    assert.deepEqual(result, { outcome: 'VALIDATED', violations: [] });
    assert.equal(transitionWrite().update.ExpressionAttributeValues?.[':status'], 'VALIDATED');
  });

  it('rejects goods in an undeclared container and records the violations in the history', async () => {
    const document = railImportDeclaration({
      containers: [{ number: CONTAINERS.first }],
      goods: [{ ...goodsLine('85171300'), containerNumber: CONTAINERS.second }],
    });
    onFile(storedDeclaration('RECEIVED', 1, document));

    const result = await validateDeclaration({ declarationId: ID }, lambdaContext('validate-declaration'));

    assert.equal(result.outcome, 'REJECTED');
    const { update, history } = transitionWrite();
    assert.equal(update.ExpressionAttributeValues?.[':status'], 'REJECTED');
    assert.deepEqual(history.Item?.details, { violations: result.violations });
  });
});

describe('workflow step: await the train', () => {
  const arrivalKey = { PK: `WAYBILL#${WAYBILL}`, SK: 'ARRIVAL' };

  it('parks the task token under the waybill and marks the declaration AWAITING_ARRIVAL', async () => {
    onFile(storedDeclaration('RISK_ASSESSED', 3));

    await awaitArrival({ declarationId: ID, taskToken: 'token-1' }, lambdaContext('await-arrival'));

    assert.equal(transitionWrite().update.ExpressionAttributeValues?.[':status'], 'AWAITING_ARRIVAL');
    const waits = documents.commandCalls(PutCommand).map((call) => call.args[0].input.Item);
    assert.equal(waits.length, 1);
    assert.equal(waits[0]?.PK, `WAYBILL#${WAYBILL}`);
    assert.equal(waits[0]?.SK, `AWAIT_ARRIVAL#${ID}`);
    assert.equal(waits[0]?.taskToken, 'token-1');
    assert.equal(typeof waits[0]?.expiresAt, 'number');
    assert.equal(stepFunctions.commandCalls(SendTaskSuccessCommand).length, 0);
  });

  it('resumes itself at once when the train was reported before the workflow got here', async () => {
    onFile(storedDeclaration('RISK_ASSESSED', 3));
    const arrival = { trainNumber: 'X8001', arrivedAt: '2025-03-01T05:42:00Z', portEventId: 'evt-early' };
    documents
      .on(GetCommand, { Key: arrivalKey })
      .resolves({ Item: { ...arrivalKey, entity: 'Arrival', waybillNumber: WAYBILL, ...arrival } });

    await awaitArrival({ declarationId: ID, taskToken: 'token-1' }, lambdaContext('await-arrival'));

    assert.deepEqual(
      stepFunctions.commandCalls(SendTaskSuccessCommand).map((call) => call.args[0].input),
      [{ taskToken: 'token-1', output: JSON.stringify(arrival) }],
    );
    assert.deepEqual(
      documents.commandCalls(DeleteCommand).map((call) => call.args[0].input.Key),
      [{ PK: `WAYBILL#${WAYBILL}`, SK: `AWAIT_ARRIVAL#${ID}` }],
    );
  });
});
