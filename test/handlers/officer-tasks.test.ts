import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import {
  declarationHeadItem,
  declarationTableWrites,
  documentItem,
  documents,
  officerTaskItem,
  queuedWorkflowCommands,
  resetAwsMocks,
  stepFunctions,
  tableHolds,
} from '../support/aws.ts';
import { railImportDeclaration } from '../support/declarations.ts';
import {
  apiEvent,
  assertProblem,
  BROKER_ID,
  brokerClaims,
  lambdaContext,
  OTHER_BROKER_ID,
  officerClaims,
  parseResponse,
  setUpLambdaEnvironment,
} from '../support/lambda.ts';

setUpLambdaEnvironment();
const listOfficerTasks = (await import('../../functions/handlers/list-officer-tasks.ts')).handler;
const decide = (await import('../../functions/handlers/decide-on-declaration.ts')).handler;
const provideDocuments = (await import('../../functions/handlers/provide-documents.ts')).handler;
const openOfficerTask = (await import('../../functions/handlers/open-officer-task.ts')).handler;
const escalate = (await import('../../functions/handlers/escalate-officer-task.ts')).handler;

const ID = 'DCL-0123456789ABCDEF01234567';
const LATER = 'DCL-89ABCDEF0123456789ABCDEF';

/** A yellow rail declaration that arrived, its documents under review (or wherever the test puts it). */
function arrivedDeclaration(status: DeclarationStatus = 'ARRIVED', inspection = 'DOCUMENT_REVIEW', id = ID) {
  return [
    {
      ...declarationHeadItem({ id, brokerId: BROKER_ID, document: railImportDeclaration(), status, version: 5 }),
      facts: { riskChannel: 'YELLOW' },
      tracks: { transshipment: 'IN_PROGRESS', inspection },
    },
    documentItem(id, railImportDeclaration()),
  ];
}

const decision = (body: unknown, claims = officerClaims(), id = ID) =>
  decide(
    apiEvent({ method: 'POST', path: `/v1/declarations/${id}/decisions`, pathParameters: { id }, claims, body }),
    lambdaContext('decide-on-declaration'),
  ).then(parseResponse);

const taskPuts = () =>
  documents
    .commandCalls(PutCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.Item?.SK === 'OFFICER_TASK');

beforeEach(() => resetAwsMocks());

describe('GET /v1/officer/tasks', () => {
  it('queries the queue on GSI2, the earliest deadline first, each task with its SLA state and links', async () => {
    tableHolds(
      officerTaskItem({ declarationId: LATER, taskToken: 't2', dueAt: '2099-01-01T00:00:00.000Z' }),
      officerTaskItem({ declarationId: ID, taskToken: 't1', dueAt: '2025-03-01T16:00:00.000Z' }),
      officerTaskItem({ declarationId: 'DCL-FFFFFFFFFFFFFFFFFFFFFFFF', taskToken: 't3', queue: 'supervisors' }),
    );

    const response = parseResponse(
      await listOfficerTasks(
        apiEvent({ method: 'GET', path: '/v1/officer/tasks', claims: officerClaims(), query: { limit: '10' } }),
        lambdaContext('list-officer-tasks'),
      ),
    );

    assert.equal(response.statusCode, 200);
    const [query] = documents.commandCalls(QueryCommand).map((call) => call.args[0].input);
    assert.equal(query?.IndexName, 'GSI2');
    assert.deepEqual(query?.ExpressionAttributeValues, { ':pk': 'QUEUE#officers' });
    assert.deepEqual(
      response.body.items.map((item: { declarationId: string; slaState: string }) => [
        item.declarationId,
        item.slaState,
      ]),
      [
        [ID, 'BREACHED'],
        [LATER, 'OK'],
      ],
    );
    assert.equal(response.body.items[0].links.decisions, `/dev/v1/declarations/${ID}/decisions`);
    assert.equal(response.body.items[0].riskChannel, 'YELLOW');
  });

  it('is for officers only, and refuses an unknown queue naming the parameter', async () => {
    const asBroker = parseResponse(
      await listOfficerTasks(
        apiEvent({ method: 'GET', path: '/v1/officer/tasks', claims: brokerClaims() }),
        lambdaContext('list-officer-tasks'),
      ),
    );
    const unknownQueue = parseResponse(
      await listOfficerTasks(
        apiEvent({ method: 'GET', path: '/v1/officer/tasks', claims: officerClaims(), query: { queue: 'managers' } }),
        lambdaContext('list-officer-tasks'),
      ),
    );

    assertProblem(asBroker, 403, 'forbidden');
    assert.ok(assertProblem(unknownQueue, 400, 'invalid-query').some((error) => error.startsWith('queue ')));
  });
});

