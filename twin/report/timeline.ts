import type { HistoryEntry } from '#domain/schemas/history-entry.ts';
import type { DeclarationRecord } from '../run-record.ts';

/**
 * One declaration's history read as business times (issue 8, the twin's report). The stack stamps what someone at
 * the port reported (an arrival, a gauge change, a gate-in, a scan, an officer's decision) with that event's own
 * time; a step the workflow took by itself (duties secured, released) is stamped when it was recorded. In a twin
 * that drives a simulated day faster than it passes, the recording time is wall-clock time, so such a step is read
 * as happening as soon as the port's events before it allowed: at the latest business time recorded since the
 * goods' clock started (arrival or gate-in). A workflow step that does carry a business time of its own (a release
 * at the latest of what cleared the goods, a gate-in cleared from the opening hour) keeps it.
 */

/** Actors whose entries carry the business time of the event they reported. */
const REPORTING_ACTORS: ReadonlySet<string> = new Set(['railway', 'port-operator', 'officer']);
/**
 * How far a workflow step's occurredAt must lie from its recordedAt to count as an event's business time: a step
 * stamped with the clock may be written a few seconds after it read the clock on a loaded stack, and a business
 * time within a minute of its recording changes a figure by less than that minute.
 */
const STAMP_TOLERANCE_MS = 60_000;
/** Entries that start a declaration's clearance clock: what is recorded before them does not hold the goods back. */
const CLOCK_STARTS: ReadonlySet<string> = new Set(['RECORD_ARRIVAL', 'CORRECT_ARRIVAL', 'GATE_IN']);

export interface TimedEntry {
  readonly entry: HistoryEntry;
  /** Business time, epoch milliseconds. */
  readonly at: number;
  /** Whether the entry carries its own business time (false: read from the entries before it). */
  readonly ownTime: boolean;
}

/** A moment in a declaration's history: when, and which entry says so (for the report's traceability). */
export interface Moment {
  readonly at: number;
  readonly version: number;
  readonly transition: string;
}

/** An officer's decision: when, which entry, and the task it answered (details.officerTask). */
export interface Decision extends Moment {
  readonly officerTask?: string;
}

export interface OfficerTask {
  readonly kind: string;
  readonly opened: Moment;
  readonly decided?: Moment;
}

