import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hsChapter,
  isIso3166Alpha2,
  isIso4217Currency,
  iso6346CheckDigit,
  isValidContainerNumber,
  isValidHsCode,
} from '#domain/identifiers.ts';

/** A small deterministic generator (mulberry32), so the property-like loops are repeatable. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ISO 6346 letter values as the standard lists them: 11, 22 and 33 are skipped. */
const LETTER_VALUES: Readonly<Record<string, number>> = {
  A: 10,
  B: 12,
  C: 13,
  D: 14,
  E: 15,
  F: 16,
  G: 17,
  H: 18,
  I: 19,
  J: 20,
  K: 21,
  L: 23,
  M: 24,
  N: 25,
  O: 26,
  P: 27,
  Q: 28,
  R: 29,
  S: 30,
  T: 31,
  U: 32,
  V: 34,
  W: 35,
  X: 36,
  Y: 37,
  Z: 38,
};

function referenceSum(firstTen: string): number {
  return [...firstTen].reduce((sum, char, position) => sum + (LETTER_VALUES[char] ?? Number(char)) * 2 ** position, 0);
}

function referenceCheckDigit(firstTen: string): number {
  return (referenceSum(firstTen) % 11) % 10;
}

/** Owner code, category and a six-digit serial: the ten characters the check digit is computed over. */
function randomContainerPrefix(random: () => number): string {
  const letter = () => String.fromCharCode(65 + Math.floor(random() * 26));
  const category = 'UJZ'.charAt(Math.floor(random() * 3));
  const serial = String(Math.floor(random() * 1_000_000)).padStart(6, '0');
  return `${letter()}${letter()}${letter()}${category}${serial}`;
}

describe('container numbers (ISO 6346) on a rail-import declaration', () => {
  it('accepts a real container number whose last digit is its check digit', () => {
    assert.equal(isValidContainerNumber('CSQU3054383'), true);
    assert.equal(iso6346CheckDigit('CSQU305438'), 3);
  });

  it('refuses the same container number with any other check digit', () => {
    for (let digit = 0; digit <= 9; digit++) {
      if (digit === 3) continue;
      assert.equal(isValidContainerNumber(`CSQU305438${digit}`), false, `CSQU305438${digit}`);
    }
  });

  it('refuses a container number typed in lower case', () => {
    assert.equal(isValidContainerNumber('csqu3054383'), false);
  });

  it('refuses a container number that is too long or too short', () => {
    assert.equal(isValidContainerNumber('CSQU30543830'), false);
    assert.equal(isValidContainerNumber('CSQU305438'), false);
    assert.equal(isValidContainerNumber(''), false);
  });

  it('refuses an equipment category other than U (freight), J (detachable) or Z (trailer)', () => {
    // Same owner code and serial; only the category letter differs, with the check digit recomputed.
    for (const category of ['A', 'K', 'X']) {
      const firstTen = `CSQ${category}305438`;
      assert.equal(isValidContainerNumber(`${firstTen}${iso6346CheckDigit(firstTen)}`), false, category);
    }
  });

  it('accepts the BIC example BICU1234565, with letter values that skip multiples of 11', () => {
    assert.equal(iso6346CheckDigit('BICU123456'), 5);
    assert.equal(isValidContainerNumber('BICU1234565'), true);
  });

  it('agrees with a hand-written ISO 6346 table for any owner, category and serial', () => {
    const random = seededRandom(6346);
    for (let sample = 0; sample < 300; sample++) {
      const firstTen = randomContainerPrefix(random);
      assert.equal(iso6346CheckDigit(firstTen), referenceCheckDigit(firstTen), firstTen);
    }
  });

  it('for any owner, category and serial, exactly one final digit makes the number valid', () => {
    const random = seededRandom(11);
    for (let sample = 0; sample < 300; sample++) {
      const firstTen = randomContainerPrefix(random);
      const validDigits = [...'0123456789'].filter((digit) => isValidContainerNumber(`${firstTen}${digit}`));
      assert.deepEqual(validDigits, [String(referenceCheckDigit(firstTen))], firstTen);
    }
  });

  it('writes a check remainder of 10 as the digit 0', () => {
    const random = seededRandom(10);
    let found = 0;
    for (let sample = 0; sample < 2_000 && found < 5; sample++) {
      const firstTen = randomContainerPrefix(random);
      if (referenceSum(firstTen) % 11 !== 10) continue;
      found++;
      assert.equal(iso6346CheckDigit(firstTen), 0, firstTen);
      assert.equal(isValidContainerNumber(`${firstTen}0`), true, firstTen);
    }
    assert.ok(found > 0, 'the sample should contain serials whose remainder is 10');
  });

  it('detects every single-digit typo in the serial of a valid number', () => {
    const random = seededRandom(42);
    for (let sample = 0; sample < 100; sample++) {
      const firstTen = randomContainerPrefix(random);
      const valid = `${firstTen}${iso6346CheckDigit(firstTen)}`;
      if (iso6346CheckDigit(firstTen) === 0) continue; // remainder 10 and 0 share the digit 0
      const position = 4 + Math.floor(random() * 7);
      const original = Number(valid.charAt(position));
      const typo = (original + 1 + Math.floor(random() * 9)) % 10;
      const mistyped = `${valid.slice(0, position)}${typo}${valid.slice(position + 1)}`;
      assert.equal(isValidContainerNumber(mistyped), false, `${valid} → ${mistyped}`);
    }
  });
});

