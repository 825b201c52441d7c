import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DOCUMENT_CHANGE_NAMES } from '#domain/amendment.ts';
import { TRANSITION_NAMES } from '#domain/lifecycle.ts';
import { SLOT_CHANGE_NAMES } from '#domain/slot-booking.ts';
import { hoursOfLocalDate } from '#domain/slot-calendar.ts';
import { renderHtml } from './report/html.ts';
import { type DeclarationTimeline, type Moment, timelineOf } from './report/timeline.ts';
import type { Channel, Flow, TwinRunRecord } from './run-record.ts';

export { renderHtml };

/**
 * The twin's report (issue 8): what a run of the port's digital twin shows, computed from the declarations'
 * histories as the stack answered them (business times only; see ./report/timeline.ts for how a workflow step's
 * time is read), never from the simulation that drove them. Every figure names the history entries it comes from.
 */

const HOUR_MS = 3_600_000;
const QUEUE_STEP_MINUTES = 15;

/** What the histories cannot say and the report must assume: how long a scan and an officer's check take. */
export interface ReportAssumptions {
  /** Minutes a scanner is busy per scan (a scan is recorded when it ends). */
  readonly scanMinutes: number;
  /** Minutes of an officer's time per document check or manual review decided. */
  readonly checkMinutes: number;
  /** Minutes of an officer's time per physical inspection decided. */
  readonly inspectionMinutes: number;
}
const DEFAULT_ASSUMPTIONS: ReportAssumptions = { scanMinutes: 20, checkMinutes: 30, inspectionMinutes: 45 };

/**
 * The scenario's own service times when it names them (the twin's `resources.scanners.minutesPerScan` and
 * `resources.officers.documentCheckMinutes` / `inspectionMinutes`, or `serviceMinutes.scan` / `.documentCheck` as
 * `npm run reform` names them), else defaults.
 */
export function assumptionsOf(scenario: Readonly<Record<string, unknown>>): ReportAssumptions {
  const object = (value: unknown) =>
    value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
  const resources = object(scenario.resources);
  const scanners = object(resources.scanners);
  const officers = object(resources.officers);
  const service = object(scenario.serviceMinutes);
  const minutes = (...candidates: unknown[]) =>
    candidates.find((candidate): candidate is number => typeof candidate === 'number' && candidate > 0);
  return {
    scanMinutes: minutes(scanners.minutesPerScan, service.scan) ?? DEFAULT_ASSUMPTIONS.scanMinutes,
    checkMinutes: minutes(officers.documentCheckMinutes, service.documentCheck) ?? DEFAULT_ASSUMPTIONS.checkMinutes,
    inspectionMinutes: minutes(officers.inspectionMinutes, service.inspection) ?? DEFAULT_ASSUMPTIONS.inspectionMinutes,
  };
}

export interface Stats {
  readonly count: number;
  /** Hours; null when nothing was measured. */
  readonly p50: number | null;
  readonly p95: number | null;
  readonly max: number | null;
}

export type Measure = 'arrivalToRelease' | 'gateInToRelease' | 'gateInToExit';

/** One declaration's measured interval, naming the two history entries it runs between. */
export interface Interval {
  readonly declarationId: string;
  readonly group: string;
  readonly channel?: Channel;
  readonly hours: number;
  readonly from: Moment;
  readonly to: Moment;
}

export interface ClearanceFigure {
  readonly flow: Flow;
  readonly measure: Measure;
  /** `all`, a channel, or (rail) the clearance place or declaration type. */
  readonly group: string;
  /** The mode the flow ran in: the road port's freight hours, or for rail the clearance place. */
  readonly mode: string;
  readonly stats: Stats;
  /** Declarations that started the clock and did not reach its end in the run. */
  readonly unfinished: number;
}

export interface Breach {
  readonly key: string;
  readonly hours: number | null;
}

export interface BreachFigure {
  readonly slaHours: number;
  /** How many were measured (finished or not). */
  readonly of: number;
  /** Over the SLA; an unfinished one counts when its clock ran past the SLA by the end of the day. */
  readonly count: number;
  readonly breaches: readonly Breach[];
}

