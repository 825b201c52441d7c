import Type, { type Static } from 'typebox';
import { DECISION_NAMES, MAX_REASON_LENGTH, OFFICER_QUEUES } from '../officer-tasks.ts';

/**
 * The kinds of supporting document an officer may ask for and a broker provide. The rail document v2 lists the
 * same kinds for a filing (raildoc branch, schemas/rail-import.ts): once both are merged, one list should serve both.
 */
export const SUPPORTING_DOCUMENT_TYPES = [
  'INVOICE',
  'PACKING_LIST',
  'CERTIFICATE_OF_ORIGIN',
  'PHYTOSANITARY_CERTIFICATE',
  'VETERINARY_CERTIFICATE',
  'LICENCE',
] as const;
export type SupportingDocumentType = (typeof SUPPORTING_DOCUMENT_TYPES)[number];

export const SupportingDocumentSchema = Type.Object(
  {
    type: Type.Enum([...SUPPORTING_DOCUMENT_TYPES]),
    number: Type.String({ minLength: 1, maxLength: 64 }),
    issuer: Type.String({ minLength: 1, maxLength: 200 }),
    issuedOn: Type.String({ format: 'date', description: 'YYYY-MM-DD' }),
  },
  { additionalProperties: false, title: 'SupportingDocument' },
);
export type SupportingDocument = Static<typeof SupportingDocumentSchema>;

export const DecisionRequestSchema = Type.Object(
  {
    decision: Type.Enum([...DECISION_NAMES], {
      description:
        'APPROVE, REQUEST_DOCUMENTS and REJECT end the task and let the workflow go on; HOLD detains the goods and keeps the task open',
    }),
    reason: Type.String({ minLength: 1, maxLength: MAX_REASON_LENGTH, description: 'Why: kept in the history' }),
    requestedDocuments: Type.Optional(
      Type.Array(Type.Enum([...SUPPORTING_DOCUMENT_TYPES]), {
        minItems: 1,
        maxItems: SUPPORTING_DOCUMENT_TYPES.length,
        uniqueItems: true,
        description: 'With REQUEST_DOCUMENTS only, and required with it: what the broker must provide',
      }),
    ),
    occurredAt: Type.Optional(
      Type.String({
        format: 'date-time',
        description:
          'Business time: when the officer decided at the port, for a check done earlier and recorded now (now by default). Not in the future. The history records the decision then, and a release it causes follows from it.',
      }),
    ),
    decisionId: Type.Optional(
      Type.String({
        pattern: '^[\\x21-\\x7E]{1,64}$',
        description: 'Your own id for this decision: a retry with it answers the same result and changes nothing',
      }),
    ),
  },
  { additionalProperties: false, title: 'DecisionRequest' },
);
export type DecisionRequest = Static<typeof DecisionRequestSchema>;

export const ProvidedDocumentsSchema = Type.Object(
  { documents: Type.Array(SupportingDocumentSchema, { minItems: 1, maxItems: 50 }) },
  { additionalProperties: false, title: 'ProvidedDocuments' },
);
export type ProvidedDocuments = Static<typeof ProvidedDocumentsSchema>;

export const OfficerQueueSchema = Type.Enum([...OFFICER_QUEUES]);
