import type { Lane, RandomSelectionRates, SupportingDocumentType } from './risk-reference-data.ts';
import { moreSevere, RISK_RULES, type RiskRuleName } from './risk-rules.ts';
import type { Role } from './roles.ts';
import type { HistoryEntry } from './schemas/history-entry.ts';

/**
 * Risk channels (selectivity): green releases automatically, yellow needs a document check by an officer,
 * red a physical inspection or scan.
 */
export const RISK_CHANNELS = ['GREEN', 'YELLOW', 'RED'] as const;
export type RiskChannel = (typeof RISK_CHANNELS)[number];
export const RISK_CHANNEL = { GREEN: 'GREEN', YELLOW: 'YELLOW', RED: 'RED' } as const satisfies Record<
  RiskChannel,
  RiskChannel
>;

/**
 * What the engine reads of a declaration. Narrow and structural, so every declaration type fits it, with or
 * without supporting documents.
 */
export interface RiskInput {
  readonly goods: readonly {
    readonly hsCode: string;
    /** Absent on a summary declaration's lines (two-step): no value, nothing to compare with a reference. */
    readonly value?: { readonly amount: number; readonly currency: string };
    readonly grossMassKg: number;
    readonly netMassKg?: number;
  }[];
  /** A summary may not name one yet: an unnamed trader has no record here, so it counts as first-time. */
  readonly consignee?: { readonly name: string; readonly taxId?: string };
  readonly supportingDocuments?: readonly { readonly type: SupportingDocumentType | (string & {}) }[];
}

/** What the engine knows beyond the document: the trader's record here and the selection settings. */
export interface RiskContext {
  readonly declarationId: string;
  readonly consigneeHasClearedBefore: boolean;
  readonly randomSelection: RandomSelectionSettings;
}

export interface RandomSelectionSettings {
  readonly rates: RandomSelectionRates;
  /** Mixed into each draw, so the selection cannot be predicted from the declaration id alone. */
  readonly seed: string;
}

/** A lane's risk profile: the rules it runs, in order, and the lane whose random-selection rates apply. */
export interface RiskProfile {
  readonly lane: Lane;
  readonly rules: readonly RiskRuleName[];
}

/** What one rule found; a rule that finds nothing returns undefined. */
export interface RiskFinding {
  readonly channel: RiskChannel;
  readonly reason: string;
  /** The goods go through the priority lane (perishable agricultural products). */
  readonly priority?: boolean;
}

/** One selectivity rule: its name, whether a broker may be told it fired, and what it finds. */
export interface RiskRule {
  readonly name: string;
  /** Targeting criteria are confidential: only a rule marked disclosable is shown to the broker. */
  readonly disclosable: boolean;
  readonly evaluate: (input: RiskInput, context: RiskAssessmentContext) => RiskFinding | undefined;
}

/** The context as a rule sees it: the lane is the profile's. */
export interface RiskAssessmentContext extends RiskContext {
  readonly lane: Lane;
}

export interface FiredRule {
  readonly rule: string;
  readonly channel: RiskChannel;
  readonly reason: string;
  readonly disclosable: boolean;
}

/**
 * The outcome: the most severe channel any rule asked for, the rule that decided it (the first, in the profile's
 * order, that asked for that channel) and every rule that fired, so every decision can be explained.
 */
export interface RiskAssessment {
  readonly channel: RiskChannel;
  readonly rule: string;
  readonly reason: string;
  readonly priority: boolean;
  readonly fired: readonly FiredRule[];
}

/** The name recorded when no rule fired. */
export const NO_RULE_FIRED = 'DEFAULT_GREEN';

