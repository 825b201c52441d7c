import type { TrainView } from '#shared/train-schemas.ts';
import type { TrainWithManifest } from './trains.ts';

export type { TrainView } from '#shared/train-schemas.ts';

/** A train as the API answers it. */
export function trainViewOf(
  { head, manifest }: TrainWithManifest,
  links: { readonly self: string; readonly manifest: string },
): TrainView {
  return {
    trainNumber: head.trainNumber,
    trainDate: head.trainDate,
    status: head.status,
    manifestVersion: head.manifestVersion,
    departedAt: head.departedAt,
    filedAt: head.filedAt,
    updatedAt: head.updatedAt,
    facts: head.facts,
    manifest: { version: manifest.version, filedAt: manifest.filedAt, filedBy: manifest.filedBy, ...manifest.manifest },
    links,
  };
}

/** The entity tag of a train's manifest: its current version, quoted (RFC 9110). */
export function manifestEtagOf(manifestVersion: number): string {
  return `"${manifestVersion}"`;
}

/** The version an If-Match header names; the route's schema lets through only `"<digits>"`. */
export function manifestVersionOfEtag(etag: string): number {
  return Number(etag.slice(1, -1));
}
