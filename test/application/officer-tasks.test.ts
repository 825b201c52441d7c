import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  awaitBrokerDocuments,
  decideOnDeclaration,
  escalateOfficerTask,
  listOfficerTasks,
  NoDocumentsRequestedError,
  openOfficerTask,
  provideDocuments,
} from '#application/officer-tasks.ts';
import { recordTransition } from '#application/workflow-steps.ts';
import { noticeOf } from '#domain/port-events.ts';
import { goodsLine, railImportDeclaration } from '../support/declarations.ts';
import { type FakeOfficerPorts, fakeOfficerPorts } from '../support/fake-officer-ports.ts';
import { BROKERS, brokerCaller, callerAs } from '../support/fake-ports.ts';
import { trainArrived, waitingForItsMilestone } from './scenarios.ts';

const officer = callerAs('officer', { userId: 'officer-khorgos-17' });
const supervisor = callerAs('officer', { userId: 'supervisor-khorgos-2' });
const railway = callerAs('railway', { userId: 'dispatcher-2' });
const WAYBILL = 'SMGS-24117790';

const invoice = {
  type: 'INVOICE',
  number: 'INV-2025-0042',
  issuer: 'Xi’an Electronics Export Co.',
  issuedOn: '2025-02-20',
} as const;
const certificate = {
  type: 'CERTIFICATE_OF_ORIGIN',
  number: 'CCPIT-778812',
  issuer: 'CCPIT Xi’an',
  issuedOn: '2025-02-21',
} as const;

/** A yellow-channel train load (fresh apples) that arrived: its inspection waits for an officer. */
async function arrivedYellow(ports: FakeOfficerPorts, key = 'k1', waybillNumber = WAYBILL): Promise<string> {
  const document = railImportDeclaration({
    waybillNumber,
    goods: [goodsLine('08081000', { description: 'Fresh apples' })],
  });
  const id = await waitingForItsMilestone(ports, document, key);
  await recordTransition(ports, {
    declarationId: id,
    transition: 'RECORD_ARRIVAL',
    milestone: noticeOf(trainArrived([waybillNumber], `evt-${key}`), railway.actor),
  });
  return id;
}

async function inDocumentReview(ports: FakeOfficerPorts, dueAt?: string, key = 'k1'): Promise<string> {
  const id = await arrivedYellow(ports, key, key === 'k1' ? WAYBILL : `SMGS-${key}`);
  await openOfficerTask(ports, {
    declarationId: id,
    taskToken: `review-${id}`,
    kind: 'DOCUMENT_REVIEW',
    ...(dueAt ? { dueAt } : {}),
  });
  return id;
}

/** When the decision's transitions were recorded: the business time the workflow is resumed with. */
const decidedAt = (ports: FakeOfficerPorts, id: string) =>
  ports.declarationStore.history(id).findLast((entry) => entry.actor.kind === 'officer')?.occurredAt;

const decide = (ports: FakeOfficerPorts, id: string, body: Record<string, unknown>, caller = officer) =>
  decideOnDeclaration(ports, { declarationId: id, caller, reason: 'checked', ...body } as Parameters<
    typeof decideOnDeclaration
  >[1]);

