import Type, { type Static } from 'typebox';
import { DOCUMENT_CHANGE_NAMES } from '../amendment.ts';
import { DECLARATION_TYPE_NAMES } from '../declaration-types/registry.ts';
import { STATUS_NAMES, TRACK_STATES, TRANSITION_NAMES } from '../lifecycle.ts';
import { SLOT_CHANGE_NAMES, SLOT_CHANGED_EVENT } from '../slot-booking.ts';
import { ActorSchema } from './actor.ts';

export const DomainEventSchema = Type.Object(
  {
    eventId: Type.String({ description: 'Unique per change; the same on every delivery of it' }),
    eventType: Type.Enum(['declaration.status-changed', 'declaration.amended', SLOT_CHANGED_EVENT], {
      description:
        'A status change; a new version of the document: an amendment or the completion of a two-step summary (the status stays; details name the new documentVersion); or a change of the truck’s slot booking (the status stays; details name the slot and the one it replaced)',
    }),
    declarationId: Type.String(),
    declarationType: Type.Enum(DECLARATION_TYPE_NAMES),
    status: Type.Enum(STATUS_NAMES),
    previousStatus: Type.Optional(Type.Enum(STATUS_NAMES)),
    // A move on one track (the gauge change, the inspection) keeps the status: the event says which, as history does.
    track: Type.Optional(
      Type.Enum(Object.keys(TRACK_STATES), { description: 'The track this change moved; the status stays' }),
    ),
    trackState: Type.Optional(Type.Enum([...new Set(Object.values(TRACK_STATES).flat())])),
    version: Type.Integer({ minimum: 1 }),
    transition: Type.Enum([...TRANSITION_NAMES, ...DOCUMENT_CHANGE_NAMES, ...SLOT_CHANGE_NAMES], {
      description:
        'The lifecycle transition; AMEND_DOCUMENT when the broker amended the document, COMPLETE_DOCUMENT when it completed a two-step summary; BOOK_SLOT, RESCHEDULE_SLOT or CANCEL_SLOT for the slot booking',
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
