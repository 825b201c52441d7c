import { createHash } from 'node:crypto';
import { hsChapter } from './identifiers.ts';
import type { RiskChannel, RiskFinding, RiskInput, RiskRule } from './risk.ts';
import {
  AGRICULTURAL_CHAPTERS,
  DOCUMENT_NAMES,
  HIGH_RISK_CHAPTERS,
  LICENSED_HEADINGS,
  REFERENCE_VALUES_USD_PER_KG,
  type SupportingDocumentType,
  USD_PER_UNIT,
  VALUE_THRESHOLDS,
} from './risk-reference-data.ts';

/**
 * The selectivity rules. Each reads its table in risk-reference-data.ts; a lane's profile (in the declaration
 * type registry) names the rules it runs. A rule fires at most once, naming the goods lines (1-based) it found.
 */

const heading = (hsCode: string) => hsCode.slice(0, 4);
const hasDocument = (input: RiskInput, type: SupportingDocumentType) =>
  (input.supportingDocuments ?? []).some((document) => document.type === type);
const lineList = (lines: readonly number[]) => `${lines.length === 1 ? 'line' : 'lines'} ${lines.join(', ')}`;
const SEVERITY: Readonly<Record<RiskChannel, number>> = { GREEN: 0, YELLOW: 1, RED: 2 };

