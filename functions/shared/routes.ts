import Type, { type TSchema } from 'typebox';
import { DECLARATION_ID_PATTERN } from '#domain/declaration.ts';
import { DECLARATION_NUMBER_PATTERN } from '#domain/declaration-number.ts';
import { DECLARATION_TYPE_NAMES } from '#domain/declaration-types/registry.ts';
import { STATUS_NAMES } from '#domain/lifecycle.ts';
import { TRANSPORT_MODES } from '#domain/port-board.ts';
import type { Role } from '#domain/roles.ts';
import { DeclarationDocumentSchema } from '#domain/schemas/declaration-document.ts';
import { DecisionRequestSchema, OfficerQueueSchema, ProvidedDocumentsSchema } from '#domain/schemas/officer-tasks.ts';
import { PortEventSchema } from '#domain/schemas/port-events.ts';
import { RailImportDeclarationSchema } from '#domain/schemas/rail-import.ts';
import { LaneTypeSchema, SlotRequestSchema } from '#domain/schemas/slots.ts';
import { TrainManifestSchema } from '#domain/schemas/train-manifest.ts';
import { TrainRefSchema } from '#domain/schemas/train-ref.ts';
import { MAX_WEBHOOKS_PER_BROKER, WEBHOOK_ID_PATTERN } from '#domain/webhooks.ts';
import {
  DeclarationDetailSchema,
  DeclarationPageSchema,
  DeclarationSummarySchema,
  EventPageSchema,
  PortEventAcceptedSchema,
} from './api-schemas.ts';
import { DecisionResultSchema, DocumentsAcceptedSchema, OfficerTaskPageSchema } from './officer-schemas.ts';
import { DEFAULT_PAGE_SIZE } from './paging.ts';
import { PortDeclarationPageSchema } from './port-board-schemas.ts';
import type { ProblemType } from './problem.ts';
import { SlotAvailabilitySchema, SlotBookingSchema } from './slot-schemas.ts';
import { TrainViewSchema } from './train-schemas.ts';
import {
  DeliveryLogPageSchema,
  WebhookCreatedSchema,
  WebhookListSchema,
  WebhookRegistrationSchema,
} from './webhook-schemas.ts';

/**
 * The route registry: every operation of the API, once. The CDK API, the middy stack of each handler, the
 * links in responses, the build-time validators and the OpenAPI document are all built from this table.
 * Functions do not import it at run time: `npm run generate` compiles it (validators and the metadata the
 * middy stack needs) into functions/generated/routes.ts, so no bundle carries the schema builder.
 */
export interface RouteDefinition {
  readonly operationId: string;
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** API Gateway resource path, e.g. "/v1/declarations/{id}". */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  /** Who may call it: Cognito groups, or "public" for no authentication at all. */
  readonly roles: readonly Role[] | 'public';
  /** The handler module under functions/handlers, without extension. */
  readonly handler: string;
  readonly request: {
    readonly path?: TSchema;
    readonly query?: TSchema;
    readonly headers?: TSchema;
    readonly body?: TSchema;
  };
  /** Write routes replay their first answer to a retry with the same key. */
  readonly idempotency?: {
    /** Whose keys they are: a broker's, shared by its users (`custom:brokerId`), or the caller's own (`sub`). */
    readonly scope: 'broker' | 'caller';
    /**
     * The key as a client sends it and sees it named when reused: a header name, or a JSON Pointer to a top-level
     * body property.
     */
    readonly field: string;
  };
  readonly success: {
    readonly status: number;
    readonly description: string;
    /** The JSON body; none for an answer without content (204). */
    readonly schema?: TSchema;
    /** The body's media type when it is not JSON (a page: text/html). */
    readonly mediaType?: string;
    readonly headers?: Readonly<Record<string, string>>;
    /** Other success statuses with the same body and headers (a PUT answers 201 or 200). */
    readonly alternatives?: readonly { readonly status: number; readonly description: string }[];
  };
  /** Problems this route answers besides those every route may (401, 403, 413, 429, 500). */
  readonly problems: readonly ProblemType[];
}

