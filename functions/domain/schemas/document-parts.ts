import Type, { type Static } from 'typebox';

/**
 * The parts every declaration type is built from. Limits are the port's and DynamoDB's: a number below a
 * cent or a gram is refused here, never left to fail in the store ("Number underflow").
 */
const closed = { additionalProperties: false } as const;

export const MoneySchema = Type.Object(
  {
    amount: Type.Number({ minimum: 0.01, maximum: 1e12, description: 'In the currency’s major unit; at least 0.01' }),
    currency: Type.String({ format: 'iso4217', description: 'ISO 4217 code, e.g. USD, CNY, KZT' }),
  },
  closed,
);

export const PartySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    taxId: Type.Optional(
      Type.String({ pattern: '^[A-Z0-9]{6,20}$', description: 'Tax or customs registration number' }),
    ),
    address: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    country: Type.Optional(Type.String({ format: 'iso3166-alpha2' })),
  },
  closed,
);
export type Party = Static<typeof PartySchema>;

export const GoodsLineSchema = Type.Object(
  {
    hsCode: Type.String({ format: 'hs-code', description: 'Harmonized System code: 6, 8 or 10 digits' }),
    description: Type.String({ minLength: 1, maxLength: 512 }),
    packages: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    value: MoneySchema,
    grossMassKg: Type.Number({ minimum: 0.001, maximum: 1e7, description: 'At least one gram' }),
    netMassKg: Type.Optional(Type.Number({ minimum: 0.001, maximum: 1e7 })),
    originCountry: Type.Optional(Type.String({ format: 'iso3166-alpha2' })),
    containerNumber: Type.Optional(Type.String({ format: 'iso6346' })),
  },
  closed,
);
export type GoodsLine = Static<typeof GoodsLineSchema>;

export const GoodsSchema = Type.Array(GoodsLineSchema, { minItems: 1, maxItems: 999 });

export const ContainersSchema = Type.Array(
  Type.Object({ number: Type.String({ format: 'iso6346', description: 'ISO 6346, check digit included' }) }, closed),
  { minItems: 1, maxItems: 120 },
);

export const INCOTERMS_2020 = ['EXW', 'FCA', 'FAS', 'FOB', 'CFR', 'CIF', 'CPT', 'CIP', 'DAP', 'DPU', 'DDP'] as const;
export const IncotermSchema = Type.Enum([...INCOTERMS_2020], { description: 'Incoterms 2020' });
