import { isDeepStrictEqual } from 'node:util';
import type { Actor } from './actors.ts';
import { DOCUMENT_CHANGES } from './amendment.ts';
import { type DeclarationDocument, ruleViolationsOf } from './declaration-types/registry.ts';
import type { RuleViolation } from './document-parts.ts';
import type { DeclarationStatus, HistoryEntry } from './lifecycle.ts';
import type { OfficerTaskKind } from './officer-tasks.ts';
import type { FilingMode, RailImportDeclaration } from './schemas/rail-import.ts';

/**
 * The two-step declaration (两步申报, DOMAIN.md R3): a SUMMARY lets the goods move; the complete declaration
 * follows under the same declaration number within a configured period (14 days unless configured; the figure is
 * unverified), usually after the goods were released under the summary. Risk targeting happened on the summary,
 * so the completion adds what duties and the document check need and keeps what the goods moved under.
 */

/** The filing modes by name, for code outside the domain that branches on one (the rail state machine). */
export const FILING_MODE = { SUMMARY: 'SUMMARY', COMPLETE: 'COMPLETE' } as const satisfies {
  readonly [K in FilingMode]: K;
};

/** What the workflow's flagging step is told when the completion period ran out (beside the port's SLAs). */
export const COMPLETION_DEADLINE = 'TWO_STEP_COMPLETION';

export const DEFAULT_COMPLETION_DAYS = 14;

export interface CompletionPeriod {
  readonly days: number;
}

export const DEFAULT_COMPLETION_PERIOD: CompletionPeriod = { days: DEFAULT_COMPLETION_DAYS };

/** Reads the period from configuration (days, a fraction allowed), falling back to the default. */
export function completionPeriodFrom(days: string | undefined): CompletionPeriod {
  if (days === undefined || days === '') return DEFAULT_COMPLETION_PERIOD;
  const value = Number(days);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`the two-step completion period must be a positive number of days, not ${days}`);
  }
  return { days: value };
}

/**
 * What the declaration's facts say of its completion (under `facts.completion`): when it is due, when the period
 * ran out, when the complete declaration came in and as which document version.
 */
export interface CompletionFacts {
  readonly dueAt?: string;
  readonly overdueSince?: string;
  readonly completedAt?: string;
  readonly documentVersion?: number;
}

export function completionFactsOf(facts: Readonly<Record<string, unknown>>): CompletionFacts {
  return (facts.completion ?? {}) as CompletionFacts;
}

/**
 * The facts a summary is filed with: its completion is due `period` after acceptance. The period runs from the
 * moment customs accepted the summary and numbered it (the filing: RECEIVED, CUSRES 1), because that is when the
 * declaration number the complete declaration must reuse exists, and a business time the broker holds from the
 * first answer, so the deadline can be shown then and does not move with the train's delays or a later change
 * of configuration. Published guides count the period from the means of transport's entry declaration instead
 * (here: the train's arrival); nobody has verified which applies at Horgos. To switch, start the clock from
 * `facts.arrival.occurredAt` when the arrival is recorded.
 */
export function completionFactsOnFiling(
  document: DeclarationDocument,
  acceptedAt: Date,
  period: CompletionPeriod,
): { readonly completion: CompletionFacts } | Record<string, never> {
  if (!awaitsCompletion(document)) return {};
  return { completion: { dueAt: new Date(acceptedAt.getTime() + period.days * 86_400_000).toISOString() } };
}

/** Whether the document still owes its complete declaration: a rail SUMMARY. */
export function awaitsCompletion(document: DeclarationDocument): boolean {
  return document.declarationType === 'RAIL_IMPORT' && document.filingMode === FILING_MODE.SUMMARY;
}

export interface CompletionClock {
  readonly dueAt: string;
  /** Whole seconds from `now` to the deadline, at least 1: what the workflow's wait times out on. */
  readonly secondsLeft: number;
}

/** The time left to complete, from the due date recorded on filing; without one, it is due now. */
export function completionClockAt(facts: Readonly<Record<string, unknown>>, now: Date): CompletionClock {
  const dueAt = completionFactsOf(facts).dueAt ?? now.toISOString();
  return { dueAt, secondsLeft: Math.max(1, Math.ceil((Date.parse(dueAt) - now.getTime()) / 1000)) };
}

/**
 * An officer's follow-up the declaration no longer needs when the workflow comes to open it (the complete
 * declaration landed just as the period ran out): the workflow goes on at once instead.
 */
export function isMootTask(kind: OfficerTaskKind, facts: Readonly<Record<string, unknown>>): boolean {
  return kind === 'COMPLETION_OVERDUE' && completionFactsOf(facts).completedAt !== undefined;
}

