import Type, { type Static } from 'typebox';
import { DECLARATION_TYPE_NAMES } from '#domain/declaration-types/registry.ts';
import { STATUS_NAMES } from '#domain/lifecycle.ts';
import { DECISION_NAMES, OFFICER_QUEUES, OFFICER_TASK_KINDS, SLA_STATES } from '#domain/officer-tasks.ts';
import { RISK_CHANNELS } from '#domain/risk.ts';
import { pageOf } from './api-schemas.ts';

/** What the API answers about officers' tasks, decisions and the documents a broker provides. */
export const OfficerTaskItemSchema = Type.Object(
  {
    declarationId: Type.String(),
    declarationType: Type.Enum(DECLARATION_TYPE_NAMES),
    kind: Type.Enum([...OFFICER_TASK_KINDS]),
    queue: Type.Enum([...OFFICER_QUEUES]),
    openedAt: Type.String({ format: 'date-time' }),
    dueAt: Type.Optional(Type.String({ format: 'date-time', description: 'The SLA deadline; absent when none' })),
    slaState: Type.Enum([...SLA_STATES], {
      description:
        'OK; APPROACHING once the configured share (80%) of the time to the deadline is used; BREACHED after it',
    }),
    riskChannel: Type.Optional(Type.Enum([...RISK_CHANNELS])),
    onHold: Type.Boolean({ description: 'An officer held the goods; the task waits for the next decision' }),
    links: Type.Object({
      declaration: Type.String(),
      decisions: Type.String({ description: 'Where to POST the decision' }),
    }),
  },
  { additionalProperties: false, title: 'OfficerTask' },
);
export type OfficerTaskItem = Static<typeof OfficerTaskItemSchema>;

export const OfficerTaskPageSchema = pageOf(OfficerTaskItemSchema, 'OfficerTaskPage');
export type OfficerTaskPage = Static<typeof OfficerTaskPageSchema>;

export const DecisionResultSchema = Type.Object(
  {
    declarationId: Type.String(),
    decision: Type.Enum([...DECISION_NAMES]),
    decisionId: Type.Optional(Type.String()),
    decidedAt: Type.String({ format: 'date-time' }),
    status: Type.Enum(STATUS_NAMES, { description: 'The declaration’s status after the decision' }),
    taskState: Type.Enum(['OPEN', 'CLOSED'], { description: 'OPEN after HOLD: the task waits for the next decision' }),
    links: Type.Object({ declaration: Type.String() }),
  },
  { additionalProperties: false, title: 'DecisionResult' },
);
export type DecisionResult = Static<typeof DecisionResultSchema>;

export const DocumentsAcceptedSchema = Type.Object(
  {
    declarationId: Type.String(),
    status: Type.Enum(STATUS_NAMES),
    providedAt: Type.String({ format: 'date-time' }),
    requestedDocuments: Type.Array(Type.String(), { description: 'What the officer had asked for' }),
    links: Type.Object({ declaration: Type.String() }),
  },
  { additionalProperties: false, title: 'DocumentsAccepted' },
);
export type DocumentsAccepted = Static<typeof DocumentsAcceptedSchema>;
