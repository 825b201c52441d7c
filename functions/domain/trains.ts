import { createHash } from 'node:crypto';
import type { Actor } from './actors.ts';
import { isInTheFuture } from './clock-skew.ts';
import type { RuleViolation } from './document-parts.ts';
import { WORKFLOW_ERRORS } from './errors.ts';
import type { TrainManifest } from './schemas/train-manifest.ts';
import type { TrainRef } from './schemas/train-ref.ts';

export type { TrainManifest, TrainRef };

/**
 * The one string a train is known by in keys, waits and logs: number and date, e.g. "X8001@2026-11-21".
 * "@" appears in neither part (see TRAIN_NUMBER_PATTERN and the date format), so the key parses back.
 */
export function trainKeyOf(train: TrainRef): string {
  return `${train.trainNumber}@${train.trainDate}`;
}

/**
 * Where a train is in the port (stages R1, R4, R6, R7). Only the manifest's filing is decided here so far; the
 * arrival and the terminal's events move a train on. `manifestCorrectable` is the one place that says until when
 * the railway may correct what it filed.
 */
export const TRAIN_STATUSES = {
  MANIFEST_FILED: {
    meaning: 'The manifest is on file; the railway may correct it until arrival',
    manifestCorrectable: true,
  },
  ARRIVED: { meaning: 'The train has arrived at the port', manifestCorrectable: false },
  TRANSSHIPMENT_STARTED: { meaning: 'The gauge change has started', manifestCorrectable: false },
  TRANSSHIPMENT_COMPLETED: { meaning: 'The gauge change is complete', manifestCorrectable: false },
  WRITTEN_OFF: { meaning: 'Every line of the manifest is accounted for', manifestCorrectable: false },
} as const satisfies Record<string, { meaning: string; manifestCorrectable: boolean }>;

export type TrainStatus = keyof typeof TRAIN_STATUSES;
export const TRAIN_STATUS_NAMES = Object.keys(TRAIN_STATUSES) as TrainStatus[];

export function mayCorrectManifest(status: TrainStatus): boolean {
  return TRAIN_STATUSES[status].manifestCorrectable;
}

/** A train's head: what every read and every decision about the train needs, without the manifest itself. */
export interface TrainHead {
  readonly trainNumber: string;
  readonly trainDate: string;
  readonly status: TrainStatus;
  /** One more per change of the head (a manifest version, a status change): the guard of every write. */
  readonly version: number;
  /** 1 as first filed, one more per correction; what an ETag and If-Match carry. */
  readonly manifestVersion: number;
  /** The current manifest's content digest: filing the same content again is recognised without reading it. */
  readonly manifestDigest: string;
  /** From the current manifest, for events that must not precede the departure. */
  readonly departedAt: string;
  /** When the first manifest was filed. */
  readonly filedAt: string;
  readonly updatedAt: string;
  /** Facts the port reports about the train (arrival, transshipment), kept for queries and views. */
  readonly facts: Readonly<Record<string, unknown>>;
}

/** One version of a train's manifest, as filed; every version is kept. */
export interface ManifestVersion {
  readonly version: number;
  readonly filedAt: string;
  readonly filedBy: Actor;
  readonly digest: string;
  readonly manifest: TrainManifest;
}

/** A write of the train's head moved on between read and write; the name is the one workflow steps retry on. */
export class TrainVersionConflictError extends Error {
  constructor(trainKey: string, expectedVersion: number) {
    super(`train ${trainKey} is no longer at version ${expectedVersion}`);
    this.name = WORKFLOW_ERRORS.versionConflict;
  }
}

/** JSON with object keys sorted, so that two clients sending the same manifest in another key order agree. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, child]) => child !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The manifest's content digest. Wagon order is content: it is the train's make-up. */
export function manifestDigestOf(manifest: TrainManifest): string {
  return createHash('sha256').update(canonicalJson(manifest)).digest('base64url');
}

const HOUR_MS = 3_600_000;

/**
 * What a schema cannot say about a manifest: a wagon or a container listed twice (named at its second listing),
 * a waybill listed twice among a wagon's loose goods, and a departure that is in the future or not on the train's
 * date anywhere on Earth (UTC−12 to UTC+14: the railway may write its local time or UTC).
 */