describe('POST /v1/declarations/{id}/decisions', () => {
  it('APPROVE writes the decision on the task, passes the inspection as the officer, and resumes the workflow', async () => {
    tableHolds(...arrivedDeclaration(), officerTaskItem({ declarationId: ID, taskToken: 'token-review', revision: 3 }));

    const response = await decision({ decision: 'APPROVE', reason: 'invoice matches', decisionId: 'd-17' });

    assert.equal(response.statusCode, 200, JSON.stringify(response.body));
    assert.equal(response.body.decision, 'APPROVE');
    assert.equal(response.body.taskState, 'CLOSED');
    const [first] = taskPuts();
    assert.equal(first?.ConditionExpression, 'revision = :expected');
    assert.deepEqual(first?.ExpressionAttributeValues, { ':expected': 3 });
    assert.equal(first?.Item?.state, 'CLOSED');
    assert.equal(first?.Item?.GSI2PK, undefined, 'a decided task leaves the queue');
    const [write] = documents.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
    const history = write?.[1]?.Put?.Item;
    assert.equal(history?.transition, 'PASS_INSPECTION');
    assert.deepEqual(history?.actor, { kind: 'officer', id: 'officer-khorgos-17' });
    assert.equal(history?.reason, 'invoice matches');
    assert.deepEqual(queuedWorkflowCommands(), [
      { kind: 'resume', taskToken: 'token-review', output: { decision: 'APPROVE', occurredAt: history?.occurredAt } },
    ]);
  });

  it('answers 409 naming why when the declaration waits for no decision, and writes nothing', async () => {
    tableHolds(...arrivedDeclaration('AWAITING_ARRIVAL'));

    const response = await decision({ decision: 'APPROVE', reason: 'ok' });

    assertProblem(response, 409, 'conflict');
    assert.match(response.body.detail, /waits for no decision/);
    assert.deepEqual(declarationTableWrites(), []);
    assert.equal(queuedWorkflowCommands('resume').length, 0);
  });

  it('answers 404 for an unknown declaration, 403 to a broker, and 422 for documents requested without naming them', async () => {
    tableHolds(...arrivedDeclaration(), officerTaskItem({ declarationId: ID, taskToken: 't' }));

    assertProblem(await decision({ decision: 'APPROVE', reason: 'ok' }, officerClaims(), LATER), 404, 'not-found');
    assertProblem(await decision({ decision: 'APPROVE', reason: 'ok' }, brokerClaims()), 403, 'forbidden');
    assert.deepEqual(
      assertProblem(await decision({ decision: 'REQUEST_DOCUMENTS', reason: 'x' }), 422, 'validation-failed'),
      ['/requestedDocuments required'],
    );
    assert.deepEqual(assertProblem(await decision({ decision: 'APPROVE', reason: '' }), 422, 'validation-failed'), [
      '/reason minLength',
    ]);
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('the same decision on a task it already decided answers the same and changes nothing', async () => {
    const decided = {
      decisionId: 'd-17',
      decision: 'APPROVE',
      reason: 'invoice matches',
      decidedBy: { kind: 'officer', id: 'officer-khorgos-17' },
      decidedAt: '2025-03-01T07:00:00.000Z',
      transitions: ['PASS_INSPECTION'],
      carriedOut: true,
      status: 'ARRIVED',
      resumed: true,
    };
    tableHolds(
      ...arrivedDeclaration('ARRIVED', 'PASSED'),
      officerTaskItem({ declarationId: ID, taskToken: 't', state: 'CLOSED', decision: decided }),
    );

    const response = await decision({ decision: 'APPROVE', reason: 'invoice matches', decisionId: 'd-17' });

    assert.equal(response.statusCode, 200);
    assert.equal(response.body.decidedAt, decided.decidedAt);
    assert.deepEqual(declarationTableWrites(), []);
    assert.equal(queuedWorkflowCommands('resume').length, 0);
  });
});

describe('POST /v1/declarations/{id}/documents', () => {
  const body = { documents: [{ type: 'INVOICE', number: 'INV-9', issuer: 'Xi’an Co.', issuedOn: '2025-02-20' }] };
  const provide = (claims = brokerClaims()) =>
    provideDocuments(
      apiEvent({ method: 'POST', path: `/v1/declarations/${ID}/documents`, pathParameters: { id: ID }, claims, body }),
      lambdaContext('provide-documents'),
    ).then(parseResponse);

  it('answers 409 when nothing was requested, 404 to another broker, and writes nothing', async () => {
    tableHolds(...arrivedDeclaration());

    assertProblem(await provide(), 409, 'conflict');
    assertProblem(await provide(brokerClaims(OTHER_BROKER_ID)), 404, 'not-found');
    assert.deepEqual(declarationTableWrites(), []);
  });

  it('records the documents in history as the broker and resumes the waiting workflow', async () => {
    tableHolds(...arrivedDeclaration('ARRIVED', 'DOCUMENTS_REQUESTED'), {
      PK: `DECL#${ID}`,
      SK: 'DOCUMENT_REQUEST',
      entity: 'DocumentRequest',
      declarationId: ID,
      requestedDocuments: ['INVOICE'],
      reason: 'value unproven',
      requestedBy: { kind: 'officer', id: 'officer-khorgos-17' },
      requestedAt: '2025-03-01T07:00:00.000Z',
      taskToken: 'token-documents',
      revision: 2,
    });

    const response = await provide();

    assert.equal(response.statusCode, 202, JSON.stringify(response.body));
    const [write] = documents.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);
    assert.equal(write?.[1]?.Put?.Item?.transition, 'PROVIDE_DOCUMENTS');
    assert.equal(write?.[1]?.Put?.Item?.reason, 'the broker provided documents');
    assert.deepEqual(write?.[1]?.Put?.Item?.details?.documents, body.documents);
    assert.deepEqual(
      queuedWorkflowCommands('resume').map((command) => command.taskToken),
      ['token-documents'],
    );
  });
});

describe('workflow steps: open and escalate an officer task', () => {
  it('opens the document review and queues the task under its token on GSI2', async () => {
    tableHolds(...arrivedDeclaration('ARRIVED', 'PENDING'));

    await openOfficerTask(
      { declarationId: ID, taskToken: 'token-1', kind: 'DOCUMENT_REVIEW', dueAt: '2025-03-01T22:00:00+06:00' },
      lambdaContext('open-officer-task'),
    );

    const [task] = taskPuts();
    assert.equal(task?.Item?.taskToken, 'token-1');
    assert.equal(task?.Item?.GSI2PK, 'QUEUE#officers');
    assert.equal(task?.Item?.GSI2SK, `2025-03-01T16:00:00.000Z#${ID}`);
    assert.equal(task?.ConditionExpression, 'attribute_not_exists(PK)');
    assert.equal(stepFunctions.commandCalls(SendTaskSuccessCommand).length, 0, 'it waits');
  });

  it('escalation moves an open task to the supervisors’ queue and says what it is', async () => {
    tableHolds(officerTaskItem({ declarationId: ID, taskToken: 't', revision: 2 }));

    const result = await escalate({ declarationId: ID, reason: 'no decision in 4 h' }, lambdaContext('escalate'));

    assert.deepEqual(result, { declarationId: ID, escalated: true, kind: 'DOCUMENT_REVIEW', queue: 'supervisors' });
    assert.equal(taskPuts()[0]?.Item?.GSI2PK, 'QUEUE#supervisors');
  });
});