export function assessRiskOf(profile: RiskProfile, input: RiskInput, context: RiskContext): RiskAssessment {
  const ruleContext: RiskAssessmentContext = { ...context, lane: profile.lane };
  let priority = false;
  const fired: FiredRule[] = [];
  for (const name of profile.rules) {
    const rule = RISK_RULES[name];
    const finding = rule.evaluate(input, ruleContext);
    if (finding === undefined) continue;
    priority ||= finding.priority === true;
    fired.push({ rule: rule.name, channel: finding.channel, reason: finding.reason, disclosable: rule.disclosable });
  }
  const deciding = fired.reduce<FiredRule | undefined>(
    (most, next) => (most === undefined || moreSevere(most.channel, next.channel) !== most.channel ? next : most),
    undefined,
  );
  return {
    channel: deciding?.channel ?? 'GREEN',
    rule: deciding?.rule ?? NO_RULE_FIRED,
    reason: deciding?.reason ?? 'no risk rule fired',
    priority,
    fired,
  };
}

export const UNNAMED_CONSIGNEE = 'UNNAMED';

/**
 * The key a consignee's clearance record is kept under: its tax number when the declaration gives one, else its
 * name, case and spacing folded. A name is a weak identity; a tax number should be required for imports.
 */
export function consigneeKeyOf(consignee: { readonly name: string; readonly taxId?: string } | undefined): string {
  // A summary may name no consignee yet: the key of nobody, under which no clearance is ever recorded.
  if (consignee === undefined) return UNNAMED_CONSIGNEE;
  if (consignee.taxId !== undefined) return `TAXID#${consignee.taxId}`;
  return `NAME#${consignee.name.normalize('NFKC').toUpperCase().replace(/\s+/g, ' ').trim()}`;
}

/** How much of the risk reasons each role is told: officers everything, everyone else only disclosable rules. */
export const RISK_REASONS_SEEN_BY: Readonly<Record<Role, 'all' | 'disclosable'>> = {
  officer: 'all',
  broker: 'disclosable',
  railway: 'disclosable',
  'port-operator': 'disclosable',
};

const UNDISCLOSED_REASON: Readonly<Record<RiskChannel, string>> = {
  GREEN: 'no risk rule fired',
  YELLOW: 'selected for a document check',
  RED: 'selected for inspection',
};

/** The assessment as told to someone who may only know the disclosable rules. */
export function disclosedAssessment(assessment: RiskAssessment): Omit<RiskAssessment, 'rule'> & { rule?: string } {
  const fired = assessment.fired.filter((rule) => rule.disclosable);
  const decidingIsDisclosed = assessment.rule === NO_RULE_FIRED || fired.some((rule) => rule.rule === assessment.rule);
  return {
    channel: assessment.channel,
    ...(decidingIsDisclosed ? { rule: assessment.rule } : {}),
    reason: decidingIsDisclosed ? assessment.reason : UNDISCLOSED_REASON[assessment.channel],
    priority: assessment.priority,
    fired,
  };
}

/** The history entry that records an assessment: its reason in words, the whole assessment as details. */
export function riskEntryReason(assessment: { readonly channel: RiskChannel; readonly reason: string }): string {
  return `${assessment.channel.toLowerCase()} channel: ${assessment.reason}`;
}

/**
 * A history entry as told to someone who may only know the disclosable rules: a risk assessment loses its
 * confidential rules and reason; every other entry is unchanged.
 */
export function entryWithDisclosableRisk(entry: HistoryEntry): HistoryEntry {
  const details = entry.details;
  if (entry.transition !== 'ASSIGN_RISK_CHANNEL' || details === undefined) return entry;
  const channel = details.channel as RiskChannel;
  const assessment: RiskAssessment = {
    channel,
    rule: String(details.rule),
    reason: String(details.reason),
    priority: details.priority === true,
    fired: Array.isArray(details.fired) ? (details.fired as FiredRule[]) : [],
  };
  const disclosed = disclosedAssessment(assessment);
  const hidesNothing = disclosed.rule !== undefined && disclosed.fired.length === assessment.fired.length;
  return hidesNothing ? entry : { ...entry, reason: riskEntryReason(disclosed), details: { ...disclosed } };
}

/** The history as a caller holding these roles may see its risk reasons. */
export function historyWithRiskReasonsFor(roles: Iterable<Role>, history: readonly HistoryEntry[]): HistoryEntry[] {
  const seesAll = [...roles].some((role) => RISK_REASONS_SEEN_BY[role] === 'all');
  return seesAll ? [...history] : history.map(entryWithDisclosableRisk);
}
