import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkGateIn, declaredGrossMassKg, GATE_CHECK } from '#domain/road-gate.ts';
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
