import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assessRisk,
  awaitArrival,
  declarationView,
  readDeclaration,
  recordTransition,
  reportTrainArrival,
  submitDeclaration,
  validateForClearance,
} from '#application/rail-import.ts';
import { declarationIdFor } from '#domain/declaration.ts';
import type { TrainArrivedEvent } from '#domain/port-event.ts';
import { CONTAINERS, goodsLine, railImportDeclaration } from '../support/declarations.ts';
import { fakeTaskCallbacks, fakeWorkflow, inMemoryDeclarations, steppingClock } from '../support/fake-ports.ts';

/**
 * The rail-import use cases against hand-written fakes of their ports: no AWS, no mocks.
 * (These live beside the domain tests because, like them, they run without any infrastructure.)
 */

const BROKER = 'BRK-ALMATY-01';

function trainArrived(waybillNumbers: string[], eventId = 'evt-X8001-0301'): TrainArrivedEvent {
  return {
    eventType: 'TRAIN_ARRIVED',
    eventId,
    trainNumber: 'X8001',
    occurredAt: '2025-03-01T05:42:00Z',
    waybillNumbers,
  };
}

/** A declaration filed and carried by the workflow up to its arrival wait. */
async function declarationWaitingForItsTrain(
  ports: ReturnType<typeof setUp>,
  waybillNumber: string,
  key: string,
  hsCode = '85171300',
): Promise<string> {
  const { id } = await submitDeclaration(ports, {
    brokerId: BROKER,
    idempotencyKey: key,
    document: railImportDeclaration({ waybillNumber, goods: [goodsLine(hsCode)] }),
  });
  await validateForClearance(ports, id);
  await assessRisk(ports, id);
  await awaitArrival(ports, { declarationId: id, taskToken: `token-${id}` });
  return id;
}

function setUp(goneTokens: string[] = []) {
  const store = inMemoryDeclarations();
  const { workflow, started, starts } = fakeWorkflow();
  const { tasks, resumed } = fakeTaskCallbacks(goneTokens);
  return { declarations: store.repository, workflow, tasks, clock: steppingClock(), store, started, starts, resumed };
}

describe('a broker submits an advance declaration', () => {
  it('stores it as RECEIVED under an id derived from broker and key, and starts its workflow', async () => {
    const ports = setUp();

    const declaration = await submitDeclaration(ports, {
      brokerId: BROKER,
      idempotencyKey: 'order-4711',
      document: railImportDeclaration(),
    });

    assert.equal(declaration.id, declarationIdFor(BROKER, 'order-4711'));
    assert.equal(declaration.status, 'RECEIVED');
    assert.equal(declaration.version, 1);
    assert.equal(declaration.brokerId, BROKER);
    assert.deepEqual(ports.started, [declaration.id]);
  });

  it('answers a retried submission with the first declaration, without filing a second one', async () => {
    const ports = setUp();
    const input = { brokerId: BROKER, idempotencyKey: 'order-4711', document: railImportDeclaration() };

    const first = await submitDeclaration(ports, input);
    const retry = await submitDeclaration(ports, input);

    assert.deepEqual(retry, first);
    assert.equal(ports.store.creates, 1);
    // The start is repeated (the first attempt may have crashed before it) but names the same execution.
    assert.deepEqual(ports.starts, [first.id, first.id]);
    assert.deepEqual(ports.started, [first.id]);
  });
});

describe('a broker reads a declaration', () => {
  it('sees its own declaration with the stage history', async () => {
    const ports = setUp();
    const { id } = await submitDeclaration(ports, {
      brokerId: BROKER,
      idempotencyKey: 'k',
      document: railImportDeclaration(),
    });
    await validateForClearance(ports, id);

    const found = await readDeclaration(ports, { id, brokerId: BROKER });

    assert.equal(found?.declaration.status, 'VALIDATED');
    assert.deepEqual(
      found?.history.map((entry) => entry.transition),
      ['SUBMIT', 'VALIDATE'],
    );
  });

  it('cannot see another broker’s declaration: it looks absent', async () => {
    const ports = setUp();
    const { id } = await submitDeclaration(ports, {
      brokerId: BROKER,
      idempotencyKey: 'k',
      document: railImportDeclaration(),
    });

    assert.equal(await readDeclaration(ports, { id, brokerId: 'BRK-URUMQI-07' }), undefined);
  });

  it('gets nothing for an id that was never filed', async () => {
    assert.equal(await readDeclaration(setUp(), { id: 'DCL-0123456789ABCDEF01234567', brokerId: BROKER }), undefined);
  });

  it('is shown the CUSRES code and the facts the workflow learned, and the document only with the history', async () => {
    const ports = setUp();
    const { id } = await submitDeclaration(ports, {
      brokerId: BROKER,
      idempotencyKey: 'k',
      document: railImportDeclaration({ goods: [goodsLine('93020000')] }),
    });
    await validateForClearance(ports, id);
    await assessRisk(ports, id);
    const found = await readDeclaration(ports, { id, brokerId: BROKER });
    assert.ok(found);

    const summary = declarationView(found.declaration);
    const full = declarationView(found.declaration, found.history);

    assert.equal(summary.status, 'RISK_ASSESSED');
    assert.equal(summary.cusresCode, '1');
    assert.equal((summary as Record<string, unknown>).riskChannel, 'RED');
    assert.equal((summary as Record<string, unknown>).riskRule, 'REGULATED_GOODS_CHAPTER_93');
    assert.equal('history' in summary, false);
    assert.equal('declaration' in summary, false);
    assert.equal(full.history?.length, 3);
    assert.deepEqual(full.declaration, found.declaration.document);
  });
});

