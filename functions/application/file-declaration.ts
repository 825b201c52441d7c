import { declarationIdFor, documentSizeInBytes, MAX_DOCUMENT_BYTES } from '#domain/declaration.ts';
import { declarationYearOf, formatDeclarationNumber } from '#domain/declaration-number.ts';
import {
  DECLARATION_TYPES,
  type DeclarationDocument,
  ruleViolationsOf,
  warningsOf,
  workflowOf,
} from '#domain/declaration-types/registry.ts';
import type { RuleViolation } from '#domain/document-parts.ts';
import { statusChanged } from '#domain/events.ts';
import { filingEntry } from '#domain/lifecycle.ts';
import { type CompletionPeriod, completionFactsOnFiling } from '#domain/two-step.ts';
import type {
  Caller,
  Clock,
  DeclarationNumbers,
  DeclarationRecord,
  DeclarationStore,
  WorkflowEngine,
} from './ports.ts';

export type FilingOutcome =
  | { readonly kind: 'filed'; readonly record: DeclarationRecord }
  | { readonly kind: 'refused'; readonly violations: readonly RuleViolation[] }
  | { readonly kind: 'too-large'; readonly sizeInBytes: number; readonly limitInBytes: number };

/**
 * Files a declaration of any type: the type's own rules, then the declaration with its first history entry and
 * event in one write, then its workflow. The request schema has already checked every field.
 */
export async function fileDeclaration(
  ports: {
    readonly declarations: DeclarationStore;
    readonly declarationNumbers: DeclarationNumbers;
    readonly workflows: WorkflowEngine;
    readonly clock: Clock;
    /** How long a two-step summary has to be completed, from its acceptance here. */
    readonly completionPeriod: CompletionPeriod;
  },
  input: {
    readonly caller: Caller;
    readonly brokerId: string;
    readonly idempotencyKey: string;
    readonly document: DeclarationDocument;
  },
): Promise<FilingOutcome> {
  const violations = ruleViolationsOf(input.document);
  if (violations.length > 0) return { kind: 'refused', violations };
  const sizeInBytes = documentSizeInBytes(input.document);
  if (sizeInBytes > MAX_DOCUMENT_BYTES) return { kind: 'too-large', sizeInBytes, limitInBytes: MAX_DOCUMENT_BYTES };

  const id = declarationIdFor(input.brokerId, input.idempotencyKey);
  const warnings = warningsOf(input.document);
  const acceptedAt = ports.clock();
  const entry = filingEntry(
    { actor: input.caller.actor, ...(warnings.length === 0 ? {} : { details: { warnings } }) },
    acceptedAt,
  );
  // Accepted (RECEIVED, CUSRES 1) is when customs numbers a declaration. A retry of a filing already stored
  // keeps the first number; the serial it drew here is left unused.
  const year = declarationYearOf(acceptedAt);
  const declarationNumber = formatDeclarationNumber({
    customsCode: ports.declarationNumbers.customsCode,
    year,
    direction: DECLARATION_TYPES[input.document.declarationType].direction,
    serial: await ports.declarationNumbers.nextSerial(year),
  });
  const record: DeclarationRecord = {
    id,
    brokerId: input.brokerId,
    declarationType: input.document.declarationType,
    status: entry.status,
    version: entry.version,
    documentVersion: 1,
    declarationNumber,
    filedAt: entry.recordedAt,
    updatedAt: entry.recordedAt,
    // A two-step summary is due to be completed from this moment on: the broker sees when in the first answer.
    facts: completionFactsOnFiling(input.document, acceptedAt, ports.completionPeriod),
  };
  const filed = await ports.declarations.file({
    record,
    document: input.document,
    entry,
    event: statusChanged(record, entry),
    idempotencyKey: input.idempotencyKey,
  });
  // Started even when the declaration already existed: a first attempt may have stopped between the two
  // writes, and the engine makes a second start of the same declaration a no-op.
  await ports.workflows.start(workflowOf(filed.record.declarationType), id);
  return { kind: 'filed', record: filed.record };
}
