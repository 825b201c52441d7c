import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '#domain/actors.ts';
import { lifecycleOf } from '#domain/declaration-types/registry.ts';
import { decideTransition, type LifecycleState } from '#domain/lifecycle.ts';
import { noticeOf, type TruckScanned } from '#domain/port-events.ts';
import { decideScan, SCAN_RESULT, scanReason } from '#domain/road-scan.ts';
import * as routes from '#generated/routes.ts';

const ID = 'DCL-000000000000000000000001';
const scanClerk: Actor = { kind: 'port-operator', id: 'scanner-clerk-2' };
const redAtTheGate = { id: ID, status: 'GATED_IN', riskChannel: 'RED' } as const;

const truckScanned: TruckScanned = {
  eventType: 'TRUCK_SCANNED',
  eventId: 'scan-7-000412',
  plate: '777ABD02',
  scanner: 'NUCTECH-2',
  result: 'SUSPICIOUS',
  remarks: 'dense mass behind the second car',
  occurredAt: '2025-03-01T08:20:00+06:00',
};

describe('which truck the scanner’s report concerns', () => {
  it('records the scan of a red-channel truck that gated in and was not scanned yet', () => {
    assert.deepEqual(decideScan(redAtTheGate, 'scan-1', '/declarationId'), { kind: 'record' });
  });

  it('answers the same report again (same event id) as a replay, whatever happened since', () => {
    const scan = { portEventId: 'scan-1', occurredAt: '2025-03-01T08:20:00+06:00' };
    assert.deepEqual(decideScan({ ...redAtTheGate, status: 'RELEASED', scan }, 'scan-1', '/plate'), {
      kind: 'replay',
    });
  });

  for (const channel of ['GREEN', 'YELLOW']) {
    it(`refuses a scan of a ${channel.toLowerCase()} truck: no scan is called for`, () => {
      const decision = decideScan({ ...redAtTheGate, riskChannel: channel }, 'scan-1', '/declarationId');
      assert.equal(decision.kind, 'refused');
      assert.ok(decision.kind === 'refused');
      assert.equal(decision.status, 409);
      assert.equal(decision.field, '/declarationId');
      assert.equal(decision.rule, 'red-channel');
      assert.equal(decision.detail, `no scan is called for: ${ID} is ${channel}; only a RED truck is scanned`);
    });
  }

  it('refuses a scan before the truck gated in, or once it moved on', () => {
    for (const status of ['SLOT_BOOKED', 'HELD', 'RELEASED'] as const) {
      const decision = decideScan({ ...redAtTheGate, status }, 'scan-1', '/plate');
      assert.ok(decision.kind === 'refused', status);
      assert.equal(decision.rule, 'in-order');
      assert.equal(decision.field, '/eventType');
      assert.match(decision.detail, new RegExp(`${ID} is ${status}: a RED truck is scanned after gate-in`));
    }
  });

  it('refuses a second scan under another event id, naming the first', () => {
    const scan = { portEventId: 'scan-1', occurredAt: '2025-03-01T08:20:00+06:00' };
    const decision = decideScan({ ...redAtTheGate, scan }, 'scan-2', '/declarationId');
    assert.ok(decision.kind === 'refused');
    assert.equal(decision.rule, 'scanned-once');
    assert.match(decision.detail, /scan-1 at 2025-03-01T08:20:00\+06:00/);
  });
});

describe('what the scan leaves in the history', () => {
  it('tells the waiting declaration the plate, the scanner, its result and remarks', () => {
    assert.deepEqual(noticeOf(truckScanned, scanClerk), {
      milestone: 'TRUCK_SCANNED',
      portEventId: 'scan-7-000412',
      occurredAt: '2025-03-01T08:20:00+06:00',
      reportedBy: scanClerk,
      facts: {
        plate: '777ABD02',
        scanResult: 'SUSPICIOUS',
        scanner: 'NUCTECH-2',
        remarks: 'dense mass behind the second car',
      },
    });
  });

  it('gives the scanner’s reason in words', () => {
    assert.equal(
      scanReason(truckScanned),
      'scanner NUCTECH-2 found the load suspicious: dense mass behind the second car',
    );
    assert.equal(scanReason({ result: SCAN_RESULT.CLEAR }), 'the scanner found the load as declared');
  });

  it('keeps a red road declaration gated in when its scan is recorded, and never applies to a rail one', () => {
    const gatedIn: LifecycleState = { status: 'GATED_IN', version: 5 };
    const request = { transition: 'RECORD_SCAN', actor: scanClerk, occurredAt: truckScanned.occurredAt } as const;
    const road = decideTransition(lifecycleOf('ROAD_EXPORT'), gatedIn, request, new Date('2025-03-01T02:21:00Z'));
    assert.ok(road.kind === 'apply');
    assert.equal(road.next.status, 'GATED_IN');
    assert.equal(road.entry.actor, scanClerk);
    assert.equal(road.entry.occurredAt, truckScanned.occurredAt);
    const slotBooked = decideTransition(
      lifecycleOf('ROAD_EXPORT'),
      { ...gatedIn, status: 'SLOT_BOOKED' },
      request,
      new Date(),
    );
    assert.equal(slotBooked.kind, 'not-allowed');
    assert.equal(decideTransition(lifecycleOf('RAIL_IMPORT'), gatedIn, request, new Date()).kind, 'not-allowed');
  });

  it('is an event the reporting API accepts, and one with an unknown result it refuses', () => {
    const validate = routes.reportPortEvent.validators.body;
    assert.ok(validate);
    assert.equal(validate(truckScanned), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...truckScanned, result: 'MAYBE' }), false);
    assert.equal(validate({ ...truckScanned, gate: 'G3' }), false);
  });
});