describe('the workflow validates and assesses a declaration', () => {
  it('validates a consistent declaration', async () => {
    const ports = setUp();
    const { id } = await submitDeclaration(ports, {
      brokerId: BROKER,
      idempotencyKey: 'k',
      document: railImportDeclaration(),
    });

    assert.deepEqual(await validateForClearance(ports, id), { outcome: 'VALIDATED', violations: [] });
  });

  it('rejects a declaration whose goods name an undeclared container, recording why', async () => {
    const ports = setUp();
    const document = railImportDeclaration({
      goods: [{ ...goodsLine('85171300'), containerNumber: CONTAINERS.second }],
    });
    const { id } = await submitDeclaration(ports, { brokerId: BROKER, idempotencyKey: 'k', document });

    const result = await validateForClearance(ports, id);

    assert.equal(result.outcome, 'REJECTED');
    assert.deepEqual(
      result.violations.map((v) => v.rule),
      ['declared-container'],
    );
    const rejection = ports.store.history(id).at(-1);
    assert.equal(rejection?.status, 'REJECTED');
    assert.deepEqual(rejection?.details, { violations: result.violations });
  });

  it('records the risk channel and the rule that fired, on the declaration and in its history', async () => {
    const ports = setUp();
    const { id } = await submitDeclaration(ports, {
      brokerId: BROKER,
      idempotencyKey: 'k',
      document: railImportDeclaration({ goods: [goodsLine('07019000')] }),
    });
    await validateForClearance(ports, id);

    const decision = await assessRisk(ports, id);

    assert.equal(decision.channel, 'YELLOW');
    const stored = await ports.declarations.getDeclaration(id);
    assert.equal(stored?.status, 'RISK_ASSESSED');
    assert.deepEqual(stored?.facts, { riskChannel: 'YELLOW', riskRule: 'QUARANTINE_DOCUMENTS_CHAPTERS_01_14' });
    assert.deepEqual(ports.store.history(id).at(-1)?.details, { ...decision });
  });

  it('fails the risk step by name for a declaration that does not exist', async () => {
    await assert.rejects(assessRisk(setUp(), 'DCL-0123456789ABCDEF01234567'), { name: 'DeclarationNotFound' });
  });
});

describe('a port operator reports a train arrival', () => {
  it('resumes every declaration waiting on a waybill of the train, and names the waybills nobody waits on', async () => {
    const ports = setUp();
    const first = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');
    const second = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k2');
    const third = await declarationWaitingForItsTrain(ports, 'SMGS-24117791', 'k3');

    const report = await reportTrainArrival(ports, trainArrived(['SMGS-24117790', 'SMGS-24117791', 'SMGS-24117799']));

    assert.deepEqual(report, {
      eventId: 'evt-X8001-0301',
      resumedDeclarations: [first, second, third],
      waybillsWithoutWaitingDeclarations: ['SMGS-24117799'],
    });
    const notice = { trainNumber: 'X8001', arrivedAt: '2025-03-01T05:42:00Z', portEventId: 'evt-X8001-0301' };
    assert.deepEqual(ports.resumed, [
      { taskToken: `token-${first}`, output: notice },
      { taskToken: `token-${second}`, output: notice },
      { taskToken: `token-${third}`, output: notice },
    ]);
    assert.deepEqual(ports.store.waitsFor('SMGS-24117790'), []);
    assert.deepEqual(ports.store.waitsFor('SMGS-24117791'), []);
  });

  it('keeps the arrival of every waybill, including those nobody waits on yet', async () => {
    const ports = setUp();

    await reportTrainArrival(ports, trainArrived(['SMGS-24117799']));

    assert.deepEqual(ports.store.arrivalOf('SMGS-24117799'), {
      trainNumber: 'X8001',
      arrivedAt: '2025-03-01T05:42:00Z',
      portEventId: 'evt-X8001-0301',
    });
  });

  it('does not count a declaration whose wait already timed out as resumed, and clears its wait', async () => {
    const ports = setUp();
    const waiting = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');
    const timedOut = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k2');
    const gone = setUp([`token-${timedOut}`]);

    const report = await reportTrainArrival(
      { declarations: ports.declarations, tasks: gone.tasks },
      trainArrived(['SMGS-24117790']),
    );

    assert.deepEqual(report.resumedDeclarations, [waiting]);
    assert.deepEqual(report.waybillsWithoutWaitingDeclarations, []);
    assert.deepEqual(ports.store.waitsFor('SMGS-24117790'), []);
  });

  it('keeps the first report of an arrival when the port reports the waybill again', async () => {
    const ports = setUp();

    await reportTrainArrival(ports, trainArrived(['SMGS-24117790'], 'evt-first'));
    await reportTrainArrival(ports, trainArrived(['SMGS-24117790'], 'evt-second'));

    assert.equal(ports.store.arrivalOf('SMGS-24117790')?.portEventId, 'evt-first');
  });
});