describe('the workflow opens an officer task', () => {
  it('opens the document review on the inspection track and queues the task with its token, deadline, broker and channel', async () => {
    const ports = fakeOfficerPorts();
    const id = await arrivedYellow(ports);

    const opened = await openOfficerTask(ports, {
      declarationId: id,
      taskToken: 'token-a',
      kind: 'DOCUMENT_REVIEW',
      dueAt: '2025-03-02T01:42:00+06:00',
      reason: 'yellow channel: documents to check',
    });

    assert.deepEqual(opened, { kind: 'DOCUMENT_REVIEW', queue: 'officers' });
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'ARRIVED');
    assert.equal(record?.tracks?.inspection, 'DOCUMENT_REVIEW');
    const task = ports.officerTaskStore.taskOf(id);
    assert.equal(task?.taskToken, 'token-a');
    assert.equal(task?.dueAt, '2025-03-01T19:42:00.000Z', 'kept in UTC, so the queue sorts by instant');
    assert.equal(task?.brokerId, BROKERS.almaty);
    assert.equal(task?.riskChannel, 'YELLOW');
    assert.equal(task?.state, 'OPEN');
  });

  it('a retried step replaces the token and keeps one task, opened once', async () => {
    const ports = fakeOfficerPorts();
    const id = await arrivedYellow(ports);
    await openOfficerTask(ports, { declarationId: id, taskToken: 'token-a', kind: 'DOCUMENT_REVIEW' });
    const history = ports.declarationStore.history(id).length;
    const openedAt = ports.officerTaskStore.taskOf(id)?.openedAt;

    await openOfficerTask(ports, { declarationId: id, taskToken: 'token-b', kind: 'DOCUMENT_REVIEW' });

    assert.equal(ports.officerTaskStore.taskOf(id)?.taskToken, 'token-b');
    assert.equal(ports.officerTaskStore.taskOf(id)?.openedAt, openedAt);
    assert.equal(ports.declarationStore.history(id).length, history, 'the review was opened once');
    assert.deepEqual(
      (await listOfficerTasks(ports, { queue: 'officers', limit: 10 })).items.map((task) => task.declarationId),
      [id],
    );
  });

  it('a manual review sends the declaration to MANUAL_REVIEW unless it is there already', async () => {
    const ports = fakeOfficerPorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');

    await openOfficerTask(ports, {
      declarationId: id,
      taskToken: 't1',
      kind: 'MANUAL_REVIEW',
      reason: 'no train came',
    });
    await openOfficerTask(ports, { declarationId: id, taskToken: 't2', kind: 'MANUAL_REVIEW', queue: 'supervisors' });

    assert.equal((await ports.declarations.load(id))?.status, 'MANUAL_REVIEW');
    assert.equal(ports.declarationStore.history(id).filter((entry) => entry.status === 'MANUAL_REVIEW').length, 1);
    assert.equal(ports.officerTaskStore.taskOf(id)?.queue, 'supervisors');
  });
});

describe('the officer’s queue', () => {
  it('lists open tasks by deadline, the earliest first and those without one last, a page at a time', async () => {
    const ports = fakeOfficerPorts();
    const late = await inDocumentReview(ports, '2025-03-02T06:00:00Z', 'k1');
    const none = await inDocumentReview(ports, undefined, 'k2');
    const early = await inDocumentReview(ports, '2025-03-01T20:00:00Z', 'k3');

    const first = await listOfficerTasks(ports, { queue: 'officers', limit: 2 });
    assert.deepEqual(
      first.items.map((task) => task.declarationId),
      [early, late],
    );
    const second = await listOfficerTasks(ports, { queue: 'officers', limit: 2, cursor: first.nextCursor });
    assert.deepEqual(
      second.items.map((task) => task.declarationId),
      [none],
    );
    assert.equal(second.nextCursor, undefined);
  });

  it('an escalated task leaves the officers’ queue for the supervisors’, keeping its kind; the next wait gives it a new token', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports, '2025-03-01T20:00:00Z');

    const escalated = await escalateOfficerTask(ports, id, 'no decision within 4 h');
    await openOfficerTask(ports, { declarationId: id, taskToken: 'after-escalation', kind: 'DOCUMENT_REVIEW' });

    assert.deepEqual(escalated, { declarationId: id, escalated: true, kind: 'DOCUMENT_REVIEW', queue: 'supervisors' });
    assert.deepEqual((await listOfficerTasks(ports, { queue: 'officers', limit: 10 })).items, []);
    const [task] = (await listOfficerTasks(ports, { queue: 'supervisors', limit: 10 })).items;
    assert.equal(task?.taskToken, 'after-escalation');
    assert.equal(task?.kind, 'DOCUMENT_REVIEW');
    assert.equal(task?.escalationReason, 'no decision within 4 h');
    assert.deepEqual(await escalateOfficerTask(ports, id, 'again'), {
      declarationId: id,
      escalated: false,
      kind: 'DOCUMENT_REVIEW',
      queue: 'supervisors',
    });
  });

  it('a decided task leaves the queue; escalating it changes nothing', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);
    await decide(ports, id, { decision: 'APPROVE' });

    assert.deepEqual((await listOfficerTasks(ports, { queue: 'officers', limit: 10 })).items, []);
    assert.equal((await escalateOfficerTask(ports, id, 'late')).escalated, false);
  });
});

