import { isDeepStrictEqual } from 'node:util';
import { documentSizeInBytes, MAX_DOCUMENT_BYTES } from '#domain/declaration.ts';
import type { DeclarationDocument } from '#domain/declaration-types/registry.ts';
import type { RuleViolation } from '#domain/document-parts.ts';
import { VersionConflictError } from '#domain/errors.ts';
import { statusChanged } from '#domain/events.ts';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import { completabilityOf, completionEntry, completionFactsOf, completionViolations } from '#domain/two-step.ts';
import type { Caller, Clock, DeclarationRecord, DeclarationStore } from './ports.ts';

export type CompletionOutcome =
  | { readonly kind: 'completed'; readonly record: DeclarationRecord }
  /** This very completion was recorded before (a retry): nothing written, the same answer. */
  | { readonly kind: 'unchanged'; readonly record: DeclarationRecord }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'not-completable'; readonly status: DeclarationStatus; readonly because: string }
  | { readonly kind: 'stale'; readonly currentDocumentVersion: number }
  | { readonly kind: 'refused'; readonly violations: readonly RuleViolation[] }
  | { readonly kind: 'too-large'; readonly sizeInBytes: number; readonly limitInBytes: number };

// A workflow step may move the declaration between our read and our write; the completion is then decided again.
const ATTEMPTS = 3;

/**
 * The second step of a two-step declaration: the broker files the complete declaration under the summary's
 * number, naming the document version it completes (If-Match), before or after the goods were released. The
 * complete document becomes the next version, and its history entry and event (declaration.amended, transition
 * COMPLETE_DOCUMENT) are written with it in one transaction; the status stays where it is. A workflow waiting
 * for it is resumed from that event (the table's stream), as after an amendment. Only the owner may complete.
 *
 * Checks run in this order: a retry of this very completion answers it again; a declaration that can take no
 * completion at all answers 409 whatever version is named (no re-read would help); then If-Match (412), the
 * document's rules (422) and its size (413).
 */
export async function completeDeclaration(
  ports: { readonly declarations: DeclarationStore; readonly clock: Clock },
  input: {
    readonly caller: Caller;
    readonly id: string;
    readonly expectedDocumentVersion: number;
    readonly document: DeclarationDocument;
  },
): Promise<CompletionOutcome> {
  for (let attempt = 1; ; attempt++) {
    const record = await ports.declarations.load(input.id);
    if (record === undefined || input.caller.brokerId === undefined || record.brokerId !== input.caller.brokerId) {
      return { kind: 'not-found' };
    }
    const current = await ports.declarations.loadDocument(record.id, record.documentVersion);
    if (current === undefined) return { kind: 'not-found' };
    const completion = completionFactsOf(record.facts);
    if (completion.documentVersion === record.documentVersion && isDeepStrictEqual(current, input.document)) {
      return { kind: 'unchanged', record };
    }
    const completability = completabilityOf(record, current);
    if (completability.kind === 'blocked') {
      return { kind: 'not-completable', status: record.status, because: completability.because };
    }
    if (input.expectedDocumentVersion !== record.documentVersion) {
      return { kind: 'stale', currentDocumentVersion: record.documentVersion };
    }
    const violations = completionViolations(completability.summary, input.document);
    if (violations.length > 0) return { kind: 'refused', violations };
    const sizeInBytes = documentSizeInBytes(input.document);
    if (sizeInBytes > MAX_DOCUMENT_BYTES) return { kind: 'too-large', sizeInBytes, limitInBytes: MAX_DOCUMENT_BYTES };

    const entry = completionEntry(record, input.caller.actor, ports.clock(), completion);
    const documentVersion = record.documentVersion + 1;
    const completed: DeclarationRecord = {
      ...record,
      version: entry.version,
      documentVersion,
      updatedAt: entry.recordedAt,
      facts: { ...record.facts, completion: { ...completion, completedAt: entry.recordedAt, documentVersion } },
    };
    try {
      await ports.declarations.amend({
        expectedVersion: record.version,
        expectedDocumentVersion: record.documentVersion,
        record: completed,
        document: input.document,
        entry,
        event: statusChanged(completed, entry),
      });
      return { kind: 'completed', record: completed };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}
