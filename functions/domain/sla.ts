/**
 * The port's promises, measured from business event times (when the train arrived, when the terminal finished),
 * never from when the system happened to hear of them: import release within 16 hours of the train's arrival,
 * and the gauge change within 2 hours of it. Both are configuration; these are the port's published figures.
 */
export const SLAS = {
  TRANSSHIPMENT: { from: 'arrival', defaultHours: 2, meaning: 'gauge change done within its time from arrival' },
  RELEASE: { from: 'arrival', defaultHours: 16, meaning: 'import released within its time from arrival' },
} as const;
export type SlaName = keyof typeof SLAS;
export const SLA_NAMES = Object.keys(SLAS) as SlaName[];

export function isSlaName(candidate: unknown): candidate is SlaName {
  return typeof candidate === 'string' && Object.hasOwn(SLAS, candidate);
}

export type SlaPolicy = Readonly<Record<SlaName, { readonly hours: number }>>;

export const DEFAULT_SLA_POLICY: SlaPolicy = {
  TRANSSHIPMENT: { hours: SLAS.TRANSSHIPMENT.defaultHours },
  RELEASE: { hours: SLAS.RELEASE.defaultHours },
};

/** Share of an SLA's time after which a task counts as close to breaching (shown in the officer's queue). */
export const APPROACHING_SHARE = 0.8;

export interface SlaClock {
  readonly sla: SlaName;
  readonly startedAt: string;
  readonly dueAt: string;
  /** Whole seconds from `now` to the deadline, at least 1: what a wait's timeout is set to. */
  readonly secondsLeft: number;
}

/** The deadlines a declaration runs against from its train's arrival (business time). */
export function slaClocksFromArrival(arrivedAt: string, now: Date, policy: SlaPolicy): Record<SlaName, SlaClock> {
  const start = Date.parse(arrivedAt);
  const clock = (sla: SlaName): SlaClock => {
    const due = start + policy[sla].hours * 3_600_000;
    return {
      sla,
      startedAt: new Date(start).toISOString(),
      dueAt: new Date(due).toISOString(),
      // A wait's timeout must be at least a second: a deadline already past fires at once.
      secondsLeft: Math.max(1, Math.ceil((due - now.getTime()) / 1000)),
    };
  };
  return { TRANSSHIPMENT: clock('TRANSSHIPMENT'), RELEASE: clock('RELEASE') };
}

/** Whether something that happened at `occurredAt` (business time) missed the clock's deadline. */
export function isBreached(clock: Pick<SlaClock, 'dueAt'>, occurredAt: string): boolean {
  return Date.parse(occurredAt) > Date.parse(clock.dueAt);
}

export type SlaState = 'OK' | 'APPROACHING' | 'BREACHED';

/** Where a deadline stands at `now`: what the officer's queue shows next to each task. */
export function slaStateAt(
  clock: Pick<SlaClock, 'startedAt' | 'dueAt'>,
  now: Date,
  share = APPROACHING_SHARE,
): SlaState {
  const start = Date.parse(clock.startedAt);
  const due = Date.parse(clock.dueAt);
  const at = now.getTime();
  if (at > due) return 'BREACHED';
  return at >= start + (due - start) * share ? 'APPROACHING' : 'OK';
}

/** Reads an SLA policy from hours given as configuration (environment variables), falling back to the defaults. */
export function slaPolicyFrom(hours: Partial<Record<SlaName, string | undefined>>): SlaPolicy {
  const read = (sla: SlaName) => {
    const value = Number(hours[sla] ?? SLAS[sla].defaultHours);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`SLA ${sla}: ${hours[sla]} is not a number of hours`);
    return { hours: value };
  };
  return { TRANSSHIPMENT: read('TRANSSHIPMENT'), RELEASE: read('RELEASE') };
}