export function manifestViolations(train: TrainRef, manifest: TrainManifest, now: Date): RuleViolation[] {
  const violations: RuleViolation[] = [];
  const departedAt = Date.parse(manifest.departedAt);
  const dayStarts = Date.parse(`${train.trainDate}T00:00:00Z`);
  if (departedAt < dayStarts - 14 * HOUR_MS || departedAt >= dayStarts + 24 * HOUR_MS + 12 * HOUR_MS) {
    violations.push({
      pointer: '/departedAt',
      rule: 'departed-on-train-date',
      detail: `the train's date is ${train.trainDate}; ${manifest.departedAt} is not on that date in any time zone`,
    });
  }
  if (isInTheFuture(departedAt, now)) {
    violations.push({
      pointer: '/departedAt',
      rule: 'departed-in-past',
      detail: `${manifest.departedAt} is in the future: file the manifest once the train has left`,
    });
  }
  const wagonAt = new Map<string, number>();
  const containerAt = new Map<string, string>();
  manifest.wagons.forEach((wagon, w) => {
    const earlierWagon = wagonAt.get(wagon.number);
    if (earlierWagon !== undefined) {
      violations.push({
        pointer: `/wagons/${w}/number`,
        rule: 'unique-wagon',
        detail: `wagon ${wagon.number} is already listed at /wagons/${earlierWagon}`,
      });
    } else {
      wagonAt.set(wagon.number, w);
    }
    (wagon.containers ?? []).forEach((container, c) => {
      const pointer = `/wagons/${w}/containers/${c}/number`;
      const earlier = containerAt.get(container.number);
      if (earlier !== undefined) {
        violations.push({
          pointer,
          rule: 'unique-container',
          detail: `container ${container.number} is already listed at ${earlier}`,
        });
      } else {
        containerAt.set(container.number, pointer);
      }
    });
    const looseWaybills = new Set<string>();
    (wagon.waybillNumbers ?? []).forEach((waybillNumber, b) => {
      if (looseWaybills.has(waybillNumber)) {
        violations.push({
          pointer: `/wagons/${w}/waybillNumbers/${b}`,
          rule: 'unique-waybill',
          detail: `waybill ${waybillNumber} is already listed for wagon ${wagon.number}`,
        });
      }
      looseWaybills.add(waybillNumber);
    });
  });
  return violations;
}

/** What the manifest says travels under one through waybill. */
export interface ManifestLine {
  readonly waybillNumber: string;
  /** Its containers, in manifest order. */
  readonly containers: readonly string[];
  /** Every wagon carrying any of it, in container or not, in manifest order. */
  readonly wagons: readonly string[];
  /** The wagons carrying some of it without a container. */
  readonly wagonsWithoutContainer: readonly string[];
}

/** The manifest by waybill, in the order waybills first appear (the unit a declaration is filed and written off by). */
export function manifestLinesOf(manifest: TrainManifest): ManifestLine[] {
  const lines = new Map<string, { containers: string[]; wagons: string[]; wagonsWithoutContainer: string[] }>();
  const lineOf = (waybillNumber: string) => {
    let line = lines.get(waybillNumber);
    if (line === undefined) {
      line = { containers: [], wagons: [], wagonsWithoutContainer: [] };
      lines.set(waybillNumber, line);
    }
    return line;
  };
  const addOnce = (list: string[], item: string) => {
    if (!list.includes(item)) list.push(item);
  };
  for (const wagon of manifest.wagons) {
    for (const container of wagon.containers ?? []) {
      const line = lineOf(container.waybillNumber);
      addOnce(line.containers, container.number);
      addOnce(line.wagons, wagon.number);
    }
    for (const waybillNumber of wagon.waybillNumbers ?? []) {
      const line = lineOf(waybillNumber);
      addOnce(line.wagons, wagon.number);
      addOnce(line.wagonsWithoutContainer, wagon.number);
    }
  }
  return [...lines].map(([waybillNumber, line]) => ({ waybillNumber, ...line }));
}

/** What a rail declaration says it carries on the train. */
export interface DeclaredConsignment {
  readonly waybillNumber: string;
  readonly containers: readonly string[];
  readonly wagons: readonly string[];
}

/**
 * One difference between a declaration and the manifest, for the broker to fix. `field` is a JSON Pointer into the
 * declared consignment: `/waybillNumber`, `/containers/<i>` or `/wagons/<i>` for something declared, `/containers`
 * or `/wagons` for something the declaration leaves out.
 */
export interface MismatchLine {
  readonly field: string;
  readonly rule: string;
  readonly detail: string;
}

