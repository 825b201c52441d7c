import { type Lifecycle, TRANSITION_NAMES, type Tracks, type TransitionName, tracksOnArrival } from '../lifecycle.ts';
import type { DeclarationType } from './registry.ts';

/**
 * Each mode's lifecycle and whether arrival starts tracks, kept apart from the rest of the registry (rules, views,
 * risk profiles): every function that moves a declaration on reads these, and most of them validate no document.
 */
/**
 * Rail (stages R1-R7): the manifest match, then after arrival the gauge change and the inspection side by
 * side, duties, release; an officer can hold, reject or send it back on its way; the broker can cancel.
 */
const HIGHWAY_ONLY: readonly TransitionName[] = ['CONFIRM_BOOKING', 'GATE_IN', 'RECORD_SCAN', 'RECORD_EXIT', 'CLOSE'];
export const RAIL_IMPORT_LIFECYCLE: Lifecycle = /* @__PURE__ */ TRANSITION_NAMES.filter(
  (name) => !HIGHWAY_ONLY.includes(name),
);

/**
 * Highway (issue 7): RECEIVED → RISK_ASSESSED → SLOT_BOOKED → GATED_IN → inspection by channel → RELEASED →
 * EXITED → CLOSED. No manifest and no tracks: an officer's look at a yellow truck is a manual review of the
 * gated-in declaration; a red truck is scanned (RECORD_SCAN), and a suspicious scan, a plate or a weight the gate
 * does not accept holds it.
 */
export const ROAD_LIFECYCLE: Lifecycle = [
  'FILE',
  'REJECT',
  'ASSIGN_RISK_CHANNEL',
  'CONFIRM_BOOKING',
  'GATE_IN',
  'RECORD_SCAN',
  'SECURE_DUTIES',
  'RELEASE',
  'RECORD_EXIT',
  'CLOSE',
  'ESCALATE_TO_MANUAL_REVIEW',
  'RESUME',
  'HOLD',
  'CANCEL',
  'FLAG_SLA_BREACH',
];

export const LIFECYCLES = {
  RAIL_IMPORT: { lifecycle: RAIL_IMPORT_LIFECYCLE, hasTracks: true },
  ROAD: { lifecycle: ROAD_LIFECYCLE, hasTracks: false },
} as const satisfies Record<string, { readonly lifecycle: Lifecycle; readonly hasTracks: boolean }>;

const LIFECYCLE_OF_TYPE: Readonly<Record<DeclarationType, keyof typeof LIFECYCLES>> = {
  RAIL_IMPORT: 'RAIL_IMPORT',
  ROAD_EXPORT: 'ROAD',
  ROAD_IMPORT: 'ROAD',
};

export function lifecycleOf(type: DeclarationType): Lifecycle {
  return LIFECYCLES[LIFECYCLE_OF_TYPE[type]].lifecycle;
}

/**
 * The tracks a declaration of this type gets on arrival: rail has the gauge change and an inspection where
 * its risk channel asks for one; road (so far) has none.
 */
export function tracksOnArrivalOf(record: {
  readonly declarationType: DeclarationType;
  readonly facts: Readonly<Record<string, unknown>>;
}): Tracks | undefined {
  if (!LIFECYCLES[LIFECYCLE_OF_TYPE[record.declarationType]].hasTracks) return undefined;
  return tracksOnArrival(record.facts.riskChannel !== 'GREEN');
}