export interface QueueSeries {
  /** Sample instants (UTC ISO), every QUEUE_STEP_MINUTES over the local day. */
  readonly at: readonly string[];
  readonly trainsAwaitingTransshipment: readonly number[];
  readonly trucksInYard: readonly number[];
  readonly officerTasksOpen: readonly number[];
  readonly awaitingRelease: readonly number[];
}

export interface ResourceUse {
  /** Per local hour 0–23: busy hours of the resource, its capacity, and use (busy / capacity, 0–1+; null if none). */
  readonly busyHours: readonly number[];
  readonly capacity: readonly number[];
  readonly use: readonly (number | null)[];
  /** Events that fell outside the day (not in any hour). */
  readonly outsideDay: number;
}

/** One number on the page: its stable name, its value and how it is computed from which history entries. */
export interface Figure {
  readonly name: string;
  readonly label: string;
  readonly value: number | null;
  readonly unit: string;
  readonly computedFrom: string;
}

export interface TwinReport {
  readonly scenarioName: string;
  readonly seed: number;
  readonly day: string;
  readonly timeZone: string;
  readonly freightHours: string;
  readonly sla: TwinRunRecord['sla'];
  readonly capacities: TwinRunRecord['capacities'];
  readonly assumptions: ReportAssumptions;
  readonly clearance: readonly ClearanceFigure[];
  readonly intervals: Readonly<Record<Measure, readonly Interval[]>>;
  readonly breaches: {
    readonly railArrivalToRelease: BreachFigure;
    readonly transshipment: BreachFigure;
    readonly roadGateToExit: BreachFigure;
    /** The workflows' own FLAG_SLA_BREACH entries, by SLA name: a cross-check. */
    readonly flaggedByWorkflows: Readonly<Record<string, number>>;
  };
  readonly queues: QueueSeries;
  readonly resources: { readonly cranes: ResourceUse; readonly scanners: ResourceUse; readonly officers: ResourceUse };
  readonly counts: {
    readonly declarations: number;
    readonly byFlow: Readonly<Record<string, number>>;
    readonly byStatus: Readonly<Record<string, number>>;
    readonly byChannel: Readonly<Record<string, number>>;
  };
  readonly skipped: { readonly entries: number; readonly byReason: Readonly<Record<string, number>> };
  /** Wall-clock figures of this run: how fast the stack took the day, not an outcome of the day. */
  readonly wall: {
    readonly startedAt: string;
    readonly target: string;
    readonly seconds: number;
    readonly requests: number;
    readonly declarationsPerSecond: number | null;
    readonly requestsPerSecond: number | null;
  };
  readonly figures: readonly Figure[];
}

const KNOWN_TRANSITIONS: ReadonlySet<string> = new Set<string>([
  ...TRANSITION_NAMES,
  ...DOCUMENT_CHANGE_NAMES,
  ...SLOT_CHANGE_NAMES,
]);

/** Nearest-rank percentile (the smallest value with at least p % of the values at or below it). */
export function percentile(sortedAscending: readonly number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sortedAscending.length));
  return sortedAscending[rank - 1] ?? null;
}

export function statsOf(hours: readonly number[]): Stats {
  const sorted = [...hours].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    max: sorted.at(-1) ?? null,
  };
}

const hoursBetween = (from: Moment, to: Moment) => (to.at - from.at) / HOUR_MS;

