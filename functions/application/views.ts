import { DECLARATION_STATUSES } from '#domain/lifecycle.ts';
import type { DeclarationSummary } from '#shared/api-schemas.ts';
import type { DeclarationRecord } from './ports.ts';

export type { DeclarationDetail, DeclarationPage, DeclarationSummary } from '#shared/api-schemas.ts';

/** A declaration's head as the API answers it, with the link to read it whole. */
export function summaryOf(record: DeclarationRecord, self: string): DeclarationSummary {
  return {
    id: record.id,
    declarationType: record.declarationType,
    status: record.status,
    cusresCode: DECLARATION_STATUSES[record.status].cusresCode,
    version: record.version,
    documentVersion: record.documentVersion,
    declarationNumber: record.declarationNumber,
    filedAt: record.filedAt,
    updatedAt: record.updatedAt,
    facts: record.facts,
    links: { self },
  };
}