describe('the workflow waits for the train', () => {
  it('parks the declaration as AWAITING_ARRIVAL until the train is reported', async () => {
    const ports = setUp();

    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');

    assert.equal((await ports.declarations.getDeclaration(id))?.status, 'AWAITING_ARRIVAL');
    assert.deepEqual(ports.store.waitsFor('SMGS-24117790'), [{ declarationId: id, taskToken: `token-${id}` }]);
    assert.deepEqual(ports.resumed, []);
  });

  it('resumes at once when the train was reported before the workflow reached its wait', async () => {
    const ports = setUp();
    await reportTrainArrival(ports, trainArrived(['SMGS-24117790'], 'evt-early'));

    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');

    assert.deepEqual(ports.resumed, [
      {
        taskToken: `token-${id}`,
        output: { trainNumber: 'X8001', arrivedAt: '2025-03-01T05:42:00Z', portEventId: 'evt-early' },
      },
    ]);
    assert.deepEqual(ports.store.waitsFor('SMGS-24117790'), [], 'nobody is left waiting');
  });
});

describe('the workflow records the later stages', () => {
  it('records the arrival as a fact of the declaration, then releases a green-channel declaration', async () => {
    const ports = setUp();
    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');
    const arrival = { trainNumber: 'X8001', arrivedAt: '2025-03-01T05:42:00Z', portEventId: 'evt-1' };

    const arrived = await recordTransition(ports, {
      declarationId: id,
      transition: 'RECORD_ARRIVAL',
      details: arrival,
    });
    const released = await recordTransition(ports, { declarationId: id, transition: 'RELEASE' });

    assert.deepEqual(arrived, { status: 'ARRIVED', applied: true });
    assert.deepEqual(released, { status: 'RELEASED', applied: true });
    const stored = await ports.declarations.getDeclaration(id);
    assert.deepEqual(stored?.facts?.arrival, arrival);
    assert.equal(stored?.facts?.riskChannel, 'GREEN');
    assert.deepEqual(
      ports.store.history(id).map((entry) => [entry.version, entry.status]),
      [
        [1, 'RECEIVED'],
        [2, 'VALIDATED'],
        [3, 'RISK_ASSESSED'],
        [4, 'AWAITING_ARRIVAL'],
        [5, 'ARRIVED'],
        [6, 'RELEASED'],
      ],
    );
  });

  it('writes nothing when a retried step finds the stage already recorded', async () => {
    const ports = setUp();
    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');
    await recordTransition(ports, { declarationId: id, transition: 'RECORD_ARRIVAL', details: {} });

    const retry = await recordTransition(ports, { declarationId: id, transition: 'RECORD_ARRIVAL', details: {} });

    assert.deepEqual(retry, { status: 'ARRIVED', applied: false });
    assert.equal(ports.store.history(id).length, 5);
  });

  it('sends a declaration whose train never came to manual review', async () => {
    const ports = setUp();
    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');

    const result = await recordTransition(ports, {
      declarationId: id,
      transition: 'ESCALATE_TO_MANUAL_REVIEW',
      details: { reason: 'ARRIVAL_TIMEOUT' },
    });

    assert.deepEqual(result, { status: 'MANUAL_REVIEW', applied: true });
  });

  it('refers an arrived yellow-channel declaration to an officer (the workflow’s ReferToOfficer step)', async () => {
    const ports = setUp();
    // Fresh apples (chapter 08) need quarantine papers: the yellow channel.
    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1', '08081000');
    assert.equal((await ports.declarations.getDeclaration(id))?.facts?.riskChannel, 'YELLOW');
    await recordTransition(ports, { declarationId: id, transition: 'RECORD_ARRIVAL', details: {} });

    const result = await recordTransition(ports, {
      declarationId: id,
      transition: 'ESCALATE_TO_MANUAL_REVIEW',
      details: { reason: 'RISK_CHANNEL', channel: 'YELLOW' },
    });

    assert.deepEqual(result, { status: 'MANUAL_REVIEW', applied: true });
  });

  it('refuses, by name, to release a declaration whose goods have not arrived', async () => {
    const ports = setUp();
    const id = await declarationWaitingForItsTrain(ports, 'SMGS-24117790', 'k1');

    await assert.rejects(recordTransition(ports, { declarationId: id, transition: 'RELEASE' }), {
      name: 'TransitionNotAllowed',
    });
  });
});
