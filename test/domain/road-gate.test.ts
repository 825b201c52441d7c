import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkGateIn,
  clearanceAtGate,
  declaredGrossMassKg,
  GATE_CHECK,
  GATE_CLEARANCE,
  noShowAtGate,
} from '#domain/road-gate.ts';
import { slotCalendarFrom } from '#domain/slot-calendar.ts';
import { roadExportDeclaration } from '../support/declarations.ts';

describe('the smart gate’s checks of a truck with a booked slot', () => {
  const document = roadExportDeclaration({ truck: { plate: '123ABC02', country: 'KZ' } });
  const booking = { truck: { plate: '123ABC02', country: 'KZ' } };
  const declared = declaredGrossMassKg(document);

  it('lets on the booked truck whose load weighs what is declared, within the tolerance', () => {
    const result = checkGateIn({
      booking,
      document,
      plate: '123ABC02',
      grossWeightKg: declared * 1.04,
      tolerancePercent: 5,
    });
    assert.equal(result.check, GATE_CHECK.PASSED);
    assert.equal(result.details.declaredGrossMassKg, declared);
  });

  it('lets on the booked truck the gate did not weigh', () => {
    assert.equal(checkGateIn({ booking, document, plate: '123ABC02', tolerancePercent: 5 }).check, GATE_CHECK.PASSED);
  });

  it('holds a truck whose plate is not the booked one, naming both plates', () => {
    const result = checkGateIn({ booking, document, plate: '999ZZZ02', grossWeightKg: declared, tolerancePercent: 5 });
    assert.equal(result.check, GATE_CHECK.PLATE_MISMATCH);
    assert.match(result.reason ?? '', /999ZZZ02/);
    assert.match(result.reason ?? '', /123ABC02/);
  });

  it('holds a load beyond the tolerance, heavier or lighter, saying by how much', () => {
    for (const factor of [1.06, 0.9]) {
      const result = checkGateIn({
        booking,
        document,
        plate: '123ABC02',
        grossWeightKg: declared * factor,
        tolerancePercent: 5,
      });
      assert.equal(result.check, GATE_CHECK.WEIGHT_OUT_OF_TOLERANCE, String(factor));
      assert.match(result.reason ?? '', /beyond the 5% tolerance/);
    }
  });
});

describe('when a truck that passed the gate is cleared', () => {
  const daytime = slotCalendarFrom({ freightHours: 'DAYTIME', daytimeHours: '10:00-18:00' });
  const roundTheClock = slotCalendarFrom({ freightHours: 'ROUND_THE_CLOCK' });

  it('clears it at once within the freight hours, and round the clock at any hour', () => {
    for (const [calendar, at] of [
      [daytime, '2026-11-21T10:00:00+08:00'],
      [daytime, '2026-11-21T17:59:00+08:00'],
      [roundTheClock, '2026-11-21T22:00:00+08:00'],
      [roundTheClock, '2026-11-22T03:30:00+08:00'],
    ] as const) {
      assert.deepEqual(clearanceAtGate(calendar, at), { clearance: GATE_CLEARANCE.AT_ONCE, clearanceFrom: at }, at);
    }
  });

  it('in daytime mode, lets a truck at the gate at 22:00 or before dawn wait for the next opening', () => {
    assert.partialDeepStrictEqual(clearanceAtGate(daytime, '2026-11-21T22:00:00+08:00'), {
      clearance: GATE_CLEARANCE.AT_OPENING,
      clearanceFrom: '2026-11-22T02:00:00.000Z',
    });
    assert.partialDeepStrictEqual(clearanceAtGate(daytime, '2026-11-22T06:10:00+08:00'), {
      clearanceFrom: '2026-11-22T02:00:00.000Z',
    });
    assert.equal(
      clearanceAtGate(daytime, '2026-11-21T18:00:00+08:00').clearanceFrom,
      '2026-11-22T02:00:00.000Z',
      'closing time is closed',
    );
  });
});

describe('a truck at the gate after its booking’s no-show deadline', () => {
  const booking = { declarationId: 'DCL-0123456789ABCDEF01234567', noShowAt: '2025-03-01T09:00:00.000Z' };
  const gateIn = (occurredAt: string) => ({ eventType: 'TRUCK_GATED_IN' as const, plate: '123ABC02', occurredAt });

  it('is let on until the deadline, by the gate’s own clock however late it is reported', () => {
    assert.equal(noShowAtGate({ event: gateIn('2025-03-01T14:59:59+06:00'), booking }), undefined);
  });

  it('is turned away from the deadline on, told that its booking expired and to book again', () => {
    for (const occurredAt of ['2025-03-01T15:00:00+06:00', '2025-03-02T08:00:00Z']) {
      const refusal = noShowAtGate({ event: gateIn(occurredAt), booking });
      assert.equal(refusal?.status, 409, occurredAt);
      assert.equal(refusal?.field, '/occurredAt');
      assert.equal(refusal?.rule, 'booking-not-expired');
      assert.match(
        refusal?.detail ?? '',
        /123ABC02 .* no-show deadline 2025-03-01T09:00:00.000Z .* books a slot again/,
      );
    }
  });

  it('does not hold back the exit of a truck that did gate in', () => {
    const exit = { eventType: 'TRUCK_EXITED' as const, plate: '123ABC02', occurredAt: '2025-03-02T08:00:00Z' };
    assert.equal(noShowAtGate({ event: exit, booking }), undefined);
  });
});
