import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  hasValidVinCheckDigit,
  hsChapter,
  isCalendarDate,
  isChineseVin,
  isIso3166Alpha2,
  isIso4217Currency,
  iso6346CheckDigit,
  isRfc3339DateTime,
  isValidContainerNumber,
  isValidHsCode,
  isValidWagonNumber,
  isVinShaped,
  vinCheckCharacter,
  wagonCheckDigit,
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

/**
 * The VIN transliteration of 49 CFR 565.15, derived from the alphabet rather than copied: A–I count 1–9,
 * J–R count 1–9, S–Z count 2–9 (I, O and Q are never used).
 */
function referenceVinValue(char: string): number {
  if (/[0-9]/.test(char)) return Number(char);
  const index = char.charCodeAt(0) - 65;
  return index < 9 ? index + 1 : index < 18 ? index - 8 : index - 16;
}

const VIN_REFERENCE_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2];

function referenceVinCheckCharacter(vin: string): string {
  const sum = [...vin].reduce(
    (total, char, position) => total + referenceVinValue(char) * (VIN_REFERENCE_WEIGHTS[position] ?? 0),
    0,
  );
  return sum % 11 === 10 ? 'X' : String(sum % 11);
}

const VIN_ALPHABET = 'ABCDEFGHJKLMNPRSTUVWXYZ0123456789';

function randomVin(random: () => number): string {
  return Array.from({ length: 17 }, () => VIN_ALPHABET.charAt(Math.floor(random() * VIN_ALPHABET.length))).join('');
}

describe('vehicle identification numbers (VIN, ISO 3779) on a road export of cars', () => {
  it('accepts 17 upper-case letters and digits', () => {
    for (const vin of ['1M8GDM9AXKP042788', 'LSVAU2180N2183294', 'WDB9066331S000001']) {
      assert.equal(isVinShaped(vin), true, vin);
    }
  });

  it('refuses the letters I, O and Q, which read as 1 and 0', () => {
    for (const letter of ['I', 'O', 'Q']) {
      assert.equal(isVinShaped(`1M8GDM9AXKP04278${letter}`), false, letter);
      assert.equal(isVinShaped(`${letter}M8GDM9AXKP042788`), false, letter);
    }
  });

  it('refuses 16 or 18 characters, lower case, spaces and dashes', () => {
    for (const vin of [
      '1M8GDM9AXKP04278',
      '1M8GDM9AXKP0427880',
      '1m8gdm9axkp042788',
      '1M8GDM9AX P042788',
      '1M8-DM9AXKP042788',
      '',
    ]) {
      assert.equal(isVinShaped(vin), false, JSON.stringify(vin));
    }
  });

  it('accepts the textbook VIN 1M8GDM9AXKP042788, whose check character is X', () => {
    assert.equal(vinCheckCharacter('1M8GDM9AXKP042788'), 'X');
    assert.equal(hasValidVinCheckDigit('1M8GDM9AXKP042788'), true);
  });

  it('refuses the textbook VIN with any other check character', () => {
    for (const check of '0123456789') {
      assert.equal(hasValidVinCheckDigit(`1M8GDM9A${check}KP042788`), false, check);
    }
  });

  it('accepts 11111111111111111, the check character of a VIN of ones being 1', () => {
    assert.equal(hasValidVinCheckDigit('11111111111111111'), true);
  });

  it('computes the check character without looking at the check position itself', () => {
    assert.equal(vinCheckCharacter('1M8GDM9A0KP042788'), vinCheckCharacter('1M8GDM9AXKP042788'));
  });

  it('agrees with the transliteration table of 49 CFR 565 for any VIN', () => {
    const random = seededRandom(3779);
    for (let sample = 0; sample < 300; sample++) {
      const vin = randomVin(random);
      assert.equal(vinCheckCharacter(vin), referenceVinCheckCharacter(vin), vin);
    }
  });

  it('for any VIN, exactly one of 0–9 and X at position 9 makes it valid', () => {
    const random = seededRandom(565);
    let withX = 0;
    for (let sample = 0; sample < 300; sample++) {
      const vin = randomVin(random);
      const valid = [...'0123456789X'].filter((check) =>
        hasValidVinCheckDigit(`${vin.slice(0, 8)}${check}${vin.slice(9)}`),
      );
      assert.deepEqual(valid, [referenceVinCheckCharacter(vin)], vin);
      if (valid[0] === 'X') withX++;
    }
    assert.ok(withX > 0, 'the sample should contain VINs whose check character is X');
  });

  it('refuses the check of a VIN that is not VIN-shaped, even when the arithmetic would match', () => {
    assert.equal(hasValidVinCheckDigit('1m8gdm9axkp042788'), false);
    assert.equal(hasValidVinCheckDigit('1M8GDM9AXKP04278'), false);
  });

  it('knows a vehicle made in China by its world manufacturer identifier starting with L', () => {
    for (const vin of ['LSVAU2180N2183294', 'LFV3A23C0L3000002', 'LGBH52E03KY000001']) {
      assert.equal(isChineseVin(vin), true, vin);
    }
  });

  it('does not take vehicles from Germany, the US, Japan or Kazakhstan for Chinese', () => {
    for (const vin of ['WDB9066331S000001', '1M8GDM9AXKP042788', 'JTDKB20U093000001', 'Y6LSL1B00NL000001']) {
      assert.equal(isChineseVin(vin), false, vin);
    }
  });
});

