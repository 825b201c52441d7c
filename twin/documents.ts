import { iso6346CheckDigit, vinCheckCharacter, wagonCheckDigit } from '#domain/identifiers.ts';
import { localTimeOf } from '#domain/slot-calendar.ts';
import type { Channel } from './scenario.ts';
import type { PlannedRailDeclaration, PlannedTrain, PlannedTruck } from './simulation.ts';

/**
 * What the twin sends for each planned train, declaration and truck: documents that pass the API's validation
 * and carry the goods that make the stack's risk rules assign the planned channel (a licence-free radio
 * transmitter line goes yellow, sporting shotguns red, agricultural goods without their quarantine certificate
 * yellow). Numbers carry a run tag, so two runs on the same stack never collide; the goods, and so the outcomes,
 * do not depend on it.
 */

/**
 * A consignee the stack knows as regular: the local stack's own (LOCAL_REGULAR_CONSIGNEES), so a rail declaration's
 * channel follows from its goods alone, on a fresh stack or the tenth run on the same one.
 */
export const REGULAR_CONSIGNEE = { name: 'Almaty Trading LLP' } as const;

/** A tag of 5 letters and digits for one run's numbers (train numbers, plates, waybills, containers). */
export function runTagOf(now = Date.now()): string {
  return (now % 36 ** 5).toString(36).toUpperCase().padStart(5, '0');
}

export interface RunIdentity {
  readonly tag: string;
  readonly timeZone: string;
  /** The simulated day (documents are issued a few days before it). */
  readonly day: string;
}

const serialOf = (tag: string) => Number.parseInt(tag, 36) % 1000;

export function trainNumberOf(run: RunIdentity, train: Pick<PlannedTrain, 'index'>): string {
  return `X${run.tag}-${train.index}`;
}

export function trainRefOf(run: RunIdentity, train: PlannedTrain) {
  return {
    trainNumber: trainNumberOf(run, train),
    trainDate: localTimeOf(new Date(train.departedAt), run.timeZone).date,
  };
}

function containerOf(run: RunIdentity, train: number, position: number): string {
  const firstTen = `TWN${'U'}${String(serialOf(run.tag) * 1000 + ((train * 97 + position) % 1000)).padStart(6, '0')}`;
  return `${firstTen}${iso6346CheckDigit(firstTen)}`;
}

function wagonOf(position: number): string {
  const firstSeven = `4${String(600_000 + position).padStart(6, '0')}`;
  return `${firstSeven}${wagonCheckDigit(firstSeven)}`;
}

export function waybillOf(run: RunIdentity, declaration: PlannedRailDeclaration): string {
  return `SMGS-${run.tag}-${declaration.key}`;
}

/** The railway's manifest of a train: a flat wagon per container, each container under its declaration's waybill. */
export function manifestOf(
  run: RunIdentity,
  train: PlannedTrain,
  containersPerTrain: number,
  declarations: readonly PlannedRailDeclaration[],
) {
  const waybillAt = new Map<number, string>();
  for (const declaration of declarations) {
    for (const position of declaration.containers) waybillAt.set(position, waybillOf(run, declaration));
  }
  return {
    departedAt: new Date(train.departedAt).toISOString(),
    originStation: 'Xi’an International Port',
    destinationStation: 'Almaty-1',
    wagons: Array.from({ length: containersPerTrain }, (_, position) => ({
      number: wagonOf(position),
      containers: [
        { number: containerOf(run, train.index, position), waybillNumber: waybillAt.get(position) as string },
      ],
    })),
  };
}

const issuedOn = (run: RunIdentity) =>
  new Date(Date.parse(`${run.day}T00:00:00Z`) - 5 * 24 * 3_600_000).toISOString().slice(0, 10);

/** The line that gives a declaration its channel: none for green. */
function channelLine(channel: Channel) {
  if (channel === 'YELLOW')
    return [{ hsCode: '852580', description: 'Radio transmitters', value: 9000, grossMassKg: 40 }] as const;
  if (channel === 'RED')
    return [{ hsCode: '930320', description: 'Sporting shotguns', value: 12_000, grossMassKg: 60 }] as const;
  return [];
}

