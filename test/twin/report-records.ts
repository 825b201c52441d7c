import type { HistoryEntry } from '#domain/schemas/history-entry.ts';
import type { Channel, DeclarationRecord, TwinRunRecord } from '#twin/run-record.ts';

/**
 * Hand-built run records for the report's tests: histories shaped as the stack answers them (seen on the local
 * stack: reported entries carry the event's time, workflow steps are stamped when recorded, and the twin records
 * a simulated day later than it happened, at WALL).
 */
export const WALL = '2026-11-22T03:00:00.000Z';
export const DAY = '2026-11-20';
/** A local time on the simulated day (Beijing time); hours past 24 run into the next day. */
export const at = (hours: number, day = DAY) =>
  new Date(Date.parse(`${day}T00:00:00+08:00`) + hours * 3_600_000).toISOString();

type Actor = HistoryEntry['actor'];
const actors = {
  broker: { kind: 'broker', id: 'local-broker-BRK-TWIN' },
  system: { kind: 'system', id: 'workflow' },
  railway: { kind: 'railway', id: 'local-railway-port' },
  port: { kind: 'port-operator', id: 'local-port-operator-port' },
  officer: { kind: 'officer', id: 'local-officer' },
} as const satisfies Record<string, Actor>;

class History {
  readonly entries: HistoryEntry[] = [];
  private status = 'RECEIVED';

  /** A workflow step or a broker's act, stamped when it was recorded (wall time). */
  stamped(
    transition: string,
    status: string,
    actor: Actor = actors.system,
    details?: Record<string, unknown>,
    lagSeconds = 0,
  ) {
    return this.push(transition, status, actor, new Date(Date.parse(WALL) - lagSeconds * 1000).toISOString(), details);
  }

  /** An event reported at the port, or a step stamped with an event's time: its business time. */
  reported(transition: string, status: string, occurredAt: string, actor: Actor, details?: Record<string, unknown>) {
    return this.push(transition, status, actor, occurredAt, details);
  }

  track(transition: string, track: string, trackState: string, occurredAt: string, actor: Actor) {
    this.push(transition, this.status, actor, occurredAt);
    Object.assign(this.entries.at(-1) ?? {}, { track, trackState });
    return this;
  }

  private push(
    transition: string,
    status: string,
    actor: Actor,
    occurredAt: string,
    details?: Record<string, unknown>,
  ) {
    this.entries.push({
      version: this.entries.length + 1,
      status: status as HistoryEntry['status'],
      ...(this.entries.length === 0 ? {} : { previousStatus: this.status as HistoryEntry['status'] }),
      transition: transition as HistoryEntry['transition'],
      actor,
      occurredAt,
      recordedAt: WALL,
      reason: transition.toLowerCase(),
      ...(details === undefined ? {} : { details }),
    });
    this.status = status;
    return this;
  }
}

export interface TruckPlan {
  readonly id: string;
  readonly channel?: Channel;
  readonly gateIn: string;
  /** When the stack released it; `stamped` when the workflow stamped the release at recording (after a review). */
  readonly release?: string | 'stamped';
  readonly decidedAt?: string;
  readonly scannedAt?: string;
  readonly exit?: string;
}

export function truck(plan: TruckPlan): DeclarationRecord {
  const channel = plan.channel ?? 'GREEN';
  const history = new History()
    .stamped('FILE', 'RECEIVED', actors.broker)
    .stamped('ASSIGN_RISK_CHANNEL', 'RISK_ASSESSED', actors.system, { channel })
    .stamped('BOOK_SLOT', 'RISK_ASSESSED', actors.broker)
    .stamped('CONFIRM_BOOKING', 'SLOT_BOOKED', actors.broker)
    .reported('GATE_IN', 'GATED_IN', plan.gateIn, actors.port, { clearanceFrom: plan.gateIn });
  if (plan.decidedAt !== undefined)
    history
      .stamped('ESCALATE_TO_MANUAL_REVIEW', 'MANUAL_REVIEW', actors.system, { officerTask: 'MANUAL_REVIEW' })
      .reported('RESUME', 'GATED_IN', plan.decidedAt, actors.officer, {
        decision: 'APPROVE',
        officerTask: 'MANUAL_REVIEW',
      });
  if (plan.scannedAt !== undefined)
    history.reported('RECORD_SCAN', 'GATED_IN', plan.scannedAt, actors.port, { scanResult: 'CLEAR' });
  let status = 'GATED_IN';
  if (plan.release !== undefined) {
    if (plan.release === 'stamped') history.stamped('SECURE_DUTIES', 'DUTIES_SECURED').stamped('RELEASE', 'RELEASED');
    else
      history
        .reported('SECURE_DUTIES', 'DUTIES_SECURED', plan.release, actors.system)
        .reported('RELEASE', 'RELEASED', plan.release, actors.system);
    status = 'RELEASED';
  }
  if (plan.exit !== undefined) {
    history.reported('RECORD_EXIT', 'EXITED', plan.exit, actors.port).stamped('CLOSE', 'CLOSED');
    status = 'CLOSED';
  }
  return {
    id: plan.id,
    flow: 'ROAD',
    declarationType: 'ROAD_EXPORT',
    status,
    channel,
    plate: `XJ${plan.id}`,
    laneType: 'FREIGHT',
    history: history.entries,
  };
}

