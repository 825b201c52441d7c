import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { amendDeclaration } from '#application/amend-declaration.ts';
import { cancelDeclaration } from '#application/cancel-declaration.ts';
import { completeDeclaration } from '#application/complete-declaration.ts';
import { decideOnDeclaration, openOfficerTask } from '#application/officer-tasks.ts';
import { awaitRailEvent, resumeAfterCompletion } from '#application/rail-steps.ts';
import { assessRisk, awaitMilestone, flagMissedCompletion, recordTransition } from '#application/workflow-steps.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { noticeOf } from '#domain/port-events.ts';
import { completionFactsOf } from '#domain/two-step.ts';
import { railImportDeclaration, railImportSummary } from '../support/declarations.ts';
import { type FakeOfficerPorts, fakeOfficerPorts } from '../support/fake-officer-ports.ts';
import { BROKERS, brokerCaller, callerAs, steppingClock } from '../support/fake-ports.ts';
import { filed, trainArrived } from './scenarios.ts';

const owner = brokerCaller(BROKERS.almaty, 'clerk-7');
const officer = callerAs('officer', { userId: 'officer-khorgos-17' });
const railway = callerAs('railway', { userId: 'dispatcher-2' });
/** The fixtures' consignee has cleared goods here before: the summary goes green. */
const summary = railImportSummary({ consignee: railImportDeclaration().consignee });
const complete = railImportDeclaration();
const DAY_MS = 86_400_000;

const completeWith = (
  ports: FakeOfficerPorts,
  id: string,
  document: DeclarationDocument,
  ifMatch = 1,
  caller = owner,
) => completeDeclaration(ports, { caller, id, expectedDocumentVersion: ifMatch, document });

/** A summary filed, screened, arrived, through the gauge change and released: what the workflow does. */
async function releasedUnderSummary(ports: FakeOfficerPorts, key = 'summary-1') {
  const { id, filedAt } = await filed(ports, summary, key, owner);
  await assessRisk(ports, id);
  await awaitMilestone(ports, { declarationId: id, taskToken: `arrival-${id}` });
  await recordTransition(ports, {
    declarationId: id,
    transition: 'RECORD_ARRIVAL',
    milestone: noticeOf(trainArrived(), railway.actor),
  });
  await recordTransition(ports, { declarationId: id, transition: 'COMPLETE_TRANSSHIPMENT' });
  const released = await recordTransition(ports, {
    declarationId: id,
    transitions: ['SECURE_DUTIES', 'RELEASE'],
    completionClock: true,
  });
  return { id, filedAt, released };
}

const waitForCompletion = (ports: FakeOfficerPorts, id: string) =>
  awaitRailEvent(ports, { declarationId: id, taskToken: `completion-${id}`, milestone: 'DECLARATION_COMPLETED' });

describe('a two-step summary, due from its acceptance', () => {
  it('is filed with the date its complete declaration is due: 14 days after acceptance', async () => {
    const ports = fakeOfficerPorts();
    const record = await filed(ports, summary, 'summary-1', owner);
    assert.equal(
      completionFactsOf(record.facts).dueAt,
      new Date(Date.parse(record.filedAt) + 14 * DAY_MS).toISOString(),
    );
    const filedComplete = await filed(ports, complete, 'complete-1', owner);
    assert.deepEqual(filedComplete.facts, {}, 'a complete declaration owes nothing');
  });

  it('is released like any declaration, and the release answers the seconds left to complete it', async () => {
    const ports = fakeOfficerPorts();
    const { id, filedAt, released } = await releasedUnderSummary(ports);
    assert.equal(released.status, 'RELEASED');
    const dueAt = Date.parse(filedAt) + 14 * DAY_MS;
    assert.equal(released.completion?.dueAt, new Date(dueAt).toISOString());
    const record = await ports.declarations.load(id);
    const secondsLeft = Number(released.completion?.secondsLeft);
    assert.ok(secondsLeft > 0 && secondsLeft <= (dueAt - Date.parse(String(record?.updatedAt))) / 1000 + 1);
  });
});

