import type { RailImportDeclaration } from '#domain/declaration.ts';

/** Container numbers with correct ISO 6346 check digits. */
export const CONTAINERS = { first: 'CSQU3054383', second: 'MSKU9070323' } as const;

/** A well-formed advance rail-import declaration, as a broker's system would send it. */
export function railImportDeclaration(overrides: Partial<RailImportDeclaration> = {}): RailImportDeclaration {
  return {
    declarationType: 'RAIL_IMPORT',
    waybillNumber: 'SMGS-24117790',
    trainNumber: 'X8001',
    expectedArrivalAt: '2025-03-01T06:00:00Z',
    consignee: { name: 'Almaty Trade LLP', taxId: '123456789012' },
    containers: [{ number: CONTAINERS.first }],
    goods: [
      {
        hsCode: '85171300',
        description: 'Smartphones',
        value: { amount: 125_000, currency: 'CNY' },
        grossMassKg: 1_250.5,
        originCountry: 'CN',
        containerNumber: CONTAINERS.first,
      },
    ],
    ...overrides,
  };
}

/** A goods line with the given HS code (and otherwise plausible values). */
export function goodsLine(hsCode: string): RailImportDeclaration['goods'][number] {
  return {
    hsCode,
    description: `goods of HS ${hsCode}`,
    value: { amount: 1_000, currency: 'USD' },
    grossMassKg: 100,
  };
}