export interface RailPlan {
  readonly id: string;
  readonly train: string;
  readonly channel?: Channel;
  readonly clearanceAt?: string;
  readonly arrival: string;
  readonly transshipment?: { readonly started: string; readonly completed?: string };
  /** Yellow: the officer's decision (its business time, decidedAt). */
  readonly decidedAt?: string;
  /** Whether the workflow released it (stamped at recording, as the rail workflow does). */
  readonly released?: boolean;
  /** Seconds between the release step reading the clock and its entry being written (a loaded stack). */
  readonly releaseLagSeconds?: number;
}

export function railDeclaration(plan: RailPlan): DeclarationRecord {
  const channel = plan.channel ?? 'GREEN';
  const history = new History()
    .stamped('FILE', 'RECEIVED', actors.broker)
    .stamped('MATCH_MANIFEST', 'MANIFEST_MATCHED', actors.system, { train: plan.train })
    .stamped('ASSIGN_RISK_CHANNEL', 'RISK_ASSESSED', actors.system, { channel })
    .stamped('AWAIT_ARRIVAL', 'AWAITING_ARRIVAL')
    .reported('RECORD_ARRIVAL', 'ARRIVED', plan.arrival, actors.railway);
  if (plan.decidedAt !== undefined)
    history.stamped('OPEN_DOCUMENT_REVIEW', 'ARRIVED', actors.system, { officerTask: 'DOCUMENT_REVIEW' });
  if (plan.transshipment !== undefined) {
    history.track('START_TRANSSHIPMENT', 'transshipment', 'IN_PROGRESS', plan.transshipment.started, actors.port);
    if (plan.transshipment.completed !== undefined)
      history.track('COMPLETE_TRANSSHIPMENT', 'transshipment', 'COMPLETED', plan.transshipment.completed, actors.port);
  }
  if (plan.decidedAt !== undefined)
    history.reported('PASS_INSPECTION', 'ARRIVED', plan.decidedAt, actors.officer, {
      decision: 'APPROVE',
      officerTask: 'DOCUMENT_REVIEW',
    });
  if (plan.released === true)
    history
      .stamped('SECURE_DUTIES', 'DUTIES_SECURED')
      .stamped('RELEASE', 'RELEASED', actors.system, undefined, plan.releaseLagSeconds);
  return {
    id: plan.id,
    flow: 'RAIL',
    declarationType: 'RAIL_IMPORT',
    status: plan.released === true ? 'RELEASED' : 'ARRIVED',
    channel,
    trainKey: plan.train,
    ...(plan.clearanceAt === undefined ? {} : { clearanceAt: plan.clearanceAt }),
    history: history.entries,
  };
}

export function runRecord(
  declarations: readonly DeclarationRecord[],
  overrides: Partial<Omit<TwinRunRecord, 'declarations'>> = {},
): TwinRunRecord {
  return {
    scenarioName: 'peak-day',
    scenario: { serviceMinutes: { scan: 20, documentCheck: 30 } },
    seed: 42,
    day: DAY,
    timeZone: 'Asia/Shanghai',
    freightHours: 'ROUND_THE_CLOCK',
    capacities: { cranes: 1, scanners: 2, gateLanes: 8, officersByHour: Array.from({ length: 24 }, () => 2) },
    sla: { railArrivalToRelease: 16, transshipment: 2, roadGateToExit: 6 },
    target: 'http://127.0.0.1:3999',
    wall: { startedAt: WALL, seconds: 20, requests: 400 },
    ...overrides,
    declarations,
  };
}