describe('the broker completes a summary after its goods were released', () => {
  it('stores the complete document as version 2 under the same number; the status stays RELEASED', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    const before = await ports.declarations.load(id);
    await waitForCompletion(ports, id);
    assert.deepEqual(ports.taskCallbacks.resumed, [], 'the workflow waits');

    const outcome = await completeWith(ports, id, complete);

    assert.equal(outcome.kind, 'completed');
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'RELEASED');
    assert.equal(record?.documentVersion, 2);
    assert.equal(record?.version, Number(before?.version) + 1);
    assert.equal(record?.declarationNumber, before?.declarationNumber);
    assert.deepEqual(await ports.declarations.loadDocument(id, 2), complete);
    assert.deepEqual(await ports.declarations.loadDocument(id, 1), summary, 'the summary stays readable');
    const completion = completionFactsOf(record?.facts ?? {});
    assert.equal(completion.documentVersion, 2);
    assert.equal(typeof completion.completedAt, 'string');
  });

  it('records who completed it, when and why, and tells the broker in a declaration.amended event', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    await completeWith(ports, id, complete);

    const entry = ports.declarationStore.history(id).at(-1);
    assert.deepEqual(
      [entry?.transition, entry?.status, entry?.previousStatus, entry?.actor, entry?.details?.documentVersion],
      ['COMPLETE_DOCUMENT', 'RELEASED', 'RELEASED', owner.actor, 2],
    );
    assert.equal(entry?.details?.late, false);
    assert.match(String(entry?.reason), /complete declaration/);
    const event = ports.declarationStore.events().at(-1);
    assert.deepEqual([event?.eventType, event?.transition], ['declaration.amended', 'COMPLETE_DOCUMENT']);
  });

  it('ends the workflow’s wait when the completion is followed (from the event), once', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    await waitForCompletion(ports, id);
    await completeWith(ports, id, complete);

    assert.deepEqual(await resumeAfterCompletion(ports, id, 2), { resumed: 1 });
    assert.deepEqual(ports.taskCallbacks.resumed, [
      { taskToken: `completion-${id}`, output: { completedDocumentVersion: 2 } },
    ]);
    assert.deepEqual(await ports.milestones.waitsFor('DECLARATION_COMPLETED', id), []);
    assert.deepEqual(await resumeAfterCompletion(ports, id, 2), { resumed: 0 }, 'a redelivered event resumes nothing');
  });

  it('lets a workflow that reaches its wait after the completion go on at once', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    await completeWith(ports, id, complete);

    await waitForCompletion(ports, id);

    assert.deepEqual(ports.taskCallbacks.resumed.at(-1), {
      taskToken: `completion-${id}`,
      output: { completedDocumentVersion: 2 },
    });
    assert.deepEqual(await ports.milestones.waitsFor('DECLARATION_COMPLETED', id), []);
  });

  it('answers the same complete document again with the same declaration, writing nothing', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    const first = await completeWith(ports, id, complete);
    const stored = ports.declarationStore.snapshot();

    const again = await completeWith(ports, id, complete);

    assert.equal(again.kind, 'unchanged');
    assert.deepEqual(again.kind === 'unchanged' && again.record, first.kind === 'completed' && first.record);
    assert.deepEqual(ports.declarationStore.snapshot(), stored);
  });
});

