/**
 * The risk engine's reference data: the tables the rules read. Changing a rate, a chapter or a reference value
 * is a change here, not in the rules (functions/domain/risk-rules.ts).
 */
import type { RiskChannel } from './risk.ts';

/** A customs lane: the traffic one set of expected selection rates applies to. */
export const LANES = ['RAIL_IMPORT', 'ROAD_IMPORT', 'ROAD_EXPORT'] as const;
export type Lane = (typeof LANES)[number];

/** The documents a declaration can support its goods with (the rail document's `supportingDocuments[].type`). */
export type SupportingDocumentType =
  | 'INVOICE'
  | 'PACKING_LIST'
  | 'CERTIFICATE_OF_ORIGIN'
  | 'PHYTOSANITARY_CERTIFICATE'
  | 'VETERINARY_CERTIFICATE'
  | 'LICENCE';

/**
 * Agricultural and sideline products (HS sections I–IV, chapters 01–23) and the quarantine certificate each
 * needs. The port runs a priority green channel for them. Tobacco (24) is left out: it is excise goods, not
 * what the fast lane is for. Processed foods (15–23) need no quarantine certificate.
 */
export const AGRICULTURAL_CHAPTERS: Readonly<Record<number, SupportingDocumentType | 'NONE'>> = {
  ...Object.fromEntries([1, 2, 3, 4, 5].map((chapter) => [chapter, 'VETERINARY_CERTIFICATE'])),
  ...Object.fromEntries([6, 7, 8, 9, 10, 11, 12, 13, 14].map((chapter) => [chapter, 'PHYTOSANITARY_CERTIFICATE'])),
  ...Object.fromEntries([15, 16, 17, 18, 19, 20, 21, 22, 23].map((chapter) => [chapter, 'NONE'])),
};

export const DOCUMENT_NAMES: Readonly<Record<SupportingDocumentType, string>> = {
  INVOICE: 'commercial invoice',
  PACKING_LIST: 'packing list',
  CERTIFICATE_OF_ORIGIN: 'certificate of origin',
  PHYTOSANITARY_CERTIFICATE: 'phytosanitary certificate',
  VETERINARY_CERTIFICATE: 'veterinary certificate',
  LICENCE: 'import licence',
};

/** HS chapters of high risk and the channel they go to. */
export const HIGH_RISK_CHAPTERS: Readonly<
  Record<number, { readonly channel: Exclude<RiskChannel, 'GREEN'>; readonly goods: string }>
> = {
  93: { channel: 'RED', goods: 'arms and ammunition' },
  36: { channel: 'RED', goods: 'explosives and pyrotechnics' },
  // Drug precursors (ephedrine, acetic anhydride, potassium permanganate) hide among ordinary chemicals.
  28: { channel: 'YELLOW', goods: 'inorganic chemicals (precursors, radioactive elements)' },
  29: { channel: 'YELLOW', goods: 'organic chemicals (precursors)' },
  // High value per kilogram: the classic vehicle of under-declaration and smuggling.
  71: { channel: 'YELLOW', goods: 'precious metals and stones' },
};

/**
 * Goods that need a licence, by HS heading (4 digits), and the channel when the declaration carries none.
 * Dual-use and controlled goods as the EAEU licensing lists name them, a small sample.
 */
export const LICENSED_HEADINGS: Readonly<
  Record<string, { readonly channel: Exclude<RiskChannel, 'GREEN'>; readonly goods: string }>
> = {
  '9301': { channel: 'RED', goods: 'military weapons' },
  '9302': { channel: 'RED', goods: 'revolvers and pistols' },
  '9303': { channel: 'RED', goods: 'firearms' },
  '9306': { channel: 'RED', goods: 'ammunition' },
  '3602': { channel: 'RED', goods: 'prepared explosives' },
  '2844': { channel: 'RED', goods: 'radioactive elements' },
  '2939': { channel: 'YELLOW', goods: 'alkaloids' },
  '7108': { channel: 'YELLOW', goods: 'gold' },
  '8525': { channel: 'YELLOW', goods: 'radio transmitters' },
  '8806': { channel: 'YELLOW', goods: 'unmanned aircraft' },
};

