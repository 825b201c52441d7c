import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import { DeclarationNotFoundError } from '#domain/errors.ts';
import type { Clock, DeclarationRecord, DeclarationStore } from './ports.ts';

/** A declaration's head and its current document; DeclarationNotFound (a permanent workflow error) if either is missing. */
export async function loadWithDocument(
  ports: { readonly declarations: DeclarationStore; readonly clock?: Clock },
  id: string,
): Promise<{ record: DeclarationRecord; document: DeclarationDocument }> {
  const record = await ports.declarations.load(id);
  const document = record && (await ports.declarations.loadDocument(id, record.documentVersion));
  if (record === undefined || document === undefined) throw new DeclarationNotFoundError(id);
  return { record, document };
}
