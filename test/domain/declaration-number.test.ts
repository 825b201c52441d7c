import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DECLARATION_NUMBER_PATTERN,
  declarationYearOf,
  formatDeclarationNumber,
  parseDeclarationNumber,
} from '#domain/declaration-number.ts';

describe('the 18-digit declaration number', () => {
  it('is the customs code, the year, the import/export flag and a 9-digit serial', () => {
    const number = formatDeclarationNumber({ customsCode: '6501', year: 2026, direction: 'IMPORT', serial: 42 });
    assert.equal(number, '650120261000000042');
    assert.equal(number.length, 18);
    assert.match(number, new RegExp(DECLARATION_NUMBER_PATTERN));
    assert.equal(
      formatDeclarationNumber({ customsCode: '6501', year: 2026, direction: 'EXPORT', serial: 999_999_999 }),
      '650120260999999999',
    );
  });

  it('parses back into its parts', () => {
    assert.deepEqual(parseDeclarationNumber('650120261000000042'), {
      customsCode: '6501',
      year: 2026,
      direction: 'IMPORT',
      serial: 42,
    });
    assert.equal(parseDeclarationNumber('650120260000000007')?.direction, 'EXPORT');
  });

  it('refuses what is not one: 17 or 19 digits, a flag other than 0 or 1, letters, serial zero', () => {
    for (const candidate of ['65012026100000004', '6501202610000000420', '650120262000000042', '6501A0261000000042']) {
      assert.equal(parseDeclarationNumber(candidate), undefined, candidate);
    }
    assert.equal(parseDeclarationNumber('650120261000000000'), undefined);
  });

  it('cannot be formatted from parts that do not fit', () => {
    const parts = { customsCode: '6501', year: 2026, direction: 'IMPORT' as const, serial: 1 };
    assert.throws(() => formatDeclarationNumber({ ...parts, customsCode: '650' }), RangeError);
    assert.throws(() => formatDeclarationNumber({ ...parts, serial: 1_000_000_000 }), RangeError);
    assert.throws(() => formatDeclarationNumber({ ...parts, serial: 0 }), RangeError);
  });

  it('takes its year from China Standard Time: late on 31 December UTC is already the new year in Horgos', () => {
    assert.equal(declarationYearOf(new Date('2025-12-31T15:59:59Z')), 2025);
    assert.equal(declarationYearOf(new Date('2025-12-31T16:00:00Z')), 2026);
  });
});
