import Type, { type Static } from 'typebox';
import { WAYBILL_NUMBER_PATTERN } from '../identifiers.ts';
import { ContainersSchema, IncotermSchema, MoneySchema, PartySchema } from './document-parts.ts';
import { TrainRefSchema } from './train-ref.ts';

/**
 * An advance rail-import declaration (stages R2 and R3 in DOMAIN.md), filed before the train reaches Horgos.
 * The schema holds what every filing must carry; what a COMPLETE declaration needs beyond a SUMMARY (values,
 * parties, Incoterm, invoice and packing list) is a domain rule (declaration-types/rail-import.ts), so that a
 * refusal names each missing field at once.
 */
const closed = { additionalProperties: false } as const;

/**
 * Until the `wagon-number` format (check digits of the 8-digit 1,520 mm number and the 12-digit UIC number) lands
 * from the trains work, wagon numbers are checked for their shape only. The lead swaps this for
 * `{ format: 'wagon-number' }`.
 */
export const WAGON_NUMBER_RULE_UNTIL_FORMAT = {
  pattern: '^([0-9]{8}|[0-9]{12})$',
  description: '8-digit 1,520 mm wagon number or 12-digit UIC number, check digit included',
} as const;

export const FILING_MODES = ['SUMMARY', 'COMPLETE'] as const;
export type FilingMode = (typeof FILING_MODES)[number];

export const WAYBILL_KINDS = ['SMGS', 'CIM_SMGS'] as const;

export const SUPPORTING_DOCUMENT_TYPES = [
  'INVOICE',
  'PACKING_LIST',
  'CERTIFICATE_OF_ORIGIN',
  'PHYTOSANITARY_CERTIFICATE',
  'VETERINARY_CERTIFICATE',
  'LICENCE',
] as const;
export type SupportingDocumentType = (typeof SUPPORTING_DOCUMENT_TYPES)[number];

/** A China customs office: the 4-digit code that also opens its declaration numbers. */
export const CUSTOMS_CODE_PATTERN = '^[0-9]{4}$';

export const WagonsSchema = Type.Array(Type.Object({ number: Type.String(WAGON_NUMBER_RULE_UNTIL_FORMAT) }, closed), {
  minItems: 1,
  maxItems: 120,
});

/** A goods line of a rail import: value, parties' details and masses beyond the gross one may wait for COMPLETE. */
export const RailGoodsLineSchema = Type.Object(
  {
    hsCode: Type.String({ format: 'hs-code', description: 'Harmonized System code: 6, 8 or 10 digits' }),
    description: Type.String({ minLength: 1, maxLength: 512 }),
    packages: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
    grossMassKg: Type.Number({ minimum: 0.001, maximum: 1e7, description: 'At least one gram' }),
    netMassKg: Type.Optional(Type.Number({ minimum: 0.001, maximum: 1e7 })),
    value: Type.Optional(MoneySchema),
    originCountry: Type.Optional(Type.String({ format: 'iso3166-alpha2' })),
    containerNumber: Type.Optional(Type.String({ format: 'iso6346', description: 'One of /containers' })),
    wagonNumber: Type.Optional(Type.String({ ...WAGON_NUMBER_RULE_UNTIL_FORMAT, description: 'One of /wagons' })),
  },
  closed,
);
export type RailGoodsLine = Static<typeof RailGoodsLineSchema>;

/** Where the goods are cleared: at the port, or at the inland destination's customs ("local" clearance, 属地). */
export const ClearanceSchema = Type.Unsafe<{ at: 'PORT' } | { at: 'INLAND'; customsOffice: string }>({
  type: 'object',
  oneOf: [
    Type.Object({ at: Type.Literal('PORT') }, { ...closed, title: 'ClearanceAtPort' }),
    Type.Object(
      {
        at: Type.Literal('INLAND'),
        customsOffice: Type.String({
          pattern: CUSTOMS_CODE_PATTERN,
          description: 'The 4-digit code of the destination customs office that clears the goods',
        }),
      },
      { ...closed, title: 'ClearanceInland' },
    ),
  ],
  discriminator: { propertyName: 'at' },
  description: 'PORT: cleared at Horgos; INLAND: "local" clearance at the destination customs office',
});

export const SupportingDocumentSchema = Type.Object(
  {
    type: Type.Enum([...SUPPORTING_DOCUMENT_TYPES]),
    number: Type.String({ minLength: 1, maxLength: 64 }),
    issuer: Type.String({ minLength: 1, maxLength: 200 }),
    issuedOn: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
  },
  closed,
);
export type SupportingDocument = Static<typeof SupportingDocumentSchema>;

export const RailImportDeclarationSchema = Type.Object(
  {
    declarationType: Type.Literal('RAIL_IMPORT'),
    filingMode: Type.Enum([...FILING_MODES], {
      description:
        'SUMMARY: the two-step first step, enough to move the goods; COMPLETE: everything, filed at once or by amending the summary',
    }),
    train: TrainRefSchema,
    waybillNumber: Type.String({
      pattern: WAYBILL_NUMBER_PATTERN,
      description: 'Through waybill: what the manifest lists and the arrival is matched on',
    }),
    waybillKind: Type.Enum([...WAYBILL_KINDS], { description: 'SMGS or the common CIM/SMGS consignment note' }),
    expectedArrivalAt: Type.Optional(Type.String({ format: 'date-time' })),
    containers: Type.Optional(ContainersSchema),
    wagons: Type.Optional(WagonsSchema),
    goods: Type.Array(RailGoodsLineSchema, { minItems: 1, maxItems: 999 }),
    consignor: Type.Optional(PartySchema),
    consignee: Type.Optional(PartySchema),
    incoterm: Type.Optional(IncotermSchema),
    clearance: ClearanceSchema,
    supportingDocuments: Type.Optional(Type.Array(SupportingDocumentSchema, { minItems: 1, maxItems: 50 })),
  },
  { ...closed, title: 'RailImportDeclaration' },
);
export type RailImportDeclaration = Static<typeof RailImportDeclarationSchema>;
