import { createHash } from 'node:crypto';

/**
 * The declaration id is derived from the broker and the broker's Idempotency-Key, so a retried
 * submission lands on the same item and the same workflow execution even after the idempotency
 * record has expired. It is also a valid Step Functions execution name (≤ 80 chars, [A-Za-z0-9-_]).
 */
export function declarationIdFor(brokerId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${brokerId}\u0000${idempotencyKey}`).digest('hex');
  return `DCL-${digest.slice(0, 24).toUpperCase()}`;
}

export const DECLARATION_ID_PATTERN = '^DCL-[0-9A-F]{24}$';

/**
 * A declaration's document is kept as one DynamoDB item (400 KB at most, attribute names included). Its
 * JSON form may take 350,000 bytes, which leaves room for the item's keys and bookkeeping; larger documents
 * are refused (413) rather than split, and should be filed as several declarations.
 */
export const MAX_DOCUMENT_BYTES = 350_000;

export function documentSizeInBytes(document: unknown): number {
  return Buffer.byteLength(JSON.stringify(document), 'utf8');
}
