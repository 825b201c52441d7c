import { containerViolations, type RuleViolation } from '../document-parts.ts';
import type { RiskProfile } from '../risk.ts';
import type { RailImportDeclaration } from '../schemas/rail-import.ts';

export type { RailImportDeclaration };

export function railImportViolations(document: RailImportDeclaration): RuleViolation[] {
  return containerViolations(document.containers, document.goods);
}

/** Every rule applies to a train load; the port's green channel speeds its agricultural imports. */
export const RAIL_IMPORT_RISK_PROFILE: RiskProfile = {
  lane: 'RAIL_IMPORT',
  rules: [
    'AGRICULTURAL_GREEN_CHANNEL',
    'QUARANTINE_CERTIFICATE_MISSING',
    'HIGH_RISK_CHAPTER',
    'LICENCE_MISSING',
    'VALUE_BELOW_REFERENCE',
    'FIRST_TIME_CONSIGNEE',
    'RANDOM_SELECTION',
  ],
};

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
