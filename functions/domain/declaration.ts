import { createHash } from 'node:crypto';

/** The first declaration shape: an advance rail-import declaration (stage R2 in DOMAIN.md). */
export interface RailImportDeclaration {
  readonly declarationType: 'RAIL_IMPORT';
  /** Through-waybill number (SMGS or CIM/SMGS): the key the train manifest and arrival are matched on. */
  readonly waybillNumber: string;
  readonly trainNumber?: string;
  readonly expectedArrivalAt?: string;
  readonly consignee: { readonly name: string; readonly taxId?: string };
  readonly containers: readonly { readonly number: string }[];
  readonly goods: readonly GoodsLine[];
}

export interface GoodsLine {
  readonly hsCode: string;
  readonly description: string;
  readonly value: { readonly amount: number; readonly currency: string };
  readonly grossMassKg: number;
  readonly originCountry?: string;
  readonly containerNumber?: string;
}

/** A broken business rule on a submitted document: the field (JSON Pointer) and the rule that failed. */
export interface RuleViolation {
  readonly pointer: string;
  readonly rule: string;
  readonly detail: string;
}

/**
 * Cross-field rules that a JSON schema cannot express. Per-field rules (shapes, check digits,
 * currency codes) live in the request schema so that every violation is reported in one answer.
 */
export function crossFieldViolations(declaration: RailImportDeclaration): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const seen = new Set<string>();
  declaration.containers.forEach((container, index) => {
    if (seen.has(container.number)) {
      violations.push({
        pointer: `/containers/${index}/number`,
        rule: 'unique-container',
        detail: `container ${container.number} is listed more than once`,
      });
    }
    seen.add(container.number);
  });
  declaration.goods.forEach((line, index) => {
    if (line.containerNumber !== undefined && !seen.has(line.containerNumber)) {
      violations.push({
        pointer: `/goods/${index}/containerNumber`,
        rule: 'declared-container',
        detail: `goods line refers to container ${line.containerNumber}, which is not in /containers`,
      });
    }
  });
  return violations;
}

/**
 * The declaration id is derived from the broker and the broker's Idempotency-Key, so a retried
 * submission lands on the same item and the same workflow execution even after the idempotency
 * record has expired. It is also a valid Step Functions execution name (≤ 80 chars, [A-Za-z0-9-_]).
 */
export function declarationIdFor(brokerId: string, idempotencyKey: string): string {
  const digest = createHash('sha256').update(`${brokerId}\u0000${idempotencyKey}`).digest('hex');
  return `DCL-${digest.slice(0, 24).toUpperCase()}`;
}

export const DECLARATION_ID_PATTERN = /^DCL-[0-9A-F]{24}$/;
