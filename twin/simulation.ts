import {
  hoursOfLocalDate,
  isOperatingHour,
  type LaneType,
  localTimeOf,
  nextOpeningAt,
  type SlotCalendar,
  slotCalendarFrom,
} from '#domain/slot-calendar.ts';
import { between, pickWeighted, type Random, randomStream } from './random.ts';
import { CHANNELS, type Channel, minutesOf, type Scenario } from './scenario.ts';

/**
 * The port's digital twin as a discrete-event model, pure and seeded: no I/O, business time in epoch
 * milliseconds. `planDay` draws the day's arrivals and runs the resources that depend on nothing the stack decides
 * (the cranes, the gate lanes, the slot calendar); `scheduleInspections` runs the scanners and officers once the
 * stack has said when each declaration is ready for them. The same scenario and seed give the same plan.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface PlannedTrain {
  /** 0-based, in arrival order. */
  readonly index: number;
  readonly departedAt: number;
  readonly arrivesAt: number;
  /** Which crane (0-based) changed its gauge, and when it started and finished. */
  readonly crane: number;
  readonly transshipmentStartsAt: number;
  readonly transshipmentEndsAt: number;
}

export interface PlannedRailDeclaration {
  /** Stable within a plan: `R<train>-<n>`. */
  readonly key: string;
  readonly train: number;
  /** Its containers' positions (0-based) on the train's manifest. */
  readonly containers: readonly number[];
  readonly channel: Channel;
  readonly agricultural: boolean;
  readonly broker: string;
}

export interface PlannedTruck {
  /** Stable within a plan: `T<n>`. */
  readonly key: string;
  readonly index: number;
  readonly lane: LaneType;
  /** A vehicle carrier's load: 5–8 cars, each by VIN; 0 for a goods truck. */
  readonly vehicles: number;
  readonly channel: Channel;
  readonly agricultural: boolean;
  readonly broker: string;
  readonly arrivesAt: number;
  /** When it passed the gate (after the lanes' queue), which lane, and the hour its slot was allotted. */
  readonly gateInAt: number;
  readonly gateLane: number;
  readonly slotStartsAt: number;
  /** When the model expects the stack to clear it (the next freight hour in daytime mode): checked, not sent. */
  readonly expectedClearanceFrom: number;
}

export interface DayPlan {
  readonly day: string;
  readonly dayStartsAt: number;
  readonly dayEndsAt: number;
  readonly trains: readonly PlannedTrain[];
  readonly railDeclarations: readonly PlannedRailDeclaration[];
  readonly trucks: readonly PlannedTruck[];
}

export function calendarOf(scenario: Scenario): SlotCalendar {
  return slotCalendarFrom({
    timeZone: scenario.timeZone,
    freightHours: scenario.slots.freightHours,
    daytimeHours: scenario.slots.daytimeFreightHours,
    capacityPerHour: JSON.stringify(scenario.slots.capacityPerHour),
  });
}

/** Arrival instants over the day: an hour by the profile's weights, then a minute within it, sorted. */
function arrivals(
  random: Random,
  count: number,
  day: string,
  scenario: Scenario,
  weights: readonly number[],
): number[] {
  const hours = hoursOfLocalDate(day, scenario.timeZone);
  const weighted = hours.map((hour) => [hour, weights[hour.localHour] ?? 0] as const);
  return Array.from({ length: count }, () => {
    const hour = pickWeighted(random, weighted);
    return Date.parse(hour.startsAt) + Math.floor(random() * 60) * MINUTE_MS;
  }).sort((a, b) => a - b);
}

const channelDraw = (random: Random, scenario: Scenario): Channel =>
  pickWeighted(
    random,
    CHANNELS.map((channel) => [channel, scenario.channels[channel]] as const),
  );