export function reportOf(run: TwinRunRecord, assumptions: ReportAssumptions = assumptionsOf(run.scenario)): TwinReport {
  const timelines = run.declarations.map((record) => timelineOf(record, KNOWN_TRANSITIONS));
  const rail = timelines.filter((timeline) => timeline.record.flow === 'RAIL');
  const road = timelines.filter((timeline) => timeline.record.flow === 'ROAD');
  const dayHours = hoursOfLocalDate(run.day, run.timeZone);
  const dayStart = Date.parse(dayHours[0]?.startsAt ?? `${run.day}T00:00:00Z`);
  const dayEnd = Date.parse(dayHours.at(-1)?.endsAt ?? `${run.day}T23:59:59Z`);

  const railGroup = (timeline: DeclarationTimeline) => timeline.record.clearanceAt ?? timeline.record.declarationType;
  const intervals = {
    arrivalToRelease: intervalsOf(rail, 'arrival', 'release', railGroup),
    gateInToRelease: intervalsOf(road, 'gateIn', 'release', () => run.freightHours),
    gateInToExit: intervalsOf(road, 'gateIn', 'exit', () => run.freightHours),
  } satisfies Record<Measure, Interval[]>;

  const clearance: ClearanceFigure[] = [
    ...clearanceFigures('RAIL', 'arrivalToRelease', rail, intervals.arrivalToRelease, railGroup, 'arrival'),
    ...clearanceFigures('ROAD', 'gateInToRelease', road, intervals.gateInToRelease, () => run.freightHours, 'gateIn'),
    ...clearanceFigures('ROAD', 'gateInToExit', road, intervals.gateInToExit, () => run.freightHours, 'gateIn'),
  ];

  const trains = trainsOf(rail);
  const breaches = {
    railArrivalToRelease: breachesOf(
      rail.flatMap((t) => (t.arrival === undefined ? [] : [{ key: t.record.id, from: t.arrival, to: t.release }])),
      run.sla.railArrivalToRelease,
      dayEnd,
    ),
    transshipment: breachesOf(
      trains.flatMap((train) =>
        train.started === undefined ? [] : [{ key: train.key, from: train.started, to: train.completed }],
      ),
      run.sla.transshipment,
      dayEnd,
    ),
    roadGateToExit: breachesOf(
      road.flatMap((t) => (t.gateIn === undefined ? [] : [{ key: t.record.id, from: t.gateIn, to: t.exit }])),
      run.sla.roadGateToExit,
      dayEnd,
    ),
    flaggedByWorkflows: tally(timelines.flatMap((timeline) => timeline.slaFlags)),
  };

  const spans = (pairs: readonly { from?: Moment | undefined; to?: Moment | undefined }[]) =>
    pairs.flatMap(({ from, to }) =>
      from === undefined ? [] : [{ from: from.at, to: to?.at ?? Number.POSITIVE_INFINITY }],
    );
  const sampleTimes = Array.from(
    { length: Math.round((dayEnd - dayStart) / (QUEUE_STEP_MINUTES * 60_000)) },
    (_, index) => dayStart + index * QUEUE_STEP_MINUTES * 60_000,
  );
  const countAt = (intervalsOpen: readonly { from: number; to: number }[]) =>
    sampleTimes.map((at) => intervalsOpen.filter(({ from, to }) => from <= at && at < to).length);
  const queues: QueueSeries = {
    at: sampleTimes.map((at) => new Date(at).toISOString()),
    trainsAwaitingTransshipment: countAt(spans(trains.map((train) => ({ from: train.arrived, to: train.completed })))),
    trucksInYard: countAt(spans(road.map((t) => ({ from: t.gateIn, to: t.exit })))),
    officerTasksOpen: countAt(
      spans(timelines.flatMap((t) => t.officerTasks.map((task) => ({ from: task.opened, to: task.decided })))),
    ),
    awaitingRelease: countAt(spans(timelines.map((t) => ({ from: t.arrival ?? t.gateIn, to: t.release })))),
  };

  const hourStarts = dayHours.map((hour) => Date.parse(hour.startsAt));
  const craneSpans = trains.flatMap((train) =>
    train.started === undefined || train.completed === undefined
      ? []
      : [{ from: train.started.at, to: train.completed.at }],
  );
  const scanEnds = timelines.flatMap((t) => t.scans.map((scan) => scan.at));
  const officerMinutes = (task: string | undefined) =>
    task === 'PHYSICAL_INSPECTION' ? assumptions.inspectionMinutes : assumptions.checkMinutes;
  const resources = {
    cranes: busyUse(
      hourStarts,
      craneSpans,
      hourStarts.map(() => run.capacities.cranes),
    ),
    scanners: busyUse(
      hourStarts,
      scanEnds.map((end) => ({ from: end - assumptions.scanMinutes * 60_000, to: end })),
      hourStarts.map(() => run.capacities.scanners),
    ),
    officers: busyUse(
      hourStarts,
      timelines.flatMap((t) =>
        t.decisions.map(({ at, officerTask }) => ({ from: at, to: at, busyHours: officerMinutes(officerTask) / 60 })),
      ),
      dayHours.map((hour) => run.capacities.officersByHour[hour.localHour] ?? 0),
    ),
  };

  const skippedByReason: Record<string, number> = {};
  for (const timeline of timelines)
    for (const [reason, count] of Object.entries(timeline.skipped))
      skippedByReason[reason] = (skippedByReason[reason] ?? 0) + count;

  const seconds = run.wall.seconds;
  const report: Omit<TwinReport, 'figures'> = {
    scenarioName: run.scenarioName,
    seed: run.seed,
    day: run.day,
    timeZone: run.timeZone,
    freightHours: run.freightHours,
    sla: run.sla,
    capacities: run.capacities,
    assumptions,
    clearance,
    intervals,
    breaches,
    queues,
    resources,
    counts: {
      declarations: run.declarations.length,
      byFlow: tally(run.declarations.map((declaration) => declaration.flow)),
      byStatus: tally(run.declarations.map((declaration) => declaration.status)),
      byChannel: tally(run.declarations.map((declaration) => declaration.channel ?? 'NONE')),
    },
    skipped: { entries: Object.values(skippedByReason).reduce((a, b) => a + b, 0), byReason: skippedByReason },
    wall: {
      startedAt: run.wall.startedAt,
      target: run.target,
      seconds,
      requests: run.wall.requests,
      declarationsPerSecond: seconds > 0 ? run.declarations.length / seconds : null,
      requestsPerSecond: seconds > 0 ? run.wall.requests / seconds : null,
    },
  };
  return { ...report, figures: figuresOf(report) };
}