describe('an officer decides', () => {
  it('APPROVE passes the inspection, records the officer and the reason, and resumes the workflow with APPROVE', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);

    const outcome = await decide(ports, id, { decision: 'APPROVE', reason: 'invoice and certificate agree' });

    assert.equal(outcome.kind, 'decided');
    assert.equal(outcome.kind === 'decided' && outcome.decision.status, 'ARRIVED');
    const record = await ports.declarations.load(id);
    assert.equal(record?.tracks?.inspection, 'PASSED');
    const entry = ports.declarationStore.history(id).at(-1);
    assert.deepEqual(entry?.actor, officer.actor);
    assert.equal(entry?.reason, 'invoice and certificate agree');
    assert.deepEqual(ports.taskCallbacks.resumed, [
      { taskToken: `review-${id}`, output: { decision: 'APPROVE', occurredAt: decidedAt(ports, id) } },
    ]);
    assert.equal(ports.officerTaskStore.taskOf(id)?.state, 'CLOSED');
  });

  it('a decision with the officer’s own business time (a check done earlier) is recorded then, and the workflow resumed with it', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);
    const checkedAt = new Date(ports.clock().getTime() - 3 * 3_600_000).toISOString();

    await decide(ports, id, { decision: 'APPROVE', occurredAt: checkedAt.replace('Z', '+00:00') });

    assert.equal(ports.declarationStore.history(id).at(-1)?.occurredAt, checkedAt);
    assert.deepEqual(
      ports.taskCallbacks.resumed.map((call) => call.output),
      [{ decision: 'APPROVE', occurredAt: checkedAt }],
    );
  });

  it('a decision dated in the future is refused naming occurredAt, and changes nothing', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);
    const before = ports.declarationStore.history(id).length;

    const outcome = await decide(ports, id, {
      decision: 'APPROVE',
      occurredAt: new Date(ports.clock().getTime() + 3_600_000).toISOString(),
    });

    assert.equal(outcome.kind, 'invalid');
    assert.deepEqual(outcome.kind === 'invalid' && outcome.violations.map((v) => [v.pointer, v.rule]), [
      ['/occurredAt', 'not-in-the-future'],
    ]);
    assert.equal(ports.declarationStore.history(id).length, before);
    assert.equal(ports.taskCallbacks.resumed.length, 0);
    assert.equal(ports.officerTaskStore.taskOf(id)?.state, 'OPEN');
  });

  it('HOLD detains the goods and keeps the task open without resuming; APPROVE later lets them go on and resumes', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);

    await decide(ports, id, { decision: 'HOLD', reason: 'seal broken on the container' });
    assert.equal((await ports.declarations.load(id))?.status, 'HELD');
    assert.equal(ports.taskCallbacks.resumed.length, 0, 'the workflow waits on');
    assert.equal((await listOfficerTasks(ports, { queue: 'officers', limit: 10 })).items.length, 1, 'still queued');

    await decide(ports, id, { decision: 'APPROVE', reason: 'resealed and checked' });
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'ARRIVED');
    assert.equal(record?.tracks?.inspection, 'PASSED');
    assert.deepEqual(
      ports.declarationStore
        .history(id)
        .slice(-3)
        .map((entry) => entry.transition),
      ['HOLD', 'RESUME', 'PASS_INSPECTION'],
    );
    assert.deepEqual(
      ports.taskCallbacks.resumed.map((call) => call.output),
      [{ decision: 'APPROVE', occurredAt: decidedAt(ports, id) }],
    );
  });

  it('REJECT on a held declaration rejects it and resumes the workflow with REJECT', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);
    await decide(ports, id, { decision: 'HOLD' });

    await decide(ports, id, { decision: 'REJECT', reason: 'undeclared goods found' });

    assert.equal((await ports.declarations.load(id))?.status, 'REJECTED');
    assert.deepEqual(
      ports.taskCallbacks.resumed.map((call) => call.output),
      [{ decision: 'REJECT', occurredAt: decidedAt(ports, id) }],
    );
  });

  it('approving a manual review sends the declaration back where it was', async () => {
    const ports = fakeOfficerPorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    await openOfficerTask(ports, { declarationId: id, taskToken: 'review', kind: 'MANUAL_REVIEW' });

    await decide(ports, id, { decision: 'APPROVE', reason: 'the train is late, not lost' });

    assert.equal((await ports.declarations.load(id))?.status, 'AWAITING_ARRIVAL');
    assert.deepEqual(ports.taskCallbacks.resumed, [
      { taskToken: 'review', output: { decision: 'APPROVE', occurredAt: decidedAt(ports, id) } },
    ]);
  });

  it('the same decision again answers the same and changes nothing, with or without a decisionId', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);
    const first = await decide(ports, id, { decision: 'APPROVE', decisionId: 'd-1' });
    const before = ports.declarationStore.snapshot();
    const writes = ports.officerTaskStore.writes();

    assert.deepEqual(await decide(ports, id, { decision: 'APPROVE', decisionId: 'd-1' }), first);
    assert.deepEqual(await decide(ports, id, { decision: 'APPROVE' }), first);
    assert.deepEqual(ports.declarationStore.snapshot(), before);
    assert.equal(ports.officerTaskStore.writes(), writes);
    assert.equal(ports.taskCallbacks.resumed.length, 1);
  });

  it('refuses a decision on a declaration that waits for none, another decision on a decided task, and a reused decisionId', async () => {
    const ports = fakeOfficerPorts();
    const waiting = await waitingForItsMilestone(ports, railImportDeclaration(), 'k0');
    const id = await inDocumentReview(ports);
    await decide(ports, id, { decision: 'APPROVE', decisionId: 'd-1' });
    const before = ports.declarationStore.snapshot();

    assert.equal((await decide(ports, waiting, { decision: 'APPROVE' })).kind, 'not-awaited');
    assert.equal((await decide(ports, id, { decision: 'REJECT' })).kind, 'not-awaited');
    assert.equal((await decide(ports, id, { decision: 'REJECT', decisionId: 'd-1' })).kind, 'not-awaited');
    assert.deepEqual(await decide(ports, 'DCL-000000000000000000000000', { decision: 'APPROVE' }), {
      kind: 'not-found',
    });
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('refuses documents named with another decision, and REQUEST_DOCUMENTS without them, before anything is read', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);

    const missing = await decide(ports, id, { decision: 'REQUEST_DOCUMENTS' });
    const stray = await decide(ports, id, { decision: 'APPROVE', requestedDocuments: ['INVOICE'] });

    assert.equal(missing.kind === 'invalid' && missing.violations[0]?.rule, 'required');
    assert.equal(stray.kind === 'invalid' && stray.violations[0]?.rule, 'request-documents-only');
    assert.equal(ports.officerTaskStore.taskOf(id)?.state, 'OPEN');
  });

  it('of two officers deciding at once, one decides and the other is told the task is decided', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);

    const [a, b] = await Promise.all([
      decide(ports, id, { decision: 'APPROVE' }),
      decide(ports, id, { decision: 'REJECT' }, supervisor),
    ]);

    assert.deepEqual([a.kind, b.kind].sort(), ['decided', 'not-awaited']);
    assert.equal(ports.taskCallbacks.resumed.length, 1);
  });

  it('a decision made after the wait timed out is handed to the next wait at once', async () => {
    const ports = fakeOfficerPorts({ goneTokens: ['timed-out'] });
    const id = await arrivedYellow(ports);
    await openOfficerTask(ports, { declarationId: id, taskToken: 'timed-out', kind: 'DOCUMENT_REVIEW' });
    await decide(ports, id, { decision: 'APPROVE' });
    await escalateOfficerTask(ports, id, 'no decision in time');

    await openOfficerTask(ports, { declarationId: id, taskToken: 'second-wait', kind: 'DOCUMENT_REVIEW' });

    assert.deepEqual(ports.taskCallbacks.resumed, [
      { taskToken: 'second-wait', output: { decision: 'APPROVE', occurredAt: decidedAt(ports, id) } },
    ]);
    assert.equal(ports.officerTaskStore.taskOf(id)?.state, 'CLOSED');
  });
});

