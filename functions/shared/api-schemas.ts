import Type, { type Static, type TSchema } from 'typebox';
import { DECLARATION_NUMBER_PATTERN } from '#domain/declaration-number.ts';
import { DECLARATION_TYPE_NAMES } from '#domain/declaration-types/registry.ts';
import { STATUS_NAMES, TRACK_STATES } from '#domain/lifecycle.ts';
import { DomainEventSchema } from '#domain/schemas/domain-event.ts';
import { HistoryEntrySchema } from '#domain/schemas/history-entry.ts';

/** What the API answers about declarations. The response types derive from these schemas. */
export const DeclarationSummarySchema = Type.Object(
  {
    id: Type.String(),
    declarationType: Type.Enum(DECLARATION_TYPE_NAMES),
    status: Type.Enum(STATUS_NAMES),
    cusresCode: Type.Optional(
      Type.String({ description: 'UN/EDIFACT CUSRES response code (7365) of the status; none for CANCELLED' }),
    ),
    version: Type.Integer({ description: 'Workflow version: one more per status change' }),
    documentVersion: Type.Integer({
      description: 'Document version: 1 as filed, one more per amendment; the ETag, and what If-Match names',
    }),
    declarationNumber: Type.String({
      pattern: DECLARATION_NUMBER_PATTERN,
      description:
        '18 digits assigned on acceptance: customs code, year, 1 import / 0 export, 9-digit serial; kept by amendments',
    }),
    filedAt: Type.String({ format: 'date-time' }),
    updatedAt: Type.String({ format: 'date-time' }),
    facts: Type.Record(Type.String(), Type.Unknown(), {
      description:
        'What the workflow learned: riskChannel, riskRule, arrival, gateIn; for a two-step summary, completion (dueAt, overdueSince, completedAt, documentVersion)',
    }),
    tracks: Type.Optional(
      Type.Object(
        {
          transshipment: Type.Enum([...TRACK_STATES.transshipment]),
          inspection: Type.Enum([...TRACK_STATES.inspection]),
        },
        {
          additionalProperties: false,
          description: 'After arrival: the gauge change and the inspection, which run side by side',
        },
      ),
    ),
    links: Type.Object({ self: Type.String() }),
  },
  { additionalProperties: false, title: 'DeclarationSummary' },
);
export type DeclarationSummary = Static<typeof DeclarationSummarySchema>;

export const DeclarationDetailSchema = Type.Object(
  {
    ...DeclarationSummarySchema.properties,
    declaration: Type.Record(Type.String(), Type.Unknown(), {
      description: 'The document: all of it for its broker and officers, the transport only for the port and railway',
    }),
    history: Type.Array(HistoryEntrySchema),
  },
  { additionalProperties: false, title: 'DeclarationDetail' },
);
export type DeclarationDetail = Static<typeof DeclarationDetailSchema>;

/** One page of a listing: its items, the cursor of the next page (absent on the last), and links to both. */
export function pageOf<T extends TSchema>(items: T, title: string) {
  return Type.Object(
    {
      items: Type.Array(items),
      nextCursor: Type.Optional(Type.String({ description: 'Pass as `cursor` for the next page; absent on the last' })),
      links: Type.Object({ self: Type.String(), next: Type.Optional(Type.String()) }),
    },
    { additionalProperties: false, title },
  );
}

export const DeclarationPageSchema = pageOf(DeclarationSummarySchema, 'DeclarationPage');
export type DeclarationPage = Static<typeof DeclarationPageSchema>;

export const PortEventAcceptedSchema = Type.Object(
  {
    eventId: Type.String(),
    eventType: Type.String(),
    key: Type.String({ description: 'The train (number@date) or the plate the event concerns' }),
    supersedes: Type.Optional(Type.String({ description: 'The eventId of the report this one corrected' })),
    resumedDeclarations: Type.Array(Type.String(), {
      description: 'Declarations this request resumed itself (a truck at the gate)',
    }),
    resumptionsFollow: Type.Boolean({
      description: 'A train’s declarations are moved on right after this answer, each exactly once',
    }),
  },
  { additionalProperties: false, title: 'PortEventAccepted' },
);

export const EventPageSchema = Type.Object(
  {
    items: Type.Array(DomainEventSchema),
    nextCursor: Type.String({ description: 'Pass as `after` to continue; present even when no event was new' }),
  },
  { additionalProperties: false, title: 'EventPage' },
);
