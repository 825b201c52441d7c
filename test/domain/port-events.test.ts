import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '#domain/actors.ts';
import {
  decideTrainEvent,
  keyOf,
  type Milestone,
  type MilestoneNotice,
  mayReport,
  noticeOf,
  PORT_EVENTS,
  type TrainArrived,
  type TruckGatedIn,
} from '#domain/port-events.ts';
import { ROLES, type Role } from '#domain/roles.ts';
import type { TrainHead } from '#domain/trains.ts';
import * as routes from '#generated/routes.ts';

const dispatcher: Actor = { kind: 'railway', id: 'dispatcher-2' };
const gateClerk: Actor = { kind: 'port-operator', id: 'gate-clerk-5' };

const trainArrived: TrainArrived = {
  eventType: 'TRAIN_ARRIVED',
  eventId: 'evt-X8001-0301',
  train: { trainNumber: 'X8001', trainDate: '2025-02-27' },
  occurredAt: '2025-03-01T05:42:00+06:00',
};

const truckGatedIn: TruckGatedIn = {
  eventType: 'TRUCK_GATED_IN',
  eventId: 'gate-4-000917',
  plate: '777ABD02',
  gate: 'NURZHOL-4',
  occurredAt: '2025-03-01T08:12:00+06:00',
};

describe('what a port event concerns', () => {
  it('concerns a train by its number and date (every declaration on its manifest)', () => {
    assert.equal(keyOf(trainArrived), 'X8001@2025-02-27');
  });

  it('concerns the plate the gate read for a truck', () => {
    assert.equal(keyOf(truckGatedIn), '777ABD02');
  });

  it('tells a waiting rail declaration its train, the event id, the business time and the reporter', () => {
    assert.deepEqual(noticeOf(trainArrived, dispatcher), {
      milestone: 'TRAIN_ARRIVED',
      portEventId: 'evt-X8001-0301',
      occurredAt: '2025-03-01T05:42:00+06:00',
      reportedBy: dispatcher,
      facts: { trainNumber: 'X8001', trainDate: '2025-02-27' },
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
    TRANSSHIPMENT_STARTED: ['port-operator'],
    TRANSSHIPMENT_COMPLETED: ['port-operator'],
    TRUCK_GATED_IN: ['port-operator'],
    TRUCK_EXITED: ['port-operator'],
    TRUCK_SCANNED: ['port-operator'],
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

describe('a train event, checked against the train', () => {
  const now = new Date('2025-03-01T06:00:00Z');
  const head: TrainHead = {
    trainNumber: 'X8001',
    trainDate: '2025-02-27',
    status: 'MANIFEST_FILED',
    version: 1,
    manifestVersion: 1,
    manifestDigest: 'd',
    departedAt: '2025-02-27T06:00:00Z',
    filedAt: '2025-02-27T07:00:00Z',
    updatedAt: '2025-02-27T07:00:00Z',
    facts: {},
  };
  const arrivedAt = '2025-03-01T05:00:00Z';
  const arrived: MilestoneNotice = noticeOf({ ...trainArrived, occurredAt: arrivedAt }, dispatcher);
  const event = (
    eventType: TrainArrived['eventType'] | 'TRANSSHIPMENT_STARTED' | 'TRANSSHIPMENT_COMPLETED',
    extra = {},
  ) =>
    ({
      ...trainArrived,
      eventType,
      eventId: `evt-${eventType}`,
      occurredAt: '2025-03-01T05:30:00Z',
      ...extra,
    }) as TrainArrived;
  const refusal = (decision: ReturnType<typeof decideTrainEvent>) =>
    decision.kind === 'refused' ? [decision.status, decision.field, decision.rule] : decision.kind;

  it('records an arrival of a train whose manifest is on file', () => {
    assert.equal(decideTrainEvent(head, {}, event('TRAIN_ARRIVED'), dispatcher, now).kind, 'record');
  });

  it('refuses an event for a train with no manifest on file', () => {
    assert.deepEqual(refusal(decideTrainEvent(undefined, {}, event('TRAIN_ARRIVED'), dispatcher, now)), [
      422,
      '/train',
      'known-train',
    ]);
  });

  it('refuses an event in the future, or before the train departed', () => {
    const future = event('TRAIN_ARRIVED', { occurredAt: '2025-03-01T07:00:00Z' });
    assert.deepEqual(refusal(decideTrainEvent(head, {}, future, dispatcher, now)), [
      422,
      '/occurredAt',
      'not-in-the-future',
    ]);
    const early = event('TRAIN_ARRIVED', { occurredAt: '2025-02-26T07:00:00Z' });
    assert.deepEqual(refusal(decideTrainEvent(head, {}, early, dispatcher, now)), [
      422,
      '/occurredAt',
      'not-before-departure',
    ]);
  });

  it('refuses the gauge change before the arrival, and one that ends before the train came', () => {
    assert.deepEqual(refusal(decideTrainEvent(head, {}, event('TRANSSHIPMENT_STARTED'), gateClerk, now)), [
      409,
      '/eventType',
      'in-order',
    ]);
    const backwards = event('TRANSSHIPMENT_STARTED', { occurredAt: '2025-03-01T04:00:00Z' });
    assert.equal(refusal(decideTrainEvent(head, { TRAIN_ARRIVED: arrived }, backwards, gateClerk, now))[2], 'in-order');
  });

  it('answers the same report again without recording it twice', () => {
    const decision = decideTrainEvent(
      head,
      { TRAIN_ARRIVED: arrived },
      { ...trainArrived, occurredAt: arrivedAt },
      dispatcher,
      now,
    );
    assert.equal(decision.kind, 'replay');
  });

  it('takes a second report of the same event only as a correction naming the first, and keeps a trace of it', () => {
    const second = event('TRAIN_ARRIVED', { eventId: 'evt-fix' });
    assert.deepEqual(refusal(decideTrainEvent(head, { TRAIN_ARRIVED: arrived }, second, dispatcher, now)), [
      409,
      '/corrects',
      'correction-names-the-report',
    ]);
    const correction = decideTrainEvent(
      head,
      { TRAIN_ARRIVED: arrived },
      { ...second, corrects: arrived.portEventId },
      dispatcher,
      now,
    );
    assert.ok(correction.kind === 'record');
    assert.deepEqual(correction.notice.supersedes, { portEventId: arrived.portEventId, occurredAt: arrivedAt });
  });
});
