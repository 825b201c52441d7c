/**
 * Personal data never reaches a log line. Declarations name people and firms (consignee, consignor, a road
 * declaration's drivers) and carry tax, passport and document numbers; the logger passes every attribute it
 * writes through `maskPersonalData`, so a handler may log a document, an error or a problem list as it is.
 *
 * What is masked, by key (case and punctuation ignored, at any depth):
 * - a party's whole record: keys starting with consignee, consignor, driver, declarant;
 * - identifying fields: name, taxId, passportNumber, documentNumber, email, phone, address, date of birth...,
 *   also as the end of a longer key (contactEmail, driverDocumentNumber);
 * - credentials: authorization and cookie headers, webhook signing secrets;
 * - a raw HTTP body (a string under `body`): it is the declaration before parsing;
 * - what a problem says about a personal field: an object pointing at one (`field`, `pointer`,
 *   `instancePath`, `path`) keeps the pointer and the rule, and loses every other value, which could echo it.
 * And in any text (messages, stack traces): e-mail addresses.
 */

export const REDACTED = '[REDACTED]';

const PARTY_PREFIXES = ['consignee', 'consignor', 'driver', 'declarant'];
const PERSONAL_KEYS = new Set([
  'name',
  'fullname',
  'firstname',
  'lastname',
  'middlename',
  'givenname',
  'familyname',
  'patronymic',
  'address',
  'taxid',
  'tin',
  'iin',
  'passport',
  'passportnumber',
  'documentnumber',
  'nationalid',
  'idnumber',
  'dateofbirth',
  'birthdate',
  'email',
  'phone',
  'phonenumber',
  'mobile',
  'authorization',
  'cookie',
  'setcookie',
  'secret',
]);
const PERSONAL_SUFFIXES = [
  'fullname',
  'firstname',
  'lastname',
  'taxid',
  'passportnumber',
  'documentnumber',
  'email',
  'phone',
  'phonenumber',
  'dateofbirth',
];
/** Keys under which a problem or validation error names the field it is about. */
const POINTER_KEYS = ['field', 'pointer', 'instancePath', 'path', 'dataPath'];
/** What such an object may keep when its field is personal: where, and which rule, never the value. */
const SAFE_BESIDE_POINTER = new Set(['rule', 'keyword', 'schemaPath', 'type']);

// Bounded as RFC 5321 bounds the parts (64-character local part, 255-character domain), so that a long run of
// letters without any "@" costs linear time, not a scan to its end from every position.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,255}\.[A-Za-z]{2,63}/g;
const MAX_DEPTH = 32;

const normalise = (key: string) => key.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether the value under this key is personal data (or holds it), whatever its shape. */
export function isPersonalKey(key: string): boolean {
  const normalised = normalise(key);
  return (
    PERSONAL_KEYS.has(normalised) ||
    PARTY_PREFIXES.some((prefix) => normalised.startsWith(prefix)) ||
    PERSONAL_SUFFIXES.some((suffix) => normalised.endsWith(suffix))
  );
}

/** Whether a JSON Pointer (or a dotted path) reaches into personal data, e.g. `/consignee/name`. */
export function pointsAtPersonalData(pointer: string): boolean {
  return pointer
    .split(/[/.[\]]/)
    .filter((token) => token !== '' && !/^\d+$/.test(token))
    .some(isPersonalKey);
}

/** E-mail addresses in free text (messages, stack traces) become [REDACTED]. */
export function maskText<T>(text: T): T {
  if (typeof text === 'string') return (text.includes('@') ? text.replace(EMAIL, REDACTED) : text) as T;
  if (Array.isArray(text)) return text.map((line) => maskText(line)) as T;
  return text;
}

/**
 * A copy of `value` with personal data replaced by [REDACTED]. Errors are kept as errors (the log formatter
 * masks them when it serialises them); dates and other non-plain objects are kept as they are.
 */
export function maskPersonalData<T>(value: T): T {
  return mask(value, new WeakSet(), 0) as T;
}

function mask(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return maskText(value);
  if (typeof value !== 'object' || value === null || value instanceof Error) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => mask(item, seen, depth + 1));
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return value;

  const entries = Object.entries(value as Record<string, unknown>);
  const pointer = entries.find(([key, v]) => POINTER_KEYS.includes(key) && typeof v === 'string')?.[1] as
    | string
    | undefined;
  const aboutPersonalField = pointer !== undefined && pointsAtPersonalData(pointer);
  return Object.fromEntries(
    entries.map(([key, v]) => {
      if (aboutPersonalField && !POINTER_KEYS.includes(key) && !SAFE_BESIDE_POINTER.has(key)) return [key, REDACTED];
      if (isPersonalKey(key)) return [key, REDACTED];
      if (normalise(key) === 'body' && typeof v === 'string') return [key, REDACTED];
      return [key, mask(v, seen, depth + 1)];
    }),
  );
}
