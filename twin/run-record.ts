import type { HistoryEntry } from '#domain/schemas/history-entry.ts';

/**
 * What one run of the port's digital twin leaves behind (issue 8): the scenario it ran and, for every declaration
 * it drove, the declaration's history exactly as the stack answers `GET /v1/declarations/{id}`. The report reads
 * nothing else, so every figure on it comes from the workflows' own records, not from the simulation that drove
 * them. The driver (twin/driver) writes it; the report (twin/report) reads it.
 */
export type Flow = 'RAIL' | 'ROAD';
export type Channel = 'GREEN' | 'YELLOW' | 'RED';

export interface DeclarationRecord {
  readonly id: string;
  /** The twin's own name for it in the simulated day's plan (`R<train>-<n>`, `T<n>`): the same in every run of a seed. */
  readonly key?: string;
  readonly flow: Flow;
  /** RAIL_IMPORT, ROAD_EXPORT, ROAD_IMPORT, … as filed. */
  readonly declarationType: string;
  /** The status the stack answered at the end of the run. */
  readonly status: string;
  /** The risk channel the stack assigned (its facts), when it got that far. */
  readonly channel?: Channel;
  /** Rail: where it is cleared (the filing's `clearance.at`: PORT or INLAND); the report groups rail by it. */
  readonly clearanceAt?: string;
  /** Rail: the train it came on, `<number>@<date>`. */
  readonly trainKey?: string;
  /** Road: the truck's plate, and its lane (FREIGHT or VEHICLE_CARRIER). */
  readonly plate?: string;
  readonly laneType?: string;
  /** Whether its goods are agricultural (the scenario's share; the priority green channel). */
  readonly agricultural?: boolean;
  /** The declaration's history, as the stack answered it: business time in `occurredAt`. */
  readonly history: readonly HistoryEntry[];
}

/** Capacities the report sets the use of each resource against (from the scenario). */
export interface ResourceCapacities {
  readonly cranes: number;
  readonly scanners: number;
  readonly gateLanes: number;
  /** Officers on duty per local hour of the day (index 0–23). */
  readonly officersByHour: readonly number[];
}

export interface TwinRunRecord {
  /** The scenario's name, e.g. `peak-day` or `daytime-hours`. */
  readonly scenarioName: string;
  /** The scenario as run, defaults filled in (JSON). */
  readonly scenario: Readonly<Record<string, unknown>>;
  readonly seed: number;
  /** The simulated day: the port's local date and time zone. */
  readonly day: string;
  readonly timeZone: string;
  /** ROUND_THE_CLOCK or DAYTIME: the road port's freight hours in this run. */
  readonly freightHours: string;
  readonly capacities: ResourceCapacities;
  /** Service-level targets, in hours. */
  readonly sla: {
    readonly railArrivalToRelease: number;
    readonly transshipment: number;
    readonly roadGateToExit: number;
  };
  /** Where it ran: the API's base URL. */
  readonly target: string;
  /** Wall-clock figures of the run (not simulated outcomes: they differ between runs of the same seed). */
  readonly wall: { readonly startedAt: string; readonly seconds: number; readonly requests: number };
  readonly declarations: readonly DeclarationRecord[];
}
