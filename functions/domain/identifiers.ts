/**
 * Check-digit rules for the identifiers that appear on a rail-import declaration.
 * Pure functions: no I/O, no AWS, safe to call from JSON-schema formats and from tests.
 */

const CONTAINER_NUMBER_SHAPE = /^[A-Z]{3}[UJZ][0-9]{7}$/;

/**
 * ISO 6346 letter values run from A=10 upwards but skip every multiple of 11 (11, 22, 33),
 * because a value of 11 would collide with the "mod 11" step of the check.
 */
const ISO6346_LETTER_VALUES: ReadonlyMap<string, number> = (() => {
  const values = new Map<string, number>();
  let value = 10;
  for (let code = 65; code <= 90; code++) {
    if (value % 11 === 0) value++;
    values.set(String.fromCharCode(code), value);
    value++;
  }
  return values;
})();

/** ISO 6346 check digit of the first ten characters (owner code, category, serial). */
export function iso6346CheckDigit(firstTen: string): number {
  let sum = 0;
  for (let position = 0; position < 10; position++) {
    const char = firstTen.charAt(position);
    const value = ISO6346_LETTER_VALUES.get(char) ?? Number(char);
    sum += value * 2 ** position;
  }
  // A remainder of 10 is written as 0; ISO 6346 advises owners not to issue such serials.
  return (sum % 11) % 10;
}

/** True for a well-formed container number whose last digit is the ISO 6346 check digit. */
export function isValidContainerNumber(candidate: string): boolean {
  if (!CONTAINER_NUMBER_SHAPE.test(candidate)) return false;
  return iso6346CheckDigit(candidate.slice(0, 10)) === Number(candidate.charAt(10));
}

const HS_CODE_SHAPE = /^[0-9]{6}([0-9]{2}){0,2}$/;

/**
 * Harmonized System code: 6 digits internationally, 8 or 10 nationally (China: 8 tariff + 2 supervision).
 * Chapter 77 is reserved by the WCO for future use, so no goods can be classified there.
 */
export function isValidHsCode(candidate: string): boolean {
  if (!HS_CODE_SHAPE.test(candidate)) return false;
  const chapter = Number(candidate.slice(0, 2));
  return chapter >= 1 && chapter <= 97 && chapter !== 77;
}

export function hsChapter(hsCode: string): number {
  return Number(hsCode.slice(0, 2));
}

// ICU's list of ISO 4217 codes ships with Node, so no currency table has to be kept by hand.
const ISO4217_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export function isIso4217Currency(candidate: string): boolean {
  return ISO4217_CURRENCIES.has(candidate);
}

const REGION_NAMES = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });

/**
 * ISO 3166 leaves AA, QM–QZ, XA–XZ and ZZ to users; ICU names some of them (and groupings such as EU or
 * UN, and withdrawn codes such as SU) although none is a country of origin. XK (Kosovo) is user-assigned
 * but used by customs administrations, so it stays.
 */
const NOT_A_COUNTRY = /^(AA|Q[M-Z]|X[A-JL-Z]|ZZ|EU|EZ|UN|SU|YU|DD|CS|ZR|TP|BU)$/;

/** ISO 3166-1 alpha-2 code of a country ICU knows (it answers `undefined` for unassigned codes). */
export function isIso3166Alpha2(candidate: string): boolean {
  if (!/^[A-Z]{2}$/.test(candidate) || NOT_A_COUNTRY.test(candidate)) return false;
  try {
    return REGION_NAMES.of(candidate) !== undefined;
  } catch {
    return false;
  }
}

/** Through-waybill (SMGS, CIM/SMGS) numbers: railways issue numeric or alphanumeric ones. */
export const WAYBILL_NUMBER_PATTERN = '^[A-Z0-9][A-Z0-9-]{5,29}$';

/** Train numbers as the railway writes them, e.g. X8001 for a China–Europe block train. */
export const TRAIN_NUMBER_PATTERN = '^[A-Z0-9-]{2,16}$';