const IdempotencyKeyHeader = Type.String({
  pattern: '^[\\x21-\\x7E]{1,255}$',
  description: 'Your own reference for this filing (e.g. your LRN): a retry with the same key files nothing twice',
});

const PAGE_LIMIT = Type.Integer({
  minimum: 1,
  maximum: 100,
  default: DEFAULT_PAGE_SIZE,
  description: 'Items per page',
});
const CURSOR = Type.String({ minLength: 1, maxLength: 1024, description: 'From the previous page' });

/** What a route with a JSON body may answer about the body itself. */
const BODY_PROBLEMS: readonly ProblemType[] = ['malformed-json', 'unsupported-media-type', 'validation-failed'];

const WRITE_PROBLEMS: readonly ProblemType[] = [
  'malformed-json',
  'unsupported-media-type',
  'validation-failed',
  'invalid-header',
  'idempotency-key-reused',
  'request-in-progress',
];

export const ROUTES = {
  fileDeclaration: {
    operationId: 'fileDeclaration',
    method: 'POST',
    path: '/v1/declarations',
    summary: 'File an advance declaration',
    description:
      'Files a declaration of any type before the goods reach the border; answers 202 and starts its workflow.',
    tags: ['Declarations'],
    roles: ['broker'],
    handler: 'file-declaration',
    request: {
      headers: Type.Object({ 'idempotency-key': IdempotencyKeyHeader }),
      body: DeclarationDocumentSchema,
    },
    // Keyed per broker, so two brokers choosing the same key never collide.
    idempotency: {
      scope: 'broker',
      field: 'idempotency-key',
    },
    success: {
      status: 202,
      description: 'Filed; its workflow has started',
      schema: DeclarationSummarySchema,
      headers: { location: 'The declaration’s URL' },
    },
    problems: [...WRITE_PROBLEMS, 'payload-too-large'],
  },
  listDeclarations: {
    operationId: 'listDeclarations',
    method: 'GET',
    path: '/v1/declarations',
    summary: 'List your declarations, newest first',
    tags: ['Declarations'],
    roles: ['broker'],
    handler: 'list-declarations',
    request: {
      query: Type.Object(
        {
          status: Type.Optional(Type.Enum(STATUS_NAMES)),
          declarationType: Type.Optional(Type.Enum(DECLARATION_TYPE_NAMES)),
          declarationNumber: Type.Optional(
            Type.String({ pattern: DECLARATION_NUMBER_PATTERN, description: 'The 18-digit declaration number' }),
          ),
          filedFrom: Type.Optional(Type.String({ format: 'date-time', description: 'Filed at or after' })),
          filedTo: Type.Optional(Type.String({ format: 'date-time', description: 'Filed at or before' })),
          limit: Type.Optional(PAGE_LIMIT),
          cursor: Type.Optional(CURSOR),
        },
        { additionalProperties: false },
      ),
    },
    success: { status: 200, description: 'One page of your declarations', schema: DeclarationPageSchema },
    problems: ['invalid-query'],
  },
  getDeclaration: {
    operationId: 'getDeclaration',
    method: 'GET',
    path: '/v1/declarations/{id}',
    summary: 'Read a declaration: status, document and history',
    description:
      'Brokers read their own declarations; officers read all; the port operator and the railway see the transport part of the types they handle.',
    tags: ['Declarations'],
    roles: ['broker', 'officer', 'port-operator', 'railway'],
    handler: 'get-declaration',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      query: Type.Object(
        {
          documentVersion: Type.Optional(
            Type.Integer({ minimum: 1, maximum: 9999, description: 'An earlier version of the document' }),
          ),
        },
        { additionalProperties: false },
      ),
    },
    success: {
      status: 200,
      description: 'The declaration as you may see it',
      schema: DeclarationDetailSchema,
      headers: { etag: 'The document version shown, e.g. "2": send it as If-Match to amend it' },
    },
    problems: ['not-found', 'invalid-query'],
  },
  amendDeclaration: {
    operationId: 'amendDeclaration',
    method: 'PUT',
    path: '/v1/declarations/{id}/document',
    summary: 'Amend your declaration: a new version of its document',
    description:
      'Replaces the document with a new version under If-Match (the ETag you read): the old version stays readable with ?documentVersion=, the declaration keeps its id and number, and a declaration.amended event is sent. Allowed until inspection starts; the type and the train number cannot change, and a COMPLETE declaration cannot return to SUMMARY. Sending the current document again changes nothing.',
    tags: ['Declarations'],
    roles: ['broker'],
    handler: 'amend-declaration',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      headers: Type.Object({
        'if-match': Type.Optional(
          Type.String({ pattern: '^"[1-9][0-9]{0,3}"$', description: 'The ETag of the version you amend, e.g. "1"' }),
        ),
      }),
      body: DeclarationDocumentSchema,
    },
    success: {
      status: 200,
      description: 'Amended (or already so): the declaration with its new document',
      schema: DeclarationDetailSchema,
      headers: { etag: 'The new document version', 'content-location': 'The declaration’s URL' },
    },
    problems: [
      'malformed-json',
      'unsupported-media-type',
      'validation-failed',
      'invalid-header',
      'not-found',
      'precondition-required',
      'precondition-failed',
      'amendment-not-allowed',
      'payload-too-large',
    ],
  },
  completeDeclaration: {
    operationId: 'completeDeclaration',
    method: 'POST',
    path: '/v1/declarations/{id}/completion',
    summary: 'Complete your two-step summary: the complete declaration, under the same number',
    description:
      'The second step of a two-step rail declaration: the COMPLETE document (values, parties, Incoterm, invoice and packing list; each one missing is named as a COMPLETE filing names it) under If-Match (the ETag you read). It keeps what the summary was matched and screened on (train, waybill, containers, wagons, clearance, each line’s HS code). Allowed before and after release, until the declaration is cancelled or rejected; due within the period shown in facts.completion.dueAt (14 days from the summary’s acceptance unless configured), and accepted late. The document becomes the next version, the status stays, a declaration.amended event (transition COMPLETE_DOCUMENT) is sent, and a workflow waiting for it ends. Sending the same complete document again changes nothing and answers the same. 409 when the declaration is not a summary, is already complete, or was cancelled or rejected.',
    tags: ['Declarations'],
    roles: ['broker'],
    handler: 'complete-declaration',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      headers: Type.Object({
        'if-match': Type.Optional(
          Type.String({
            pattern: '^"[1-9][0-9]{0,3}"$',
            description: 'The ETag of the summary’s document version you complete, e.g. "1"',
          }),
        ),
      }),
      body: RailImportDeclarationSchema,
    },
    success: {
      status: 200,
      description: 'Completed (or already so, by this same document): the declaration with its complete document',
      schema: DeclarationDetailSchema,
      headers: { etag: 'The complete document’s version', 'content-location': 'The declaration’s URL' },
    },
    problems: [
      'malformed-json',
      'unsupported-media-type',
      'validation-failed',
      'invalid-header',
      'not-found',
      'precondition-required',
      'precondition-failed',
      'conflict',
      'payload-too-large',
    ],
  },
  cancelDeclaration: {
    operationId: 'cancelDeclaration',
    method: 'POST',
    path: '/v1/declarations/{id}/cancel',
    summary: 'Cancel your declaration, until it is released',
    description:
      'Records the cancellation with your reason, and leaves nothing behind: the workflow is stopped, its waits and any officer’s task are closed. Cancelling again answers the same. A released or rejected declaration cannot be cancelled (409).',
    tags: ['Declarations'],
    roles: ['broker'],
    handler: 'cancel-declaration',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      body: Type.Object(
        { reason: Type.String({ minLength: 1, maxLength: 500, description: 'Why: kept in the history' }) },
        { additionalProperties: false, title: 'Cancellation' },
      ),
    },
    success: { status: 200, description: 'Cancelled (or already so)', schema: DeclarationSummarySchema },
    problems: [...BODY_PROBLEMS, 'not-found', 'conflict'],
  },
  reportPortEvent: {
    operationId: 'reportPortEvent',
    method: 'POST',
    path: '/v1/port-events',
    summary: 'Report what happened at the port (a train arrived, a truck gated in)',
    description: 'Declarations waiting on the event resume. Retrying an event with the same eventId changes nothing.',
    tags: ['Port events'],
    roles: ['port-operator', 'railway'],
    handler: 'report-port-event',
    request: { body: PortEventSchema },
    // Each reporter's ids are its own: the railway's evt-1 and the gate's evt-1 are different events.
    idempotency: { scope: 'caller', field: '/eventId' },
    success: { status: 202, description: 'Recorded; waiting declarations resumed', schema: PortEventAcceptedSchema },
    problems: WRITE_PROBLEMS.filter((problem) => problem !== 'invalid-header'),
  },
  listEvents: {
    operationId: 'listEvents',
    method: 'GET',
    path: '/v1/events',
    summary: 'Pull your declarations’ events, oldest first',
    description:
      'The same events the webhooks deliver, for brokers who cannot receive webhooks. Events appear a few seconds after they happen, so a cursor never skips one.',
    tags: ['Notifications'],
    roles: ['broker'],
    handler: 'list-events',
    request: {
      query: Type.Object(
        { after: Type.Optional(CURSOR), limit: Type.Optional(PAGE_LIMIT) },
        { additionalProperties: false },
      ),
    },
    success: { status: 200, description: 'The next events after your cursor', schema: EventPageSchema },
    problems: ['invalid-query'],
  },
  registerWebhook: {
    operationId: 'registerWebhook',
    method: 'POST',
    path: '/v1/webhooks',
    summary: 'Register a webhook: every status change of your declarations is POSTed to it, signed',
    description: `Answers the webhook with its signing secret, which no later answer shows again. At most ${MAX_WEBHOOKS_PER_BROKER} webhooks per broker (rule max-webhooks). The URL must be https: on a public host; see the declaration.status-changed webhook for what is sent and how to verify it.`,
    tags: ['Notifications'],
    roles: ['broker'],
    handler: 'register-webhook',
    request: {
      headers: Type.Object({ 'idempotency-key': IdempotencyKeyHeader }),
      body: WebhookRegistrationSchema,
    },
    // Keyed per broker, like a filing: a retry answers the same webhook (and secret), never a second one.
    idempotency: {
      scope: 'broker',
      field: 'idempotency-key',
    },
    success: { status: 201, description: 'Registered; keep the secret', schema: WebhookCreatedSchema },
    problems: WRITE_PROBLEMS,
  },
  listWebhooks: {
    operationId: 'listWebhooks',
    method: 'GET',
    path: '/v1/webhooks',
    summary: 'List your webhooks (without their secrets)',
    tags: ['Notifications'],
    roles: ['broker'],
    handler: 'list-webhooks',
    request: {},
    success: { status: 200, description: 'Your webhooks, oldest first', schema: WebhookListSchema },
    problems: ['invalid-query'],
  },
  deleteWebhook: {
    operationId: 'deleteWebhook',
    method: 'DELETE',
    path: '/v1/webhooks/{id}',
    summary: 'Delete a webhook: deliveries not yet made to it are dropped',
    tags: ['Notifications'],
    roles: ['broker'],
    handler: 'delete-webhook',
    request: { path: Type.Object({ id: Type.String({ pattern: WEBHOOK_ID_PATTERN }) }) },
    success: { status: 204, description: 'Deleted' },
    problems: ['not-found', 'invalid-query'],
  },
  listWebhookDeliveries: {
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhooks/{id}/deliveries',
    summary: 'Read a webhook’s delivery log, newest first',
    description: 'One entry per attempt, kept 30 days: delivered, failed (retried later) or abandoned.',
    tags: ['Notifications'],
    roles: ['broker'],
    handler: 'list-webhook-deliveries',
    request: {
      path: Type.Object({ id: Type.String({ pattern: WEBHOOK_ID_PATTERN }) }),
      query: Type.Object(
        { limit: Type.Optional(PAGE_LIMIT), cursor: Type.Optional(CURSOR) },
        { additionalProperties: false },
      ),
    },
    success: { status: 200, description: 'One page of the delivery log', schema: DeliveryLogPageSchema },
    problems: ['not-found', 'invalid-query'],
  },
  fileTrainManifest: {
    operationId: 'fileTrainManifest',
    method: 'PUT',
    path: '/v1/trains/{trainNumber}/{trainDate}/manifest',
    summary: 'File a train’s manifest, or correct it before the train arrives',
    description:
      'The railway files what the train carries: wagons, their containers and through waybills. Each correction is kept as a new version until the train has arrived (then 409). Sending the content on file again writes nothing and answers it (200). Send If-Match with the version you last saw to be told (412) if another correction came first.',
    tags: ['Trains'],
    roles: ['railway'],
    handler: 'file-train-manifest',
    request: {
      path: TrainRefSchema,
      headers: Type.Object({
        'if-match': Type.Optional(
          Type.String({
            pattern: '^"[1-9][0-9]{0,8}"$',
            description: 'The ETag of the manifest version you last saw, e.g. "2"',
          }),
        ),
      }),
      body: TrainManifestSchema,
    },
    success: {
      status: 201,
      description: 'The train’s first manifest, version 1',
      schema: TrainViewSchema,
      headers: { etag: 'The current manifest version, quoted: send it as If-Match with a correction' },
      alternatives: [{ status: 200, description: 'A correction (a new version), or the content on file (no new one)' }],
    },
    problems: [
      'malformed-json',
      'unsupported-media-type',
      'validation-failed',
      'invalid-header',
      'invalid-query',
      'precondition-failed',
      'conflict',
    ],
  },
  getTrain: {
    operationId: 'getTrain',
    method: 'GET',
    path: '/v1/trains/{trainNumber}/{trainDate}',
    summary: 'Read a train and its manifest, current or as an earlier version',
    tags: ['Trains'],
    roles: ['railway', 'port-operator', 'officer'],
    handler: 'get-train',
    request: {
      path: TrainRefSchema,
      query: Type.Object(
        {
          manifestVersion: Type.Optional(
            Type.Integer({
              minimum: 1,
              maximum: 999_999_999,
              description: 'An earlier version; the current by default',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    },
    success: {
      status: 200,
      description: 'The train and the manifest version asked for',
      schema: TrainViewSchema,
      headers: { etag: 'The current manifest version, quoted' },
    },
    problems: ['not-found', 'invalid-query'],
  },
  listOfficerTasks: {
    operationId: 'listOfficerTasks',
    method: 'GET',
    path: '/v1/officer/tasks',
    summary: 'An officers’ queue: the declarations waiting for a decision, the earliest deadline first',
    description:
      'Each task shows its SLA state: APPROACHING once most of its time is used, BREACHED after its deadline. Tasks whose wait timed out are in the supervisors’ queue.',
    tags: ['Officers'],
    roles: ['officer'],
    handler: 'list-officer-tasks',
    request: {
      query: Type.Object(
        {
          queue: Type.Optional({
            ...OfficerQueueSchema,
            default: 'officers',
            description: 'officers (default) or supervisors',
          }),
          limit: Type.Optional(PAGE_LIMIT),
          cursor: Type.Optional(CURSOR),
        },
        { additionalProperties: false },
      ),
    },
    success: { status: 200, description: 'One page of the queue', schema: OfficerTaskPageSchema },
    problems: ['invalid-query'],
  },
  decideOnDeclaration: {
    operationId: 'decideOnDeclaration',
    method: 'POST',
    path: '/v1/declarations/{id}/decisions',
    summary: 'Decide on a declaration waiting for an officer: approve, request documents, hold or reject',
    description:
      'Answers 409 when the declaration waits for no decision. The same decision again (or the same decisionId) answers the same result and changes nothing.',
    tags: ['Officers'],
    roles: ['officer'],
    handler: 'decide-on-declaration',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      body: DecisionRequestSchema,
    },
    success: { status: 200, description: 'Decided', schema: DecisionResultSchema },
    problems: [...BODY_PROBLEMS, 'not-found', 'conflict'],
  },
  provideDocuments: {
    operationId: 'provideDocuments',
    method: 'POST',
    path: '/v1/declarations/{id}/documents',
    summary: 'Provide the documents an officer requested for your declaration',
    description:
      'Recorded in the declaration’s history; its workflow goes on. Answers 409 when no documents were requested. The same documents again answer the same.',
    tags: ['Declarations'],
    roles: ['broker'],
    handler: 'provide-documents',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      body: ProvidedDocumentsSchema,
    },
    success: { status: 202, description: 'Recorded; the workflow goes on', schema: DocumentsAcceptedSchema },
    problems: [...BODY_PROBLEMS, 'not-found', 'conflict'],
  },
  bookSlot: {
    operationId: 'bookSlot',
    method: 'PUT',
    path: '/v1/declarations/{id}/slot',
    summary: 'Book the slot of your road declaration’s truck, or move it to another hour',
    description:
      'Books one hour of the port’s clock for the truck the declaration names, in the lane of the declaration (VEHICLE_CARRIER for a complete-vehicle export, FREIGHT for any other). A booked declaration moves to the new hour and gives the old one’s unit back. Sending the booking on file again changes nothing. A booking never changes trucks: when the declaration now names another truck, cancel the booking and book again (409 same-truck). An hour can be booked while a truck could still keep it, in daytime mode within the freight hours (422), and while it has a unit left (409 slot-capacity, naming the hour). A booking whose truck has not gated in by the hour’s start plus the grace period is a no-show (state EXPIRED): book again. Each change is in the declaration’s history and sent as a declaration.slot-changed event.',
    tags: ['Slots'],
    roles: ['broker'],
    handler: 'book-slot',
    request: {
      path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }),
      body: SlotRequestSchema,
    },
    success: {
      status: 201,
      description: 'Booked (a no-show’s truck booked again included)',
      schema: SlotBookingSchema,
      alternatives: [
        { status: 200, description: 'Moved to the hour asked for, or already booked so (nothing changed)' },
      ],
    },
    problems: [...BODY_PROBLEMS, 'invalid-query', 'not-found', 'conflict'],
  },
  cancelSlotBooking: {
    operationId: 'cancelSlotBooking',
    method: 'DELETE',
    path: '/v1/declarations/{id}/slot',
    summary: 'Cancel the slot booking of your road declaration’s truck',
    description:
      'Gives the hour’s unit back and records the cancellation. With nothing booked it answers the same and changes nothing. Not after the truck has gated in (409); a cancelled declaration may still cancel the booking it left.',
    tags: ['Slots'],
    roles: ['broker'],
    handler: 'cancel-slot-booking',
    request: { path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }) },
    success: { status: 204, description: 'Nothing is booked for the declaration (any more)' },
    problems: ['invalid-query', 'not-found', 'validation-failed', 'conflict'],
  },
  getSlotBooking: {
    operationId: 'getSlotBooking',
    method: 'GET',
    path: '/v1/declarations/{id}/slot',
    summary: 'Read a road declaration’s slot booking, and whether it is still good',
    description:
      'The broker reads its own; the port operator and officers read any road truck’s (the gate checks the plate against it). State EXPIRED: the truck did not gate in by its no-show deadline.',
    tags: ['Slots'],
    roles: ['broker', 'port-operator', 'officer'],
    handler: 'get-slot-booking',
    request: { path: Type.Object({ id: Type.String({ pattern: DECLARATION_ID_PATTERN }) }) },
    success: { status: 200, description: 'The booking', schema: SlotBookingSchema },
    problems: ['not-found', 'invalid-query'],
  },
  getSlotAvailability: {
    operationId: 'getSlotAvailability',
    method: 'GET',
    path: '/v1/slots',
    summary: 'The slot calendar of a lane for a day: every hour, open or not, booked and available',
    tags: ['Slots'],
    roles: ['broker', 'port-operator'],
    handler: 'get-slot-availability',
    request: {
      query: Type.Object(
        {
          date: Type.String({ format: 'date', description: 'The port’s local date, e.g. 2026-11-21' }),
          laneType: LaneTypeSchema,
        },
        { additionalProperties: false },
      ),
    },
    success: { status: 200, description: 'The lane’s hours of that day', schema: SlotAvailabilitySchema },
    problems: ['invalid-query'],
  },
  listPortDeclarations: {
    operationId: 'listPortDeclarations',
    method: 'GET',
    path: '/v1/port/declarations',
    summary: 'The port’s board: every broker’s declarations, the latest change first',
    description:
      'What officers, the port operator and the railway follow: each declaration’s status, channel, train or truck, when its goods reached the port and were released, and the clock it runs against (the 16-hour release SLA from a train’s arrival, a truck’s target from its gate-in). Each role sees the types it may see (the railway no truck). Changes appear within a second or so (the board is read from an index).',
    tags: ['Port'],
    roles: ['officer', 'port-operator', 'railway'],
    handler: 'list-port-declarations',
    request: {
      query: Type.Object(
        {
          mode: Type.Optional(Type.Enum([...TRANSPORT_MODES], { description: 'RAIL or ROAD' })),
          declarationType: Type.Optional(Type.Enum(DECLARATION_TYPE_NAMES)),
          status: Type.Optional(Type.Enum(STATUS_NAMES)),
          limit: Type.Optional(PAGE_LIMIT),
          cursor: Type.Optional(CURSOR),
        },
        { additionalProperties: false },
      ),
    },
    success: { status: 200, description: 'One page of the board', schema: PortDeclarationPageSchema },
    problems: ['invalid-query'],
  },
  getDashboard: {
    operationId: 'getDashboard',
    method: 'GET',
    path: '/dashboard',
    summary: 'The operations dashboard: a page that calls this API with your token',
    description:
      'A page without external scripts, under a strict Content-Security-Policy. It asks for a bearer token (or reads it from the URL fragment, #token=…, which never reaches the server) and calls this API with it: the board, the SLA boards per train and per truck, and for an officer the queue with its decisions.',
    tags: ['Contract'],
    roles: 'public',
    handler: 'get-dashboard',
    request: {},
    success: {
      status: 200,
      description: 'The page',
      mediaType: 'text/html',
      schema: Type.String(),
      headers: { 'content-security-policy': 'What the page may load and call: itself and this API only' },
    },
    problems: [],
  },
  getOpenApi: {
    operationId: 'getOpenApi',
    method: 'GET',
    path: '/v1/openapi.json',
    summary: 'This API’s OpenAPI 3.1 description',
    tags: ['Contract'],
    roles: 'public',
    handler: 'get-openapi',
    request: {},
    success: {
      status: 200,
      description: 'The OpenAPI document',
      schema: Type.Object({ openapi: Type.String() }, { additionalProperties: true }),
    },
    problems: [],
  },
} as const satisfies Record<string, RouteDefinition>;

export type OperationId = keyof typeof ROUTES;
export const ROUTE_LIST: readonly RouteDefinition[] = Object.values(ROUTES);
