import Type, { type Static } from 'typebox';
import { DOCUMENT_CHANGE_NAMES } from '../amendment.ts';
import { STATUS_NAMES, TRACK_STATES, TRANSITION_NAMES } from '../lifecycle.ts';
import { SLOT_CHANGE_NAMES } from '../slot-booking.ts';
import { ActorSchema } from './actor.ts';

/** One entry of a declaration's history: what changed, who did it, when it happened and was recorded, and why. */
export const HistoryEntrySchema = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The workflow version this entry created (1 = filed)' }),
    status: Type.Enum(STATUS_NAMES),
    previousStatus: Type.Optional(Type.Enum(STATUS_NAMES)),
    track: Type.Optional(
      Type.Enum(Object.keys(TRACK_STATES), { description: 'The track this entry moved; the status stays' }),
    ),
    trackState: Type.Optional(Type.Enum([...new Set(Object.values(TRACK_STATES).flat())])),
    transition: Type.Enum([...TRANSITION_NAMES, ...DOCUMENT_CHANGE_NAMES, ...SLOT_CHANGE_NAMES], {
      description:
        'The lifecycle transition; AMEND_DOCUMENT when the broker amended the document, COMPLETE_DOCUMENT when it completed a two-step summary; BOOK_SLOT, RESCHEDULE_SLOT or CANCEL_SLOT when the broker changed the truck’s slot booking',
    }),
    actor: ActorSchema,
    occurredAt: Type.String({ format: 'date-time', description: 'Business time: when it happened at the port' }),
    recordedAt: Type.String({ format: 'date-time', description: 'When the system recorded it' }),
    reason: Type.String({ description: 'Why the status changed, in words' }),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type HistoryEntry = Static<typeof HistoryEntrySchema>;