export type ManifestMatch =
  | { readonly kind: 'matched' }
  | { readonly kind: 'mismatch'; readonly lines: MismatchLine[] };

/**
 * Matches a rail declaration against its train's manifest, by waybill and containers (issue 6, point 3). Wagons
 * carrying the waybill's containers need not be declared: the container is what is declared, and the gauge change
 * moves it to another wagon anyway. Goods loaded without a container are declared by their wagon.
 */
export function matchAgainstManifest(manifest: TrainManifest, declared: DeclaredConsignment): ManifestMatch {
  const lines = manifestLinesOf(manifest);
  const line = lines.find((candidate) => candidate.waybillNumber === declared.waybillNumber);
  if (line === undefined) {
    return {
      kind: 'mismatch',
      lines: [
        {
          field: '/waybillNumber',
          rule: 'waybill-on-manifest',
          detail: `waybill ${declared.waybillNumber} is not on the train's manifest: check the waybill number and the train`,
        },
      ],
    };
  }
  const waybill = declared.waybillNumber;
  const mismatches: MismatchLine[] = [];
  const waybillOfContainer = new Map(lines.flatMap((other) => other.containers.map((c) => [c, other.waybillNumber])));
  const wagonOfContainer = new Map(
    manifest.wagons.flatMap((wagon) => (wagon.containers ?? []).map((c) => [c.number, wagon.number])),
  );
  const manifestWagons = new Set(manifest.wagons.map((wagon) => wagon.number));
  declared.containers.forEach((container, index) => {
    if (line.containers.includes(container)) return;
    const listedUnder = waybillOfContainer.get(container);
    mismatches.push({
      field: `/containers/${index}`,
      rule: 'container-on-manifest',
      detail:
        listedUnder === undefined
          ? `container ${container} is not on the train's manifest`
          : `container ${container} is on the manifest under waybill ${listedUnder}, not ${waybill}`,
    });
  });
  for (const container of line.containers) {
    if (declared.containers.includes(container)) continue;
    mismatches.push({
      field: '/containers',
      rule: 'container-declared',
      detail: `the manifest lists container ${container} (wagon ${wagonOfContainer.get(container)}) under waybill ${waybill}; the declaration does not`,
    });
  }
  declared.wagons.forEach((wagon, index) => {
    if (line.wagons.includes(wagon)) return;
    mismatches.push({
      field: `/wagons/${index}`,
      rule: 'wagon-on-manifest',
      detail: manifestWagons.has(wagon)
        ? `wagon ${wagon} carries nothing under waybill ${waybill} on the manifest`
        : `wagon ${wagon} is not on the train's manifest`,
    });
  });
  for (const wagon of line.wagonsWithoutContainer) {
    if (declared.wagons.includes(wagon)) continue;
    mismatches.push({
      field: '/wagons',
      rule: 'wagon-declared',
      detail: `the manifest lists goods under waybill ${waybill} in wagon ${wagon} without a container; the declaration does not name that wagon`,
    });
  }
  return mismatches.length === 0 ? { kind: 'matched' } : { kind: 'mismatch', lines: mismatches };
}

/** A manifest as the railway files it: the train, the content, who files it, and the version it last saw. */
export interface ManifestFiling {
  readonly train: TrainRef;
  readonly manifest: TrainManifest;
  readonly filedBy: Actor;
  /** The manifest version the railway last saw (If-Match); absent to file regardless. */
  readonly ifMatch?: number;
  readonly now: Date;
}

export type ManifestFilingDecision =
  /** The manifest breaks rules a schema cannot express: nothing is written. */
  | { readonly kind: 'refused'; readonly violations: RuleViolation[] }
  /** The same content as the current version: nothing is written (a PUT repeated is no new version). */
  | { readonly kind: 'unchanged'; readonly head: TrainHead }
  /** If-Match does not name the current version (or there is none yet): the railway must read it first. */
  | { readonly kind: 'stale'; readonly currentVersion?: number }
  /** The train is past the point where its manifest may be corrected. */
  | { readonly kind: 'closed'; readonly head: TrainHead }
  /** A new version to store, guarded by the head's version as read (0: no train yet). */
  | {
      readonly kind: 'new-version';
      readonly head: TrainHead;
      readonly manifest: ManifestVersion;
      readonly expectedVersion: number;
    };

