import Type, { type Static } from 'typebox';
import {
  ContainersSchema,
  containerViolations,
  GoodsSchema,
  IncotermSchema,
  PartySchema,
  type RuleViolation,
} from '../document-parts.ts';
import { hasValidVinCheckDigit, isChineseVin, PLATE_PATTERN, vinCheckCharacter } from '../identifiers.ts';
import { ARMS_ARE_INSPECTED, QUARANTINE_DOCUMENTS_ARE_CHECKED, type RiskRule } from '../risk.ts';

/** Highway freight (DOMAIN.md, "Highway"): a truck, its driver and transit document, the goods it carries. */
const closed = { additionalProperties: false } as const;

const roadFields = {
  truck: Type.Object(
    {
      plate: Type.String({ pattern: PLATE_PATTERN, description: 'As the gate’s plate reader will read it' }),
      country: Type.String({ format: 'iso3166-alpha2', description: 'Country of registration' }),
    },
    closed,
  ),
  trailerPlate: Type.Optional(Type.String({ pattern: PLATE_PATTERN })),
  driver: Type.Object(
    {
      name: Type.String({ minLength: 1, maxLength: 200 }),
      documentNumber: Type.String({ pattern: '^[A-Z0-9]{5,20}$', description: 'Passport or ID card number' }),
    },
    closed,
  ),
  transitDocument: Type.Object(
    {
      type: Type.Enum(['TIR', 'CMR'], { description: 'TIR carnet or CMR consignment note' }),
      number: Type.String({ pattern: '^[A-Z0-9-]{4,30}$' }),
    },
    closed,
  ),
  expectedGateAt: Type.Optional(Type.String({ format: 'date-time' })),
  consignor: PartySchema,
  consignee: PartySchema,
  incoterm: Type.Optional(IncotermSchema),
  containers: Type.Optional(ContainersSchema),
  goods: GoodsSchema,
};

export const RoadExportDeclarationSchema = Type.Object(
  {
    declarationType: Type.Literal('ROAD_EXPORT'),
    ...roadFields,
    // A car carrier takes 5–8 vehicles; a driven-across vehicle is one.
    vehicles: Type.Optional(
      Type.Array(
        Type.Object(
          {
            vin: Type.String({ format: 'vin', description: 'ISO 3779: 17 characters, no I, O or Q' }),
            make: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
            model: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
          },
          closed,
        ),
        { minItems: 1, maxItems: 12 },
      ),
    ),
  },
  { ...closed, title: 'RoadExportDeclaration' },
);
export type RoadExportDeclaration = Static<typeof RoadExportDeclarationSchema>;

export const RoadImportDeclarationSchema = Type.Object(
  { declarationType: Type.Literal('ROAD_IMPORT'), ...roadFields },
  { ...closed, title: 'RoadImportDeclaration' },
);
export type RoadImportDeclaration = Static<typeof RoadImportDeclarationSchema>;

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

export const ROAD_RISK_RULES: readonly RiskRule<RoadDeclaration>[] = [
  ARMS_ARE_INSPECTED,
  QUARANTINE_DOCUMENTS_ARE_CHECKED,
];

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