type MomentKey = 'arrival' | 'gateIn' | 'release' | 'exit';

function intervalsOf(
  timelines: readonly DeclarationTimeline[],
  fromKey: MomentKey,
  toKey: MomentKey,
  groupOf: (timeline: DeclarationTimeline) => string,
): Interval[] {
  return timelines.flatMap((timeline) => {
    const from = timeline[fromKey];
    const to = timeline[toKey];
    if (from === undefined || to === undefined) return [];
    return [
      {
        declarationId: timeline.record.id,
        group: groupOf(timeline),
        ...(timeline.record.channel === undefined ? {} : { channel: timeline.record.channel }),
        hours: hoursBetween(from, to),
        from,
        to,
      },
    ];
  });
}

function clearanceFigures(
  flow: Flow,
  measure: Measure,
  timelines: readonly DeclarationTimeline[],
  intervals: readonly Interval[],
  modeOf: (timeline: DeclarationTimeline) => string,
  startKey: MomentKey,
): ClearanceFigure[] {
  const started = timelines.filter((timeline) => timeline[startKey] !== undefined);
  const modes = [...new Set(started.map(modeOf))].sort();
  const figure = (group: string, mode: string, selected: (interval: Interval) => boolean, count: number) => {
    const measured = intervals.filter(selected);
    return {
      flow,
      measure,
      group,
      mode,
      stats: statsOf(measured.map((i) => i.hours)),
      unfinished: count - measured.length,
    };
  };
  const figures: ClearanceFigure[] = [figure('all', modes.join(' + ') || '—', () => true, started.length)];
  for (const channel of ['GREEN', 'YELLOW', 'RED'] as const) {
    const count = started.filter((timeline) => timeline.record.channel === channel).length;
    if (count > 0) figures.push(figure(channel, modes.join(' + '), (i) => i.channel === channel, count));
  }
  // Rail's modes are where it is cleared (PORT, INLAND, or the type when the record does not say): one row each.
  if (flow === 'RAIL' && modes.length > 1)
    for (const mode of modes) {
      const count = started.filter((timeline) => modeOf(timeline) === mode).length;
      figures.push(figure(mode, mode, (i) => i.group === mode, count));
    }
  return figures;
}

interface Train {
  readonly key: string;
  readonly arrived?: Moment;
  readonly started?: Moment;
  readonly completed?: Moment;
}

