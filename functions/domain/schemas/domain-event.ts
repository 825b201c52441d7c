import Type, { type Static } from 'typebox';
import { DOCUMENT_CHANGE_NAMES } from '../amendment.ts';
import { DECLARATION_TYPE_NAMES } from '../declaration-types/registry.ts';
import { STATUS_NAMES, TRANSITION_NAMES } from '../lifecycle.ts';
import { SLOT_CHANGE_NAMES, SLOT_CHANGED_EVENT } from '../slot-booking.ts';
import { ActorSchema } from './actor.ts';

export const DomainEventSchema = Type.Object(
  {
    eventId: Type.String({ description: 'Unique per change; the same on every delivery of it' }),
    eventType: Type.Enum(['declaration.status-changed', 'declaration.amended', SLOT_CHANGED_EVENT], {
      description:
        'A status change; an amendment of the document (the status stays; details name the new documentVersion); or a change of the truck’s slot booking (the status stays; details name the slot and the one it replaced)',
    }),
    declarationId: Type.String(),
    declarationType: Type.Enum(DECLARATION_TYPE_NAMES),
    status: Type.Enum(STATUS_NAMES),
    previousStatus: Type.Optional(Type.Enum(STATUS_NAMES)),
    version: Type.Integer({ minimum: 1 }),
    transition: Type.Enum([...TRANSITION_NAMES, ...DOCUMENT_CHANGE_NAMES, ...SLOT_CHANGE_NAMES], {
      description:
        'The lifecycle transition; AMEND_DOCUMENT when the broker amended the document; BOOK_SLOT, RESCHEDULE_SLOT or CANCEL_SLOT for the slot booking',
    }),
    actor: ActorSchema,
    occurredAt: Type.String({ format: 'date-time' }),
    recordedAt: Type.String({ format: 'date-time' }),
    reason: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false, title: 'DeclarationStatusChanged' },
);
export type DomainEvent = Static<typeof DomainEventSchema>;
