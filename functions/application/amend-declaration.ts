import { isDeepStrictEqual } from 'node:util';
import { amendmentEntry, amendmentViolations, mayAmend } from '#domain/amendment.ts';
import { documentSizeInBytes, MAX_DOCUMENT_BYTES } from '#domain/declaration.ts';
import { type DeclarationDocument, ruleViolationsOf } from '#domain/declaration-types/registry.ts';
import type { RuleViolation } from '#domain/document-parts.ts';
import { VersionConflictError } from '#domain/errors.ts';
import { statusChanged } from '#domain/events.ts';
import type { DeclarationStatus } from '#domain/lifecycle.ts';
import { awaitsCompletion, completionFactsOf } from '#domain/two-step.ts';
import type { Caller, Clock, DeclarationRecord, DeclarationStore } from './ports.ts';

export type AmendmentOutcome =
  | { readonly kind: 'amended'; readonly record: DeclarationRecord }
  /** The document is already this one (a retried amendment): nothing written. */
  | { readonly kind: 'unchanged'; readonly record: DeclarationRecord }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'stale'; readonly currentDocumentVersion: number }
  | { readonly kind: 'not-amendable'; readonly status: DeclarationStatus }
  | { readonly kind: 'refused'; readonly violations: readonly RuleViolation[] }
  | { readonly kind: 'too-large'; readonly sizeInBytes: number; readonly limitInBytes: number };

// A workflow step may move the status between our read and our write; the amendment is then decided again.
const ATTEMPTS = 3;

/**
 * The broker replaces its declaration's document with a new version, naming the version it amends (If-Match).
 * The old version stays readable; the declaration keeps its id and number; the history entry and the event
 * (declaration.amended) are written with the new version in one transaction. Only the owner may amend: for
 * anyone else the declaration does not exist.
 */
export async function amendDeclaration(
  ports: { readonly declarations: DeclarationStore; readonly clock: Clock },
  input: {
    readonly caller: Caller;
    readonly id: string;
    readonly expectedDocumentVersion: number;
    readonly document: DeclarationDocument;
  },
): Promise<AmendmentOutcome> {
  for (let attempt = 1; ; attempt++) {
    const record = await ports.declarations.load(input.id);
    if (record === undefined || input.caller.brokerId === undefined || record.brokerId !== input.caller.brokerId) {
      return { kind: 'not-found' };
    }
    const current = await ports.declarations.loadDocument(record.id, record.documentVersion);
    if (current === undefined) return { kind: 'not-found' };
    if (isDeepStrictEqual(current, input.document)) return { kind: 'unchanged', record };
    if (input.expectedDocumentVersion !== record.documentVersion) {
      return { kind: 'stale', currentDocumentVersion: record.documentVersion };
    }
    if (!mayAmend(record)) return { kind: 'not-amendable', status: record.status };
    const violations = [...amendmentViolations(current, input.document), ...ruleViolationsOf(input.document)];
    if (violations.length > 0) return { kind: 'refused', violations };
    const sizeInBytes = documentSizeInBytes(input.document);
    if (sizeInBytes > MAX_DOCUMENT_BYTES) return { kind: 'too-large', sizeInBytes, limitInBytes: MAX_DOCUMENT_BYTES };

    const entry = amendmentEntry(record, input.caller.actor, ports.clock(), filingModeChange(current, input.document));
    const documentVersion = record.documentVersion + 1;
    const amended: DeclarationRecord = {
      ...record,
      version: entry.version,
      documentVersion,
      updatedAt: entry.recordedAt,
      // A summary amended into a complete declaration (before inspection) is completed: its period is over.
      ...(awaitsCompletion(current) && !awaitsCompletion(input.document)
        ? {
            facts: {
              ...record.facts,
              completion: { ...completionFactsOf(record.facts), completedAt: entry.recordedAt, documentVersion },
            },
          }
        : {}),
    };
    try {
      await ports.declarations.amend({
        expectedVersion: record.version,
        expectedDocumentVersion: record.documentVersion,
        record: amended,
        document: input.document,
        entry,
        event: statusChanged(amended, entry),
      });
      return { kind: 'amended', record: amended };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/** A summary completed by this amendment is what the two-step workflow waits for: say so in the event. */
function filingModeChange(current: DeclarationDocument, amended: DeclarationDocument): Record<string, unknown> {
  if (current.declarationType !== 'RAIL_IMPORT' || amended.declarationType !== 'RAIL_IMPORT') return {};
  return current.filingMode === amended.filingMode
    ? { filingMode: amended.filingMode }
    : { filingMode: amended.filingMode, previousFilingMode: current.filingMode };
}