/**
 * Reference unit values by HS heading, in USD per kilogram of net mass (gross when the line gives no net mass):
 * what such goods typically cost at this border. A small sample; headings not listed are not compared.
 */
export const REFERENCE_VALUES_USD_PER_KG: Readonly<Record<string, number>> = {
  '0805': 1.0, // citrus fruit
  '0808': 0.9, // apples, pears
  '1001': 0.25, // wheat
  '6110': 20, // jerseys, pullovers
  '6403': 25, // leather footwear
  '7108': 60_000, // gold
  '8471': 60, // computers
  '8528': 15, // monitors, television sets
  '8703': 12, // passenger cars
  '8708': 6, // parts of motor vehicles
};

/** A declared unit value below these shares of the reference goes yellow, or red. */
export const VALUE_THRESHOLDS = { yellowBelow: 0.3, redBelow: 0.1 } as const;

/**
 * USD per unit of each currency the value rule can convert; a line in another currency is not compared.
 * Configuration: the port would load the day's customs rates here.
 */
export const USD_PER_UNIT: Readonly<Record<string, number>> = {
  USD: 1,
  CNY: 0.14,
  EUR: 1.08,
  KZT: 0.002,
  RUB: 0.011,
};

/** The share of declarations a lane selects at random, whatever the rules say (ASYCUDA's minimum selection). */
export interface SelectionRates {
  readonly YELLOW: number;
  readonly RED: number;
}
export type RandomSelectionRates = Readonly<Record<Lane, SelectionRates>>;

/** Defaults: a few percent for document checks, one in a hundred inspected; exports less. */
export const DEFAULT_RANDOM_SELECTION: RandomSelectionRates = {
  RAIL_IMPORT: { YELLOW: 0.05, RED: 0.01 },
  ROAD_IMPORT: { YELLOW: 0.05, RED: 0.01 },
  ROAD_EXPORT: { YELLOW: 0.02, RED: 0.005 },
};

export const NO_RANDOM_SELECTION: RandomSelectionRates = {
  RAIL_IMPORT: { YELLOW: 0, RED: 0 },
  ROAD_IMPORT: { YELLOW: 0, RED: 0 },
  ROAD_EXPORT: { YELLOW: 0, RED: 0 },
};

/**
 * Reads the random-selection setting as configuration gives it: "default", "off" or "0" (no random selection,
 * for the local stack and end-to-end tests), or JSON of rates per lane over the defaults, e.g.
 * `{"RAIL_IMPORT":{"YELLOW":0.2,"RED":0.01}}`. Throws naming the problem: a bad setting is a deployment bug.
 */
export function parseRandomSelection(setting: string): RandomSelectionRates {
  const text = setting.trim();
  if (text === 'default' || text === '') return DEFAULT_RANDOM_SELECTION;
  if (text === 'off' || text === '0') return NO_RANDOM_SELECTION;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error(`random selection must be "default", "off", "0" or JSON rates per lane; got ${setting}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`random selection must be an object of rates per lane; got ${setting}`);
  }
  const rates: Record<string, SelectionRates> = { ...DEFAULT_RANDOM_SELECTION };
  for (const [lane, value] of Object.entries(parsed)) {
    if (!(LANES as readonly string[]).includes(lane)) {
      throw new Error(`random selection names an unknown lane ${lane}; lanes are ${LANES.join(', ')}`);
    }
    const { YELLOW, RED } = (value ?? {}) as Partial<Record<string, unknown>>;
    const isRate = (rate: unknown): rate is number => typeof rate === 'number' && rate >= 0 && rate <= 1;
    if (!isRate(YELLOW) || !isRate(RED) || YELLOW + RED > 1) {
      throw new Error(`random selection for ${lane} needs YELLOW and RED between 0 and 1, at most 1 together`);
    }
    rates[lane] = { YELLOW, RED };
  }
  return rates as RandomSelectionRates;
}