export interface DeclarationTimeline {
  readonly record: DeclarationRecord;
  readonly trainKey?: string;
  /** Rail: the arrival (a corrected arrival re-stamps it). */
  readonly arrival?: Moment;
  readonly gateIn?: Moment;
  readonly release?: Moment;
  readonly exit?: Moment;
  readonly transshipmentStarted?: Moment;
  readonly transshipmentCompleted?: Moment;
  readonly officerTasks: readonly OfficerTask[];
  /** Officer decisions (each a task closed). */
  readonly decisions: readonly Decision[];
  /** Scans ended: a road truck's RECORD_SCAN, a rail declaration's physical inspection decided. */
  readonly scans: readonly Moment[];
  /** The workflows' own SLA flags (FLAG_SLA_BREACH), by SLA name. */
  readonly slaFlags: readonly string[];
  /** Entries skipped, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
}

export function timelineOf(record: DeclarationRecord, knownTransitions: ReadonlySet<string>): DeclarationTimeline {
  const skipped: Record<string, number> = {};
  const skip = (reason: string) => {
    skipped[reason] = (skipped[reason] ?? 0) + 1;
  };
  const timed: TimedEntry[] = [];
  let latestBusiness: number | undefined;
  for (const entry of Array.isArray(record.history) ? record.history : []) {
    const at = typeof entry?.occurredAt === 'string' ? Date.parse(entry.occurredAt) : Number.NaN;
    if (Number.isNaN(at) || typeof entry.transition !== 'string') {
      skip('an entry without a readable transition or occurredAt');
      continue;
    }
    if (!knownTransitions.has(entry.transition)) {
      skip(`unknown transition ${entry.transition}`);
      continue;
    }
    const recordedAt = typeof entry.recordedAt === 'string' ? Date.parse(entry.recordedAt) : Number.NaN;
    const actor = String(entry.actor?.kind ?? '');
    const ownTime =
      REPORTING_ACTORS.has(actor) ||
      (actor !== 'broker' && !Number.isNaN(recordedAt) && Math.abs(recordedAt - at) > STAMP_TOLERANCE_MS);
    const effective = ownTime || latestBusiness === undefined ? at : latestBusiness;
    if (CLOCK_STARTS.has(entry.transition)) latestBusiness = effective;
    else if (ownTime) latestBusiness = Math.max(latestBusiness ?? effective, effective);
    timed.push({ entry, at: effective, ownTime });
  }

  const momentOf = ({ entry, at }: TimedEntry): Moment => ({
    at,
    version: entry.version,
    transition: entry.transition,
  });
  const first = (matches: (entry: HistoryEntry) => boolean) => {
    const found = timed.find(({ entry }) => matches(entry));
    return found === undefined ? undefined : momentOf(found);
  };
  const last = (matches: (entry: HistoryEntry) => boolean) => {
    const found = timed.findLast(({ entry }) => matches(entry));
    return found === undefined ? undefined : momentOf(found);
  };

  const officerTasks: { kind: string; opened: Moment; decided?: Moment }[] = [];
  const decisions: Decision[] = [];
  const scans: Moment[] = [];
  const slaFlags: string[] = [];
  for (const item of timed) {
    const { entry } = item;
    const details = entry.details ?? {};
    if (entry.actor?.kind === 'officer' && typeof details.decision === 'string') {
      const moment = momentOf(item);
      decisions.push(
        typeof details.officerTask === 'string' ? { ...moment, officerTask: details.officerTask } : moment,
      );
      // A decision closes the task it answers: the oldest one still open.
      const open = officerTasks.find((task) => task.decided === undefined);
      if (open !== undefined) open.decided = moment;
      if (details.officerTask === 'PHYSICAL_INSPECTION') scans.push(moment);
    } else if (typeof details.officerTask === 'string') {
      officerTasks.push({ kind: details.officerTask, opened: momentOf(item) });
    }
    if (entry.transition === 'RECORD_SCAN') scans.push(momentOf(item));
    if (entry.transition === 'FLAG_SLA_BREACH') slaFlags.push(String(details.sla ?? 'UNNAMED'));
  }

  const trainKey = record.trainKey ?? trainKeyOf(timed);
  return {
    record,
    ...(trainKey === undefined ? {} : { trainKey }),
    ...defined(
      'arrival',
      last((entry) => entry.transition === 'RECORD_ARRIVAL' || entry.transition === 'CORRECT_ARRIVAL'),
    ),
    ...defined(
      'gateIn',
      first((entry) => entry.transition === 'GATE_IN'),
    ),
    ...defined(
      'release',
      first((entry) => entry.transition === 'RELEASE'),
    ),
    ...defined(
      'exit',
      first((entry) => entry.transition === 'RECORD_EXIT'),
    ),
    ...defined(
      'transshipmentStarted',
      first((entry) => entry.track === 'transshipment' && entry.trackState === 'IN_PROGRESS'),
    ),
    ...defined(
      'transshipmentCompleted',
      first((entry) => entry.track === 'transshipment' && entry.trackState === 'COMPLETED'),
    ),
    officerTasks,
    decisions,
    scans,
    slaFlags,
    skipped,
  };
}

function defined<K extends string>(key: K, moment: Moment | undefined): { [P in K]?: Moment } {
  return (moment === undefined ? {} : { [key]: moment }) as { [P in K]?: Moment };
}

/** The train a rail declaration came on, `<number>@<date>`, as its matching or its arrival entry names it. */
function trainKeyOf(timed: readonly TimedEntry[]): string | undefined {
  for (const { entry } of timed) {
    const details = entry.details ?? {};
    if (typeof details.train === 'string') return details.train;
    if (typeof details.trainNumber === 'string' && typeof details.trainDate === 'string')
      return `${details.trainNumber}@${details.trainDate}`;
  }
  return undefined;
}
