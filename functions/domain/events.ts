import { isDocumentChange } from './amendment.ts';
import type { DeclarationType } from './declaration-types/registry.ts';
import type { HistoryEntry } from './lifecycle.ts';
import { entryWithDisclosableRisk } from './risk.ts';
import type { DomainEvent } from './schemas/domain-event.ts';

export type { DomainEvent };

/**
 * Every status change is a domain event. It is written in the same transaction as the change (an outbox),
 * then delivered to the broker's webhooks and served by the pull feed. The id is derived from the change,
 * so a receiver can de-duplicate, and a retried step can never emit it twice.
 */
export function statusChanged(
  declaration: { readonly id: string; readonly declarationType: DeclarationType },
  entry: HistoryEntry,
): DomainEvent {
  return {
    eventId: `${declaration.id}.v${entry.version}`,
    // A new version of the document (an amendment, a two-step completion) is told apart from a status change.
    eventType: isDocumentChange(entry.transition) ? 'declaration.amended' : 'declaration.status-changed',
    declarationId: declaration.id,
    declarationType: declaration.declarationType,
    // Events go to the broker: a risk assessment names only the rules a broker may be told.
    ...entryWithDisclosableRisk(entry),
  };
}