describe('what a completion may not be', () => {
  it('refuses the summary sent back as it is, naming each field a COMPLETE filing needs; nothing written', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    const stored = ports.declarationStore.snapshot();

    const outcome = await completeWith(ports, id, summary);

    assert.equal(outcome.kind, 'refused');
    assert.deepEqual(
      outcome.kind === 'refused' && outcome.violations.map(({ pointer, rule }) => `${pointer} ${rule}`),
      [
        '/filingMode complete-filing-mode',
        '/goods/0/value required-when-complete',
        '/consignor required-when-complete',
        '/incoterm required-when-complete',
        '/supportingDocuments required-document',
        '/supportingDocuments required-document',
      ],
    );
    assert.deepEqual(ports.declarationStore.snapshot(), stored);
  });

  it('refuses (409) a declaration filed complete, one already completed, and a cancelled one, whatever is sent', async () => {
    const ports = fakeOfficerPorts();
    const filedComplete = await filed(ports, complete, 'complete-1', owner);
    assert.equal((await completeWith(ports, filedComplete.id, complete)).kind, 'not-completable');

    const { id } = await releasedUnderSummary(ports);
    await completeWith(ports, id, complete);
    const other = railImportDeclaration({ incoterm: 'CPT' });
    const twice = await completeWith(ports, id, other, 2);
    assert.deepEqual(twice.kind === 'not-completable' && twice.because, 'the declaration is already complete');

    const cancelled = await filed(ports, summary, 'summary-2', owner);
    await cancelDeclaration(ports, { caller: owner, brokerId: BROKERS.almaty, id: cancelled.id, reason: 'withdrawn' });
    const late = await completeWith(ports, cancelled.id, complete);
    assert.deepEqual(late.kind === 'not-completable' && late.status, 'CANCELLED');
  });

  it('refuses a stale If-Match (412), and another broker’s declaration as if it did not exist', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    assert.deepEqual(await completeWith(ports, id, complete, 2), { kind: 'stale', currentDocumentVersion: 1 });
    assert.deepEqual(await completeWith(ports, id, complete, 1, brokerCaller(BROKERS.urumqi)), { kind: 'not-found' });
    assert.deepEqual(await completeWith(ports, 'DCL-000000000000000000000000', complete), { kind: 'not-found' });
  });

  it('may come before release too; an amendment into a COMPLETE declaration completes it as well', async () => {
    const ports = fakeOfficerPorts();
    const early = await filed(ports, summary, 'summary-1', owner);
    assert.equal((await completeWith(ports, early.id, complete)).kind, 'completed');
    assert.equal((await ports.declarations.load(early.id))?.status, 'RECEIVED');

    const amended = await filed(ports, summary, 'summary-2', owner);
    await amendDeclaration(ports, { caller: owner, id: amended.id, expectedDocumentVersion: 1, document: complete });
    const facts = completionFactsOf((await ports.declarations.load(amended.id))?.facts ?? {});
    assert.deepEqual([facts.documentVersion, typeof facts.completedAt], [2, 'string']);
  });
});