describe('date-times (RFC 3339) on declarations and port events', () => {
  it('accepts UTC and offset times, with or without fractions of a second', () => {
    for (const time of [
      '2025-03-01T06:30:00Z',
      '2025-03-01T06:30:00.123Z',
      '2025-03-01T06:30:00.123456789Z',
      '2025-03-01T12:30:00+06:00',
      '2025-02-28T19:30:00-05:30',
      '2025-03-01T06:30:00+00:00',
    ]) {
      assert.equal(isRfc3339DateTime(time), true, time);
    }
  });

  it('accepts lower-case t and z, which RFC 3339 allows', () => {
    assert.equal(isRfc3339DateTime('2025-03-01t06:30:00z'), true);
  });

  it('accepts 29 February in a leap year and refuses it in a common year', () => {
    assert.equal(isRfc3339DateTime('2024-02-29T10:00:00Z'), true);
    assert.equal(isRfc3339DateTime('2000-02-29T10:00:00Z'), true, '2000 is divisible by 400');
    assert.equal(isRfc3339DateTime('2025-02-29T10:00:00Z'), false);
    assert.equal(isRfc3339DateTime('1900-02-29T10:00:00Z'), false, '1900 is divisible by 100, not 400');
  });

  it('accepts 29 February of the year 0000, a leap year of the proleptic Gregorian calendar', () => {
    assert.equal(isRfc3339DateTime('0000-02-29T00:00:00Z'), true);
  });

  it('refuses months 00 and 13, day 00, and 31 April', () => {
    for (const time of [
      '2025-00-10T10:00:00Z',
      '2025-13-10T10:00:00Z',
      '2025-03-00T10:00:00Z',
      '2025-04-31T10:00:00Z',
    ]) {
      assert.equal(isRfc3339DateTime(time), false, time);
    }
  });

  it('refuses hour 24, minute 60, second 61 and a leap second', () => {
    assert.equal(isRfc3339DateTime('2025-03-01T24:00:00Z'), false);
    assert.equal(isRfc3339DateTime('2025-03-01T10:60:00Z'), false);
    assert.equal(isRfc3339DateTime('2025-03-01T10:00:61Z'), false);
    // A leap second is refused: a JavaScript date cannot hold it, so it could not be compared or stored.
    assert.equal(isRfc3339DateTime('2016-12-31T23:59:60Z'), false);
  });

  it('refuses offsets beyond 23:59', () => {
    assert.equal(isRfc3339DateTime('2025-03-01T10:00:00+24:00'), false);
    assert.equal(isRfc3339DateTime('2025-03-01T10:00:00+05:60'), false);
    assert.equal(isRfc3339DateTime('2025-03-01T10:00:00+23:59'), true);
  });

  it('refuses a local time without offset, a bare date, a space for T and a short offset', () => {
    for (const time of [
      '2025-03-01T10:00:00',
      '2025-03-01',
      '2025-03-01 10:00:00Z',
      '2025-03-01T10:00Z',
      '2025-03-01T10:00:00+0600',
      '2025-03-01T10:00:00+06',
      '25-03-01T10:00:00Z',
      '',
    ]) {
      assert.equal(isRfc3339DateTime(time), false, JSON.stringify(time));
    }
  });
});

