import type { RailImportDeclaration } from '#domain/declaration-types/rail-import.ts';
import type { RoadExportDeclaration, RoadImportDeclaration } from '#domain/declaration-types/road.ts';
import type { GoodsLine } from '#domain/document-parts.ts';
import { vinCheckCharacter } from '#domain/identifiers.ts';

/** Container numbers with correct ISO 6346 check digits. */
export const CONTAINERS = { first: 'CSQU3054383', second: 'MSKU9070323' } as const;

/** The VIN with its check character (position 9) computed, whatever was written there. */
export function withValidCheckCharacter(vin: string): string {
  return `${vin.slice(0, 8)}${vinCheckCharacter(vin)}${vin.slice(9)}`;
}

/** The VIN with a check character that does not match. */
export function withWrongCheckCharacter(vin: string): string {
  const wrong = vinCheckCharacter(vin) === '0' ? '1' : '0';
  return `${vin.slice(0, 8)}${wrong}${vin.slice(9)}`;
}

/**
 * VINs with correct check characters: two made in China (world manufacturer identifiers starting with L,
 * where GB 16735 makes the check digit mandatory) and one made in Germany.
 */
export const VINS = {
  chinese: withValidCheckCharacter('LSVAU2180N2183294'),
  otherChinese: withValidCheckCharacter('LFV3A23C0L3000002'),
  german: withValidCheckCharacter('WDB9066331S000001'),
} as const;

/** A goods line with the given HS code (and otherwise plausible values). */
export function goodsLine(hsCode: string, overrides: Partial<GoodsLine> = {}): GoodsLine {
  return {
    hsCode,
    description: `goods of HS ${hsCode}`,
    value: { amount: 1_000, currency: 'USD' },
    grossMassKg: 100,
    ...overrides,
  };
}

/** A well-formed COMPLETE advance rail-import declaration, as a broker's system would send it. */
export function railImportDeclaration(overrides: Partial<RailImportDeclaration> = {}): RailImportDeclaration {
  return {
    declarationType: 'RAIL_IMPORT',
    filingMode: 'COMPLETE',
    train: { trainNumber: 'X8001', trainDate: '2025-02-27' },
    waybillNumber: 'SMGS-24117790',
    waybillKind: 'CIM_SMGS',
    expectedArrivalAt: '2025-03-01T06:00:00Z',
    consignor: { name: 'Xi’an Electronics Export Co.', country: 'CN' },
    consignee: { name: 'Almaty Trade LLP', taxId: '123456789012' },
    incoterm: 'FCA',
    clearance: { at: 'INLAND', customsOffice: '6501' },
    containers: [{ number: CONTAINERS.first }],
    goods: [
      goodsLine('85171300', {
        description: 'Smartphones',
        value: { amount: 125_000, currency: 'CNY' },
        grossMassKg: 1_250.5,
        originCountry: 'CN',
        containerNumber: CONTAINERS.first,
      }),
    ],
    supportingDocuments: [
      { type: 'INVOICE', number: 'INV-2025-0042', issuer: 'Xi’an Electronics Export Co.', issuedOn: '2025-02-20' },
      { type: 'PACKING_LIST', number: 'PL-2025-0042', issuer: 'Xi’an Electronics Export Co.', issuedOn: '2025-02-20' },
    ],
    ...overrides,
  };
}

/**
 * The same consignment as a SUMMARY (the two-step first step): only what the 2024 fast-clearance filing needs,
 * no values, parties, Incoterm or documents.
 */
export function railImportSummary(overrides: Partial<RailImportDeclaration> = {}): RailImportDeclaration {
  const { consignor: _c, consignee: _e, incoterm: _i, supportingDocuments: _d, ...rest } = railImportDeclaration();
  return {
    ...rest,
    filingMode: 'SUMMARY',
    goods: rest.goods.map(({ value: _value, ...line }) => line),
    ...overrides,
  };
}

/** The parts every road declaration has: a truck, its driver, its transit document, the parties. */
const roadParts = {
  truck: { plate: '777ABD02', country: 'KZ' },
  driver: { name: 'Serik Nurlanov', documentNumber: 'N12345678' },
  transitDocument: { type: 'TIR', number: 'XZ-81234567' },
  expectedGateAt: '2025-03-01T08:00:00+06:00',
  consignor: { name: 'Khorgos Auto Trading Co.', country: 'CN' },
  consignee: { name: 'Astana Motors LLP', taxId: '990140000123', country: 'KZ' },
  incoterm: 'DAP',
} as const;

/** A highway export of new cars on a car carrier, each vehicle with a valid VIN. */
export function roadExportDeclaration(overrides: Partial<RoadExportDeclaration> = {}): RoadExportDeclaration {
  return {
    declarationType: 'ROAD_EXPORT',
    ...roadParts,
    vehicles: [
      { vin: VINS.chinese, make: 'SAIC Volkswagen', model: 'Lavida' },
      { vin: VINS.otherChinese, make: 'FAW-Volkswagen', model: 'Jetta' },
    ],
    goods: [
      goodsLine('87032390', {
        description: 'Passenger cars, 1.5 l petrol',
        packages: 2,
        value: { amount: 28_000, currency: 'USD' },
        grossMassKg: 2_700,
        originCountry: 'CN',
      }),
    ],
    ...overrides,
  };
}

/** A highway import of a container of apparel. */
export function roadImportDeclaration(overrides: Partial<RoadImportDeclaration> = {}): RoadImportDeclaration {
  return {
    declarationType: 'ROAD_IMPORT',
    ...roadParts,
    truck: { plate: '0837KZ01', country: 'KZ' },
    containers: [{ number: CONTAINERS.second }],
    goods: [
      goodsLine('61091000', {
        description: 'Cotton T-shirts',
        packages: 400,
        value: { amount: 52_000, currency: 'CNY' },
        grossMassKg: 3_100,
        originCountry: 'CN',
        containerNumber: CONTAINERS.second,
      }),
    ],
    ...overrides,
  };
}