describe('a summary never completed within its period', () => {
  /** A clock that moves three days at every reading: the 14 days run out on the way to release. */
  const slow = () => fakeOfficerPorts({ clock: steppingClock(new Date('2025-03-01T06:00:00Z'), 3 * DAY_MS) });

  async function overdue(ports: FakeOfficerPorts) {
    const { id } = await releasedUnderSummary(ports);
    await waitForCompletion(ports, id);
    // The wait timed out (its token is gone): the workflow flags the miss, then opens an officer's follow-up.
    ports.taskCallbacks.gone.add(`completion-${id}`);
    assert.deepEqual(await flagMissedCompletion(ports, { declarationId: id }), { flagged: true });
    const dueAt = completionFactsOf((await ports.declarations.load(id))?.facts ?? {}).dueAt;
    await openOfficerTask(ports, {
      declarationId: id,
      taskToken: `follow-up-${id}`,
      kind: 'COMPLETION_OVERDUE',
      queue: 'officers',
      ...(dueAt === undefined ? {} : { dueAt }),
      reason: 'the complete declaration did not come within its period',
    });
    return id;
  }

  it('is flagged once on the declaration, in its history and to the broker; the goods stay released', async () => {
    const ports = slow();
    const id = await overdue(ports);
    assert.deepEqual(await flagMissedCompletion(ports, { declarationId: id }), { flagged: false }, 'once');

    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'RELEASED');
    assert.equal(typeof completionFactsOf(record?.facts ?? {}).overdueSince, 'string');
    const flags = ports.declarationStore.history(id).filter((entry) => entry.transition === 'FLAG_COMPLETION_OVERDUE');
    assert.equal(flags.length, 1);
    assert.deepEqual([flags[0]?.actor.kind, flags[0]?.status], ['system', 'RELEASED']);
    assert.ok(ports.declarationStore.events().some((event) => event.transition === 'FLAG_COMPLETION_OVERDUE'));
  });

  it('waits in the officers’ queue, past its due date, without another history entry', async () => {
    const ports = slow();
    const id = await overdue(ports);
    const task = ports.officerTaskStore.taskOf(id);
    assert.deepEqual([task?.kind, task?.queue, task?.state], ['COMPLETION_OVERDUE', 'officers', 'OPEN']);
    assert.equal(task?.dueAt, completionFactsOf((await ports.declarations.load(id))?.facts ?? {}).dueAt);
    assert.equal(ports.declarationStore.history(id).at(-1)?.transition, 'FLAG_COMPLETION_OVERDUE');
  });

  it('ends when the broker completes it late: the follow-up is closed and the workflow goes on', async () => {
    const ports = slow();
    const id = await overdue(ports);

    assert.equal((await completeWith(ports, id, complete)).kind, 'completed');
    assert.equal(ports.declarationStore.history(id).at(-1)?.details?.late, true, 'the entry says it came late');
    assert.deepEqual(await resumeAfterCompletion(ports, id, 2), { resumed: 1 });

    assert.deepEqual(ports.taskCallbacks.resumed.at(-1), {
      taskToken: `follow-up-${id}`,
      output: { completedDocumentVersion: 2 },
    });
    assert.equal(ports.officerTaskStore.taskOf(id)?.state, 'CLOSED');
    assert.equal(
      (await decideOnDeclaration(ports, { declarationId: id, caller: officer, decision: 'APPROVE', reason: 'x' })).kind,
      'not-awaited',
    );
  });

  it('ends when an officer closes the follow-up, which is recorded with the officer’s reason', async () => {
    const ports = slow();
    const id = await overdue(ports);

    const hold = await decideOnDeclaration(ports, {
      declarationId: id,
      caller: officer,
      decision: 'HOLD',
      reason: 'x',
    });
    assert.equal(hold.kind, 'not-awaited', 'released goods are not held');
    const closed = await decideOnDeclaration(ports, {
      declarationId: id,
      caller: officer,
      decision: 'APPROVE',
      reason: 'penalty notice issued; the broker has left the trade',
    });

    assert.equal(closed.kind, 'decided');
    const entry = ports.declarationStore.history(id).at(-1);
    assert.deepEqual(
      [entry?.transition, entry?.status, entry?.actor, entry?.reason],
      ['CLOSE_COMPLETION_FOLLOW_UP', 'RELEASED', officer.actor, 'penalty notice issued; the broker has left the trade'],
    );
    assert.deepEqual(ports.taskCallbacks.resumed.at(-1), {
      taskToken: `follow-up-${id}`,
      output: { decision: 'APPROVE', occurredAt: entry?.occurredAt },
    });
  });

  it('is not flagged nor followed up when the complete declaration came in just as the period ran out', async () => {
    const ports = fakeOfficerPorts();
    const { id } = await releasedUnderSummary(ports);
    await waitForCompletion(ports, id);
    await completeWith(ports, id, complete);

    assert.deepEqual(await flagMissedCompletion(ports, { declarationId: id }), { flagged: false });
    await openOfficerTask(ports, { declarationId: id, taskToken: `follow-up-${id}`, kind: 'COMPLETION_OVERDUE' });

    assert.equal(ports.officerTaskStore.taskOf(id), undefined, 'no task in any queue');
    assert.deepEqual(ports.taskCallbacks.resumed.at(-1)?.taskToken, `follow-up-${id}`, 'the workflow goes on');
    assert.equal(
      ports.declarationStore.history(id).some((entry) => entry.transition === 'FLAG_COMPLETION_OVERDUE'),
      false,
    );
  });
});