/** A train's gauge change: from the first declaration's START entry to the last one's COMPLETE entry. */
function trainsOf(rail: readonly DeclarationTimeline[]): Train[] {
  const byKey = new Map<string, DeclarationTimeline[]>();
  for (const timeline of rail) {
    if (timeline.trainKey === undefined) continue;
    byKey.set(timeline.trainKey, [...(byKey.get(timeline.trainKey) ?? []), timeline]);
  }
  const earliest = (moments: (Moment | undefined)[]) =>
    moments.filter((m): m is Moment => m !== undefined).sort((a, b) => a.at - b.at)[0];
  const latest = (moments: (Moment | undefined)[]) =>
    moments.filter((m): m is Moment => m !== undefined).sort((a, b) => b.at - a.at)[0];
  return [...byKey].map(([key, timelines]) => {
    const arrived = earliest(timelines.map((t) => t.arrival));
    const started = earliest(timelines.map((t) => t.transshipmentStarted));
    const completed = latest(timelines.map((t) => t.transshipmentCompleted));
    return {
      key,
      ...(arrived === undefined ? {} : { arrived }),
      ...(started === undefined ? {} : { started }),
      ...(completed === undefined ? {} : { completed }),
    };
  });
}

function breachesOf(
  clocks: readonly { key: string; from: Moment; to?: Moment | undefined }[],
  slaHours: number,
  dayEnd: number,
): BreachFigure {
  const breaches: Breach[] = [];
  for (const { key, from, to } of clocks) {
    const hours = to === undefined ? null : hoursBetween(from, to);
    const overdue = hours === null ? (dayEnd - from.at) / HOUR_MS > slaHours : hours > slaHours;
    if (overdue) breaches.push({ key, hours });
  }
  return { slaHours, of: clocks.length, count: breaches.length, breaches };
}

/** Busy hours per hour of the day (overlap of each span, or a fixed load at an instant), against capacity. */
function busyUse(
  hourStarts: readonly number[],
  spans: readonly { from: number; to: number; busyHours?: number }[],
  capacity: readonly number[],
): ResourceUse {
  const busyHours = hourStarts.map(() => 0);
  let outsideDay = 0;
  for (const span of spans) {
    let counted = false;
    hourStarts.forEach((start, index) => {
      const end = start + HOUR_MS;
      if (span.busyHours !== undefined) {
        if (span.from >= start && span.from < end) {
          busyHours[index] = (busyHours[index] ?? 0) + span.busyHours;
          counted = true;
        }
        return;
      }
      const overlap = Math.min(end, span.to) - Math.max(start, span.from);
      if (overlap > 0) {
        busyHours[index] = (busyHours[index] ?? 0) + overlap / HOUR_MS;
        counted = true;
      }
    });
    if (!counted) outsideDay++;
  }
  return {
    busyHours,
    capacity,
    use: busyHours.map((busy, index) => {
      const available = capacity[index] ?? 0;
      return available > 0 ? busy / available : busy > 0 ? null : 0;
    }),
    outsideDay,
  };
}