describe('HS codes on a goods line', () => {
  it('accepts the 6-digit international code and the 8- and 10-digit national codes', () => {
    assert.equal(isValidHsCode('851713'), true);
    assert.equal(isValidHsCode('85171300'), true);
    assert.equal(isValidHsCode('8517130000'), true);
  });

  it('refuses codes of 7, 9, 11 or fewer than 6 digits, and codes with letters or spaces', () => {
    for (const code of ['8517130', '851713000', '85171300000', '85171', '', '8517 13', '85171A', ' 851713']) {
      assert.equal(isValidHsCode(code), false, JSON.stringify(code));
    }
  });

  it('refuses chapter 00, reserved chapter 77 and the national-use chapters 98 and 99', () => {
    for (const code of ['000000', '77010000', '98010000', '990100']) {
      assert.equal(isValidHsCode(code), false, code);
    }
  });

  it('accepts every chapter from 01 to 97 except 77', () => {
    for (let chapter = 1; chapter <= 97; chapter++) {
      const code = `${String(chapter).padStart(2, '0')}0100`;
      assert.equal(isValidHsCode(code), chapter !== 77, code);
    }
  });

  it('reads the chapter from the first two digits', () => {
    assert.equal(hsChapter('01012100'), 1);
    assert.equal(hsChapter('930100'), 93);
  });
});

describe('currencies (ISO 4217) of a goods value', () => {
  it('accepts the currencies trade at Horgos is invoiced in: CNY, KZT, USD', () => {
    for (const code of ['CNY', 'KZT', 'USD', 'EUR', 'RUB']) assert.equal(isIso4217Currency(code), true, code);
  });

  it('refuses codes that are not currencies, and currencies written in lower case', () => {
    for (const code of ['XYZ', 'usd', 'US', 'USDT', '']) assert.equal(isIso4217Currency(code), false, code);
  });
});

describe('countries of origin (ISO 3166-1 alpha-2)', () => {
  it('accepts Kazakhstan and China', () => {
    assert.equal(isIso3166Alpha2('KZ'), true);
    assert.equal(isIso3166Alpha2('CN'), true);
  });

  it('refuses unassigned XX and the "unknown region" ZZ', () => {
    assert.equal(isIso3166Alpha2('XX'), false);
    assert.equal(isIso3166Alpha2('ZZ'), false);
  });

  it('refuses lower case, three letters and digits', () => {
    for (const code of ['kz', 'KAZ', 'K1', '', 'K']) assert.equal(isIso3166Alpha2(code), false, code);
  });

  it('refuses the other user-assigned codes that, like ZZ, name no country (XA, XB pseudo-locales; QO Outlying Oceania)', () => {
    for (const code of ['XA', 'XB', 'QO']) assert.equal(isIso3166Alpha2(code), false, code);
  });
});
