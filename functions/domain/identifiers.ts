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

/** Vehicle registration plates as the gate's plate reader writes them: upper-case letters and digits, no spaces. */
export const PLATE_PATTERN = '^[A-Z0-9]{2,12}$';

const VIN_SHAPE = /^[A-HJ-NPR-Z0-9]{17}$/;
const VIN_LETTER_VALUES: Readonly<Record<string, number>> = {
  A: 1,
  B: 2,
  C: 3,
  D: 4,
  E: 5,
  F: 6,
  G: 7,
  H: 8,
  J: 1,
  K: 2,
  L: 3,
  M: 4,
  N: 5,
  P: 7,
  R: 9,
  S: 2,
  T: 3,
  U: 4,
  V: 5,
  W: 6,
  X: 7,
  Y: 8,
  Z: 9,
};
const VIN_WEIGHTS = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2] as const;

/** ISO 3779: 17 characters; I, O and Q are never used (they read as 1 and 0). */
export function isVinShaped(candidate: string): boolean {
  return VIN_SHAPE.test(candidate);
}

/** The check character (position 9) a VIN should carry: "0"–"9" or "X" (49 CFR 565.15, GB 16735). */
export function vinCheckCharacter(vin: string): string {
  let sum = 0;
  for (let position = 0; position < 17; position++) {
    const char = vin.charAt(position);
    const value = VIN_LETTER_VALUES[char] ?? Number(char);
    sum += value * (VIN_WEIGHTS[position] ?? 0);
  }
  const remainder = sum % 11;
  return remainder === 10 ? 'X' : String(remainder);
}

export function hasValidVinCheckDigit(vin: string): boolean {
  return isVinShaped(vin) && vin.charAt(8) === vinCheckCharacter(vin);
}

/** ISO 3780 gives world manufacturer identifiers starting with L to China, where GB 16735 makes the check digit mandatory. */
export function isChineseVin(vin: string): boolean {
  return vin.startsWith('L');
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/i;

/**
 * RFC 3339 date-time with a real calendar date and an explicit offset (JSON Schema's "date-time"). A leap
 * second (":60") is refused: JavaScript dates cannot hold one, so it could never be compared or stored as a time.
 */
export function isRfc3339DateTime(candidate: string): boolean {
  const parts = RFC3339.exec(candidate);
  if (parts === null) return false;
  const [year, month, day, hour, minute, second] = parts.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetOk = parts[9] === undefined || (Number(parts[9]) <= 23 && Number(parts[10]) <= 59);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetOk
  );
}

/** Proleptic Gregorian, as RFC 3339 dates are (Date.UTC would take years 0–99 for 1900–1999). */
function daysInMonth(year: number, month: number): number {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
}

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** An RFC 3339 full-date (YYYY-MM-DD) that exists on the calendar. */
export function isCalendarDate(candidate: string): boolean {
  const parts = CALENDAR_DATE.exec(candidate);
  if (parts === null) return false;
  const [year, month, day] = parts.slice(1, 4).map(Number) as [number, number, number];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Luhn: from the right, every second digit of the payload is doubled and the digits of each product added; the
 * check digit completes the sum to a multiple of ten. The 1,520 mm wagon rule (weights 2,1,2,1,2,1,2 on seven
 * digits) and the UIC rule (2,1,…,2 on eleven digits) are both exactly this, since both payloads are odd-length.
 */
function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let fromRight = 0; fromRight < payload.length; fromRight++) {
    const digit = Number(payload.charAt(payload.length - 1 - fromRight));
    const product = fromRight % 2 === 0 ? digit * 2 : digit;
    sum += product > 9 ? product - 9 : product;
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Wagon numbers on a train manifest: the 8-digit number of the 1,520 mm network (first digit the wagon type, 2
 * covered to 9 other; 0 and 1 name no freight wagon) or the 12-digit UIC number, each ending in its check digit.
 * Written as digits only, as containers are: "31 80 665 0 023-2" is sent as "318066500232".
 */
const WAGON_NUMBER_SHAPE = /^(?:[2-9][0-9]{7}|[0-9]{12})$/;

/** The check digit of a wagon number's first 7 (1,520 mm) or 11 (UIC) digits. */
export function wagonCheckDigit(payload: string): number {
  return luhnCheckDigit(payload);
}

/** True for an 8-digit 1,520 mm or a 12-digit UIC wagon number whose last digit is its check digit. */
export function isValidWagonNumber(candidate: string): boolean {
  if (!WAGON_NUMBER_SHAPE.test(candidate)) return false;
  return wagonCheckDigit(candidate.slice(0, -1)) === Number(candidate.charAt(candidate.length - 1));
}
