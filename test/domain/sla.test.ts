import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SLA_POLICY, isBreached, slaClocksFromArrival, slaPolicyFrom, slaStateAt } from '#domain/sla.ts';

const arrivedAt = '2026-11-21T08:00:00Z';

describe('the port’s clearance deadlines (SLA clocks)', () => {
  it('runs the gauge change (2 h) and the release (16 h) from the train’s arrival, not from when it was heard of', () => {
    const heardLate = new Date('2026-11-21T09:30:00Z');
    const clocks = slaClocksFromArrival(arrivedAt, heardLate, DEFAULT_SLA_POLICY);

    assert.equal(clocks.TRANSSHIPMENT.dueAt, '2026-11-21T10:00:00.000Z');
    assert.equal(clocks.TRANSSHIPMENT.secondsLeft, 30 * 60);
    assert.equal(clocks.RELEASE.dueAt, '2026-11-22T00:00:00.000Z');
  });

  it('gives a deadline already past a one-second timeout, so the breach is flagged at once', () => {
    const clocks = slaClocksFromArrival(arrivedAt, new Date('2026-11-21T12:00:00Z'), DEFAULT_SLA_POLICY);
    assert.equal(clocks.TRANSSHIPMENT.secondsLeft, 1);
  });

  it('judges a breach by the business time of the event that ended the wait', () => {
    const { TRANSSHIPMENT } = slaClocksFromArrival(arrivedAt, new Date(arrivedAt), DEFAULT_SLA_POLICY);
    assert.equal(isBreached(TRANSSHIPMENT, '2026-11-21T09:59:59Z'), false);
    assert.equal(isBreached(TRANSSHIPMENT, '2026-11-21T10:00:01Z'), true);
  });

  it('shows a task as approaching its deadline once 80% of the time is used, and breached after', () => {
    const { RELEASE } = slaClocksFromArrival(arrivedAt, new Date(arrivedAt), DEFAULT_SLA_POLICY);
    assert.equal(slaStateAt(RELEASE, new Date('2026-11-21T20:47:00Z')), 'OK');
    assert.equal(slaStateAt(RELEASE, new Date('2026-11-21T20:48:00Z')), 'APPROACHING');
    assert.equal(slaStateAt(RELEASE, new Date('2026-11-22T00:00:01Z')), 'BREACHED');
  });

  it('takes its hours from configuration and refuses hours that are not a positive number', () => {
    assert.deepEqual(slaPolicyFrom({ TRANSSHIPMENT: '1.5' }), {
      TRANSSHIPMENT: { hours: 1.5 },
      RELEASE: { hours: 16 },
    });
    assert.throws(() => slaPolicyFrom({ RELEASE: 'soon' }), /RELEASE/);
    assert.throws(() => slaPolicyFrom({ RELEASE: '0' }), /RELEASE/);
  });
});
