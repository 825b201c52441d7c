import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportPortEvent } from '#application/report-port-event.ts';
import { awaitRoadEvent } from '#application/road-steps.ts';
import { assessRisk, recordTransition } from '#application/workflow-steps.ts';
import { noticeOf, ROAD_WAIT } from '#domain/port-events.ts';
import { declaredGrossMassKg, GATE_CHECK, GATE_CLEARANCE } from '#domain/road-gate.ts';
import { slotCalendarFrom } from '#domain/slot-calendar.ts';
import { railImportDeclaration, roadExportDeclaration } from '../support/declarations.ts';
import { callerAs, fakePorts } from '../support/fake-ports.ts';
import { filed, slotBookingOf, trainArrived, truckExited, truckGatedIn, waitingForItsMilestone } from './scenarios.ts';

const railway = callerAs('railway', { userId: 'dispatcher-2' });
const portOperator = callerAs('port-operator', { userId: 'gate-clerk-5' });

describe('the railway and the terminal report a train’s events', () => {
  const TRAIN = { trainNumber: 'X8001', trainDate: '2025-02-27' };
  const withTrain = async () => {
    const ports = fakePorts({ clock: () => new Date('2025-03-01T12:00:00Z') });
    await ports.trainStore.saveManifest({
      expectedVersion: 0,
      head: {
        ...TRAIN,
        status: 'MANIFEST_FILED',
        version: 1,
        manifestVersion: 1,
        manifestDigest: 'd',
        departedAt: '2025-02-27T06:00:00Z',
        filedAt: '2025-02-27T07:00:00Z',
        updatedAt: '2025-02-27T07:00:00Z',
        facts: {},
      },
      manifest: {
        version: 1,
        filedAt: '2025-02-27T07:00:00Z',
        filedBy: railway.actor,
        digest: 'd',
        manifest: { departedAt: '2025-02-27T06:00:00Z', wagons: [] } as never,
      },
    });
    return ports;
  };

  it('records the arrival against the train and answers at once: the declarations follow from the record', async () => {
    const ports = await withTrain();

    const outcome = await reportPortEvent(ports, { event: trainArrived(), caller: railway });

    assert.deepEqual(outcome, {
      kind: 'reported',
      eventId: 'evt-X8001-0301',
      eventType: 'TRAIN_ARRIVED',
      key: 'X8001@2025-02-27',
      resumedDeclarations: [],
      resumptionsFollow: true,
    });
    assert.equal(ports.milestoneStore.reportOf('TRAIN_ARRIVED', 'X8001@2025-02-27')?.reportedBy.id, 'dispatcher-2');
    const head = await ports.trainStore.loadHead(TRAIN);
    assert.equal(head?.status, 'ARRIVED', 'the manifest is closed to corrections from arrival on');
    assert.deepEqual(ports.taskCallbacks.resumed, [], 'nothing resumed on the request path');
  });

  it('refuses an event for a train with no manifest, and keeps nothing', async () => {
    const ports = fakePorts();

    const outcome = await reportPortEvent(ports, { event: trainArrived(), caller: railway });

    assert.equal(outcome.kind === 'refused' && outcome.rule, 'known-train');
    assert.equal(ports.milestoneStore.reportOf('TRAIN_ARRIVED', 'X8001@2025-02-27'), undefined);
  });

  it('answers a repeated report the same and records it once; a correction supersedes it with a trace', async () => {
    const ports = await withTrain();
    await reportPortEvent(ports, { event: trainArrived(), caller: railway });

    const replay = await reportPortEvent(ports, { event: trainArrived(), caller: railway });
    const correction = await reportPortEvent(ports, {
      event: { ...trainArrived([], 'evt-fix'), occurredAt: '2025-03-01T11:50:00+06:00', corrects: 'evt-X8001-0301' },
      caller: railway,
    });

    assert.equal(replay.kind, 'reported');
    assert.equal(correction.kind === 'reported' && correction.supersedes, 'evt-X8001-0301');
    const report = ports.milestoneStore.reportOf('TRAIN_ARRIVED', 'X8001@2025-02-27');
    assert.equal(report?.portEventId, 'evt-fix');
    assert.deepEqual(report?.supersedes, { portEventId: 'evt-X8001-0301', occurredAt: '2025-03-01T11:42:00+06:00' });
    const head = await ports.trainStore.loadHead(TRAIN);
    assert.equal(((head?.facts.superseded ?? []) as unknown[]).length, 1);
  });

  it('is not a broker’s to report', async () => {
    const ports = await withTrain();
    const outcome = await reportPortEvent(ports, { event: trainArrived(), caller: callerAs('broker') });
    assert.equal(outcome.kind, 'not-a-reporter');
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
    const event = truckGatedIn('777ABD02');
    assert.deepEqual(ports.taskCallbacks.resumed[0]?.output, {
      ...noticeOf(event, portOperator.actor),
      gateCheck: GATE_CHECK.PASSED,
      clearance: GATE_CLEARANCE.AT_ONCE,
      clearanceFrom: event.occurredAt,
    });
  });

  it('lets a truck at the gate at 22:00 in daytime mode wait for the opening, and clears one at once round the clock', async () => {
    // The night before its booked hour (a truck may come early; after its no-show deadline it may not).
    const atTenPm = '2025-02-28T22:00:00+08:00';
    const outcomes = [];
    for (const freightHours of ['DAYTIME', 'ROUND_THE_CLOCK']) {
      const ports = fakePorts({ calendar: slotCalendarFrom({ freightHours, daytimeHours: '10:00-18:00' }) });
      const id = await waitingForItsMilestone(
        ports,
        roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } }),
        'k1',
      );
      await reportPortEvent(ports, {
        event: truckGatedIn('777ABD02', 'gate-22', atTenPm),
        caller: portOperator,
      });
      const record = await ports.declarations.load(id);
      const entry = ports.declarationStore.history(id).at(-1);
      outcomes.push({ status: record?.status, fact: record?.facts.gateIn, entry });
    }
    const [daytime, roundTheClock] = outcomes;
    assert.equal(daytime?.status, 'GATED_IN', 'through the gate either way: it waits in the yard');
    assert.partialDeepStrictEqual(daytime?.fact, {
      occurredAt: atTenPm,
      clearance: GATE_CLEARANCE.AT_OPENING,
      clearanceFrom: '2025-03-01T02:00:00.000Z',
    });
    assert.equal(
      daytime?.entry?.reason,
      'the truck reached the gate at 2025-02-28T22:00:00+08:00, outside the freight hours (10:00-18:00 Asia/Shanghai): it waits in the yard and is cleared from the opening at 2025-03-01T10:00:00+08:00',
    );
    assert.equal(daytime?.entry?.occurredAt, atTenPm, 'the gate-in keeps the gate’s own time');
    assert.partialDeepStrictEqual(roundTheClock?.fact, { clearance: GATE_CLEARANCE.AT_ONCE, clearanceFrom: atTenPm });
    assert.equal(roundTheClock?.entry?.reason, 'the truck gated in');
  });

  it('records the gate-in as the gate reported it: its clerk, its time, the weight against the declared mass', async () => {
    const ports = fakePorts();
    const document = roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } });
    const id = await waitingForItsMilestone(ports, document, 'k1');
    const weighed = { ...truckGatedIn('777ABD02'), grossWeightKg: declaredGrossMassKg(document) * 1.02 };

    await reportPortEvent(ports, { event: weighed, caller: portOperator });

    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'GATED_IN');
    assert.equal((record?.facts.gateIn as { gateCheck?: string } | undefined)?.gateCheck, GATE_CHECK.PASSED);
    const entry = ports.declarationStore.history(id).at(-1);
    assert.deepEqual(entry?.actor, portOperator.actor);
    assert.equal(entry?.occurredAt, weighed.occurredAt);
    assert.equal(entry?.details?.tolerancePercent, 5);
  });

  it('holds the declaration whose booked truck is not the one the gate read, naming both plates', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(
      ports,
      roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } }),
      'k1',
    );

    const outcome = await reportPortEvent(ports, {
      event: { ...truckGatedIn('999ZZZ02'), declarationId: id },
      caller: portOperator,
    });

    assert.deepEqual(outcome.kind === 'reported' && outcome.resumedDeclarations, [id]);
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'HELD');
    const entry = ports.declarationStore.history(id).at(-1);
    assert.equal(entry?.transition, 'HOLD');
    assert.match(entry?.reason ?? '', /999ZZZ02.*777ABD02/);
    assert.equal(
      (ports.taskCallbacks.resumed[0]?.output as { gateCheck?: string } | undefined)?.gateCheck,
      GATE_CHECK.PLATE_MISMATCH,
    );
  });

  it('holds a truck whose load is beyond the weight tolerance, once it has gated in', async () => {
    const ports = fakePorts();
    const document = roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } });
    const id = await waitingForItsMilestone(ports, document, 'k1');

    await reportPortEvent(ports, {
      event: { ...truckGatedIn('777ABD02'), grossWeightKg: declaredGrossMassKg(document) * 1.2 },
      caller: portOperator,
    });

    const history = ports.declarationStore.history(id);
    assert.deepEqual(
      history.slice(-2).map((entry) => entry.status),
      ['GATED_IN', 'HELD'],
    );
    assert.match(history.at(-1)?.reason ?? '', /beyond the 5% tolerance/);
  });

  it('refuses a gate-in for a declaration with no slot booked, and changes nothing', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } }), 'k1');
    const before = ports.declarationStore.history(id);

    const outcome = await reportPortEvent(ports, {
      event: { ...truckGatedIn('777ABD02'), declarationId: id },
      caller: portOperator,
    });

    assert.equal(outcome.kind === 'refused' && outcome.rule, 'booked-slot');
    assert.equal(outcome.kind === 'refused' && outcome.status, 409);
    assert.deepEqual(ports.declarationStore.history(id), before);
    assert.equal(ports.milestoneStore.reportOf('TRUCK_GATED_IN', '777ABD02'), undefined);
  });

  it('finds a truck with a confirmed slot before its workflow waits at the gate; the wait then goes on at once', async () => {
    const ports = fakePorts();
    const document = roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } });
    const { id } = await filed(ports, document, 'k1');
    await assessRisk(ports, id);
    ports.bookings.set(id, slotBookingOf(id, document.truck));
    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'slot-token', milestone: ROAD_WAIT.SLOT_BOOKED });

    const outcome = await reportPortEvent(ports, { event: truckGatedIn('777ABD02'), caller: portOperator });

    assert.deepEqual(outcome.kind === 'reported' && outcome.resumedDeclarations, [id]);
    assert.equal((await ports.declarations.load(id))?.status, 'GATED_IN');
    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'gate-token', milestone: ROAD_WAIT.TRUCK_GATED_IN });
    assert.equal(ports.taskCallbacks.resumed.at(-1)?.taskToken, 'gate-token', 'the late wait finds the gate-in');
  });

  it('loses no gate-in that comes while the workflow is registering its wait (between its read and its wait)', async () => {
    const ports = fakePorts();
    const document = roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } });
    const { id } = await filed(ports, document, 'k1');
    await assessRisk(ports, id);
    ports.bookings.set(id, slotBookingOf(id, document.truck));
    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'slot-token', milestone: ROAD_WAIT.SLOT_BOOKED });
    // The gate reports after the step read the declaration, and looks for waits before the step registered its own.
    const registerWait = ports.milestones.registerWait.bind(ports.milestones);
    ports.milestones.registerWait = async (...args) => {
      ports.milestones.registerWait = registerWait;
      await reportPortEvent(ports, { event: truckGatedIn('777ABD02'), caller: portOperator });
      return registerWait(...args);
    };

    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'gate-token', milestone: ROAD_WAIT.TRUCK_GATED_IN });

    assert.equal(ports.taskCallbacks.resumed.at(-1)?.taskToken, 'gate-token', 'the wait finds the gate-in at once');
  });

  it('refuses a truck that comes after its booking’s no-show deadline, writing nothing; booked again, it is let through', async () => {
    const ports = fakePorts();
    const document = roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } });
    const id = await waitingForItsMilestone(ports, document, 'k1');
    const booking = slotBookingOf(id, document.truck);
    const before = ports.declarationStore.history(id);
    // The gate's business time decides, not when the report arrives: 09:00Z is the deadline itself.
    const late = truckGatedIn('777ABD02', 'gate-late', booking.noShowAt);

    for (const event of [late, { ...late, declarationId: id }]) {
      const outcome = await reportPortEvent(ports, { event, caller: portOperator });
      assert.equal(outcome.kind, 'refused');
      assert.equal(outcome.kind === 'refused' && outcome.status, 409);
      assert.equal(outcome.kind === 'refused' && outcome.field, '/occurredAt');
      assert.equal(outcome.kind === 'refused' && outcome.rule, 'booking-not-expired');
      assert.match(outcome.kind === 'refused' ? outcome.detail : '', /books a slot again/);
    }
    assert.deepEqual(ports.declarationStore.history(id), before);
    assert.equal(ports.milestoneStore.reportOf('TRUCK_GATED_IN', '777ABD02'), undefined);
    assert.equal(ports.taskCallbacks.resumed.length, 0);

    ports.bookings.set(id, { ...booking, revision: 2, noShowAt: '2025-03-02T09:00:00.000Z' });
    const rebooked = await reportPortEvent(ports, { event: late, caller: portOperator });
    assert.deepEqual(rebooked.kind === 'reported' && rebooked.resumedDeclarations, [id]);
    assert.equal((await ports.declarations.load(id))?.status, 'GATED_IN');
  });

  it('refuses a gate-in no booked declaration waits for', async () => {
    const ports = fakePorts();
    const outcome = await reportPortEvent(ports, { event: truckGatedIn('555AAA02'), caller: portOperator });
    assert.equal(outcome.kind === 'refused' && outcome.rule, 'booked-truck');
  });

  it('refuses an exit before release, and records the released truck’s exit', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(
      ports,
      roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } }),
      'k1',
    );
    const early = await reportPortEvent(ports, {
      event: { ...truckExited('777ABD02'), declarationId: id },
      caller: portOperator,
    });
    assert.equal(early.kind === 'refused' && early.rule, 'in-order');

    await reportPortEvent(ports, { event: truckGatedIn('777ABD02'), caller: portOperator });
    await recordTransition(ports, { declarationId: id, transitions: ['SECURE_DUTIES', 'RELEASE'] });
    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'exit-token', milestone: ROAD_WAIT.TRUCK_EXITED });
    const exited = await reportPortEvent(ports, { event: truckExited('777ABD02'), caller: portOperator });

    assert.deepEqual(exited.kind === 'reported' && exited.resumedDeclarations, [id]);
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'EXITED');
    assert.deepEqual(ports.declarationStore.history(id).at(-1)?.actor, portOperator.actor);
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