function tally(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const MEASURE_SOURCES: Readonly<Record<Measure, { label: string; from: string }>> = {
  arrivalToRelease: {
    label: 'arrival → release',
    from: 'RECORD_ARRIVAL (or the last CORRECT_ARRIVAL) occurredAt → RELEASE business time',
  },
  gateInToRelease: { label: 'gate-in → release', from: 'GATE_IN occurredAt → RELEASE business time' },
  gateInToExit: { label: 'gate-in → exit', from: 'GATE_IN occurredAt → RECORD_EXIT occurredAt' },
};

/** Every number the page shows, named once (the HTML and the comparison read these). */
function figuresOf(report: Omit<TwinReport, 'figures'>): Figure[] {
  const figures: Figure[] = [];
  const add = (name: string, label: string, value: number | null, unit: string, computedFrom: string) =>
    figures.push({ name, label, value, unit, computedFrom });
  for (const figure of report.clearance) {
    const source = MEASURE_SOURCES[figure.measure];
    const base = `${figure.flow.toLowerCase()}.${figure.measure}.${figure.group}`;
    // The mode stays out of the label: a comparison sets one run's mode against another's under the same name.
    const label = `${figure.flow} ${source.label} (${figure.group})`;
    const how = `${source.from}, per declaration; nearest-rank percentile over the ${figure.stats.count} that reached both`;
    add(`${base}.p50`, `${label}, p50`, figure.stats.p50, 'h', how);
    add(`${base}.p95`, `${label}, p95`, figure.stats.p95, 'h', how);
    add(`${base}.max`, `${label}, max`, figure.stats.max, 'h', how);
    add(`${base}.count`, `${label}, measured`, figure.stats.count, 'declarations', how);
    add(
      `${base}.unfinished`,
      `${label}, not finished`,
      figure.unfinished,
      'declarations',
      `${source.from}: start without end`,
    );
  }
  const { breaches } = report;
  add(
    'breaches.railArrivalToRelease',
    `rail arrival → release over ${breaches.railArrivalToRelease.slaHours} h`,
    breaches.railArrivalToRelease.count,
    'declarations',
    'RECORD_ARRIVAL → RELEASE over the SLA (one not released counts when the day ended past its deadline)',
  );
  add(
    'breaches.transshipment',
    `gauge change start → completion over ${breaches.transshipment.slaHours} h`,
    breaches.transshipment.count,
    'trains',
    'per train: the earliest transshipment IN_PROGRESS track entry → the latest COMPLETED one of its declarations',
  );
  add(
    'breaches.roadGateToExit',
    `road gate-in → exit over ${breaches.roadGateToExit.slaHours} h`,
    breaches.roadGateToExit.count,
    'trucks',
    'GATE_IN → RECORD_EXIT over the SLA (one not out counts when the day ended past its deadline)',
  );
  for (const [sla, count] of Object.entries(breaches.flaggedByWorkflows))
    add(
      `breaches.flagged.${sla}`,
      `flagged by the workflows: ${sla}`,
      count,
      'flags',
      'FLAG_SLA_BREACH entries with this details.sla (the SLA clocks in the workflows, from arrival)',
    );
  const queueSources: Readonly<Record<Exclude<keyof QueueSeries, 'at'>, [string, string]>> = {
    trainsAwaitingTransshipment: [
      'trains arrived, not transshipped',
      'per train: earliest RECORD_ARRIVAL → latest transshipment COMPLETED entry',
    ],
    trucksInYard: ['trucks in the yard', 'GATE_IN → RECORD_EXIT'],
    officerTasksOpen: [
      'officer tasks open',
      'an entry opening an officer task (details.officerTask) → the officer’s decision entry (details.decision)',
    ],
    awaitingRelease: ['declarations waiting for release', 'RECORD_ARRIVAL or GATE_IN → RELEASE'],
  };
  for (const [series, [label, how]] of Object.entries(queueSources) as [
    keyof typeof queueSources,
    [string, string],
  ][]) {
    const values = report.queues[series];
    add(
      `queues.${series}.peak`,
      `${label}, peak`,
      values.length === 0 ? null : Math.max(...values),
      'open',
      `${how}, sampled every ${QUEUE_STEP_MINUTES} min`,
    );
    add(
      `queues.${series}.end`,
      `${label}, at the end of the day`,
      values.at(-1) ?? null,
      'open',
      `${how}, last sample of the day`,
    );
  }
  const resourceSources: Readonly<Record<keyof TwinReport['resources'], [string, string]>> = {
    cranes: ['cranes', 'per train, transshipment IN_PROGRESS → COMPLETED, overlap with each hour, / cranes'],
    scanners: [
      'scanners',
      `RECORD_SCAN (road) and physical-inspection decisions (rail), each ${report.assumptions.scanMinutes} min before it (an assumption), / scanners`,
    ],
    officers: [
      'officers',
      `officer decision entries in the hour × ${report.assumptions.checkMinutes} min per document check or review, ${report.assumptions.inspectionMinutes} min per physical inspection (assumptions) / officers on duty`,
    ],
  };
  for (const [resource, [label, how]] of Object.entries(resourceSources) as [
    keyof TwinReport['resources'],
    [string, string],
  ][]) {
    const use = report.resources[resource].use.filter((value): value is number => value !== null);
    add(
      `resources.${resource}.peakUse`,
      `${label}: busiest hour's use`,
      use.length === 0 ? null : Math.max(...use),
      'share',
      how,
    );
    add(
      `resources.${resource}.meanUse`,
      `${label}: mean use over the day`,
      use.length === 0 ? null : use.reduce((a, b) => a + b, 0) / use.length,
      'share',
      how,
    );
    add(
      `resources.${resource}.outsideDay`,
      `${label}: events outside the day`,
      report.resources[resource].outsideDay,
      'events',
      how,
    );
  }
  add('counts.declarations', 'declarations', report.counts.declarations, 'declarations', 'the run record');
  for (const [status, count] of Object.entries(report.counts.byStatus))
    add(
      `counts.status.${status}`,
      `status ${status}`,
      count,
      'declarations',
      'the status the stack answered at the end',
    );
  for (const [channel, count] of Object.entries(report.counts.byChannel))
    add(
      `counts.channel.${channel}`,
      `channel ${channel}`,
      count,
      'declarations',
      'the risk channel the stack assigned (ASSIGN_RISK_CHANNEL)',
    );
  add(
    'skipped.entries',
    'history entries skipped',
    report.skipped.entries,
    'entries',
    'entries without a readable time or with a transition the report does not know',
  );
  return figures;
}

export interface FigureDifference {
  readonly name: string;
  readonly label: string;
  readonly unit: string;
  readonly a: number | null;
  readonly b: number | null;
  /** b − a, when both are known. */
  readonly difference: number | null;
}

export interface ReportComparison {
  readonly a: { readonly scenarioName: string; readonly freightHours: string; readonly cranes: number };
  readonly b: { readonly scenarioName: string; readonly freightHours: string; readonly cranes: number };
  /** What differs between the two scenarios' settings. */
  readonly settings: readonly { readonly setting: string; readonly a: string; readonly b: string }[];
  readonly figures: readonly FigureDifference[];
}

/** Two runs side by side: every figure either has, with b − a (24-hour vs daytime hours; one vs two cranes). */
export function compareReports(a: TwinReport, b: TwinReport): ReportComparison {
  const byName = (report: TwinReport) => new Map(report.figures.map((figure) => [figure.name, figure]));
  const figuresA = byName(a);
  const figuresB = byName(b);
  const names = [...new Set([...figuresA.keys(), ...figuresB.keys()])];
  const settings = [
    ['freight hours', a.freightHours, b.freightHours],
    ['cranes', String(a.capacities.cranes), String(b.capacities.cranes)],
    ['scanners', String(a.capacities.scanners), String(b.capacities.scanners)],
    ['gate lanes', String(a.capacities.gateLanes), String(b.capacities.gateLanes)],
    ['officers on duty (day total, officer-hours)', sum(a.capacities.officersByHour), sum(b.capacities.officersByHour)],
    ['seed', String(a.seed), String(b.seed)],
  ].map(([setting, valueA, valueB]) => ({ setting: String(setting), a: String(valueA), b: String(valueB) }));
  return {
    a: { scenarioName: a.scenarioName, freightHours: a.freightHours, cranes: a.capacities.cranes },
    b: { scenarioName: b.scenarioName, freightHours: b.freightHours, cranes: b.capacities.cranes },
    settings,
    figures: names.map((name) => {
      const inA = figuresA.get(name);
      const inB = figuresB.get(name);
      const valueA = inA?.value ?? null;
      const valueB = inB?.value ?? null;
      return {
        name,
        label: (inA ?? inB)?.label ?? name,
        unit: (inA ?? inB)?.unit ?? '',
        a: valueA,
        b: valueB,
        difference: valueA === null || valueB === null ? null : valueB - valueA,
      };
    }),
  };
}

const sum = (values: readonly number[]) => String(values.reduce((total, value) => total + value, 0));

/** Writes report.json (the reports, and their comparison when there are two) and report.html into outDir. */
export async function writeReport(
  outDir: string,
  runs: readonly TwinRunRecord[],
): Promise<{ json: string; html: string }> {
  const reports = runs.map((run) => reportOf(run));
  const [first, second] = reports;
  const comparison = reports.length === 2 && first && second ? compareReports(first, second) : undefined;
  await mkdir(outDir, { recursive: true });
  const json = join(outDir, 'report.json');
  const html = join(outDir, 'report.html');
  await writeFile(
    json,
    `${JSON.stringify({ reports, ...(comparison === undefined ? {} : { comparison }) }, null, 2)}\n`,
  );
  await writeFile(html, renderHtml(reports, comparison));
  return { json, html };
}
