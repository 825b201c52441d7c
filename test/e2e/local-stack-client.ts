import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { hoursOfLocalDate, localIsoOf, localTimeOf } from '#domain/slot-calendar.ts';
import type { TrainRef } from '#domain/trains.ts';
import { issueLocalToken } from '../../infra/local/local-identity.ts';
import { LOCAL_REGULAR_CONSIGNEES, type LocalStack, startLocalStack } from '../../infra/local/local-stack.ts';
import { checkAgainstContract } from '../support/contract.ts';
import { containerNumber, wagonNumber } from '../support/trains.ts';

/**
 * A local stack of its own for one test file, on free ports, from the cached cloud assembly of the same sources and
 * context (the first start with new sources synthesizes it; see synthesizeCached).
 */
export async function startTestStack(
  context: Record<string, unknown> = {},
  options: { readonly timeScale?: number } = {},
) {
  const workdir = mkdtempSync(join(tmpdir(), 'preclearance-e2e-'));
  const stack = await startLocalStack({
    context,
    timeScale: options.timeScale ?? 1,
    lambdaLogs: { file: join(workdir, 'lambda.log') },
    // The fixtures' consignees have cleared goods here before: a test's channel follows from its goods.
    regularConsignees: [
      ...LOCAL_REGULAR_CONSIGNEES,
      railImportDeclaration().consignee,
      roadExportDeclaration().consignee,
    ],
  });
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const sfn = new SFNClient({ endpoint: stack.stepFunctionsEndpoint, region: stack.region, credentials });
  const dynamodb = new DynamoDBClient({ endpoint: stack.dynamoDbEndpoint, region: stack.region, credentials });
  const stop = async () => {
    sfn.destroy();
    dynamodb.destroy();
    await stack.stop();
  };
  return { stack, sfn, dynamodb, api: apiClient(stack), workdir, stop };
}

export interface ApiAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: Record<string, unknown> & { errors?: { field: string; rule: string }[] };
}

