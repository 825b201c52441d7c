import {
  isIso3166Alpha2,
  isIso4217Currency,
  isValidContainerNumber,
  isValidHsCode,
  TRAIN_NUMBER_PATTERN,
  WAYBILL_NUMBER_PATTERN,
} from './identifiers.ts';

/**
 * Custom JSON-schema formats, each backed by a pure check in `identifiers.ts`, with the rule
 * name that a rejected value is reported under.
 */
export const DECLARATION_FORMATS = {
  iso6346: { rule: 'iso6346-check-digit', validate: isValidContainerNumber },
  'hs-code': { rule: 'hs-code', validate: isValidHsCode },
  iso4217: { rule: 'iso4217-currency', validate: isIso4217Currency },
  'iso3166-alpha2': { rule: 'iso3166-country', validate: isIso3166Alpha2 },
} as const;

/** JSON Schema (2020-12) of the rail-import declaration body: the one place its field rules live. */
export const railImportDeclarationSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['declarationType', 'waybillNumber', 'consignee', 'containers', 'goods'],
  properties: {
    declarationType: { const: 'RAIL_IMPORT' },
    waybillNumber: { type: 'string', pattern: WAYBILL_NUMBER_PATTERN },
    trainNumber: { type: 'string', pattern: TRAIN_NUMBER_PATTERN },
    expectedArrivalAt: { type: 'string', format: 'date-time' },
    consignee: {
      type: 'object',
      additionalProperties: false,
      required: ['name'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 200 },
        taxId: { type: 'string', pattern: '^[A-Z0-9]{6,20}$' },
      },
    },
    containers: {
      type: 'array',
      minItems: 1,
      maxItems: 120,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['number'],
        properties: { number: { type: 'string', format: 'iso6346' } },
      },
    },
    goods: {
      type: 'array',
      minItems: 1,
      maxItems: 999,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['hsCode', 'description', 'value', 'grossMassKg'],
        properties: {
          hsCode: { type: 'string', format: 'hs-code' },
          description: { type: 'string', minLength: 1, maxLength: 512 },
          value: {
            type: 'object',
            additionalProperties: false,
            required: ['amount', 'currency'],
            properties: {
              amount: { type: 'number', exclusiveMinimum: 0, maximum: 1e12 },
              currency: { type: 'string', format: 'iso4217' },
            },
          },
          grossMassKg: { type: 'number', exclusiveMinimum: 0, maximum: 1e7 },
          originCountry: { type: 'string', format: 'iso3166-alpha2' },
          containerNumber: { type: 'string', format: 'iso6346' },
        },
      },
    },
  },
} as const;