/** The more severe of two channels; the first on a tie. */
export function moreSevere(a: RiskChannel, b: RiskChannel): RiskChannel {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/**
 * A uniform draw in [0, 1) from the seed and the declaration id: the same declaration always draws the same
 * number, so a retried step decides the same way.
 */
export function selectionDraw(seed: string, declarationId: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${declarationId}`).digest();
  return digest.readUIntBE(0, 6) / 2 ** 48;
}

/** The certificates the goods need and do not carry, with the lines that need each. */
function missingCertificates(input: RiskInput): Map<SupportingDocumentType, number[]> {
  const missing = new Map<SupportingDocumentType, number[]>();
  input.goods.forEach((line, index) => {
    const needed = AGRICULTURAL_CHAPTERS[hsChapter(line.hsCode)];
    if (needed === undefined || needed === 'NONE' || hasDocument(input, needed)) return;
    missing.set(needed, [...(missing.get(needed) ?? []), index + 1]);
  });
  return missing;
}

const AGRICULTURAL_GREEN_CHANNEL: RiskRule = {
  name: 'AGRICULTURAL_GREEN_CHANNEL',
  disclosable: true,
  evaluate: (input) => {
    const allAgricultural = input.goods.every((line) => AGRICULTURAL_CHAPTERS[hsChapter(line.hsCode)] !== undefined);
    if (!allAgricultural || missingCertificates(input).size > 0) return undefined;
    return {
      channel: 'GREEN',
      priority: true,
      reason: 'agricultural and sideline products with their quarantine certificates: priority green channel',
    };
  },
};

const QUARANTINE_CERTIFICATE_MISSING: RiskRule = {
  name: 'QUARANTINE_CERTIFICATE_MISSING',
  disclosable: true,
  evaluate: (input) => {
    const missing = [...missingCertificates(input)];
    if (missing.length === 0) return undefined;
    return {
      channel: 'YELLOW',
      // Perishable goods keep their priority while the officer checks the papers.
      priority: true,
      reason: `missing ${missing.map(([type, lines]) => `${DOCUMENT_NAMES[type]} (${lineList(lines)})`).join(', ')}`,
    };
  },
};

const HIGH_RISK_CHAPTER: RiskRule = {
  name: 'HIGH_RISK_CHAPTER',
  disclosable: false,
  evaluate: (input) => {
    let finding: { channel: RiskChannel; goods: Set<string>; lines: number[] } | undefined;
    input.goods.forEach((line, index) => {
      const chapter = HIGH_RISK_CHAPTERS[hsChapter(line.hsCode)];
      if (chapter === undefined) return;
      finding ??= { channel: chapter.channel, goods: new Set(), lines: [] };
      finding.channel = moreSevere(finding.channel, chapter.channel);
      finding.goods.add(chapter.goods);
      finding.lines.push(index + 1);
    });
    if (finding === undefined) return undefined;
    return {
      channel: finding.channel,
      reason: `high-risk HS chapter: ${[...finding.goods].join(', ')} (${lineList(finding.lines)})`,
    };
  },
};

const VALUE_BELOW_REFERENCE: RiskRule = {
  name: 'VALUE_BELOW_REFERENCE',
  disclosable: false,
  evaluate: (input) => {
    let worst: { channel: RiskChannel; share: number; line: number; unit: number; reference: number } | undefined;
    input.goods.forEach((line, index) => {
      const reference = REFERENCE_VALUES_USD_PER_KG[heading(line.hsCode)];
      if (line.value === undefined) return;
      const usdPerUnit = USD_PER_UNIT[line.value.currency];
      if (reference === undefined || usdPerUnit === undefined) return;
      const unit = (line.value.amount * usdPerUnit) / (line.netMassKg ?? line.grossMassKg);
      const share = unit / reference;
      if (share >= VALUE_THRESHOLDS.yellowBelow) return;
      const channel = share < VALUE_THRESHOLDS.redBelow ? 'RED' : 'YELLOW';
      if (worst === undefined || share < worst.share) worst = { channel, share, line: index + 1, unit, reference };
    });
    if (worst === undefined) return undefined;
    return {
      channel: worst.channel,
      reason:
        `line ${worst.line} declared at ${worst.unit.toFixed(2)} USD/kg, ` +
        `${Math.round(worst.share * 100)}% of the reference ${worst.reference.toFixed(2)} USD/kg`,
    };
  },
};

const FIRST_TIME_CONSIGNEE: RiskRule = {
  name: 'FIRST_TIME_CONSIGNEE',
  disclosable: false,
  evaluate: (_input, context) =>
    context.consigneeHasClearedBefore
      ? undefined
      : { channel: 'YELLOW', reason: 'the consignee has not cleared goods at this port before' },
};

const LICENCE_MISSING: RiskRule = {
  name: 'LICENCE_MISSING',
  disclosable: true,
  evaluate: (input) => {
    if (hasDocument(input, 'LICENCE')) return undefined;
    let finding: { channel: RiskChannel; goods: Set<string>; lines: number[] } | undefined;
    input.goods.forEach((line, index) => {
      const licensed = LICENSED_HEADINGS[heading(line.hsCode)];
      if (licensed === undefined) return;
      finding ??= { channel: licensed.channel, goods: new Set(), lines: [] };
      finding.channel = moreSevere(finding.channel, licensed.channel);
      finding.goods.add(licensed.goods);
      finding.lines.push(index + 1);
    });
    if (finding === undefined) return undefined;
    return {
      channel: finding.channel,
      reason: `missing import licence for ${[...finding.goods].join(', ')} (${lineList(finding.lines)})`,
    };
  },
};

const RANDOM_SELECTION: RiskRule = {
  name: 'RANDOM_SELECTION',
  disclosable: false,
  evaluate: (_input, context): RiskFinding | undefined => {
    const rates = context.randomSelection.rates[context.lane];
    const draw = selectionDraw(context.randomSelection.seed, context.declarationId);
    if (draw < rates.RED) return { channel: 'RED', reason: 'selected at random for inspection' };
    if (draw < rates.RED + rates.YELLOW)
      return { channel: 'YELLOW', reason: 'selected at random for a document check' };
    return undefined;
  },
};

export const RISK_RULES = {
  AGRICULTURAL_GREEN_CHANNEL,
  QUARANTINE_CERTIFICATE_MISSING,
  HIGH_RISK_CHAPTER,
  VALUE_BELOW_REFERENCE,
  FIRST_TIME_CONSIGNEE,
  LICENCE_MISSING,
  RANDOM_SELECTION,
} as const satisfies Record<string, RiskRule>;
export type RiskRuleName = keyof typeof RISK_RULES;