/**
 * Whether and how a filed manifest is kept. In order: broken rules (422), the same content again (200, nothing
 * written: a retry after a lost answer must not fail, whatever If-Match it carries), a stale If-Match (412), a
 * train that has arrived (409), else a new version.
 */
export function decideManifestFiling(current: TrainHead | undefined, filing: ManifestFiling): ManifestFilingDecision {
  const violations = manifestViolations(filing.train, filing.manifest, filing.now);
  if (violations.length > 0) return { kind: 'refused', violations };
  const digest = manifestDigestOf(filing.manifest);
  if (current !== undefined && current.manifestDigest === digest) return { kind: 'unchanged', head: current };
  if (filing.ifMatch !== undefined && filing.ifMatch !== current?.manifestVersion) {
    return current === undefined ? { kind: 'stale' } : { kind: 'stale', currentVersion: current.manifestVersion };
  }
  if (current !== undefined && !mayCorrectManifest(current.status)) return { kind: 'closed', head: current };
  const at = filing.now.toISOString();
  const manifestVersion = (current?.manifestVersion ?? 0) + 1;
  const head: TrainHead = {
    trainNumber: filing.train.trainNumber,
    trainDate: filing.train.trainDate,
    status: current?.status ?? 'MANIFEST_FILED',
    version: (current?.version ?? 0) + 1,
    manifestVersion,
    manifestDigest: digest,
    departedAt: filing.manifest.departedAt,
    filedAt: current?.filedAt ?? at,
    updatedAt: at,
    facts: current?.facts ?? {},
  };
  return {
    kind: 'new-version',
    head,
    manifest: { version: manifestVersion, filedAt: at, filedBy: filing.filedBy, digest, manifest: filing.manifest },
    expectedVersion: current?.version ?? 0,
  };
}

const STATUS_AFTER: Readonly<Record<string, TrainStatus>> = {
  TRAIN_ARRIVED: 'ARRIVED',
  TRANSSHIPMENT_STARTED: 'TRANSSHIPMENT_STARTED',
  TRANSSHIPMENT_COMPLETED: 'TRANSSHIPMENT_COMPLETED',
};
const STATUS_ORDER: readonly TrainStatus[] = [
  'MANIFEST_FILED',
  'ARRIVED',
  'TRANSSHIPMENT_STARTED',
  'TRANSSHIPMENT_COMPLETED',
  'WRITTEN_OFF',
];

/**
 * The train's head after one of its events (or a correction of one): the status moves forward only, and the
 * facts keep each event's business time and id, with the report a correction superseded.
 */
export function trainAfterEvent(
  head: TrainHead,
  notice: {
    readonly milestone: string;
    readonly portEventId: string;
    readonly occurredAt: string;
    readonly supersedes?: { readonly portEventId: string; readonly occurredAt: string };
  },
): TrainHead {
  const next = STATUS_AFTER[notice.milestone];
  const status =
    next !== undefined && STATUS_ORDER.indexOf(next) > STATUS_ORDER.indexOf(head.status) ? next : head.status;
  const events = (head.facts.events ?? {}) as Record<string, unknown>;
  const superseded = (head.facts.superseded ?? []) as unknown[];
  return {
    ...head,
    status,
    version: head.version + 1,
    updatedAt: new Date().toISOString(),
    facts: {
      ...head.facts,
      events: { ...events, [notice.milestone]: { eventId: notice.portEventId, occurredAt: notice.occurredAt } },
      ...(notice.supersedes === undefined
        ? {}
        : { superseded: [...superseded, { eventType: notice.milestone, ...notice.supersedes }] }),
    },
  };
}

/**
 * R7: the manifest is written off once every line of it (each through waybill) is accounted for, that is, a
 * declaration for it was released or otherwise closed. Returns the head to store, or undefined when lines remain
 * open (or the train is already written off).
 */
export function writeOffIfAccountedFor(
  head: TrainHead,
  manifest: TrainManifest,
  closedWaybills: ReadonlySet<string>,
  at: Date,
): TrainHead | undefined {
  if (head.status === 'WRITTEN_OFF') return undefined;
  const open = manifestLinesOf(manifest).filter((line) => !closedWaybills.has(line.waybillNumber));
  if (open.length > 0) return undefined;
  return {
    ...head,
    status: 'WRITTEN_OFF',
    version: head.version + 1,
    updatedAt: at.toISOString(),
    facts: { ...head.facts, writtenOffAt: at.toISOString() },
  };
}
