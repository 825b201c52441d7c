import { readFileSync } from 'node:fs';
import type { HistoryEntry } from '#domain/schemas/history-entry.ts';
import { DEFAULT_SLA_POLICY } from '#domain/sla.ts';
import { DEFAULT_SLOT_CALENDAR_SETTINGS, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { issueLocalToken } from '#local/local-identity.ts';
import { type LocalStack, startLocalStack } from '#local/local-stack.ts';
import { type Tokens, TwinApi, TwinApiError } from './api.ts';
import { REGULAR_CONSIGNEE, runTagOf } from './documents.ts';
import { type DrivenDeclaration, driveDay, type OfficerMode, type Progress } from './driver.ts';
import type { DeclarationRecord, TwinRunRecord } from './run-record.ts';
import { officersByHour, type Scenario } from './scenario.ts';
import { planDay } from './simulation.ts';

/**
 * One run of the twin: plan the scenario's day, drive it through a stack (the local one, started here with the
 * scenario's calendar, unless a target is given) and answer the run record: every declaration's history as the API
 * answers it at the end.
 */
export interface TwinTarget {
  readonly apiUrl: string;
  readonly tokens: Tokens;
}

export interface TwinOptions {
  readonly scenario: Scenario;
  /** A running stack; without one, a local stack is started for the run and stopped after it. */
  readonly target?: TwinTarget;
  /** `people`: the twin decides nothing and waits for officers (a person, a browser test) to decide. */
  readonly officers?: OfficerMode;
  readonly onProgress?: (progress: Progress) => void;
  readonly onStall?: (description: string) => void;
  readonly signal?: AbortSignal;
  /** Requests in flight at once (16 by default). */
  readonly concurrency?: number;
}

/**
 * The CDK context a local stack needs to run the scenario's slot calendar: only what differs from the stack's
 * defaults, so a scenario on the defaults reuses the harness's cached assembly.
 */
export function localContextOf(scenario: Scenario): Record<string, unknown> {
  const calendar = DEFAULT_SLOT_CALENDAR_SETTINGS;
  const capacities = slotCalendarFrom().capacityPerHour;
  const { capacityPerHour } = scenario.slots;
  return {
    ...(scenario.timeZone === calendar.timeZone ? {} : { portTimeZone: scenario.timeZone }),
    ...(scenario.slots.freightHours === calendar.freightHours ? {} : { freightHours: scenario.slots.freightHours }),
    ...(scenario.slots.daytimeFreightHours === calendar.daytimeHours
      ? {}
      : { daytimeFreightHours: scenario.slots.daytimeFreightHours }),
    ...(capacityPerHour.FREIGHT === capacities.FREIGHT && capacityPerHour.VEHICLE_CARRIER === capacities.VEHICLE_CARRIER
      ? {}
      : { slotCapacityPerHour: capacityPerHour }),
  };
}

/** Tokens from the local identity, good for a day: a broker's per broker id, the railway's, the port's, an officer's. */
export async function localTokens(brokers: readonly string[]): Promise<Tokens> {
  const expiresInSeconds = 24 * 3600;
  return {
    brokers: Object.fromEntries(
      await Promise.all(
        brokers.map(async (brokerId) => [
          brokerId,
          await issueLocalToken({ role: 'broker', brokerId, expiresInSeconds }),
        ]),
      ),
    ),
    railway: await issueLocalToken({ role: 'railway', expiresInSeconds }),
    portOperator: await issueLocalToken({ role: 'port-operator', expiresInSeconds }),
    officer: await issueLocalToken({ role: 'officer', expiresInSeconds }),
  };
}

/**
 * The twin replays a day that has passed, and a workflow sets some timers from its business deadlines against the
 * wall clock (an SLA wait's seconds left): on a past day they are all 1 s, and would fire while the twin is still
 * driving the day, racing its reports. Workflow time stands still (the harness's LOCAL_TIME_SCALE=0): no wait or
 * timeout fires, retries run in real time, and the daytime opening, a timestamp wait, ends at its instant.
 */
export const TWIN_TIME_SCALE = 0;

/** A local stack for the scenario: its calendar, its consignee on record, the functions' logs discarded. */
export function startTwinStack(scenario: Scenario): Promise<LocalStack> {
  return startLocalStack({
    context: localContextOf(scenario),
    lambdaLogs: 'discard',
    timeScale: TWIN_TIME_SCALE,
    regularConsignees: [REGULAR_CONSIGNEE],
  });
}

/** Reads a tokens file: `{ "brokers": { "BRK-…": "<jwt>" }, "railway": …, "portOperator": …, "officer": … }`. */
export function readTokens(path: string): Tokens {
  const tokens = JSON.parse(readFileSync(path, 'utf8')) as Partial<Tokens>;
  for (const field of ['railway', 'portOperator', 'officer'] as const) {
    if (typeof tokens[field] !== 'string') throw new Error(`${path}: /${field} must be a token`);
  }
  if (typeof tokens.brokers !== 'object' || tokens.brokers === null)
    throw new Error(`${path}: /brokers must map each broker id to its token`);
  return tokens as Tokens;
}

/** The highway reform's figure: a truck's clearance in about 6 hours, down from 2–3 days (DOMAIN.md [32]). */
const ROAD_GATE_TO_EXIT_HOURS = 6;

export async function runTwin(options: TwinOptions): Promise<TwinRunRecord> {
  const { scenario } = options;
  const startedAt = new Date();
  const started = performance.now();
  const plan = planDay(scenario);
  const local = options.target === undefined ? await startTwinStack(scenario) : undefined;
  try {
    const target = options.target ?? {
      apiUrl: (local as LocalStack).apiUrl,
      tokens: await localTokens(scenario.brokers),
    };
    const api = new TwinApi(target.apiUrl, target.tokens, {
      concurrency: options.concurrency ?? 16,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const run = { tag: runTagOf(), timeZone: scenario.timeZone, day: scenario.day };
    const driven = await driveDay({
      scenario,
      plan,
      api,
      run,
      officers: options.officers ?? 'simulated',
      ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
      ...(options.onStall === undefined ? {} : { onStall: options.onStall }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
    const declarations = await readBack(api, driven);
    return {
      scenarioName: scenario.name,
      scenario: scenario as unknown as Record<string, unknown>,
      seed: scenario.seed,
      day: scenario.day,
      timeZone: scenario.timeZone,
      freightHours: scenario.slots.freightHours,
      capacities: {
        cranes: scenario.resources.cranes.count,
        scanners: scenario.resources.scanners.count,
        gateLanes: scenario.resources.gate.lanes,
        officersByHour: officersByHour(scenario),
      },
      sla: {
        railArrivalToRelease: DEFAULT_SLA_POLICY.RELEASE.hours,
        transshipment: DEFAULT_SLA_POLICY.TRANSSHIPMENT.hours,
        roadGateToExit: ROAD_GATE_TO_EXIT_HOURS,
      },
      target: target.apiUrl,
      wall: {
        startedAt: startedAt.toISOString(),
        seconds: (performance.now() - started) / 1000,
        requests: api.requests,
      },
      declarations,
    };
  } finally {
    await local?.stop();
  }
}

/** Every declaration as the API answers it at the end (an officer's view: all of its history). */
async function readBack(api: TwinApi, driven: readonly DrivenDeclaration[]): Promise<DeclarationRecord[]> {
  // In plan order (trains, then trucks), not the order the stack happened to answer in.
  const inPlanOrder = [...driven].sort(
    (a, b) => a.flow.localeCompare(b.flow) || a.key.localeCompare(b.key, 'en', { numeric: true }),
  );
  return Promise.all(
    inPlanOrder.map(async (declaration): Promise<DeclarationRecord> => {
      const answer = await api.call('GET', `/v1/declarations/${declaration.id}`, api.tokens.officer);
      if (answer.status !== 200) throw new TwinApiError(`reading ${declaration.key} back`, answer);
      const body = answer.body as { declarationType: string; status: string; facts?: { riskChannel?: string } };
      const channel = body.facts?.riskChannel as DeclarationRecord['channel'] | undefined;
      return {
        id: declaration.id,
        key: declaration.key,
        flow: declaration.flow,
        declarationType: body.declarationType,
        status: body.status,
        ...(channel === undefined ? {} : { channel }),
        ...(declaration.trainKey === undefined ? {} : { trainKey: declaration.trainKey }),
        ...(declaration.plate === undefined ? {} : { plate: declaration.plate }),
        ...(declaration.laneType === undefined ? {} : { laneType: declaration.laneType }),
        agricultural: declaration.agricultural,
        history: answer.body.history as HistoryEntry[],
      };
    }),
  );
}
