import { hsChapter } from './identifiers.ts';

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

export interface RiskDecision {
  readonly channel: RiskChannel;
  /** The rule that fired, so every decision can be explained to the broker and the officer. */
  readonly rule: string;
  readonly reason: string;
}

/** One selectivity rule: the first that applies decides the channel. */
export interface RiskRule<TDocument> {
  readonly name: string;
  readonly channel: RiskChannel;
  readonly reason: string;
  readonly applies: (document: TDocument) => boolean;
}

const DEFAULT_GREEN: RiskDecision = { channel: 'GREEN', rule: 'DEFAULT_GREEN', reason: 'no risk rule matched' };

export function decideRiskChannel<TDocument>(rules: readonly RiskRule<TDocument>[], document: TDocument): RiskDecision {
  const rule = rules.find((candidate) => candidate.applies(document));
  return rule === undefined ? DEFAULT_GREEN : { channel: rule.channel, rule: rule.name, reason: rule.reason };
}

/** Placeholder rules on HS chapters, deterministic so that tests and the demo are repeatable. */
const chaptersOf = (document: { readonly goods: readonly { readonly hsCode: string }[] }) =>
  document.goods.map((line) => hsChapter(line.hsCode));

export const ARMS_ARE_INSPECTED: RiskRule<{ readonly goods: readonly { readonly hsCode: string }[] }> = {
  name: 'REGULATED_GOODS_CHAPTER_93',
  channel: 'RED',
  reason: 'arms and ammunition are always inspected',
  applies: (document) => chaptersOf(document).includes(93),
};

export const QUARANTINE_DOCUMENTS_ARE_CHECKED: RiskRule<{ readonly goods: readonly { readonly hsCode: string }[] }> = {
  name: 'QUARANTINE_DOCUMENTS_CHAPTERS_01_14',
  channel: 'YELLOW',
  reason: 'animal and plant products need quarantine certificates',
  applies: (document) => chaptersOf(document).some((chapter) => chapter <= 14),
};
