/**
 * The Chinese declaration number (DOMAIN.md, "Identifiers"): 18 digits, the 4-digit code of the customs office,
 * the 4-digit year, the import/export flag (1 import, 0 export) and a 9-digit serial. It is assigned when a
 * declaration is accepted and never changes, amendments included. Pure formatting and parsing; the serial comes
 * from an allocator (the DeclarationNumbers port).
 */
export const DECLARATION_NUMBER_PATTERN = '^[0-9]{4}[0-9]{4}[01][0-9]{9}$';
const DECLARATION_NUMBER_SHAPE = new RegExp(DECLARATION_NUMBER_PATTERN);

export const MAX_DECLARATION_SERIAL = 999_999_999;

export interface DeclarationNumberParts {
  readonly customsCode: string;
  readonly year: number;
  readonly direction: 'IMPORT' | 'EXPORT';
  readonly serial: number;
}

export function formatDeclarationNumber(parts: DeclarationNumberParts): string {
  if (!/^[0-9]{4}$/.test(parts.customsCode)) throw new RangeError(`customs code ${parts.customsCode} is not 4 digits`);
  if (!Number.isInteger(parts.year) || parts.year < 1000 || parts.year > 9999) {
    throw new RangeError(`year ${parts.year} is not 4 digits`);
  }
  if (!Number.isInteger(parts.serial) || parts.serial < 1 || parts.serial > MAX_DECLARATION_SERIAL) {
    throw new RangeError(`serial ${parts.serial} does not fit 9 digits`);
  }
  const flag = parts.direction === 'IMPORT' ? '1' : '0';
  return `${parts.customsCode}${parts.year}${flag}${String(parts.serial).padStart(9, '0')}`;
}

export function parseDeclarationNumber(candidate: string): DeclarationNumberParts | undefined {
  if (!DECLARATION_NUMBER_SHAPE.test(candidate)) return undefined;
  const serial = Number(candidate.slice(9));
  if (serial === 0) return undefined;
  return {
    customsCode: candidate.slice(0, 4),
    year: Number(candidate.slice(4, 8)),
    direction: candidate.charAt(8) === '1' ? 'IMPORT' : 'EXPORT',
    serial,
  };
}

// China Standard Time has no daylight saving: UTC+8 all year.
const CHINA_STANDARD_TIME_OFFSET_MS = 8 * 3600 * 1000;

/** The year a number is issued in is the customs office's calendar year (China Standard Time), not UTC's. */
export function declarationYearOf(acceptedAt: Date): number {
  return new Date(acceptedAt.getTime() + CHINA_STANDARD_TIME_OFFSET_MS).getUTCFullYear();
}
