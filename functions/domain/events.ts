import Type, { type Static } from 'typebox';
import { ActorSchema } from './actors.ts';
import { DECLARATION_TYPE_NAMES, type DeclarationType } from './declaration-types/registry.ts';
import { type HistoryEntry, STATUS_NAMES, TRANSITION_NAMES } from './lifecycle.ts';

/**
 * Every status change is a domain event. It is written in the same transaction as the change (an outbox),
 * then delivered to the broker's webhooks and served by the pull feed. The id is derived from the change,
 * so a receiver can de-duplicate, and a retried step can never emit it twice.
 */
export const DomainEventSchema = Type.Object(
  {
    eventId: Type.String({ description: 'Unique per change; the same on every delivery of it' }),
    eventType: Type.Literal('declaration.status-changed'),
    declarationId: Type.String(),
    declarationType: Type.Enum(DECLARATION_TYPE_NAMES),
    status: Type.Enum(STATUS_NAMES),
    previousStatus: Type.Optional(Type.Enum(STATUS_NAMES)),
    version: Type.Integer({ minimum: 1 }),
    transition: Type.Enum(TRANSITION_NAMES),
    actor: ActorSchema,
    occurredAt: Type.String({ format: 'date-time' }),
    recordedAt: Type.String({ format: 'date-time' }),
    reason: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, title: 'DeclarationStatusChanged' },
);
export type DomainEvent = Static<typeof DomainEventSchema>;

export function statusChanged(
  declaration: { readonly id: string; readonly declarationType: DeclarationType },
  entry: HistoryEntry,
): DomainEvent {
  return {
    eventId: `${declaration.id}.v${entry.version}`,
    eventType: 'declaration.status-changed',
    declarationId: declaration.id,
    declarationType: declaration.declarationType,
    ...entry,
  };
}
