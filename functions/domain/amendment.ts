import type { Actor } from './actors.ts';
import type { DeclarationDocument } from './declaration-types/registry.ts';
import type { RuleViolation } from './document-parts.ts';
import type { DeclarationStatus, HistoryEntry, Tracks } from './lifecycle.ts';

/**
 * Amendment (NCTS IE013): the broker replaces the document with a new version. The status does not change, so
 * it is not a transition of the lifecycle; it is a change of the document, recorded in the same history and
 * outbox as the transitions, under its own name. The completion of a two-step summary (./two-step.ts) is one too.
 */
export const DOCUMENT_CHANGES = {
  AMEND_DOCUMENT: 'AMEND_DOCUMENT',
  COMPLETE_DOCUMENT: 'COMPLETE_DOCUMENT',
} as const;
export const DOCUMENT_CHANGE_NAMES = Object.values(DOCUMENT_CHANGES);
export type DocumentChangeName = (typeof DOCUMENT_CHANGE_NAMES)[number];

export function isDocumentChange(transition: string): transition is DocumentChangeName {
  return (DOCUMENT_CHANGE_NAMES as readonly string[]).includes(transition);
}

export const AMENDED_BY_THE_BROKER = 'amended by the broker';

/**
 * Until inspection starts the broker may still correct the document; after that customs works on what it has.
 * After arrival that is while the inspection track has not opened (a green declaration's never does).
 */
const AMENDABLE_STATUSES: ReadonlySet<DeclarationStatus> = new Set([
  'RECEIVED',
  'MANIFEST_MISMATCH',
  'MANIFEST_MATCHED',
  // A truck with a slot has not reached the gate: its papers may still change (its booking keeps the truck booked).
  'SLOT_BOOKED',
  'RISK_ASSESSED',
  'AWAITING_ARRIVAL',
]);
const INSPECTION_NOT_STARTED: ReadonlySet<string> = new Set(['NOT_REQUIRED', 'PENDING']);

export function mayAmend(record: { readonly status: DeclarationStatus; readonly tracks?: Tracks }): boolean {
  if (AMENDABLE_STATUSES.has(record.status)) return true;
  return record.status === 'ARRIVED' && INSPECTION_NOT_STARTED.has(record.tracks?.inspection ?? 'NOT_REQUIRED');
}

/**
 * What an amendment may not change: the declaration's type and, for a rail import, its train number (the
 * declaration is filed against one train's manifest); and a COMPLETE declaration never goes back to SUMMARY.
 */
export function amendmentViolations(current: DeclarationDocument, amended: DeclarationDocument): RuleViolation[] {
  if (current.declarationType !== amended.declarationType) {
    return [
      {
        pointer: '/declarationType',
        rule: 'same-declaration-type',
        detail: `an amendment keeps the type ${current.declarationType}; file a new declaration instead`,
      },
    ];
  }
  if (current.declarationType !== 'RAIL_IMPORT' || amended.declarationType !== 'RAIL_IMPORT') return [];
  const violations: RuleViolation[] = [];
  if (current.train.trainNumber !== amended.train.trainNumber) {
    violations.push({
      pointer: '/train/trainNumber',
      rule: 'same-train',
      detail: `an amendment keeps the train ${current.train.trainNumber}; file a new declaration for another train`,
    });
  }
  if (current.filingMode === 'COMPLETE' && amended.filingMode === 'SUMMARY') {
    violations.push({
      pointer: '/filingMode',
      rule: 'no-return-to-summary',
      detail: 'a COMPLETE declaration cannot become a SUMMARY again',
    });
  }
  return violations;
}

/** The history entry of an amendment: the status stays, the workflow version moves on, the reason is fixed. */
export function amendmentEntry(
  current: { readonly status: DeclarationStatus; readonly version: number; readonly documentVersion: number },
  actor: Actor,
  recordedAt: Date,
  details: Record<string, unknown> = {},
): HistoryEntry {
  const at = recordedAt.toISOString();
  return {
    version: current.version + 1,
    status: current.status,
    previousStatus: current.status,
    transition: DOCUMENT_CHANGES.AMEND_DOCUMENT,
    actor,
    occurredAt: at,
    recordedAt: at,
    reason: AMENDED_BY_THE_BROKER,
    details: {
      documentVersion: current.documentVersion + 1,
      previousDocumentVersion: current.documentVersion,
      ...details,
    },
  };
}
