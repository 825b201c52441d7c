import { DECLARATION_TYPE_NAMES, DECLARATION_TYPES, type DeclarationType } from './declaration-types/registry.ts';
import type { DeclarationStatus } from './lifecycle.ts';
import type { Role } from './roles.ts';
import { APPROACHING_SHARE, type SlaState, slaStateAt } from './sla.ts';

/**
 * The port's board: every broker's declarations as officers, the port operator and the railway follow them, with
 * the clock each one runs against. A train's declaration runs against the release SLA from its arrival (16 h,
 * the workflow's own clock, facts.sla.RELEASE); a truck against a clearance target from its gate-in.
 */
export type TransportMode = 'RAIL' | 'ROAD';
export const TRANSPORT_MODES: readonly TransportMode[] = ['RAIL', 'ROAD'];

/**
 * A truck's target from gate-in to release. Not an SLA the road workflow enforces, a figure the board measures
 * against: the national average export clearance of 2022 was 1 h (DOMAIN.md [22]); the port publishes none.
 */
export const ROAD_RELEASE_TARGET_HOURS = 1;

export type BoardClockName = 'RELEASE' | 'ROAD_RELEASE';

export interface BoardClock {
  readonly name: BoardClockName;
  readonly startedAt: string;
  readonly dueAt: string;
  /** Where it stands: for a released declaration, whether its release (business time) met the deadline. */
  readonly state: SlaState;
}

/** What the board reads of a declaration's head: its type, status and the facts its workflow recorded. */
export interface BoardHead {
  readonly declarationType: DeclarationType;
  readonly status: DeclarationStatus;
  readonly facts: Readonly<Record<string, unknown>>;
}

export function modeOf(type: DeclarationType): TransportMode {
  return DECLARATION_TYPES[type].mode;
}

/**
 * The types a caller in these roles may follow on the board, narrowed to a mode or a type when asked: those of
 * which one of the roles sees at least the transport part (the railway sees no truck).
 */
export function boardTypesFor(
  roles: readonly Role[],
  filter: { readonly mode?: TransportMode; readonly declarationType?: DeclarationType } = {},
): DeclarationType[] {
  return DECLARATION_TYPE_NAMES.filter(
    (type) =>
      (filter.mode === undefined || modeOf(type) === filter.mode) &&
      (filter.declarationType === undefined || filter.declarationType === type) &&
      roles.some((role) => role !== 'broker' && DECLARATION_TYPES[type].visibility[role] !== 'none'),
  );
}

const timeOf = (fact: unknown): string | undefined => {
  const occurredAt = (fact as { occurredAt?: unknown } | undefined)?.occurredAt;
  return typeof occurredAt === 'string' ? occurredAt : undefined;
};

/** When the goods reached the port (business time): a train's arrival, a truck's gate-in. */
export function arrivedAtOf(head: BoardHead): string | undefined {
  return timeOf(modeOf(head.declarationType) === 'RAIL' ? head.facts.arrival : head.facts.gateIn);
}

/** When the declaration was released (business time), once it was. */
export function releasedAtOf(head: BoardHead): string | undefined {
  return typeof head.facts.releasedAt === 'string' ? head.facts.releasedAt : undefined;
}

const HOUR_MS = 3_600_000;
const NOT_RUNNING: readonly DeclarationStatus[] = ['REJECTED', 'CANCELLED'];

/**
 * The clock a declaration runs against, from the moment its goods reached the port; none before that, nor for
 * a declaration rejected or cancelled before its release.
 */
export function boardClockOf(head: BoardHead, now: Date, share = APPROACHING_SHARE): BoardClock | undefined {
  const released = releasedAtOf(head);
  if (released === undefined && NOT_RUNNING.includes(head.status)) return undefined;
  const bounds = clockBoundsOf(head);
  if (bounds === undefined) return undefined;
  const state: SlaState =
    released === undefined
      ? slaStateAt(bounds, now, share)
      : Date.parse(released) > Date.parse(bounds.dueAt)
        ? 'BREACHED'
        : 'OK';
  return { ...bounds, state };
}

function clockBoundsOf(head: BoardHead): Omit<BoardClock, 'state'> | undefined {
  if (modeOf(head.declarationType) === 'RAIL') {
    // The workflow's own release clock: its deadline follows a corrected arrival and a configured SLA.
    const clock = (head.facts.sla as { RELEASE?: { startedAt?: unknown; dueAt?: unknown } } | undefined)?.RELEASE;
    if (typeof clock?.startedAt !== 'string' || typeof clock.dueAt !== 'string') return undefined;
    return { name: 'RELEASE', startedAt: clock.startedAt, dueAt: clock.dueAt };
  }
  const gatedIn = timeOf(head.facts.gateIn);
  if (gatedIn === undefined) return undefined;
  const start = Date.parse(gatedIn);
  return {
    name: 'ROAD_RELEASE',
    startedAt: new Date(start).toISOString(),
    dueAt: new Date(start + ROAD_RELEASE_TARGET_HOURS * HOUR_MS).toISOString(),
  };
}
