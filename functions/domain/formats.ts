import {
  isCalendarDate,
  isIso3166Alpha2,
  isIso4217Currency,
  isRfc3339DateTime,
  isValidContainerNumber,
  isValidHsCode,
  isValidWagonNumber,
  isVinShaped,
} from './identifiers.ts';

/**
 * The custom JSON-schema formats the request schemas use, each a pure check with the rule name a rejected
 * value is reported under. The build-time validators call exactly these functions.
 */
export const SCHEMA_FORMATS = {
  iso6346: { rule: 'iso6346-check-digit', validate: isValidContainerNumber },
  'hs-code': { rule: 'hs-code', validate: isValidHsCode },
  iso4217: { rule: 'iso4217-currency', validate: isIso4217Currency },
  'iso3166-alpha2': { rule: 'iso3166-country', validate: isIso3166Alpha2 },
  'date-time': { rule: 'date-time', validate: isRfc3339DateTime },
  date: { rule: 'date', validate: isCalendarDate },
  vin: { rule: 'vin', validate: isVinShaped },
  'wagon-number': { rule: 'wagon-check-digit', validate: isValidWagonNumber },
} as const;

export type SchemaFormatName = keyof typeof SCHEMA_FORMATS;

/** The checks alone, keyed by format name: what the generated validators import. */
export const SCHEMA_FORMAT_CHECKS: Readonly<Record<SchemaFormatName, (value: string) => boolean>> = Object.fromEntries(
  Object.entries(SCHEMA_FORMATS).map(([name, format]) => [name, format.validate]),
) as Record<SchemaFormatName, (value: string) => boolean>;

/** The rule a format failure is reported under (e.g. "iso6346-check-digit" rather than "format"). */
export function ruleOfFormat(format: string): string {
  return Object.hasOwn(SCHEMA_FORMATS, format) ? SCHEMA_FORMATS[format as SchemaFormatName].rule : format;
}
