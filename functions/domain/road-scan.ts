import type { DeclarationStatus } from './lifecycle.ts';
import type { MilestoneNotice } from './port-events.ts';
import type { RiskChannel } from './risk.ts';

/**
 * The scanner's look into a red-channel truck after the gate (DOMAIN.md, highway step 4): the port operator's
 * X-ray scanner reports whether the load matches what is declared. The workflow branches on these names: CLEAR
 * releases the truck, SUSPICIOUS holds it for an officer.
 */
export const SCAN_RESULT = {
  CLEAR: 'CLEAR',
  SUSPICIOUS: 'SUSPICIOUS',
} as const;
export type ScanResult = (typeof SCAN_RESULT)[keyof typeof SCAN_RESULT];
export const SCAN_RESULTS = Object.values(SCAN_RESULT);

/**
 * The only channel whose truck is scanned; green is released at the gate, yellow gets a documentary check. (Named
 * here rather than read from risk.ts, which would bring the risk rules into the port's reporting function.)
 */
export const SCANNED_CHANNEL = 'RED' as const satisfies RiskChannel;

/** What a scan is decided on: the declaration where it stands, and the scan it has on record, if any. */
export interface ScanTarget {
  readonly id: string;
  readonly status: DeclarationStatus;
  readonly riskChannel?: string;
  readonly scan?: Pick<MilestoneNotice, 'portEventId' | 'occurredAt'>;
}

export type ScanDecision =
  | { readonly kind: 'record' }
  /** The same report again (same eventId): nothing to write, the same answer. */
  | { readonly kind: 'replay' }
  | {
      readonly kind: 'refused';
      readonly status: 409;
      readonly field: string;
      readonly rule: string;
      readonly detail: string;
    };

/**
 * Decides whether a scan concerns a declaration: it must be a red-channel truck that has gated in and was not
 * scanned yet. `field` is where the report named the declaration (its id, or the plate the scanner read).
 */
export function decideScan(target: ScanTarget, eventId: string, field: '/declarationId' | '/plate'): ScanDecision {
  const refuse = (rule: string, detail: string, at: string = field): ScanDecision => ({
    kind: 'refused',
    status: 409,
    field: at,
    rule,
    detail,
  });
  if (target.scan?.portEventId === eventId) return { kind: 'replay' };
  if (target.riskChannel !== undefined && target.riskChannel !== SCANNED_CHANNEL) {
    return refuse(
      'red-channel',
      `no scan is called for: ${target.id} is ${target.riskChannel}; only a ${SCANNED_CHANNEL} truck is scanned`,
    );
  }
  if (target.status !== 'GATED_IN') {
    return refuse(
      'in-order',
      `${target.id} is ${target.status}: a ${SCANNED_CHANNEL} truck is scanned after gate-in (GATED_IN)`,
      '/eventType',
    );
  }
  if (target.scan !== undefined) {
    return refuse(
      'scanned-once',
      `${target.id} was scanned already (${target.scan.portEventId} at ${target.scan.occurredAt})`,
      '/eventId',
    );
  }
  return { kind: 'record' };
}

/** Why the scan's history entry says what it says, in words the broker reads; a suspicious scan also holds. */
export function scanReason(scan: {
  readonly result: ScanResult;
  readonly scanner?: string;
  readonly remarks?: string;
}): string {
  const scanner = scan.scanner === undefined ? 'the scanner' : `scanner ${scan.scanner}`;
  const remarks = scan.remarks === undefined ? '' : `: ${scan.remarks}`;
  return scan.result === SCAN_RESULT.CLEAR
    ? `${scanner} found the load as declared${remarks}`
    : `${scanner} found the load suspicious${remarks}`;
}
