import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportPortEvent } from '#application/report-port-event.ts';
import { noticeOf } from '#domain/port-events.ts';
import { railImportDeclaration, roadExportDeclaration } from '../support/declarations.ts';
import { callerAs, fakePorts } from '../support/fake-ports.ts';
import { taskTokenOf, trainArrived, truckGatedIn, waitingForItsMilestone } from './scenarios.ts';

const railway = callerAs('railway', { userId: 'dispatcher-2' });
const portOperator = callerAs('port-operator', { userId: 'gate-clerk-5' });

describe('the port reports a train’s arrival', () => {
  it('resumes every declaration waiting on any waybill of the train, and names the waybills nobody waits on', async () => {
    const ports = fakePorts();
    const first = await waitingForItsMilestone(ports, railImportDeclaration({ waybillNumber: 'SMGS-24117790' }), 'k1');
    const second = await waitingForItsMilestone(ports, railImportDeclaration({ waybillNumber: 'SMGS-24117790' }), 'k2');
    const third = await waitingForItsMilestone(ports, railImportDeclaration({ waybillNumber: 'SMGS-24117791' }), 'k3');
    const event = trainArrived(['SMGS-24117790', 'SMGS-24117791', 'SMGS-24117799']);

    const outcome = await reportPortEvent(ports, { event, caller: railway });

    assert.deepEqual(outcome, {
      kind: 'reported',
      eventId: 'evt-X8001-0301',
      resumedDeclarations: [first, second, third],
      keysWithoutWaitingDeclarations: ['SMGS-24117799'],
    });
    const notice = noticeOf(event, railway.actor);
    assert.deepEqual(ports.taskCallbacks.resumed, [
      { taskToken: taskTokenOf(first), output: notice },
      { taskToken: taskTokenOf(second), output: notice },
      { taskToken: taskTokenOf(third), output: notice },
    ]);
    for (const waybill of ['SMGS-24117790', 'SMGS-24117791']) {
      assert.deepEqual(ports.milestoneStore.waitsOn('TRAIN_ARRIVED', waybill), [], waybill);
    }
  });

  it('keeps the report of every waybill, including those nobody waits on yet, naming who reported it', async () => {
    const ports = fakePorts();

    await reportPortEvent(ports, { event: trainArrived(['SMGS-24117799']), caller: railway });

    assert.deepEqual(ports.milestoneStore.reportOf('TRAIN_ARRIVED', 'SMGS-24117799'), {
      milestone: 'TRAIN_ARRIVED',
      portEventId: 'evt-X8001-0301',
      occurredAt: '2025-03-01T11:42:00+06:00',
      reportedBy: { kind: 'railway', id: 'dispatcher-2' },
      facts: { trainNumber: 'X8001' },
    });
  });

  it('lets the port operator report a train too', async () => {
    const ports = fakePorts();

    const outcome = await reportPortEvent(ports, { event: trainArrived(['SMGS-24117799']), caller: portOperator });

    assert.equal(outcome.kind, 'reported');
  });

  it('changes nothing when the same report comes again', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    await reportPortEvent(ports, { event: trainArrived(['SMGS-24117790'], 'evt-first'), caller: railway });

    const replay = await reportPortEvent(ports, {
      event: trainArrived(['SMGS-24117790'], 'evt-first'),
      caller: railway,
    });
    await reportPortEvent(ports, { event: trainArrived(['SMGS-24117790'], 'evt-second'), caller: railway });

    assert.equal(replay.kind === 'reported' && replay.resumedDeclarations.length, 0);
    assert.deepEqual(
      ports.taskCallbacks.resumed.map(({ taskToken }) => taskToken),
      [taskTokenOf(id)],
      'resumed once',
    );
    assert.equal(ports.milestoneStore.reportOf('TRAIN_ARRIVED', 'SMGS-24117790')?.portEventId, 'evt-first');
  });

  it('does not count a declaration whose wait already timed out as resumed, and clears its wait', async () => {
    const ports = fakePorts();
    const waiting = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    const timedOut = await waitingForItsMilestone(ports, railImportDeclaration(), 'k2');
    ports.taskCallbacks.gone.add(taskTokenOf(timedOut));

    const outcome = await reportPortEvent(ports, { event: trainArrived(['SMGS-24117790']), caller: railway });

    assert.equal(outcome.kind, 'reported');
    assert.deepEqual(outcome.kind === 'reported' && outcome.resumedDeclarations, [waiting]);
    assert.deepEqual(outcome.kind === 'reported' && outcome.keysWithoutWaitingDeclarations, []);
    assert.deepEqual(ports.milestoneStore.waitsOn('TRAIN_ARRIVED', 'SMGS-24117790'), []);
  });
});

describe('the port reports a truck at the gate', () => {
  it('resumes the road declaration waiting on the plate the gate read, and no rail declaration', async () => {
    const ports = fakePorts();
    const road = await waitingForItsMilestone(
      ports,
      roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } }),
      'k1',
    );
    await waitingForItsMilestone(ports, railImportDeclaration({ waybillNumber: '777ABD02' }), 'k2');

    const outcome = await reportPortEvent(ports, { event: truckGatedIn('777ABD02'), caller: portOperator });

    assert.deepEqual(outcome.kind === 'reported' && outcome.resumedDeclarations, [road]);
    assert.deepEqual(ports.taskCallbacks.resumed[0]?.output, noticeOf(truckGatedIn('777ABD02'), portOperator.actor));
  });

  it('is not the railway’s to report: it is refused, naming who may, and nothing is kept', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, roadExportDeclaration(), 'k1');

    const outcome = await reportPortEvent(ports, { event: truckGatedIn('777ABD02'), caller: railway });

    assert.deepEqual(outcome, { kind: 'not-a-reporter', reporters: ['port-operator'] });
    assert.equal(ports.milestoneStore.reportOf('TRUCK_GATED_IN', '777ABD02'), undefined);
    assert.deepEqual(ports.taskCallbacks.resumed, []);
    assert.equal(ports.milestoneStore.waitsOn('TRUCK_GATED_IN', '777ABD02')[0]?.declarationId, id);
  });

  it('is not a broker’s or an officer’s to report either', async () => {
    const ports = fakePorts();
    for (const role of ['broker', 'officer'] as const) {
      const outcome = await reportPortEvent(ports, { event: trainArrived(['SMGS-24117790']), caller: callerAs(role) });
      assert.equal(outcome.kind, 'not-a-reporter', role);
    }
    assert.equal(ports.milestoneStore.reportOf('TRAIN_ARRIVED', 'SMGS-24117790'), undefined);
  });
});