export function railDeclarationOf(run: RunIdentity, train: PlannedTrain, declaration: PlannedRailDeclaration) {
  const containers = declaration.containers.map((position) => containerOf(run, train.index, position));
  // An agricultural yellow goes yellow for its missing phytosanitary certificate, the priority lane's rule.
  const certified = declaration.agricultural && declaration.channel !== 'YELLOW';
  const extra = declaration.agricultural && declaration.channel === 'YELLOW' ? [] : channelLine(declaration.channel);
  const goods = [
    ...containers.map((containerNumber) =>
      declaration.agricultural
        ? { hsCode: '080810', description: 'Fresh apples', value: 30_000, grossMassKg: 20_000, containerNumber }
        : { hsCode: '847130', description: 'Portable computers', value: 125_000, grossMassKg: 2400, containerNumber },
    ),
    ...extra.map((line) => ({ ...line, containerNumber: containers[0] as string })),
  ];
  const documents = [
    { type: 'INVOICE', number: `INV-${declaration.key}`, issuer: 'Xi’an Export Co', issuedOn: issuedOn(run) },
    { type: 'PACKING_LIST', number: `PL-${declaration.key}`, issuer: 'Xi’an Export Co', issuedOn: issuedOn(run) },
    ...(certified
      ? [
          {
            type: 'PHYTOSANITARY_CERTIFICATE',
            number: `PHY-${declaration.key}`,
            issuer: 'GACC',
            issuedOn: issuedOn(run),
          },
        ]
      : []),
  ];
  return {
    declarationType: 'RAIL_IMPORT',
    filingMode: 'COMPLETE',
    train: trainRefOf(run, train),
    waybillNumber: waybillOf(run, declaration),
    waybillKind: 'CIM_SMGS',
    consignor: { name: 'Xi’an Export Co', country: 'CN' },
    consignee: REGULAR_CONSIGNEE,
    incoterm: 'FCA',
    clearance: { at: 'PORT' },
    containers: containers.map((number) => ({ number })),
    goods: goods.map(({ value, ...line }) => ({
      ...line,
      value: { amount: value, currency: 'USD' },
      originCountry: 'CN',
    })),
    supportingDocuments: documents,
  };
}

export function plateOf(run: RunIdentity, truck: Pick<PlannedTruck, 'index'>): string {
  return `${run.tag}${truck.index.toString(36).toUpperCase().padStart(4, '0')}`;
}

/** A Chinese VIN (world manufacturer code L…) with its check digit, distinct per run, truck and car. */
function vinOf(run: RunIdentity, truck: number, car: number): string {
  const serial = String((serialOf(run.tag) * 100_000 + truck * 10 + car) % 1_000_000).padStart(6, '0');
  const draft = `LSVAB2BM0RA${serial}`;
  return `${draft.slice(0, 8)}${vinCheckCharacter(draft)}${draft.slice(9)}`;
}

export function roadDeclarationOf(run: RunIdentity, truck: PlannedTruck) {
  const cargo =
    truck.vehicles > 0
      ? {
          hsCode: '870323',
          description: 'Passenger cars',
          value: 52_000 * truck.vehicles,
          grossMassKg: 1500 * truck.vehicles,
        }
      : truck.agricultural
        ? { hsCode: '080810', description: 'Fresh apples', value: 30_000, grossMassKg: 20_000 }
        : { hsCode: '940360', description: 'Wooden furniture', value: 20_000, grossMassKg: 8000 };
  return {
    declarationType: 'ROAD_EXPORT',
    truck: { plate: plateOf(run, truck), country: 'CN' },
    driver: { name: 'Li Wei', documentNumber: `E${String(10_000_000 + truck.index)}` },
    transitDocument: { type: 'TIR', number: `XZ${String(10_000_000 + truck.index)}` },
    consignor: { name: 'Xinjiang Export Co' },
    consignee: { name: 'Astana Trade LLP', country: 'KZ' },
    goods: [cargo, ...channelLine(truck.channel)].map(({ value, ...line }) => ({
      ...line,
      value: { amount: value, currency: 'USD' },
    })),
    ...(truck.vehicles > 0
      ? { vehicles: Array.from({ length: truck.vehicles }, (_, car) => ({ vin: vinOf(run, truck.index, car) })) }
      : {}),
  };
}
