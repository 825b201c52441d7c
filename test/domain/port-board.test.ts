import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { arrivedAtOf, type BoardHead, boardClockOf, boardTypesFor } from '#domain/port-board.ts';
import { DEFAULT_SLA_POLICY, slaClocksFromArrival } from '#domain/sla.ts';

const arrivedAt = '2026-11-21T08:00:00Z';
const sla = slaClocksFromArrival(arrivedAt, new Date(arrivedAt), DEFAULT_SLA_POLICY);
const arrival = { milestone: 'TRAIN_ARRIVED', occurredAt: arrivedAt };
const onTheTrain = (facts: Record<string, unknown>, status: BoardHead['status'] = 'ARRIVED'): BoardHead => ({
  declarationType: 'RAIL_IMPORT',
  status,
  facts: { riskChannel: 'GREEN', ...facts },
});
const at = (iso: string) => new Date(iso);

describe('the port’s board: who follows what', () => {
  it('shows officers and the port operator every type, the railway its trains only', () => {
    assert.deepEqual(boardTypesFor(['officer']), ['RAIL_IMPORT', 'ROAD_EXPORT', 'ROAD_IMPORT']);
    assert.deepEqual(boardTypesFor(['port-operator']), ['RAIL_IMPORT', 'ROAD_EXPORT', 'ROAD_IMPORT']);
    assert.deepEqual(boardTypesFor(['railway']), ['RAIL_IMPORT']);
    assert.deepEqual(boardTypesFor(['railway'], { mode: 'ROAD' }), [], 'no truck for the railway, even asked for');
    assert.deepEqual(boardTypesFor(['broker']), [], 'a broker follows its own declarations, not the port');
  });

  it('narrows to a mode or a type', () => {
    assert.deepEqual(boardTypesFor(['officer'], { mode: 'ROAD' }), ['ROAD_EXPORT', 'ROAD_IMPORT']);
    assert.deepEqual(boardTypesFor(['officer'], { declarationType: 'ROAD_IMPORT' }), ['ROAD_IMPORT']);
    assert.deepEqual(boardTypesFor(['officer'], { mode: 'RAIL', declarationType: 'ROAD_IMPORT' }), []);
  });
});

describe('the port’s board: the clock each declaration runs against', () => {
  it('has no clock before the goods reach the port', () => {
    assert.equal(boardClockOf(onTheTrain({}, 'AWAITING_ARRIVAL'), at(arrivedAt)), undefined);
    assert.equal(arrivedAtOf(onTheTrain({}, 'AWAITING_ARRIVAL')), undefined);
  });

  it('runs a train’s declaration against the workflow’s 16-hour release clock from the arrival', () => {
    const head = onTheTrain({ arrival, sla });
    assert.equal(arrivedAtOf(head), arrivedAt);
    assert.deepEqual(boardClockOf(head, at('2026-11-21T10:00:00Z')), {
      name: 'RELEASE',
      startedAt: '2026-11-21T08:00:00.000Z',
      dueAt: '2026-11-22T00:00:00.000Z',
      state: 'OK',
    });
    assert.equal(boardClockOf(head, at('2026-11-21T21:00:00Z'))?.state, 'APPROACHING', 'past 80% of the time');
    assert.equal(boardClockOf(head, at('2026-11-22T00:00:01Z'))?.state, 'BREACHED');
  });

  it('judges a released declaration by its release’s business time, however late it is read', () => {
    const inTime = onTheTrain({ arrival, sla, releasedAt: '2026-11-21T20:00:00Z' }, 'RELEASED');
    const late = onTheTrain({ arrival, sla, releasedAt: '2026-11-22T01:00:00Z' }, 'RELEASED');
    const muchLater = at('2026-12-01T00:00:00Z');
    assert.equal(boardClockOf(inTime, muchLater)?.state, 'OK');
    assert.equal(boardClockOf(late, muchLater)?.state, 'BREACHED');
  });

  it('stops the clock of a declaration rejected or cancelled before release', () => {
    assert.equal(boardClockOf(onTheTrain({ arrival, sla }, 'REJECTED'), at('2026-11-23T00:00:00Z')), undefined);
  });

  it('runs a truck against its target from the gate-in', () => {
    const truck: BoardHead = {
      declarationType: 'ROAD_EXPORT',
      status: 'GATED_IN',
      facts: { gateIn: { milestone: 'TRUCK_GATED_IN', occurredAt: '2026-11-21T10:00:00+08:00' } },
    };
    assert.equal(arrivedAtOf(truck), '2026-11-21T10:00:00+08:00');
    assert.deepEqual(boardClockOf(truck, at('2026-11-21T02:30:00Z')), {
      name: 'ROAD_RELEASE',
      startedAt: '2026-11-21T02:00:00.000Z',
      dueAt: '2026-11-21T03:00:00.000Z',
      state: 'OK',
    });
    assert.equal(boardClockOf(truck, at('2026-11-21T03:30:00Z'))?.state, 'BREACHED');
  });
});