/** A client of the stack's API whose every answer is checked against the published contract. */
export function apiClient(stack: Pick<LocalStack, 'apiUrl'>) {
  const call = async (
    method: string,
    path: string,
    options: { token?: string; idempotencyKey?: string; ifMatch?: string; json?: unknown; rawBody?: string } = {},
  ): Promise<ApiAnswer> => {
    const headers: Record<string, string> = {};
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const body = options.rawBody ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${stack.apiUrl}${path}`, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      contentType: response.headers.get('content-type') ?? '',
      headers: response.headers,
      body: text === '' ? {} : (JSON.parse(text) as ApiAnswer['body']),
    };
    // Every answer an end-to-end test receives must be one the published contract promises.
    checkAgainstContract({ method, path, status: answer.status, contentType: answer.contentType, body: answer.body });
    return answer;
  };
  return {
    get: (path: string, token?: string) => call('GET', path, token === undefined ? {} : { token }),
    post: call.bind(null, 'POST'),
    put: call.bind(null, 'PUT'),
    call,
  };
}

export const brokerToken = (brokerId: string) => issueLocalToken({ role: 'broker', brokerId });
export const portOperatorToken = () => issueLocalToken({ role: 'port-operator' });
export const railwayToken = () => issueLocalToken({ role: 'railway' });
export const officerToken = () => issueLocalToken({ role: 'officer' });

/** Polls until `read` answers something `done` accepts; fails with the last answer after the deadline. */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

let sequence = 0;
const uniqueSuffix = () => `${Date.now().toString().slice(-8)}${++sequence}`;

/** A valid COMPLETE rail-import declaration; each call gets its own waybill unless one is given. */
export function railImportDeclaration(
  overrides: { waybillNumber?: string; hsCode?: string; train?: TrainRef; container?: string } = {},
) {
  const container = overrides.container ?? 'CSQU3054383';
  return {
    declarationType: 'RAIL_IMPORT',
    filingMode: 'COMPLETE',
    train: overrides.train ?? { trainNumber: 'X8001', trainDate: '2026-11-14' },
    waybillNumber: overrides.waybillNumber ?? `SMGS${uniqueSuffix()}`,
    waybillKind: 'CIM_SMGS',
    consignor: { name: 'Xi’an Electronics Export Co', country: 'CN' },
    consignee: { name: 'Almaty Trading LLP', taxId: 'KZ123456789' },
    incoterm: 'FCA',
    clearance: { at: 'PORT' },
    containers: [{ number: container }],
    goods: [
      {
        hsCode: overrides.hsCode ?? '847130',
        description: 'Portable computers',
        value: { amount: 125000, currency: 'USD' },
        grossMassKg: 2400,
        originCountry: 'CN',
        containerNumber: container,
      },
    ],
    supportingDocuments: [
      { type: 'INVOICE', number: 'INV-0042', issuer: 'Xi’an Electronics Export Co', issuedOn: '2026-11-10' },
      { type: 'PACKING_LIST', number: 'PL-0042', issuer: 'Xi’an Electronics Export Co', issuedOn: '2026-11-10' },
    ],
  };
}

/**
 * The same consignment as a two-step SUMMARY: no values, consignor, Incoterm or documents (the consignee stays, so
 * the local stack's risk rules know it and the channel follows from the goods).
 */
export function railImportSummary(
  overrides: { waybillNumber?: string; hsCode?: string; train?: TrainRef; container?: string } = {},
) {
  const {
    consignor: _consignor,
    incoterm: _incoterm,
    supportingDocuments: _documents,
    ...summary
  } = railImportDeclaration(overrides);
  return {
    ...summary,
    filingMode: 'SUMMARY',
    goods: summary.goods.map(({ value: _value, ...line }) => line),
  };
}

/** Tomorrow 10:00 on the port's clock (Beijing time), an hour any calendar mode lets a truck book. */
export function tomorrowAtTen(): string {
  const date = localTimeOf(new Date(Date.now() + 24 * 3_600_000), PORT_ZONE).date;
  const hour = hoursOfLocalDate(date, PORT_ZONE).find((candidate) => candidate.localHour === 10);
  if (hour === undefined) throw new Error(`${date} has no 10:00 in ${PORT_ZONE}`);
  return localIsoOf(new Date(hour.startsAt), PORT_ZONE);
}
const PORT_ZONE = 'Asia/Shanghai';

/**
 * Where a filed declaration's workflow holds still until someone acts: a truck waits for its slot booking, a rail
 * declaration for its train (or, with no manifest on file, for an amendment).
 */
export function holdsStill(declarationType: string, status: unknown): boolean {
  return declarationType.startsWith('ROAD_')
    ? status === 'RISK_ASSESSED'
    : status === 'AWAITING_ARRIVAL' || status === 'MANIFEST_MISMATCH';
}

/** A valid road export of two cars on a car carrier; each call gets its own plate unless one is given. */
export function roadExportDeclaration(overrides: { plate?: string } = {}) {
  return {
    declarationType: 'ROAD_EXPORT',
    truck: { plate: overrides.plate ?? `XJ${uniqueSuffix()}`.slice(0, 12), country: 'CN' },
    driver: { name: 'Li Wei', documentNumber: 'E12345678' },
    transitDocument: { type: 'TIR', number: 'XZ12345678' },
    consignor: { name: 'Xinjiang Motors Export Co' },
    consignee: { name: 'Astana Auto LLP', country: 'KZ' },
    goods: [
      { hsCode: '870323', description: 'Passenger cars', value: { amount: 52000, currency: 'USD' }, grossMassKg: 3100 },
    ],
    vehicles: [{ vin: '1M8GDM9AXKP042788' }],
  };
}

/** A train of its own for one scenario: today's date, a number no other test uses. */
export function freshTrain(): TrainRef {
  return { trainNumber: `T${uniqueSuffix()}`.slice(0, 16), trainDate: new Date().toISOString().slice(0, 10) };
}

let containerSerial = 0;
/** A container number no other declaration of the run uses, with its ISO 6346 check digit. */
export function freshContainer(): string {
  containerSerial += 1;
  return containerNumber('TGHU', ((Date.now() % 900_000) + containerSerial * 7) % 1_000_000);
}

/** The railway's manifest of a train carrying these consignments, one wagon per container. */
export function manifestOf(consignments: readonly { waybillNumber: string; container: string }[]) {
  return {
    departedAt: new Date(Date.now() - 60_000).toISOString(),
    originStation: 'Xi’an International Port',
    wagons: consignments.map((consignment, index) => ({
      number: wagonNumber(4, 600_000 + index),
      containers: [{ number: consignment.container, waybillNumber: consignment.waybillNumber }],
    })),
  };
}

type Api = ReturnType<typeof apiClient>;

/** The railway files a train's manifest carrying these consignments (stage R1): PUT …/manifest. */
export function fileManifest(
  api: Api,
  railwayToken: string,
  train: TrainRef,
  consignments: readonly { waybillNumber: string; container: string }[],
) {
  return api.put(`/v1/trains/${train.trainNumber}/${train.trainDate}/manifest`, {
    token: railwayToken,
    json: manifestOf(consignments),
  });
}

/** A rail declaration on a fresh train of its own, whose manifest (one container) the railway filed first. */
export async function railDeclarationOnItsTrain(api: Api, overrides: { hsCode?: string } = {}) {
  const train = freshTrain();
  const container = freshContainer();
  const declaration = railImportDeclaration({ ...overrides, train, container });
  const filed = await fileManifest(api, await railwayToken(), train, [
    { waybillNumber: declaration.waybillNumber, container },
  ]);
  if (filed.status !== 201) throw new Error(`the manifest of ${train.trainNumber} was not filed: ${filed.status}`);
  return { train, declaration };
}

type TrainEventType = 'TRAIN_ARRIVED' | 'TRANSSHIPMENT_STARTED' | 'TRANSSHIPMENT_COMPLETED';

/** A train event as the railway or the terminal reports it (now, unless a business time is given). */
export function trainEvent(
  eventType: TrainEventType,
  train: TrainRef,
  options: { occurredAt?: string; eventId?: string; corrects?: string } = {},
) {
  return {
    eventType,
    eventId: options.eventId ?? `evt-${uniqueSuffix()}`,
    train,
    occurredAt: options.occurredAt ?? new Date().toISOString(),
    ...(options.corrects === undefined ? {} : { corrects: options.corrects }),
  };
}

export function truckGatedIn(plate: string, eventId = `gate-${uniqueSuffix()}`) {
  return { eventType: 'TRUCK_GATED_IN', eventId, plate, gate: 'G3', occurredAt: new Date().toISOString() };
}
