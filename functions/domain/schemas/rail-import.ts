import Type, { type Static } from 'typebox';
import { TRAIN_NUMBER_PATTERN, WAYBILL_NUMBER_PATTERN } from '../identifiers.ts';
import { ContainersSchema, GoodsSchema, IncotermSchema, PartySchema } from './document-parts.ts';

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
