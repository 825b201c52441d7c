import { iso6346CheckDigit, wagonCheckDigit } from '#domain/identifiers.ts';
import type { TrainManifest } from '#domain/schemas/train-manifest.ts';
import type { TrainRef } from '#domain/trains.ts';

/** A container number with its ISO 6346 check digit, from an owner code and a serial (e.g. "CSQU", 305438). */
export function containerNumber(owner: string, serial: number): string {
  const firstTen = `${owner}${String(serial).padStart(6, '0')}`;
  return `${firstTen}${iso6346CheckDigit(firstTen)}`;
}

/** An 8-digit 1,520 mm wagon number with its check digit, from a type digit and a serial (e.g. 6 for a gondola). */
export function wagonNumber(type: number, serial: number): string {
  const firstSeven = `${type}${String(serial).padStart(6, '0')}`;
  return `${firstSeven}${wagonCheckDigit(firstSeven)}`;
}

/** The same number with a check digit that does not match. */
export function withWrongCheckDigit(number: string): string {
  const last = Number(number.charAt(number.length - 1));
  return `${number.slice(0, -1)}${(last + 1) % 10}`;
}

export const TRAIN: TrainRef = { trainNumber: 'X8001', trainDate: '2026-11-20' };

/** What the sample manifest holds, by name. */
export const MANIFEST = {
  flatWagon: wagonNumber(4, 512_001),
  secondFlatWagon: wagonNumber(4, 512_002),
  coveredWagon: wagonNumber(2, 451_234),
  laptops: [containerNumber('CSQU', 305_438), containerNumber('CSQU', 305_439), containerNumber('MSKU', 907_032)],
  laptopsWaybill: 'SMGS24031501',
  tyres: containerNumber('TGHU', 123_456),
  tyresWaybill: 'SMGS24031502',
  looseWaybill: 'CIMSMGS2403153',
} as const;

/**
 * A small manifest of train X8001 of 20 November 2026: two flat wagons with two containers each, under two
 * waybills, and a covered wagon with goods loaded without a container under a third.
 */
export function trainManifest(overrides: Partial<TrainManifest> = {}): TrainManifest {
  return {
    departedAt: '2026-11-20T06:15:00+08:00',
    originStation: 'Xi’an International Port',
    destinationStation: 'Almaty-1',
    wagons: [
      {
        number: MANIFEST.flatWagon,
        containers: [
          { number: MANIFEST.laptops[0], waybillNumber: MANIFEST.laptopsWaybill },
          { number: MANIFEST.laptops[1], waybillNumber: MANIFEST.laptopsWaybill },
        ],
      },
      {
        number: MANIFEST.secondFlatWagon,
        containers: [
          { number: MANIFEST.laptops[2], waybillNumber: MANIFEST.laptopsWaybill },
          { number: MANIFEST.tyres, waybillNumber: MANIFEST.tyresWaybill },
        ],
      },
      { number: MANIFEST.coveredWagon, waybillNumbers: [MANIFEST.looseWaybill] },
    ],
    ...overrides,
  };
}

/** "Now" for decisions about the sample train: the evening of its departure day. */
export const AFTER_DEPARTURE = new Date('2026-11-20T20:00:00Z');
