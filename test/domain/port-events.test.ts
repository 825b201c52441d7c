import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '#domain/actors.ts';
import {
  keysOf,
  type Milestone,
  mayReport,
  noticeOf,
  PORT_EVENTS,
  type TrainArrived,
  type TruckGatedIn,
} from '#domain/port-events.ts';
import { ROLES, type Role } from '#domain/roles.ts';
import * as routes from '#generated/routes.ts';

const dispatcher: Actor = { kind: 'railway', id: 'dispatcher-2' };
const gateClerk: Actor = { kind: 'port-operator', id: 'gate-clerk-5' };

const trainArrived: TrainArrived = {
  eventType: 'TRAIN_ARRIVED',
  eventId: 'evt-X8001-0301',
  trainNumber: 'X8001',
  occurredAt: '2025-03-01T05:42:00+06:00',
  waybillNumbers: ['SMGS-24117790', 'SMGS-24117791'],
};

const truckGatedIn: TruckGatedIn = {
  eventType: 'TRUCK_GATED_IN',
  eventId: 'gate-4-000917',
  plate: '777ABD02',
  gate: 'NURZHOL-4',
  occurredAt: '2025-03-01T08:12:00+06:00',
};

describe('what a port event concerns', () => {
  it('concerns every waybill on a train’s manifest', () => {
    assert.deepEqual(keysOf(trainArrived), ['SMGS-24117790', 'SMGS-24117791']);
  });

  it('concerns the plate the gate read for a truck', () => {
    assert.deepEqual(keysOf(truckGatedIn), ['777ABD02']);
  });

  it('tells a waiting rail declaration its train, the event id, the business time and the reporter', () => {
    assert.deepEqual(noticeOf(trainArrived, dispatcher), {
      milestone: 'TRAIN_ARRIVED',
      portEventId: 'evt-X8001-0301',
      occurredAt: '2025-03-01T05:42:00+06:00',
      reportedBy: dispatcher,
      facts: { trainNumber: 'X8001' },
    });
  });

  it('tells a waiting road declaration the plate and the gate', () => {
    assert.deepEqual(noticeOf(truckGatedIn, gateClerk), {
      milestone: 'TRUCK_GATED_IN',
      portEventId: 'gate-4-000917',
      occurredAt: '2025-03-01T08:12:00+06:00',
      reportedBy: gateClerk,
      facts: { plate: '777ABD02', gate: 'NURZHOL-4' },
    });
  });

  it('leaves the gate out when the reader did not name one', () => {
    const { gate: _gate, ...withoutGate } = truckGatedIn;

    assert.deepEqual(noticeOf(withoutGate, gateClerk).facts, { plate: '777ABD02' });
  });

  it('uses events the reporting API accepts', () => {
    const validate = routes.reportPortEvent.validators.body;
    assert.ok(validate);
    for (const event of [trainArrived, truckGatedIn]) {
      assert.equal(validate(event), true, JSON.stringify(validate.errors));
    }
  });
});

describe('who may report what', () => {
  const expected: Readonly<Record<Milestone, readonly Role[]>> = {
    TRAIN_ARRIVED: ['railway', 'port-operator'],
    TRUCK_GATED_IN: ['port-operator'],
  };

  it('lets the railway and the port operator report a train’s arrival', () => {
    assert.equal(mayReport('railway', 'TRAIN_ARRIVED'), true);
    assert.equal(mayReport('port-operator', 'TRAIN_ARRIVED'), true);
  });

  it('lets only the port operator report a truck at the gate, not the railway', () => {
    assert.equal(mayReport('port-operator', 'TRUCK_GATED_IN'), true);
    assert.equal(mayReport('railway', 'TRUCK_GATED_IN'), false);
  });

  it('lets neither brokers nor officers report port events', () => {
    for (const milestone of Object.keys(PORT_EVENTS) as Milestone[]) {
      assert.equal(mayReport('broker', milestone), false, milestone);
      assert.equal(mayReport('officer', milestone), false, milestone);
    }
  });

  it('agrees for every role and event type with the list of reporters', () => {
    for (const milestone of Object.keys(PORT_EVENTS) as Milestone[]) {
      for (const role of ROLES) {
        assert.equal(mayReport(role, milestone), expected[milestone].includes(role), `${role} ${milestone}`);
      }
      assert.deepEqual(PORT_EVENTS[milestone].reporters, expected[milestone]);
    }
  });
});
