import type { RuleViolation } from '#domain/document-parts.ts';
import { WORKFLOW_ERRORS } from '#domain/errors.ts';
import {
  decideManifestFiling,
  type ManifestVersion,
  type TrainHead,
  type TrainManifest,
  type TrainRef,
} from '#domain/trains.ts';
import type { Caller, Clock, TrainStore } from './ports.ts';

export interface TrainPorts {
  readonly trains: TrainStore;
  readonly clock: Clock;
}

export interface ManifestFilingRequest {
  readonly train: TrainRef;
  readonly manifest: TrainManifest;
  readonly caller: Caller;
  /** The manifest version the caller last saw (If-Match). */
  readonly ifMatch?: number;
}

/** A train as it is read: its head and one version of its manifest. */
export interface TrainWithManifest {
  readonly head: TrainHead;
  readonly manifest: ManifestVersion;
}

export type ManifestFilingOutcome =
  | ({ readonly kind: 'created' | 'corrected' | 'unchanged' } & TrainWithManifest)
  | { readonly kind: 'refused'; readonly violations: RuleViolation[] }
  | { readonly kind: 'stale'; readonly currentVersion?: number }
  | { readonly kind: 'closed'; readonly head: TrainHead };

// Two railway clerks filing at once: the loser reads again and is told "unchanged" or "stale", never a 5xx.
const MAX_ATTEMPTS = 3;

/** Files a train's manifest, or a correction of it: the domain decides, the store keeps every version. */
export async function fileManifest(ports: TrainPorts, request: ManifestFilingRequest): Promise<ManifestFilingOutcome> {
  for (let attempt = 1; ; attempt++) {
    const current = await ports.trains.loadHead(request.train);
    const decision = decideManifestFiling(current, {
      train: request.train,
      manifest: request.manifest,
      filedBy: request.caller.actor,
      ...(request.ifMatch === undefined ? {} : { ifMatch: request.ifMatch }),
      now: ports.clock(),
    });
    switch (decision.kind) {
      case 'refused':
      case 'stale':
      case 'closed':
        return decision;
      case 'unchanged': {
        const manifest = await ports.trains.loadManifest(request.train, decision.head.manifestVersion);
        if (manifest === undefined) throw new Error(`train ${request.train.trainNumber}: current manifest missing`);
        return { kind: 'unchanged', head: decision.head, manifest };
      }
      case 'new-version':
        try {
          await ports.trains.saveManifest(decision);
          return {
            kind: decision.expectedVersion === 0 ? 'created' : 'corrected',
            head: decision.head,
            manifest: decision.manifest,
          };
        } catch (error) {
          if ((error as Error).name !== WORKFLOW_ERRORS.versionConflict || attempt >= MAX_ATTEMPTS) throw error;
        }
    }
  }
}

/** A train with its current manifest, or with an earlier version; undefined for an unknown train or version. */
export async function readTrain(
  ports: Pick<TrainPorts, 'trains'>,
  request: { readonly train: TrainRef; readonly manifestVersion?: number },
): Promise<TrainWithManifest | undefined> {
  const head = await ports.trains.loadHead(request.train);
  if (head === undefined) return undefined;
  if (request.manifestVersion !== undefined && request.manifestVersion > head.manifestVersion) return undefined;
  const manifest = await ports.trains.loadManifest(request.train, request.manifestVersion ?? head.manifestVersion);
  return manifest === undefined ? undefined : { head, manifest };
}