/** Where nothing can be completed any more. */
const NOT_COMPLETABLE: ReadonlySet<DeclarationStatus> = new Set(['CANCELLED', 'REJECTED']);

/** Whether a declaration can take a complete declaration at all, and if so the summary it completes. */
export type Completability =
  | { readonly kind: 'open'; readonly summary: RailImportDeclaration }
  | { readonly kind: 'blocked'; readonly because: string };

/**
 * A declaration cannot take a complete declaration at all, whatever is sent (a 409), when it is not a rail
 * summary, is complete already, or was cancelled or rejected. Release does not stop it: in the two-step
 * procedure the goods are usually released under the summary.
 */
export function completabilityOf(
  record: { readonly status: DeclarationStatus },
  current: DeclarationDocument,
): Completability {
  const blocked = (because: string): Completability => ({ kind: 'blocked', because });
  if (current.declarationType !== 'RAIL_IMPORT')
    return blocked(`a ${current.declarationType} declaration has no two steps`);
  if (current.filingMode === FILING_MODE.COMPLETE) return blocked('the declaration is already complete');
  if (NOT_COMPLETABLE.has(record.status)) return blocked(`a ${record.status} declaration can no longer be completed`);
  return { kind: 'open', summary: current };
}

/** What the goods moved under and were screened on: the train, the waybill, the containers, wagons, clearance. */
const KEPT_FROM_THE_SUMMARY = ['train', 'waybillNumber', 'waybillKind', 'containers', 'wagons', 'clearance'] as const;

/**
 * The rules a complete declaration breaks, each named: it is COMPLETE and passes every rule of a COMPLETE filing
 * (each missing value, party, Incoterm, invoice or packing list is named exactly as a filing names it), and it
 * keeps what the summary was matched, screened and released on: the consignment and each goods line's HS code
 * (a changed classification would need a risk assessment the released goods can no longer get).
 */
export function completionViolations(summary: RailImportDeclaration, complete: DeclarationDocument): RuleViolation[] {
  if (complete.declarationType !== 'RAIL_IMPORT') {
    return [
      {
        pointer: '/declarationType',
        rule: 'same-declaration-type',
        detail: 'a rail summary is completed by a RAIL_IMPORT declaration',
      },
    ];
  }
  const violations: RuleViolation[] = [];
  if (complete.filingMode !== FILING_MODE.COMPLETE) {
    violations.push({
      pointer: '/filingMode',
      rule: 'complete-filing-mode',
      detail: 'the completion of a summary is a COMPLETE declaration',
    });
  }
  for (const field of KEPT_FROM_THE_SUMMARY) {
    if (!isDeepStrictEqual(summary[field], complete[field])) {
      violations.push(asInTheSummary(`/${field}`, `the ${field} the goods moved under`));
    }
  }
  if (summary.goods.length !== complete.goods.length) {
    violations.push(asInTheSummary('/goods', `its ${summary.goods.length} goods line(s), one for one`));
  } else {
    complete.goods.forEach((line, index) => {
      if (line.hsCode !== summary.goods[index]?.hsCode) {
        violations.push(asInTheSummary(`/goods/${index}/hsCode`, 'the HS code the goods were screened on'));
      }
    });
  }
  return [...violations, ...ruleViolationsOf({ ...complete, filingMode: FILING_MODE.COMPLETE })];
}

function asInTheSummary(pointer: string, what: string): RuleViolation {
  return { pointer, rule: 'as-in-summary', detail: `a complete declaration keeps ${what}, as in the summary` };
}

export const COMPLETED_BY_THE_BROKER = 'the broker filed the complete declaration under the summary’s number';

/** The history entry of a completion: the status stays, the document moves on a version, the reason is fixed. */
export function completionEntry(
  current: { readonly status: DeclarationStatus; readonly version: number; readonly documentVersion: number },
  actor: Actor,
  recordedAt: Date,
  completion: CompletionFacts,
): HistoryEntry {
  const at = recordedAt.toISOString();
  const late = completion.dueAt !== undefined && Date.parse(at) > Date.parse(completion.dueAt);
  return {
    version: current.version + 1,
    status: current.status,
    previousStatus: current.status,
    transition: DOCUMENT_CHANGES.COMPLETE_DOCUMENT,
    actor,
    occurredAt: at,
    recordedAt: at,
    reason: COMPLETED_BY_THE_BROKER,
    details: {
      documentVersion: current.documentVersion + 1,
      previousDocumentVersion: current.documentVersion,
      filingMode: FILING_MODE.COMPLETE,
      previousFilingMode: FILING_MODE.SUMMARY,
      ...(completion.dueAt === undefined ? {} : { dueAt: completion.dueAt, late }),
    },
  };
}
