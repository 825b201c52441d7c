import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { FREIGHT_HOURS_MODES, type FreightHoursMode, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';

/**
 * A scenario of the port's digital twin: one day of arrivals and the resources that serve them. A scenario file
 * (twin/scenarios/*.json) gives any of these fields; every field left out takes its default below, from
 * ../shared/DOMAIN.md where it gives a figure and marked "assumed" where it does not.
 */
export type Channel = 'GREEN' | 'YELLOW' | 'RED';
export const CHANNELS: readonly Channel[] = ['GREEN', 'YELLOW', 'RED'];

export interface Shift {
  /** Local time the shift starts, "HH:MM"; it runs until the next shift starts. */
  readonly from: string;
  readonly officers: number;
}

export interface Scenario {
  readonly name: string;
  /** What the scenario asks, in words (shown in the report). */
  readonly description: string;
  readonly seed: number;
  /** The port's local date of the simulated day (YYYY-MM-DD). */
  readonly day: string;
  readonly timeZone: string;
  readonly rail: {
    readonly trainsPerDay: number;
    readonly containersPerTrain: number;
    /**
     * Containers one rail declaration (one through waybill) covers: a block of a train's containers for one
     * consignee. Assumed: DOMAIN.md gives no figure; 5 makes 11 declarations of a 55-container train.
     */
    readonly containersPerDeclaration: number;
    /** Share of rail declarations of agricultural goods (the priority green channel when certified). */
    readonly agriculturalShare: number;
    /** Relative weights of train arrivals by local hour (24 numbers). */
    readonly hourlyArrivals: readonly number[];
    /** How long before its arrival at the port a train departed (its manifest's departedAt). */
    readonly hoursUnderway: number;
  };
  readonly road: {
    readonly trucksPerDay: number;
    /** Share of the trucks that are vehicle carriers (complete-vehicle exports, their own lane). */
    readonly vehicleCarrierShare: number;
    readonly agriculturalShare: number;
    readonly hourlyArrivals: readonly number[];
  };
  /** Shares of the risk channels; the goods each declaration carries make the stack assign it. */
  readonly channels: Readonly<Record<Channel, number>>;
  readonly resources: {
    /** Gauge-change cranes: one train at a time each, for `minutesPerTrain` ± a uniform `spreadMinutes`. */
    readonly cranes: { readonly count: number; readonly minutesPerTrain: number; readonly spreadMinutes: number };
    /** H986 scanners: a red truck, or each container of a red rail declaration, takes `minutesPerScan`. */
    readonly scanners: { readonly count: number; readonly minutesPerScan: number };
    /** Officers on duty by shift, and how long a yellow document check and a red inspection take one officer. */
    readonly officers: {
      readonly shifts: readonly Shift[];
      readonly documentCheckMinutes: number;
      readonly inspectionMinutes: number;
    };
    /** The gate's lanes: each passes one truck in `minutesPerTruck` (plate, OCR, weighbridge). */
    readonly gate: { readonly lanes: number; readonly minutesPerTruck: number };
    /** From a truck's release to its exit through the border. */
    readonly exitMinutes: number;
  };
  /** The road port's slot calendar: the stack's own settings (its CDK context), which the twin starts it with. */
  readonly slots: {
    readonly freightHours: FreightHoursMode;
    readonly daytimeFreightHours: string;
    readonly capacityPerHour: { readonly FREIGHT: number; readonly VEHICLE_CARRIER: number };
  };
  /** Brokers filing the day's declarations, each through its own token (rail and road alternate among them). */
  readonly brokers: readonly string[];
}

const PORT_TIME_ZONE = 'Asia/Shanghai';

/** Three days before today on the port's clock: every event of the day, and the next mornings', is in the past. */
export function defaultDay(now = new Date(), timeZone = PORT_TIME_ZONE): string {
  return localTimeOf(new Date(now.getTime() - 3 * 24 * 3_600_000), timeZone).date;
}

/** Trucks come round the clock, more of them by day (the reform script's profile). */
const ROAD_HOURLY_ARRIVALS = [2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 5, 5, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2];
/** Block trains run to a timetable round the clock, somewhat more by day (assumed). */
const RAIL_HOURLY_ARRIVALS = [3, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 3, 3, 3, 3];

/** The peak day of DOMAIN.md: ~27 trains of 55 containers, ~1,300 trucks (>600 goods trucks, >500 car carriers). */
export const DEFAULT_SCENARIO: Omit<Scenario, 'day'> = {
  name: 'peak-day',
  description: 'A peak day at Horgos: 27 trains of 55 containers and 1,300 trucks, freight cleared round the clock',
  seed: 8,
  timeZone: PORT_TIME_ZONE,
  rail: {
    trainsPerDay: 27,
    containersPerTrain: 55,
    containersPerDeclaration: 5,
    agriculturalShare: 0.1,
    hourlyArrivals: RAIL_HOURLY_ARRIVALS,
    hoursUnderway: 30,
  },
  road: {
    trucksPerDay: 1300,
    // 1,302 commercial vehicles on the record day against >600 goods trucks and >500 vehicles a day: about 45 %.
    vehicleCarrierShare: 0.45,
    agriculturalShare: 0.15,
    hourlyArrivals: ROAD_HOURLY_ARRIVALS,
  },
  // One Kazakh post, Jan–Oct 2025 (DOMAIN.md [39]); red made up to 100 % (1.4 %).
  channels: { GREEN: 0.785, YELLOW: 0.201, RED: 0.014 },
  resources: {
    // 27 trains × ~2 h = 54 crane-hours a day: three cranes keep up, two do not (twin/scenarios/two-cranes.json).
    cranes: { count: 3, minutesPerTrain: 120, spreadMinutes: 30 },
    scanners: { count: 2, minutesPerScan: 20 },
    officers: {
      shifts: [
        { from: '08:00', officers: 10 },
        { from: '20:00', officers: 5 },
      ],
      documentCheckMinutes: 30,
      inspectionMinutes: 45,
    },
    gate: { lanes: 6, minutesPerTruck: 3 },
    exitMinutes: 15,
  },
  slots: {
    freightHours: 'ROUND_THE_CLOCK',
    daytimeFreightHours: '10:00-18:00',
    capacityPerHour: { FREIGHT: 30, VEHICLE_CARRIER: 20 },
  },
  brokers: ['BRK-TWIN-RAIL', 'BRK-TWIN-ROAD'],
};

/** A scenario file that breaks a rule; `field` is the JSON pointer of the value at fault. */
export class ScenarioError extends Error {
  readonly field: string;
  constructor(field: string, detail: string, source?: string) {
    super(`${source === undefined ? 'scenario' : source}: ${field} ${detail}`);
    this.name = 'ScenarioError';
    this.field = field;
  }
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Reads a scenario: the given fields over the defaults, each checked. Throws a ScenarioError naming the first
 * field at fault (unknown fields included: a misspelt one would otherwise be silently ignored).
 */
export function scenarioFrom(input: unknown, options: { source?: string; now?: Date } = {}): Scenario {
  const fail = (field: string, detail: string): never => {
    throw new ScenarioError(field, detail, options.source);
  };
  if (!isObject(input)) return fail('/', 'must be a JSON object');

  const merged = mergeChecked(DEFAULT_SCENARIO as unknown as Json, input, '', fail) as unknown as Omit<
    Scenario,
    'day'
  > & { day?: unknown };

  const count = (field: string, value: number, min = 0, max = 1_000_000) => {
    if (!Number.isInteger(value) || value < min || value > max)
      fail(field, `must be a whole number from ${min} to ${max}; got ${JSON.stringify(value)}`);
  };
  const minutes = (field: string, value: number, min = 0) => {
    if (!Number.isFinite(value) || value < min || value > 7 * 24 * 60)
      fail(field, `must be a number of minutes from ${min} to ${7 * 24 * 60}; got ${JSON.stringify(value)}`);
  };
  const share = (field: string, value: number) => {
    if (!Number.isFinite(value) || value < 0 || value > 1) fail(field, `must be a share from 0 to 1; got ${value}`);
  };
  const profile = (field: string, weights: readonly number[]) => {
    if (weights.length !== 24) fail(field, `must list 24 weights, one per local hour; got ${weights.length}`);
    weights.forEach((weight, hour) => {
      if (!Number.isFinite(weight) || weight < 0) fail(`${field}/${hour}`, `must be a weight of 0 or more`);
    });
    if (weights.every((weight) => weight === 0)) fail(field, 'must have at least one hour with arrivals');
  };

  if (typeof merged.name !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(merged.name))
    fail('/name', 'must be lower-case letters, digits and dashes (it names the run record file)');
  if (merged.description.length > 500) fail('/description', 'must be at most 500 characters');
  count('/seed', merged.seed, 0, 2 ** 32 - 1);
  try {
    localTimeOf(new Date(), merged.timeZone);
  } catch {
    fail('/timeZone', `must be an IANA time zone; got ${JSON.stringify(merged.timeZone)}`);
  }
  const day = merged.day ?? defaultDay(options.now, merged.timeZone);
  if (typeof day !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(`${day}T00:00:00Z`)))
    fail('/day', `must be a date YYYY-MM-DD; got ${JSON.stringify(day)}`);

  const { rail, road, resources, slots } = merged;
  count('/rail/trainsPerDay', rail.trainsPerDay, 0, 500);
  count('/rail/containersPerTrain', rail.containersPerTrain, 1, 200);
  count('/rail/containersPerDeclaration', rail.containersPerDeclaration, 1, rail.containersPerTrain);
  share('/rail/agriculturalShare', rail.agriculturalShare);
  profile('/rail/hourlyArrivals', rail.hourlyArrivals);
  if (!Number.isFinite(rail.hoursUnderway) || rail.hoursUnderway < 1 || rail.hoursUnderway > 240)
    fail('/rail/hoursUnderway', 'must be a number of hours from 1 to 240');
  count('/road/trucksPerDay', road.trucksPerDay, 0, 100_000);
  share('/road/vehicleCarrierShare', road.vehicleCarrierShare);
  share('/road/agriculturalShare', road.agriculturalShare);
  profile('/road/hourlyArrivals', road.hourlyArrivals);

  for (const channel of CHANNELS) share(`/channels/${channel}`, merged.channels[channel]);
  const total = CHANNELS.reduce((sum, channel) => sum + merged.channels[channel], 0);
  if (Math.abs(total - 1) > 0.001) fail('/channels', `shares must add up to 1; they add up to ${total}`);

  count('/resources/cranes/count', resources.cranes.count, 1, 100);
  minutes('/resources/cranes/minutesPerTrain', resources.cranes.minutesPerTrain, 1);
  minutes('/resources/cranes/spreadMinutes', resources.cranes.spreadMinutes);
  if (resources.cranes.spreadMinutes >= resources.cranes.minutesPerTrain)
    fail('/resources/cranes/spreadMinutes', 'must be less than minutesPerTrain');
  count('/resources/scanners/count', resources.scanners.count, 1, 100);
  minutes('/resources/scanners/minutesPerScan', resources.scanners.minutesPerScan, 1);
  if (!Array.isArray(resources.officers.shifts) || resources.officers.shifts.length === 0)
    fail('/resources/officers/shifts', 'must list at least one shift');
  resources.officers.shifts.forEach((shift, index) => {
    if (!isObject(shift)) fail(`/resources/officers/shifts/${index}`, 'must be an object { from, officers }');
    if (typeof shift.from !== 'string' || !/^([01]\d|2[0-3]):[0-5]\d$/.test(shift.from))
      fail(`/resources/officers/shifts/${index}/from`, `must be a local time HH:MM; got ${JSON.stringify(shift.from)}`);
    count(`/resources/officers/shifts/${index}/officers`, shift.officers, 0, 1000);
  });
  if (resources.officers.shifts.every((shift) => shift.officers === 0))
    fail('/resources/officers/shifts', 'must have officers on at least one shift');
  minutes('/resources/officers/documentCheckMinutes', resources.officers.documentCheckMinutes, 1);
  minutes('/resources/officers/inspectionMinutes', resources.officers.inspectionMinutes, 1);
  count('/resources/gate/lanes', resources.gate.lanes, 1, 100);
  minutes('/resources/gate/minutesPerTruck', resources.gate.minutesPerTruck, 0);
  minutes('/resources/exitMinutes', resources.exitMinutes, 0);

  if (!(FREIGHT_HOURS_MODES as readonly string[]).includes(slots.freightHours))
    fail(
      '/slots/freightHours',
      `must be one of ${FREIGHT_HOURS_MODES.join(', ')}; got ${JSON.stringify(slots.freightHours)}`,
    );
  count('/slots/capacityPerHour/FREIGHT', slots.capacityPerHour.FREIGHT, 1, 10_000);
  count('/slots/capacityPerHour/VEHICLE_CARRIER', slots.capacityPerHour.VEHICLE_CARRIER, 1, 10_000);
  try {
    slotCalendarFrom({ freightHours: slots.freightHours, daytimeHours: slots.daytimeFreightHours });
  } catch (error) {
    fail('/slots/daytimeFreightHours', (error as Error).message);
  }
  if (!Array.isArray(merged.brokers) || merged.brokers.length === 0)
    fail('/brokers', 'must list at least one broker id');
  merged.brokers.forEach((broker, index) => {
    if (typeof broker !== 'string' || !/^BRK-[A-Z0-9-]{1,40}$/.test(broker))
      fail(`/brokers/${index}`, `must be a broker id like BRK-ACME; got ${JSON.stringify(broker)}`);
  });
  return { ...merged, day: day as string };
}

/**
 * The given object over the defaults, field by field: a field the defaults do not have is refused, and a value
 * must have the default's JSON type (arrays replace the default whole).
 */
function mergeChecked(defaults: Json, given: Json, at: string, fail: (field: string, detail: string) => never): Json {
  const merged: Json = { ...defaults };
  for (const [key, value] of Object.entries(given)) {
    const field = `${at}/${key}`;
    if (key === 'day' && at === '') {
      merged.day = value;
      continue;
    }
    if (!Object.hasOwn(defaults, key))
      fail(field, `is not a scenario field (known: ${Object.keys(defaults).join(', ')})`);
    const fallback = defaults[key];
    if (isObject(fallback)) {
      if (!isObject(value)) fail(field, 'must be an object');
      merged[key] = mergeChecked(fallback, value as Json, field, fail);
    } else if (Array.isArray(fallback)) {
      if (!Array.isArray(value)) fail(field, 'must be an array');
      merged[key] = value;
    } else {
      if (typeof value !== typeof fallback) fail(field, `must be a ${typeof fallback}; got ${JSON.stringify(value)}`);
      merged[key] = value;
    }
  }
  return merged;
}

/** Reads a scenario file; its name defaults to the file's. */
export function loadScenario(path: string, options: { now?: Date } = {}): Scenario {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ScenarioError('/', `is not readable JSON: ${(error as Error).message}`, path);
  }
  const named = isObject(parsed) && parsed.name === undefined ? { ...parsed, name: basename(path, '.json') } : parsed;
  return scenarioFrom(named, { source: path, ...options });
}

/** Officers on duty in each local hour of the day (index 0–23), from the shifts. */
export function officersByHour(scenario: Pick<Scenario, 'resources'>): number[] {
  const shifts = [...scenario.resources.officers.shifts]
    .map((shift) => ({ startsAt: minutesOf(shift.from), officers: shift.officers }))
    .sort((a, b) => a.startsAt - b.startsAt);
  return Array.from({ length: 24 }, (_, hour) => {
    const minute = hour * 60;
    // The shift that started last before this hour, or the day's last one still on from the evening before.
    const current = [...shifts].reverse().find((shift) => shift.startsAt <= minute) ?? shifts.at(-1);
    return current?.officers ?? 0;
  });
}

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