/** A pool of identical servers, first come first served: each job takes the server that frees first. */
export class ServerPool {
  readonly #freeAt: number[];
  constructor(servers: number) {
    this.#freeAt = Array.from({ length: servers }, () => Number.NEGATIVE_INFINITY);
  }
  /** Serves a job ready at `readyAt` for `durationMs`: which server, when it starts and ends. */
  serve(readyAt: number, durationMs: number): { server: number; startsAt: number; endsAt: number } {
    let server = 0;
    for (let candidate = 1; candidate < this.#freeAt.length; candidate++) {
      if ((this.#freeAt[candidate] as number) < (this.#freeAt[server] as number)) server = candidate;
    }
    const startsAt = Math.max(readyAt, this.#freeAt[server] as number);
    const endsAt = startsAt + durationMs;
    this.#freeAt[server] = endsAt;
    return { server, startsAt, endsAt };
  }
}

/** Draws the day and runs the cranes, the gate lanes and the slot calendar. */
export function planDay(scenario: Scenario): DayPlan {
  const { seed, day, rail, road, resources } = scenario;
  const hours = hoursOfLocalDate(day, scenario.timeZone);
  const dayStartsAt = Date.parse((hours[0] as { startsAt: string }).startsAt);
  const dayEndsAt = Date.parse((hours.at(-1) as { endsAt: string }).endsAt);
  const brokerFor = (index: number) => scenario.brokers[index % scenario.brokers.length] as string;

  // Trains: arrival, then a crane as soon as one is free; each train's duration is its own draw.
  const craneDurations = randomStream(seed, 'crane-durations');
  const cranes = new ServerPool(resources.cranes.count);
  const trains = arrivals(
    randomStream(seed, 'train-arrivals'),
    rail.trainsPerDay,
    day,
    scenario,
    rail.hourlyArrivals,
  ).map((arrivesAt, index): PlannedTrain => {
    const spread = resources.cranes.spreadMinutes;
    const minutes = resources.cranes.minutesPerTrain + (craneDurations() * 2 - 1) * spread;
    const crane = cranes.serve(arrivesAt, Math.round(minutes) * MINUTE_MS);
    return {
      index,
      departedAt: arrivesAt - rail.hoursUnderway * HOUR_MS,
      arrivesAt,
      crane: crane.server,
      transshipmentStartsAt: crane.startsAt,
      transshipmentEndsAt: crane.endsAt,
    };
  });

  const railGoods = randomStream(seed, 'rail-goods');
  const railDeclarations: PlannedRailDeclaration[] = [];
  for (const train of trains) {
    for (let first = 0, n = 0; first < rail.containersPerTrain; first += rail.containersPerDeclaration, n++) {
      const containers = Array.from(
        { length: Math.min(rail.containersPerDeclaration, rail.containersPerTrain - first) },
        (_, offset) => first + offset,
      );
      railDeclarations.push({
        key: `R${train.index}-${n}`,
        train: train.index,
        containers,
        channel: channelDraw(railGoods, scenario),
        agricultural: railGoods() < rail.agriculturalShare,
        broker: brokerFor(railDeclarations.length),
      });
    }
  }

  // Trucks: what they carry first (independent of the calendar and the gate), then the gate lanes' queue.
  const truckGoods = randomStream(seed, 'truck-goods');
  const calendar = calendarOf(scenario);
  const gate = new ServerPool(resources.gate.lanes);
  const slots = new SlotAllotment(calendar, day);
  const trucks = arrivals(
    randomStream(seed, 'truck-arrivals'),
    road.trucksPerDay,
    day,
    scenario,
    road.hourlyArrivals,
  ).map((arrivesAt, index): PlannedTruck => {
    const carrier = truckGoods() < road.vehicleCarrierShare;
    const vehicles = between(truckGoods, 5, 8);
    const channel = channelDraw(truckGoods, scenario);
    const agricultural = !carrier && truckGoods() < road.agriculturalShare;
    const lane: LaneType = carrier ? 'VEHICLE_CARRIER' : 'FREIGHT';
    const passed = gate.serve(arrivesAt, resources.gate.minutesPerTruck * MINUTE_MS);
    return {
      key: `T${index}`,
      index,
      lane,
      vehicles: carrier ? vehicles : 0,
      channel,
      agricultural,
      broker: brokerFor(index + 1),
      arrivesAt,
      gateInAt: passed.endsAt,
      gateLane: passed.server,
      slotStartsAt: slots.allot(lane, arrivesAt),
      expectedClearanceFrom: nextOpeningAt(calendar, new Date(passed.endsAt)).getTime(),
    };
  });
  return { day, dayStartsAt, dayEndsAt, trains, railDeclarations, trucks };
}

/**
 * The slot calendar as the simulation fills it: each truck gets the first bookable hour, from the hour it
 * arrives in, with a unit left in its lane. Booking within capacity means the stack never has to refuse one.
 */
class SlotAllotment {
  readonly #calendar: SlotCalendar;
  readonly #hours: { startsAt: number; operating: boolean }[] = [];
  readonly #booked = new Map<string, number>();
  #nextDate: string;
  constructor(calendar: SlotCalendar, day: string) {
    this.#calendar = calendar;
    this.#nextDate = day;
  }
  allot(lane: LaneType, arrivesAt: number): number {
    const capacity = this.#calendar.capacityPerHour[lane];
    for (let index = 0; ; index++) {
      while (index >= this.#hours.length) this.#addDay();
      const hour = this.#hours[index] as { startsAt: number; operating: boolean };
      // The hour it arrives in, or a later one: a truck never books an hour that has passed.
      if (hour.startsAt + HOUR_MS <= arrivesAt || !hour.operating) continue;
      const key = `${lane}@${hour.startsAt}`;
      const booked = this.#booked.get(key) ?? 0;
      if (booked < capacity) {
        this.#booked.set(key, booked + 1);
        return hour.startsAt;
      }
    }
  }
  #addDay() {
    for (const hour of hoursOfLocalDate(this.#nextDate, this.#calendar.timeZone)) {
      this.#hours.push({ startsAt: Date.parse(hour.startsAt), operating: isOperatingHour(this.#calendar, hour) });
    }
    const next = new Date(Date.parse(`${this.#nextDate}T12:00:00Z`) + 24 * HOUR_MS);
    this.#nextDate = next.toISOString().slice(0, 10);
  }
}

/** Work for the scanners and officers: a declaration ready for inspection (the stack said when). */
export interface InspectionJob {
  readonly key: string;
  readonly channel: Channel;
  readonly flow: 'RAIL' | 'ROAD';
  /** When the stack had it ready: a train's arrival, a truck's clearance (the gate-in, or the next opening). */
  readonly readyAt: number;
  /** Scans a red declaration needs: one per truck, one per container of a rail declaration. */
  readonly scans: number;
}

export interface InspectionOutcome {
  readonly key: string;
  readonly scan?: { readonly scanner: number; readonly startsAt: number; readonly endsAt: number };
  /** The officer's decision (yellow, and red rail), and when it was made. */
  readonly decision?: { readonly officer: number; readonly startsAt: number; readonly decidedAt: number };
  /** When the declaration's inspection is done: the decision, or a red truck's scan. */
  readonly doneAt: number;
}

/**
 * The officers on duty by shift: officer `n` works while more than `n` are on duty. A job an officer started goes on
 * past the end of the shift (nobody leaves a check half done).
 */
export class OfficerRoster {
  readonly #shifts: readonly { readonly startsAtMinute: number; readonly officers: number }[];
  readonly #timeZone: string;
  readonly #freeAt: number[];
  constructor(scenario: Pick<Scenario, 'resources' | 'timeZone'>) {
    this.#shifts = scenario.resources.officers.shifts
      .map((shift) => ({ startsAtMinute: minutesOf(shift.from), officers: shift.officers }))
      .sort((a, b) => a.startsAtMinute - b.startsAtMinute);
    this.#timeZone = scenario.timeZone;
    this.#freeAt = Array.from({ length: Math.max(...this.#shifts.map((shift) => shift.officers)) }, () => 0);
  }
  readonly #minuteOfDayAtHour = new Map<number, number>();
  /** Minutes since local midnight at an instant (the zone's offset read once per hour). */
  #minuteOfDay(at: number): number {
    const hourStart = Math.floor(at / HOUR_MS) * HOUR_MS;
    let minute = this.#minuteOfDayAtHour.get(hourStart);
    if (minute === undefined) {
      const local = localTimeOf(new Date(hourStart), this.#timeZone);
      minute = local.hour * 60 + local.minute;
      this.#minuteOfDayAtHour.set(hourStart, minute);
    }
    return minute + Math.floor((at - hourStart) / MINUTE_MS);
  }
  /** Officers on duty at an instant. */
  onDutyAt(at: number): number {
    const minute = this.#minuteOfDay(at);
    const shift =
      [...this.#shifts].reverse().find((candidate) => candidate.startsAtMinute <= minute) ?? this.#shifts.at(-1);
    return shift?.officers ?? 0;
  }
  /** The first instant from `at` on when officer `n` is on duty: now, or the start of a later shift. */
  #onDutyFrom(officer: number, at: number): number {
    let instant = at;
    for (let step = 0; step < 8 * this.#shifts.length + 2; step++) {
      if (officer < this.onDutyAt(instant)) return instant;
      const minute = this.#minuteOfDay(instant) % (24 * 60);
      const next = this.#shifts.find((shift) => shift.startsAtMinute > minute)?.startsAtMinute;
      const untilNext = next === undefined ? 24 * 60 - minute + (this.#shifts[0]?.startsAtMinute ?? 0) : next - minute;
      instant = (Math.floor(instant / MINUTE_MS) + untilNext) * MINUTE_MS;
    }
    throw new Error(`officer ${officer} is never on duty`);
  }
  serve(readyAt: number, durationMs: number): { officer: number; startsAt: number; endsAt: number } {
    let best: { officer: number; startsAt: number } | undefined;
    for (let officer = 0; officer < this.#freeAt.length; officer++) {
      const startsAt = this.#onDutyFrom(officer, Math.max(readyAt, this.#freeAt[officer] as number));
      if (best === undefined || startsAt < best.startsAt) best = { officer, startsAt };
    }
    const chosen = best as { officer: number; startsAt: number };
    this.#freeAt[chosen.officer] = chosen.startsAt + durationMs;
    return { ...chosen, endsAt: chosen.startsAt + durationMs };
  }
}

/**
 * The scanners, then the officers, first come first served by ready time: a red declaration is scanned first (a
 * red rail declaration then goes to an officer's physical inspection, a red truck is released by a clear scan); a
 * yellow one gets an officer's document check.
 */
export function scheduleInspections(
  scenario: Scenario,
  jobs: readonly InspectionJob[],
): Map<string, InspectionOutcome> {
  const { scanners, officers } = scenario.resources;
  const byReadiness = (a: { readyAt: number; key: string }, b: { readyAt: number; key: string }) =>
    a.readyAt - b.readyAt || a.key.localeCompare(b.key);
  const scannerPool = new ServerPool(scanners.count);
  const scans = new Map<string, InspectionOutcome['scan']>();
  for (const job of jobs.filter((candidate) => candidate.channel === 'RED').sort(byReadiness)) {
    const scan = scannerPool.serve(job.readyAt, job.scans * scanners.minutesPerScan * MINUTE_MS);
    scans.set(job.key, { scanner: scan.server, startsAt: scan.startsAt, endsAt: scan.endsAt });
  }
  const forOfficers = jobs
    .filter((job) => job.channel === 'YELLOW' || (job.channel === 'RED' && job.flow === 'RAIL'))
    .map((job) => ({ job, key: job.key, readyAt: scans.get(job.key)?.endsAt ?? job.readyAt }))
    .sort(byReadiness);
  const roster = new OfficerRoster(scenario);
  const outcomes = new Map<string, InspectionOutcome>();
  for (const { job, readyAt } of forOfficers) {
    const minutes = job.channel === 'YELLOW' ? officers.documentCheckMinutes : officers.inspectionMinutes;
    const decided = roster.serve(readyAt, minutes * MINUTE_MS);
    const scan = scans.get(job.key);
    outcomes.set(job.key, {
      key: job.key,
      ...(scan === undefined ? {} : { scan }),
      decision: { officer: decided.officer, startsAt: decided.startsAt, decidedAt: decided.endsAt },
      doneAt: decided.endsAt,
    });
  }
  for (const job of jobs) {
    const scan = scans.get(job.key);
    if (!outcomes.has(job.key) && scan !== undefined)
      outcomes.set(job.key, { key: job.key, scan, doneAt: scan.endsAt });
  }
  return outcomes;
}

/** The inspections the plan itself expects (the stack's readiness predicted): for tests and for a dry run. */
export function expectedInspectionJobs(plan: DayPlan): InspectionJob[] {
  const trains = new Map(plan.trains.map((train) => [train.index, train]));
  return [
    ...plan.railDeclarations.map(
      (declaration): InspectionJob => ({
        key: declaration.key,
        channel: declaration.channel,
        flow: 'RAIL',
        readyAt: (trains.get(declaration.train) as PlannedTrain).arrivesAt,
        scans: declaration.containers.length,
      }),
    ),
    ...plan.trucks.map(
      (truck): InspectionJob => ({
        key: truck.key,
        channel: truck.channel,
        flow: 'ROAD',
        readyAt: truck.expectedClearanceFrom,
        scans: 1,
      }),
    ),
  ].filter((job) => job.channel !== 'GREEN');
}
