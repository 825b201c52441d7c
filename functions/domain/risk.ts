import type { RailImportDeclaration } from './declaration.ts';
import { hsChapter } from './identifiers.ts';

/**
 * Risk channels (selectivity): green releases automatically, yellow needs a document check,
 * red a physical inspection or scan.
 */
export type RiskChannel = 'GREEN' | 'YELLOW' | 'RED';

export interface RiskDecision {
  readonly channel: RiskChannel;
  /** The rule that fired, so every decision can be explained to the broker and the officer. */
  readonly rule: string;
  readonly reason: string;
}

/**
 * Placeholder selectivity, deterministic so that tests and the local demo are repeatable.
 * The rail workflow issue replaces it with configurable rates per lane and a random floor.
 */
export function decideRiskChannel(declaration: RailImportDeclaration): RiskDecision {
  const chapters = declaration.goods.map((line) => hsChapter(line.hsCode));
  // Chapter 93 is arms and ammunition: always a physical inspection.
  if (chapters.includes(93)) {
    return { channel: 'RED', rule: 'REGULATED_GOODS_CHAPTER_93', reason: 'arms and ammunition are always inspected' };
  }
  // Live animals, plants and foodstuffs need quarantine papers, checked by an officer.
  if (chapters.some((chapter) => chapter <= 14)) {
    return {
      channel: 'YELLOW',
      rule: 'QUARANTINE_DOCUMENTS_CHAPTERS_01_14',
      reason: 'animal and plant products need quarantine certificates',
    };
  }
  return { channel: 'GREEN', rule: 'DEFAULT_GREEN', reason: 'no risk rule matched' };
}