describe('documents requested from the broker', () => {
  it('the officer requests, the broker provides, the officer approves: the workflow is resumed three times, in that order', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);

    await decide(ports, id, {
      decision: 'REQUEST_DOCUMENTS',
      reason: 'origin not proven',
      requestedDocuments: ['CERTIFICATE_OF_ORIGIN'],
    });
    assert.equal((await ports.declarations.load(id))?.tracks?.inspection, 'DOCUMENTS_REQUESTED');
    await awaitBrokerDocuments(ports, { declarationId: id, taskToken: 'broker-wait' });

    const provided = await provideDocuments(ports, {
      declarationId: id,
      caller: brokerCaller(),
      documents: [certificate],
    });
    assert.equal(provided.kind, 'provided');
    const entry = ports.declarationStore.history(id).at(-1);
    assert.equal(entry?.transition, 'PROVIDE_DOCUMENTS');
    assert.equal(entry?.reason, 'the broker provided documents');
    assert.deepEqual(entry?.details?.documents, [certificate]);
    assert.equal(entry?.actor.kind, 'broker');

    await openOfficerTask(ports, { declarationId: id, taskToken: 'second-review', kind: 'DOCUMENT_REVIEW' });
    await decide(ports, id, { decision: 'APPROVE', reason: 'certificate in order' });

    assert.deepEqual(
      ports.taskCallbacks.resumed.map(({ taskToken, output }) => [
        taskToken,
        (output as { decision?: string }).decision ?? 'documents',
      ]),
      [
        [`review-${id}`, 'REQUEST_DOCUMENTS'],
        ['broker-wait', 'documents'],
        ['second-review', 'APPROVE'],
      ],
    );
    assert.deepEqual((ports.taskCallbacks.resumed[1]?.output as { documents?: unknown } | undefined)?.documents, [
      certificate,
    ]);
    assert.equal((await ports.declarations.load(id))?.tracks?.inspection, 'PASSED');
  });

  it('documents provided before the workflow waits for them resume its wait as soon as it comes', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);
    await decide(ports, id, { decision: 'REQUEST_DOCUMENTS', requestedDocuments: ['INVOICE'] });
    await provideDocuments(ports, { declarationId: id, caller: brokerCaller(), documents: [invoice] });

    await awaitBrokerDocuments(ports, { declarationId: id, taskToken: 'late-wait' });

    assert.deepEqual(ports.taskCallbacks.resumed.at(-1)?.taskToken, 'late-wait');
  });

  it('the same documents again answer the same; other documents, documents nobody asked for, or another broker are refused', async () => {
    const ports = fakeOfficerPorts();
    const unasked = await inDocumentReview(ports, undefined, 'k2');
    const id = await inDocumentReview(ports);
    await decide(ports, id, { decision: 'REQUEST_DOCUMENTS', requestedDocuments: ['INVOICE'] });
    await awaitBrokerDocuments(ports, { declarationId: id, taskToken: 'broker-wait' });
    const first = await provideDocuments(ports, { declarationId: id, caller: brokerCaller(), documents: [invoice] });
    const before = ports.declarationStore.snapshot();

    assert.deepEqual(
      await provideDocuments(ports, { declarationId: id, caller: brokerCaller(), documents: [invoice] }),
      first,
    );
    assert.equal(
      (await provideDocuments(ports, { declarationId: id, caller: brokerCaller(), documents: [certificate] })).kind,
      'not-requested',
    );
    assert.equal(
      (await provideDocuments(ports, { declarationId: unasked, caller: brokerCaller(), documents: [invoice] })).kind,
      'not-requested',
    );
    assert.deepEqual(
      await provideDocuments(ports, { declarationId: id, caller: brokerCaller(BROKERS.urumqi), documents: [invoice] }),
      { kind: 'not-found' },
    );
    assert.deepEqual(ports.declarationStore.snapshot(), before);
    assert.equal(ports.taskCallbacks.resumed.filter((call) => call.taskToken === 'broker-wait').length, 1);
  });

  it('the wait step fails loudly when nothing was requested (a state machine bug, not a wait)', async () => {
    const ports = fakeOfficerPorts();
    const id = await inDocumentReview(ports);

    await assert.rejects(awaitBrokerDocuments(ports, { declarationId: id, taskToken: 't' }), NoDocumentsRequestedError);
  });
});
