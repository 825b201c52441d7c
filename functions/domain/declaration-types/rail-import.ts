import Type, { type Static } from 'typebox';
import {
  ContainersSchema,
  containerViolations,
  GoodsSchema,
  IncotermSchema,
  PartySchema,
  type RuleViolation,
} from '../document-parts.ts';
import { TRAIN_NUMBER_PATTERN, WAYBILL_NUMBER_PATTERN } from '../identifiers.ts';
import { ARMS_ARE_INSPECTED, QUARANTINE_DOCUMENTS_ARE_CHECKED, type RiskRule } from '../risk.ts';

/** An advance rail-import declaration (stage R2 in DOMAIN.md), filed before the train reaches Horgos. */
export const RailImportDeclarationSchema = Type.Object(
  {
    declarationType: Type.Literal('RAIL_IMPORT'),
    waybillNumber: Type.String({
      pattern: WAYBILL_NUMBER_PATTERN,
      description: 'Through waybill (SMGS or CIM/SMGS): the key the arrival is matched on',
    }),
    trainNumber: Type.Optional(Type.String({ pattern: TRAIN_NUMBER_PATTERN })),
    expectedArrivalAt: Type.Optional(Type.String({ format: 'date-time' })),
    consignor: Type.Optional(PartySchema),
    consignee: PartySchema,
    incoterm: Type.Optional(IncotermSchema),
    containers: ContainersSchema,
    goods: GoodsSchema,
  },
  { additionalProperties: false, title: 'RailImportDeclaration' },
);
export type RailImportDeclaration = Static<typeof RailImportDeclarationSchema>;

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