/** The 1,520 mm rule as the numbering handbook words it: weights 2,1,2,1,2,1,2, add the digits of each product. */
function referenceBroadGaugeCheckDigit(firstSeven: string): number {
  const sum = [...firstSeven].reduce((total, char, position) => {
    const product = Number(char) * (position % 2 === 0 ? 2 : 1);
    return total + Math.floor(product / 10) + (product % 10);
  }, 0);
  return (10 - (sum % 10)) % 10;
}

function randomDigits(random: () => number, length: number): string {
  return Array.from({ length }, () => String(Math.floor(random() * 10))).join('');
}

/** Every number that differs from `valid` in exactly one digit. */
function oneDigitOff(valid: string): string[] {
  return [...valid].flatMap((char, position) =>
    [...'0123456789']
      .filter((digit) => digit !== char)
      .map((digit) => `${valid.slice(0, position)}${digit}${valid.slice(position + 1)}`),
  );
}

describe('wagon numbers on a train manifest', () => {
  it('accepts the covered wagon 24512345: 4+4+(1+0)+1+4+3+8 = 25, so the check digit is 5', () => {
    assert.equal(wagonCheckDigit('2451234'), 5);
    assert.equal(isValidWagonNumber('24512345'), true);
  });

  it('accepts the UIC wagon 21 81 2471 217-3 written as digits', () => {
    assert.equal(wagonCheckDigit('21812471217'), 3);
    assert.equal(isValidWagonNumber('218124712173'), true);
  });

  it('refuses every number one digit off a valid 8-digit or 12-digit number', () => {
    for (const valid of ['24512345', '218124712173']) {
      for (const typo of oneDigitOff(valid)) {
        // A first digit of 0 or 1 names no 1,520 mm wagon type: refused by shape rather than by check.
        assert.equal(isValidWagonNumber(typo), false, `${valid} → ${typo}`);
      }
    }
  });

  it('refuses a 1,520 mm number whose first digit names no wagon type (0 or 1), even with a matching check', () => {
    for (const type of ['0', '1']) {
      const firstSeven = `${type}451234`;
      assert.equal(isValidWagonNumber(`${firstSeven}${wagonCheckDigit(firstSeven)}`), false, type);
    }
  });

  it('refuses spaces, dashes, letters and lengths other than 8 and 12', () => {
    for (const number of ['2451 2345', '21 81 2471 217-3', '2451234A', '2451234', '245123450', '21812471217', '']) {
      assert.equal(isValidWagonNumber(number), false, JSON.stringify(number));
    }
  });

  it('agrees with the handbook’s weights 2,1,2,1,2,1,2 for any 1,520 mm number', () => {
    const random = seededRandom(1520);
    for (let sample = 0; sample < 300; sample++) {
      const firstSeven = `${2 + Math.floor(random() * 8)}${randomDigits(random, 6)}`;
      const valid = [...'0123456789'].filter((digit) => isValidWagonNumber(`${firstSeven}${digit}`));
      assert.deepEqual(valid, [String(referenceBroadGaugeCheckDigit(firstSeven))], firstSeven);
    }
  });

  it('for any UIC number, exactly one final digit makes it valid', () => {
    const random = seededRandom(438);
    for (let sample = 0; sample < 300; sample++) {
      const firstEleven = randomDigits(random, 11);
      const valid = [...'0123456789'].filter((digit) => isValidWagonNumber(`${firstEleven}${digit}`));
      assert.deepEqual(valid, [String(wagonCheckDigit(firstEleven))], firstEleven);
    }
  });
});

describe('calendar dates (a train’s date)', () => {
  it('refuses 29 February 2026, a common year, and accepts 29 February 2028, a leap year', () => {
    assert.equal(isCalendarDate('2026-02-29'), false);
    assert.equal(isCalendarDate('2028-02-29'), true);
  });

  it('refuses a date with a time, a short year and month 13', () => {
    for (const date of ['2026-11-21T00:00:00Z', '26-11-21', '2026-13-01', '2026-11-31', '']) {
      assert.equal(isCalendarDate(date), false, JSON.stringify(date));
    }
  });
});
