import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportPortEvent } from '#application/report-port-event.ts';
import { awaitRoadEvent } from '#application/road-steps.ts';
import { recordTransition } from '#application/workflow-steps.ts';
import { ROAD_WAIT, type TruckScanned } from '#domain/port-events.ts';
import { SCAN_RESULT } from '#domain/road-scan.ts';
import { goodsLine, roadExportDeclaration } from '../support/declarations.ts';
import { callerAs, type FakePorts, fakePorts } from '../support/fake-ports.ts';
import { filed, truckGatedIn, waitingForItsMilestone } from './scenarios.ts';

const portOperator = callerAs('port-operator', { userId: 'scanner-clerk-2' });
const PLATE = '777ABD02';
const truck = { plate: PLATE, country: 'KZ' };
/** Fireworks (HS chapter 36): the risk rules send the truck to the red channel. */
const redTruck = roadExportDeclaration({ truck, vehicles: [], goods: [goodsLine('36041000', { grossMassKg: 900 })] });
const greenTruck = roadExportDeclaration({ truck });

function truckScanned(result: TruckScanned['result'], overrides: Partial<TruckScanned> = {}): TruckScanned {
  return {
    eventType: 'TRUCK_SCANNED',
    eventId: 'scan-7-000412',
    plate: PLATE,
    scanner: 'NUCTECH-2',
    result,
    occurredAt: '2025-03-01T14:30:00+06:00',
    ...overrides,
  };
}

/** A truck through the gate, its workflow on to the scanner's wait when the channel calls for one. */
async function gatedIn(ports: FakePorts, document = redTruck, key = 'k1'): Promise<string> {
  const id = await waitingForItsMilestone(ports, document, key);
  const gate = await reportPortEvent(ports, { event: truckGatedIn(PLATE), caller: portOperator });
  assert.equal(gate.kind, 'reported', JSON.stringify(gate));
  assert.equal((await ports.declarations.load(id))?.status, 'GATED_IN');
  return id;
}

describe('the scanner reports a red-channel truck after the gate', () => {
  it('records a clear scan with the scanner’s clerk and time, and resumes the workflow’s wait', async () => {
    const ports = fakePorts();
    const id = await gatedIn(ports);
    assert.equal((await ports.declarations.load(id))?.facts.riskChannel, 'RED');
    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'scan-token', milestone: ROAD_WAIT.TRUCK_SCANNED });

    const outcome = await reportPortEvent(ports, { event: truckScanned(SCAN_RESULT.CLEAR), caller: portOperator });

    assert.deepEqual(outcome, {
      kind: 'reported',
      eventId: 'scan-7-000412',
      eventType: 'TRUCK_SCANNED',
      key: PLATE,
      resumedDeclarations: [id],
      resumptionsFollow: false,
    });
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'GATED_IN', 'released by the workflow, not by the scan');
    const entry = ports.declarationStore.history(id).at(-1);
    assert.equal(entry?.transition, 'RECORD_SCAN');
    assert.deepEqual(entry?.actor, portOperator.actor);
    assert.equal(entry?.occurredAt, '2025-03-01T14:30:00+06:00');
    assert.equal(entry?.reason, 'scanner NUCTECH-2 found the load as declared');
    assert.equal(entry?.details?.scanResult, SCAN_RESULT.CLEAR);
    const resumed = ports.taskCallbacks.resumed.find((r) => r.taskToken === 'scan-token');
    assert.equal(
      (resumed?.output as { facts?: { scanResult?: string } } | undefined)?.facts?.scanResult,
      SCAN_RESULT.CLEAR,
    );
    assert.equal(ports.milestoneStore.waitsOn('TRUCK_SCANNED', PLATE).length, 0, 'the wait is done');
  });

  it('holds the truck on a suspicious scan with the scanner’s remarks as the reason', async () => {
    const ports = fakePorts();
    const id = await gatedIn(ports);

    await reportPortEvent(ports, {
      event: truckScanned(SCAN_RESULT.SUSPICIOUS, { declarationId: id, remarks: 'dense mass behind the cab' }),
      caller: portOperator,
    });

    const history = ports.declarationStore.history(id);
    assert.deepEqual(
      history.slice(-2).map((entry) => [entry.transition, entry.status]),
      [
        ['RECORD_SCAN', 'GATED_IN'],
        ['HOLD', 'HELD'],
      ],
    );
    assert.equal(history.at(-1)?.reason, 'scanner NUCTECH-2 found the load suspicious: dense mass behind the cab');
    assert.deepEqual(history.at(-1)?.actor, portOperator.actor);
  });

  it('answers the same report again the same and writes nothing; a second scan under another id is refused', async () => {
    const ports = fakePorts();
    const id = await gatedIn(ports);
    const first = await reportPortEvent(ports, { event: truckScanned(SCAN_RESULT.CLEAR), caller: portOperator });
    const history = ports.declarationStore.history(id);

    const replay = await reportPortEvent(ports, { event: truckScanned(SCAN_RESULT.CLEAR), caller: portOperator });
    const again = await reportPortEvent(ports, {
      event: truckScanned(SCAN_RESULT.SUSPICIOUS, { eventId: 'scan-7-000413', declarationId: id }),
      caller: portOperator,
    });

    assert.deepEqual(replay, first);
    assert.equal(again.kind === 'refused' && again.rule, 'scanned-once');
    assert.equal(again.kind === 'refused' && again.status, 409);
    assert.deepEqual(ports.declarationStore.history(id), history);
  });

  it('finds a scan reported before the workflow reached its wait: the wait goes on at once', async () => {
    const ports = fakePorts();
    const id = await gatedIn(ports);
    await reportPortEvent(ports, { event: truckScanned(SCAN_RESULT.CLEAR), caller: portOperator });

    await awaitRoadEvent(ports, { declarationId: id, taskToken: 'late-token', milestone: ROAD_WAIT.TRUCK_SCANNED });

    assert.equal(ports.taskCallbacks.resumed.at(-1)?.taskToken, 'late-token');
  });
});

