import Type, { type Static } from 'typebox';
import { PLATE_PATTERN } from '../identifiers.ts';
import { ContainersSchema, GoodsSchema, IncotermSchema, PartySchema } from './document-parts.ts';

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
