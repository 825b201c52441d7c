import { containerViolations, type RuleViolation } from '../document-parts.ts';
import { hasValidVinCheckDigit, isChineseVin, vinCheckCharacter } from '../identifiers.ts';
import type { RiskProfile } from '../risk.ts';
import type { RoadExportDeclaration, RoadImportDeclaration } from '../schemas/road.ts';

export type { RoadExportDeclaration, RoadImportDeclaration };

type RoadDeclaration = RoadExportDeclaration | RoadImportDeclaration;

export function roadViolations(document: RoadDeclaration): RuleViolation[] {
  const violations = containerViolations(document.containers ?? [], document.goods);
  if (document.declarationType !== 'ROAD_EXPORT') return violations;
  const seen = new Set<string>();
  (document.vehicles ?? []).forEach(({ vin }, index) => {
    if (seen.has(vin)) {
      violations.push({ pointer: `/vehicles/${index}/vin`, rule: 'unique-vin', detail: `VIN ${vin} is listed twice` });
    }
    seen.add(vin);
    // GB 16735 makes the check digit mandatory for vehicles made in China; elsewhere it is only a warning.
    if (isChineseVin(vin) && !hasValidVinCheckDigit(vin)) {
      violations.push({
        pointer: `/vehicles/${index}/vin`,
        rule: 'vin-check-digit',
        detail: `a VIN made in China must carry check character ${vinCheckCharacter(vin)} at position 9`,
      });
    }
  });
  return violations;
}

/** Recorded with the filing, not refused: a foreign VIN whose check digit does not match. */
export function roadWarnings(document: RoadDeclaration): RuleViolation[] {
  if (document.declarationType !== 'ROAD_EXPORT') return [];
  return (document.vehicles ?? []).flatMap(({ vin }, index) =>
    !isChineseVin(vin) && !hasValidVinCheckDigit(vin)
      ? [{ pointer: `/vehicles/${index}/vin`, rule: 'vin-check-digit', detail: 'the check digit does not match' }]
      : [],
  );
}

/** A truck import runs the same rules as a train load, in its own lane (its own random-selection rates). */
export const ROAD_IMPORT_RISK_PROFILE: RiskProfile = {
  lane: 'ROAD_IMPORT',
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

/**
 * An export leaves China: the destination's quarantine certificates and the foreign consignee's record at this
 * port are not China's checks, and an export's declared value matters for statistics and export duties only.
 */
export const ROAD_EXPORT_RISK_PROFILE: RiskProfile = {
  lane: 'ROAD_EXPORT',
  rules: ['HIGH_RISK_CHAPTER', 'LICENCE_MISSING', 'RANDOM_SELECTION'],
};

/** The plate the gate will read: the key a gate-in is matched on. */
export function gateKeyOf(document: RoadDeclaration): string {
  return document.truck.plate;
}

/** What the port operator sees: the truck and the transit document, not the goods' values or the parties. */
export function roadLogistics(document: RoadDeclaration) {
  return {
    declarationType: document.declarationType,
    truck: document.truck,
    ...(document.trailerPlate === undefined ? {} : { trailerPlate: document.trailerPlate }),
    transitDocument: document.transitDocument,
    ...(document.expectedGateAt === undefined ? {} : { expectedGateAt: document.expectedGateAt }),
    ...(document.containers === undefined ? {} : { containers: document.containers }),
    ...(document.declarationType === 'ROAD_EXPORT' && document.vehicles !== undefined
      ? { vehicles: document.vehicles.map(({ vin }) => ({ vin })) }
      : {}),
  };
}