describe('the scanner’s report of a truck no scan is called for', () => {
  it('refuses a scan of a green truck, naming its channel, and changes nothing', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, greenTruck, 'k1');
    const history = ports.declarationStore.history(id);

    const outcome = await reportPortEvent(ports, {
      event: truckScanned(SCAN_RESULT.CLEAR, { declarationId: id }),
      caller: portOperator,
    });

    assert.ok(outcome.kind === 'refused');
    assert.equal(outcome.status, 409);
    assert.equal(outcome.field, '/declarationId');
    assert.equal(outcome.rule, 'red-channel');
    assert.match(outcome.detail, new RegExp(`no scan is called for: ${id} is GREEN`));
    assert.deepEqual(ports.declarationStore.history(id), history);
  });

  it('refuses a scan of a red truck still waiting at the gate', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, redTruck, 'k1');

    const outcome = await reportPortEvent(ports, {
      event: truckScanned(SCAN_RESULT.CLEAR, { declarationId: id }),
      caller: portOperator,
    });

    assert.ok(outcome.kind === 'refused');
    assert.equal(outcome.rule, 'in-order');
    assert.match(outcome.detail, new RegExp(`${id} is SLOT_BOOKED: a RED truck is scanned after gate-in`));
  });

  it('refuses a scan for a declaration with no slot booked, as the gate does', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, redTruck, 'k1');

    const outcome = await reportPortEvent(ports, {
      event: truckScanned(SCAN_RESULT.CLEAR, { declarationId: id }),
      caller: portOperator,
    });

    assert.equal(outcome.kind === 'refused' && outcome.rule, 'booked-slot');
    assert.equal(outcome.kind === 'refused' && outcome.status, 409);
  });

  it('without a declaration named, scans the plate’s red truck and says why when none is concerned', async () => {
    const ports = fakePorts();
    const unknown = await reportPortEvent(ports, { event: truckScanned(SCAN_RESULT.CLEAR), caller: portOperator });
    assert.equal(unknown.kind === 'refused' && unknown.rule, 'booked-truck');

    const green = await gatedIn(ports, greenTruck);
    // The green truck is released by its workflow; the plate is still expected until it exits.
    await recordTransition(ports, { declarationId: green, transitions: ['SECURE_DUTIES', 'RELEASE'] });
    const refused = await reportPortEvent(ports, { event: truckScanned(SCAN_RESULT.CLEAR), caller: portOperator });
    assert.ok(refused.kind === 'refused');
    assert.equal(refused.field, '/plate');
    assert.match(refused.detail, /is GREEN/);
  });

  it('is the port operator’s to report, not the railway’s', async () => {
    const ports = fakePorts();
    const id = await gatedIn(ports);
    const outcome = await reportPortEvent(ports, {
      event: truckScanned(SCAN_RESULT.CLEAR),
      caller: callerAs('railway'),
    });
    assert.deepEqual(outcome, { kind: 'not-a-reporter', reporters: ['port-operator'] });
    assert.equal((await ports.declarations.load(id))?.facts.scan, undefined);
  });
});
