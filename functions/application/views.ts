import type { HistoryEntry } from '#domain/lifecycle.ts';
import { DECLARATION_STATUSES } from '#domain/lifecycle.ts';
import type { DeclarationDetail, DeclarationSummary } from '#shared/api-schemas.ts';
import type { DeclarationRecord } from './ports.ts';

export type { DeclarationDetail, DeclarationPage, DeclarationSummary } from '#shared/api-schemas.ts';

/** A declaration's head as the API answers it, with the link to read it whole. */
export function summaryOf(record: DeclarationRecord, self: string): DeclarationSummary {
  return {
    id: record.id,
    declarationType: record.declarationType,
    status: record.status,
    ...(DECLARATION_STATUSES[record.status].cusresCode === undefined
      ? {}
      : { cusresCode: DECLARATION_STATUSES[record.status].cusresCode }),
    version: record.version,
    documentVersion: record.documentVersion,
    declarationNumber: record.declarationNumber,
    filedAt: record.filedAt,
    updatedAt: record.updatedAt,
    facts: record.facts,
    ...(record.tracks === undefined ? {} : { tracks: record.tracks }),
    links: { self },
  };
}

/**
 * A declaration whole, as the caller may see it. `documentVersion` is the version shown (an earlier one when it
 * was asked for), which is also the ETag the answer carries.
 */
export function detailOf(
  found: {
    readonly record: DeclarationRecord;
    readonly documentVersion: number;
    readonly declaration: Record<string, unknown>;
    readonly history: HistoryEntry[];
  },
  self: string,
): DeclarationDetail {
  return {
    ...summaryOf(found.record, self),
    documentVersion: found.documentVersion,
    declaration: found.declaration,
    history: found.history,
  };
}

/** The strong entity tag of a document version: what If-Match names when the broker amends it. */
export function etagOf(documentVersion: number): string {
  return `"${documentVersion}"`;
}
