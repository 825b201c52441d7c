import { containerViolations, type RuleViolation } from '../document-parts.ts';
import { ARMS_ARE_INSPECTED, QUARANTINE_DOCUMENTS_ARE_CHECKED, type RiskRule } from '../risk.ts';
import type { RailImportDeclaration } from '../schemas/rail-import.ts';

export type { RailImportDeclaration };

export function railImportViolations(document: RailImportDeclaration): RuleViolation[] {
  return containerViolations(document.containers, document.goods);
}

export const RAIL_IMPORT_RISK_RULES: readonly RiskRule<RailImportDeclaration>[] = [
  ARMS_ARE_INSPECTED,
  QUARANTINE_DOCUMENTS_ARE_CHECKED,
];

/** What the railway and the port see: the transport, not the commercial values or the parties. */
export function railImportLogistics(document: RailImportDeclaration) {
  return {
    declarationType: document.declarationType,
    waybillNumber: document.waybillNumber,
    ...(document.trainNumber === undefined ? {} : { trainNumber: document.trainNumber }),
    ...(document.expectedArrivalAt === undefined ? {} : { expectedArrivalAt: document.expectedArrivalAt }),
    containers: document.containers,
  };
}
