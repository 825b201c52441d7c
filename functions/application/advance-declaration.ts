import { lifecycleOf, tracksOnArrivalOf } from '#domain/declaration-types/lifecycles.ts';
import { DeclarationNotFoundError, TransitionNotAllowedError, VersionConflictError } from '#domain/errors.ts';
import { statusChanged } from '#domain/events.ts';
import { decideTransition, type TransitionRequest } from '#domain/lifecycle.ts';
import type { Clock, DeclarationRecord, DeclarationStore } from './ports.ts';

// Concurrent writers to one declaration are rare (a retried step racing its first attempt); a few rounds settle it.
const MAX_ATTEMPTS = 3;

/**
 * The facts a transition writes beside its history entry. A transition that merges into facts already there (a
 * breach beside earlier breaches) or happens once per fact (a deadline flagged once) gives a function of the
 * record it applies to: it runs again on the fresh record after a version conflict, so a concurrent writer's facts
 * are kept, and answers 'already-applied' when that writer did the same thing first.
 */
export type FactsPatch =
  | Readonly<Record<string, unknown>>
  | ((current: DeclarationRecord) => Readonly<Record<string, unknown>> | 'already-applied');

/**
 * Moves a declaration along its lifecycle: load, let the domain decide, save with the version that was read.
 * A step retried after it already succeeded finds the status in place and writes nothing. A caller that has just
 * read the declaration passes the record, which the first attempt uses instead of reading it again.
 */
export async function advanceDeclaration(
  ports: { readonly declarations: DeclarationStore; readonly clock: Clock },
  declaration: string | DeclarationRecord,
  request: TransitionRequest,
  facts: FactsPatch = {},
): Promise<{ record: DeclarationRecord; applied: boolean }> {
  const id = typeof declaration === 'string' ? declaration : declaration.id;
  let justRead = typeof declaration === 'string' ? undefined : declaration;
  for (let attempt = 1; ; attempt++) {
    // After a version conflict the record is stale: read it again.
    const current = justRead ?? (await ports.declarations.load(id));
    justRead = undefined;
    if (current === undefined) throw new DeclarationNotFoundError(id);
    const patch = typeof facts === 'function' ? facts(current) : facts;
    if (patch === 'already-applied') return { record: current, applied: false };
    const outcome = decideTransition(lifecycleOf(current.declarationType), current, request, ports.clock(), {
      tracks: tracksOnArrivalOf(current),
    });
    if (outcome.kind === 'already-applied') return { record: current, applied: false };
    if (outcome.kind === 'not-allowed') {
      throw new TransitionNotAllowedError(id, outcome.from, outcome.to, outcome.because);
    }
    const { entry, next } = outcome;
    const { tracks: _tracks, resumeStatus: _resume, ...unchanged } = current;
    const record: DeclarationRecord = {
      ...unchanged,
      ...next,
      updatedAt: entry.recordedAt,
      facts: {
        ...current.facts,
        ...patch,
        // When the goods were released (business time): the port's board measures each clock against it.
        ...(entry.status === 'RELEASED' && current.status !== 'RELEASED' ? { releasedAt: entry.occurredAt } : {}),
      },
    };
    try {
      await ports.declarations.save({
        expectedVersion: current.version,
        record,
        entry,
        event: statusChanged(current, entry),
      });
      return { record, applied: true };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}
