import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { declarationIdFor } from '#domain/declaration.ts';
import { type DeclarationType, visibilityFor } from '#domain/declaration-types/registry.ts';
import { type Milestone, mayReport } from '#domain/port-events.ts';
import type { Role } from '#domain/roles.ts';
import { hoursOfLocalDate, localIsoOf, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { type TrainRef, trainKeyOf } from '#domain/trains.ts';
import { pathOf } from '#shared/links.ts';
import { ROUTE_LIST, ROUTES, type RouteDefinition } from '#shared/routes.ts';
import { CALLERS, type CallerName, callerHeaders, OTHER_BROKER_ID, OWN_BROKER_ID } from '../support/callers.ts';
import { railImportDeclaration, roadExportDeclaration, roadImportDeclaration } from '../support/declarations.ts';
import { answerFaults, type RawAnswer, type RawRequest, sendRaw } from '../support/raw-http.ts';
import { type StoreProbe, storeProbe } from '../support/store-probe.ts';
import { TRAIN, trainManifest } from '../support/trains.ts';
import { eventually, holdsStill, startTestStack } from './local-stack-client.ts';
import { type Receiver, startReceiver } from './webhook-receiver.ts';

/**
 * Every route × every caller × own or other tenant, on the local stack. The owner (BRK-OWN) has filed one
 * declaration of each type; the other broker (BRK-OTHER) has filed nothing. Exactly the cells below that hold a
 * 2xx succeed; every other cell answers exactly its 401, 403 or 404 and changes nothing in the store.
 *
 * A row is a route, or a route with the kind of thing it is called on where the answer depends on it.
 * A broker files only for itself (the tenancy comes from its token), so both brokers may file; the same holds for
 * registering a webhook. The owner has two webhooks, one read and one to delete; another broker's webhook answers
 * 404 to a broker, exactly as one that does not exist.
 */
// biome-ignore format: the table reads best with one row per line and aligned columns
const EXPECTED = {
  fileDeclaration:                  { anonymous: 401, expiredToken: 401, ownBroker: 202, otherBroker: 202, railway: 403, portOperator: 403, officer: 403 },
  listDeclarations:                 { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 200, railway: 403, portOperator: 403, officer: 403 },
  'getDeclaration RAIL_IMPORT':     { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 200, portOperator: 200, officer: 200 },
  amendDeclaration:                 { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  cancelDeclaration:                { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  completeDeclaration:              { anonymous: 401, expiredToken: 401, ownBroker: 409, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  'getDeclaration ROAD_EXPORT':     { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 404, portOperator: 200, officer: 200 },
  'getDeclaration ROAD_IMPORT':     { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 404, portOperator: 200, officer: 200 },
  'reportPortEvent TRAIN_ARRIVED':  { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 422, portOperator: 422, officer: 403 },
  'reportPortEvent TRUCK_GATED_IN': { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 403, portOperator: 409, officer: 403 },
  'reportPortEvent TRUCK_EXITED':   { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 403, portOperator: 409, officer: 403 },
  'reportPortEvent TRUCK_SCANNED':  { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 403, portOperator: 409, officer: 403 },
  listEvents:                       { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 200, railway: 403, portOperator: 403, officer: 403 },
  registerWebhook:                  { anonymous: 401, expiredToken: 401, ownBroker: 201, otherBroker: 201, railway: 403, portOperator: 403, officer: 403 },
  listWebhooks:                     { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 200, railway: 403, portOperator: 403, officer: 403 },
  listWebhookDeliveries:            { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  deleteWebhook:                    { anonymous: 401, expiredToken: 401, ownBroker: 204, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  fileTrainManifest:                { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 201, portOperator: 403, officer: 403 },
  getTrain:                         { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 200, portOperator: 200, officer: 200 },
  listOfficerTasks:                 { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 403, portOperator: 403, officer: 200 },
  decideOnDeclaration:              { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 403, portOperator: 403, officer: 409 },
  provideDocuments:                 { anonymous: 401, expiredToken: 401, ownBroker: 409, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  bookSlot:                         { anonymous: 401, expiredToken: 401, ownBroker: 201, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  cancelSlotBooking:                { anonymous: 401, expiredToken: 401, ownBroker: 204, otherBroker: 404, railway: 403, portOperator: 403, officer: 403 },
  getSlotBooking:                   { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 404, railway: 403, portOperator: 200, officer: 200 },
  getSlotAvailability:              { anonymous: 401, expiredToken: 401, ownBroker: 200, otherBroker: 200, railway: 403, portOperator: 200, officer: 403 },
  getOpenApi:                       { anonymous: 200, expiredToken: 200, ownBroker: 200, otherBroker: 200, railway: 200, portOperator: 200, officer: 200 },
  listPortDeclarations:             { anonymous: 401, expiredToken: 401, ownBroker: 403, otherBroker: 403, railway: 200, portOperator: 200, officer: 200 },
  getDashboard:                     { anonymous: 200, expiredToken: 200, ownBroker: 200, otherBroker: 200, railway: 200, portOperator: 200, officer: 200 },
} as const satisfies Record<string, Record<CallerName, number>>;

/** Refused cells sent at once: the stack runs two environments per function, and the cells call many functions. */
const REFUSED_CELLS_AT_ONCE = 4;

type Row = keyof typeof EXPECTED;
const ROWS = Object.keys(EXPECTED) as Row[];
const routeOf = (row: Row): RouteDefinition | undefined =>
  ROUTE_LIST.find((route) => route.operationId === row.split(' ')[0]);
/** What a row's route is called on, where it matters: a declaration's type, an event's type. */
const variantOf = (row: Row) => row.split(' ')[1];

const ROLE_OF: Readonly<Record<CallerName, Role | undefined>> = {
  anonymous: undefined,
  expiredToken: undefined,
  ownBroker: 'broker',
  otherBroker: 'broker',
  railway: 'railway',
  portOperator: 'port-operator',
  officer: 'officer',
};
const BROKER_ID_OF: Partial<Record<CallerName, string>> = { ownBroker: OWN_BROKER_ID, otherBroker: OTHER_BROKER_ID };
/** Routes on one webhook or one declaration: only the broker that owns it may touch it. */
const OWNER_ONLY: ReadonlySet<RouteDefinition> = new Set([
  ROUTES.listWebhookDeliveries,
  ROUTES.deleteWebhook,
  ROUTES.amendDeclaration,
  ROUTES.cancelDeclaration,
  ROUTES.provideDocuments,
  ROUTES.bookSlot,
  ROUTES.cancelSlotBooking,
  ROUTES.completeDeclaration,
]);
/**
 * Routes on a declaration that waits for something: the fixtures wait for their train, so for no decision and no
 * documents, and the rail fixture was filed COMPLETE, so for no completion. The callers the route admits get 409
 * and change nothing (a broker other than the owner gets 404).
 */
const WAITS_FOR_NOTHING: ReadonlySet<RouteDefinition> = new Set([
  ROUTES.decideOnDeclaration,
  ROUTES.provideDocuments,
  ROUTES.completeDeclaration,
]);

/** One cell's request, what a refusal must leave alone, and what a success must show. */
interface Cell {
  readonly request: RawRequest;
  readonly declarationIds?: readonly string[];
  readonly milestones?: readonly { readonly milestone: Milestone; readonly key: string }[];
  /** Brokers whose webhooks (and webhook count) a refusal must leave as they were. */
  readonly webhookBrokers?: readonly string[];
  /** Trains (by trainKeyOf) a refusal must leave without any item. */
  readonly trains?: readonly string[];
  readonly succeeded?: (answer: RawAnswer) => void | Promise<void>;
}

interface MatrixContext {
  readonly callers: Record<CallerName, Record<string, string>>;
  /** The owner's declarations by type. */
  readonly fixtures: Readonly<Record<DeclarationType, string>>;
  readonly readEvents: (caller: CallerName) => Promise<{ declarationId: string }[]>;
  /** The owner's webhooks: one the cells read, one the owner's cell deletes. */
  readonly webhooks: { readonly read: string; readonly doomed: string };
  /** A receiver on this machine that answers 200, so that a delivery to the webhooks is made once and done. */
  readonly receiverUrl: string;
  readonly webhookIdsOf: (brokerId: string) => Promise<readonly string[]>;
  /** A train whose manifest the railway filed before the cells run. */
  readonly train: TrainRef;
  /** A road export of the owner's whose truck has a slot booked, for reading it. */
  readonly bookedTruck: string;
}

/** An hour of tomorrow on the port's clock (the stack's default calendar: Beijing time, round the clock). */
function tomorrowAt(hour: number): string {
  const calendar = slotCalendarFrom();
  const tomorrow = localTimeOf(new Date(Date.now() + 24 * 3_600_000), calendar.timeZone).date;
  const found = hoursOfLocalDate(tomorrow, calendar.timeZone).find((candidate) => candidate.localHour === hour);
  return localIsoOf(new Date(found?.startsAt ?? 0), calendar.timeZone);
}

let sequence = 0;
const fresh = (prefix: string) => `${prefix}${String(++sequence).padStart(4, '0')}`;
const json = (body: unknown) => JSON.stringify(body);

/** Each row's valid request, built afresh for every cell so that no cell can see another's write. */
const FIXTURES: Readonly<Record<string, (context: MatrixContext, caller: CallerName) => Cell>> = {
  fileDeclaration: ({ callers }, caller) => {
    const key = fresh('matrix-filing-');
    return {
      request: {
        method: 'POST',
        path: ROUTES.fileDeclaration.path,
        headers: { ...callers[caller], 'content-type': 'application/json', 'idempotency-key': key },
        body: json(railImportDeclaration({ waybillNumber: fresh('MATRIX-WB-') })),
      },
      declarationIds: [declarationIdFor(OWN_BROKER_ID, key), declarationIdFor(OTHER_BROKER_ID, key)],
      succeeded: (answer) =>
        assert.equal(
          (answer.json as { id?: string }).id,
          declarationIdFor(BROKER_ID_OF[caller] ?? '', key),
          'filed for the caller’s own tenancy',
        ),
    };
  },
  listDeclarations: ({ callers, fixtures }, caller) => ({
    request: { method: 'GET', path: `${ROUTES.listDeclarations.path}?limit=100`, headers: callers[caller] },
    succeeded: (answer) => {
      const listed = new Set(((answer.json as { items: { id: string }[] }).items ?? []).map((item) => item.id));
      const owners = Object.values(fixtures).filter((id) => listed.has(id));
      if (caller === 'ownBroker') assert.equal(owners.length, 3, 'the owner lists its own declarations');
      else assert.deepEqual(owners, [], 'another broker lists none of the owner’s');
    },
  }),
  'getDeclaration RAIL_IMPORT': (context, caller) => readingOf(context, caller, 'RAIL_IMPORT'),
  'getDeclaration ROAD_EXPORT': (context, caller) => readingOf(context, caller, 'ROAD_EXPORT'),
  'getDeclaration ROAD_IMPORT': (context, caller) => readingOf(context, caller, 'ROAD_IMPORT'),
  // The owner cancels its road-import fixture (no other cell writes to it); another broker's attempt is a 404.
  cancelDeclaration: ({ callers, fixtures }, caller) => ({
    request: {
      method: 'POST',
      path: `/v1/declarations/${fixtures.ROAD_IMPORT}/cancel`,
      headers: { ...callers[caller], 'content-type': 'application/json' },
      body: json({ reason: 'access matrix' }),
    },
    succeeded: (answer) => assert.equal((answer.json as { status?: string }).status, 'CANCELLED'),
  }),
  // The owner's rail fixture waits for its train (still amendable); the owner's cell amends document version 1.
  amendDeclaration: ({ callers, fixtures }, caller) => ({
    request: {
      method: 'PUT',
      path: `/v1/declarations/${fixtures.RAIL_IMPORT}/document`,
      headers: { ...callers[caller], 'content-type': 'application/json', 'if-match': '"1"' },
      body: json(railImportDeclaration({ waybillNumber: 'MATRIX-RAIL-001', incoterm: 'CPT' })),
    },
    succeeded: (answer) => {
      assert.equal((answer.json as { documentVersion?: number }).documentVersion, 2);
      assert.equal(answer.headers.etag, '"2"');
    },
  }),
  // The owner's rail fixture was filed COMPLETE: there is nothing to complete (409), whatever the caller sends.
  completeDeclaration: ({ callers, fixtures }, caller) => ({
    request: {
      method: 'POST',
      path: `/v1/declarations/${fixtures.RAIL_IMPORT}/completion`,
      headers: { ...callers[caller], 'content-type': 'application/json', 'if-match': '"1"' },
      body: json(railImportDeclaration({ waybillNumber: 'MATRIX-RAIL-001' })),
    },
  }),
  // A train no manifest was filed for: the reporters get as far as the train (422), everyone else not past the role.
  'reportPortEvent TRAIN_ARRIVED': ({ callers }, caller) => {
    const train = { trainNumber: fresh('MXT').slice(0, 16), trainDate: '2026-11-21' };
    return portEvent(callers[caller], 'TRAIN_ARRIVED', trainKeyOf(train), {
      eventType: 'TRAIN_ARRIVED',
      eventId: fresh('matrix-train-'),
      train,
      occurredAt: '2026-11-21T08:00:00Z',
    });
  },
  // A truck no booked declaration waits for: the port operator gets as far as the bookings (409).
  'reportPortEvent TRUCK_GATED_IN': ({ callers }, caller) => {
    const plate = fresh('MX');
    return portEvent(callers[caller], 'TRUCK_GATED_IN', plate, {
      eventType: 'TRUCK_GATED_IN',
      eventId: fresh('matrix-gate-'),
      plate,
      gate: 'G3',
      occurredAt: '2026-11-21T08:00:00Z',
    });
  },
  'reportPortEvent TRUCK_EXITED': ({ callers }, caller) => {
    const plate = fresh('MX');
    return portEvent(callers[caller], 'TRUCK_EXITED', plate, {
      eventType: 'TRUCK_EXITED',
      eventId: fresh('matrix-exit-'),
      plate,
      occurredAt: '2026-11-21T08:00:00Z',
    });
  },
  'reportPortEvent TRUCK_SCANNED': ({ callers }, caller) => {
    const plate = fresh('MX');
    return portEvent(callers[caller], 'TRUCK_SCANNED', plate, {
      eventType: 'TRUCK_SCANNED',
      eventId: fresh('matrix-scan-'),
      plate,
      result: 'CLEAR',
      occurredAt: '2026-11-21T08:00:00Z',
    });
  },
  listEvents: ({ callers, fixtures, readEvents }, caller) => ({
    request: { method: 'GET', path: `${ROUTES.listEvents.path}?limit=100`, headers: callers[caller] },
    succeeded: async () => {
      const owners = new Set(Object.values(fixtures));
      if (caller === 'ownBroker') {
        // Events are served once settled (a few seconds): the owner's appear, each of its own declarations.
        await eventually(
          () => readEvents(caller),
          (events) => Object.values(fixtures).every((id) => events.some((event) => event.declarationId === id)),
        );
      } else {
        const events = await readEvents(caller);
        assert.deepEqual(
          events.filter((event) => owners.has(event.declarationId)),
          [],
          'another broker sees none of the owner’s events',
        );
      }
    },
  }),
  registerWebhook: ({ callers, receiverUrl, webhookIdsOf }, caller) => {
    const url = `${receiverUrl}/${fresh('matrix-')}`;
    return {
      request: {
        method: 'POST',
        path: ROUTES.registerWebhook.path,
        headers: { ...callers[caller], 'content-type': 'application/json', 'idempotency-key': fresh('matrix-hook-') },
        body: json({ url, description: 'access matrix' }),
      },
      webhookBrokers: [OWN_BROKER_ID, OTHER_BROKER_ID],
      succeeded: async (answer) => {
        const { id, url: registered } = answer.json as { id: string; url: string };
        assert.equal(registered, url);
        assert.ok(
          (await webhookIdsOf(BROKER_ID_OF[caller] ?? '')).includes(id),
          'registered for the caller’s own tenancy',
        );
      },
    };
  },
  listWebhooks: ({ callers, webhooks }, caller) => ({
    request: { method: 'GET', path: ROUTES.listWebhooks.path, headers: callers[caller] },
    succeeded: (answer) => {
      const listed = (answer.json as { items: { id: string }[] }).items.map((item) => item.id);
      if (caller === 'ownBroker') assert.ok(listed.includes(webhooks.read), 'the owner lists its own webhooks');
      else
        assert.deepEqual(
          listed.filter((id) => id === webhooks.read || id === webhooks.doomed),
          [],
          'another broker lists none of the owner’s',
        );
    },
  }),
  listWebhookDeliveries: ({ callers, webhooks }, caller) => ({
    request: { method: 'GET', path: `/v1/webhooks/${webhooks.read}/deliveries?limit=100`, headers: callers[caller] },
    succeeded: (answer) => assert.ok(Array.isArray((answer.json as { items?: unknown }).items), 'a page of the log'),
  }),
  deleteWebhook: ({ callers, webhooks, webhookIdsOf }, caller) => ({
    request: { method: 'DELETE', path: `/v1/webhooks/${webhooks.doomed}`, headers: callers[caller] },
    webhookBrokers: [OWN_BROKER_ID, OTHER_BROKER_ID],
    succeeded: async () =>
      assert.equal((await webhookIdsOf(OWN_BROKER_ID)).includes(webhooks.doomed), false, 'the webhook is gone'),
  }),
  fileTrainManifest: ({ callers }, caller) => {
    const train: TrainRef = { trainNumber: fresh('MX'), trainDate: TRAIN.trainDate };
    return {
      request: {
        method: 'PUT',
        path: pathOf(ROUTES.fileTrainManifest, train),
        headers: { ...callers[caller], 'content-type': 'application/json' },
        body: json(trainManifest()),
      },
      trains: [trainKeyOf(train)],
      succeeded: (answer) => {
        assert.equal((answer.json as { manifestVersion?: number }).manifestVersion, 1);
        assert.equal(answer.headers.etag, '"1"');
      },
    };
  },
  getTrain: ({ callers, train }, caller) => ({
    request: { method: 'GET', path: pathOf(ROUTES.getTrain, train), headers: callers[caller] },
    succeeded: (answer) => assert.equal((answer.json as { trainNumber?: string }).trainNumber, train.trainNumber),
  }),
  listOfficerTasks: ({ callers }, caller) => ({
    request: {
      method: 'GET',
      path: `${ROUTES.listOfficerTasks.path}?queue=officers&limit=100`,
      headers: callers[caller],
    },
    succeeded: (answer) => assert.ok(Array.isArray((answer.json as { items?: unknown }).items), 'a page of the queue'),
  }),
  decideOnDeclaration: ({ callers, fixtures }, caller) => ({
    request: {
      method: 'POST',
      path: `/v1/declarations/${fixtures.RAIL_IMPORT}/decisions`,
      headers: { ...callers[caller], 'content-type': 'application/json' },
      body: json({ decision: 'APPROVE', reason: 'access matrix' }),
    },
  }),
  provideDocuments: ({ callers, fixtures }, caller) => ({
    request: {
      method: 'POST',
      path: `/v1/declarations/${fixtures.RAIL_IMPORT}/documents`,
      headers: { ...callers[caller], 'content-type': 'application/json' },
      body: json({ documents: [{ type: 'INVOICE', number: 'INV-1', issuer: 'Matrix Co.', issuedOn: '2026-11-01' }] }),
    },
  }),
  // The owner books its road export's truck (a car carrier) for tomorrow; another broker's attempt is a 404.
  bookSlot: ({ callers, fixtures }, caller) => ({
    request: {
      method: 'PUT',
      path: `/v1/declarations/${fixtures.ROAD_EXPORT}/slot`,
      headers: { ...callers[caller], 'content-type': 'application/json' },
      body: json({ laneType: 'VEHICLE_CARRIER', startsAt: tomorrowAt(10) }),
    },
    succeeded: (answer) => assert.equal((answer.json as { state?: string }).state, 'BOOKED'),
  }),
  // Cancelling answers 204 whether the owner's booking is there yet or not; it is never another broker's to cancel.
  cancelSlotBooking: ({ callers, fixtures }, caller) => ({
    request: { method: 'DELETE', path: `/v1/declarations/${fixtures.ROAD_EXPORT}/slot`, headers: callers[caller] },
  }),
  getSlotBooking: ({ callers, bookedTruck }, caller) => ({
    request: { method: 'GET', path: `/v1/declarations/${bookedTruck}/slot`, headers: callers[caller] },
    succeeded: (answer) => assert.equal((answer.json as { declarationId?: string }).declarationId, bookedTruck),
  }),
  getSlotAvailability: ({ callers }, caller) => ({
    request: {
      method: 'GET',
      path: `${ROUTES.getSlotAvailability.path}?date=${tomorrowAt(10).slice(0, 10)}&laneType=VEHICLE_CARRIER`,
      headers: callers[caller],
    },
    succeeded: (answer) => assert.equal((answer.json as { hours?: unknown[] }).hours?.length, 24),
  }),
  getOpenApi: ({ callers }, caller) => ({
    request: { method: 'GET', path: ROUTES.getOpenApi.path, headers: callers[caller] },
    succeeded: (answer) => assert.equal((answer.json as { openapi?: string }).openapi, '3.1.0'),
  }),
  // The board shows each role the types it may see: the railway its train, never a truck.
  listPortDeclarations: ({ callers, fixtures }, caller) => ({
    request: { method: 'GET', path: `${ROUTES.listPortDeclarations.path}?limit=100`, headers: callers[caller] },
    succeeded: (answer) => {
      const ids = ((answer.json as { items?: { id: string }[] }).items ?? []).map((item) => item.id);
      assert.ok(ids.includes(String(fixtures.RAIL_IMPORT)), `${caller} sees the train's declaration on the board`);
      assert.equal(ids.includes(String(fixtures.ROAD_EXPORT)), caller !== 'railway', `${caller} and the trucks`);
    },
  }),
  getDashboard: ({ callers }, caller) => ({
    request: { method: 'GET', path: ROUTES.getDashboard.path, headers: callers[caller] },
    succeeded: (answer) => {
      assert.equal(answer.mediaType, 'text/html');
      assert.match(String(answer.headers['content-security-policy']), /default-src 'none'/);
    },
  }),
};

function readingOf(context: MatrixContext, caller: CallerName, type: DeclarationType): Cell {
  const id = context.fixtures[type];
  return {
    request: { method: 'GET', path: `/v1/declarations/${id}`, headers: context.callers[caller] },
    succeeded: (answer) => assert.equal((answer.json as { id?: string }).id, id),
  };
}

function portEvent(headers: Record<string, string>, milestone: Milestone, key: string, event: unknown): Cell {
  return {
    request: {
      method: 'POST',
      path: ROUTES.reportPortEvent.path,
      headers: { ...headers, 'content-type': 'application/json' },
      body: json(event),
    },
    milestones: [{ milestone, key }],
    succeeded: (answer) => assert.equal((answer.json as { key?: string }).key, key),
  };
}

describe('who may do what: every route × every caller × own or other tenant', () => {
  it('has a row for every route of the registry, and a fixture for every row', () => {
    for (const route of ROUTE_LIST) {
      assert.ok(
        ROWS.some((row) => routeOf(row) === route),
        `route ${route.operationId} (${route.method} ${route.path}) has no row in EXPECTED: add its expected answers and a FIXTURES entry`,
      );
    }
    for (const row of ROWS) {
      assert.ok(routeOf(row), `row ${row} names no route of the registry`);
      assert.ok(FIXTURES[row], `row ${row} has no request fixture in FIXTURES`);
    }
  });

  it('agrees with the registry’s roles and the documented tenancy, visibility and reporting rules', () => {
    for (const row of ROWS) {
      const route = routeOf(row) as RouteDefinition;
      for (const caller of CALLERS) {
        const role = ROLE_OF[caller];
        const derived =
          route.roles === 'public'
            ? route.success.status
            : role === undefined
              ? 401
              : !route.roles.includes(role)
                ? 403
                : route === ROUTES.getDeclaration || route === ROUTES.getSlotBooking
                  ? visibilityFor(
                      (variantOf(row) ?? 'ROAD_EXPORT') as DeclarationType,
                      role,
                      caller === 'ownBroker',
                    ) === 'none'
                    ? 404
                    : 200
                  : route === ROUTES.reportPortEvent
                    ? mayReport(role, variantOf(row) as Milestone)
                      ? // Past the role: a truck no booked declaration waits for (409), a train with no manifest (422).
                        variantOf(row)?.startsWith('TRUCK_')
                        ? 409
                        : 422
                      : 403
                    : OWNER_ONLY.has(route) && caller !== 'ownBroker'
                      ? 404
                      : WAITS_FOR_NOTHING.has(route)
                        ? 409
                        : route.success.status;
        assert.equal(EXPECTED[row][caller], derived, `${row} × ${caller}`);
      }
    }
  });

  describe('on the local stack', () => {
    let env: Awaited<ReturnType<typeof startTestStack>>;
    let probe: StoreProbe;
    let context: MatrixContext;
    let countsBefore: Awaited<ReturnType<StoreProbe['counts']>>;
    let receiver: Receiver | undefined;

    before(async () => {
      env = await startTestStack();
      probe = storeProbe(env);
      const callers = await callerHeaders();
      const fixtures: Partial<Record<DeclarationType, string>> = {};
      const documents = {
        RAIL_IMPORT: railImportDeclaration({ waybillNumber: 'MATRIX-RAIL-001' }),
        ROAD_EXPORT: roadExportDeclaration(),
        ROAD_IMPORT: roadImportDeclaration(),
      };
      for (const [type, document] of Object.entries(documents) as [DeclarationType, unknown][]) {
        const answer = await sendRaw(env.stack.apiUrl, {
          method: 'POST',
          path: ROUTES.fileDeclaration.path,
          headers: { ...callers.ownBroker, 'content-type': 'application/json', 'idempotency-key': `matrix-${type}` },
          body: json(document),
        });
        assert.equal(answer.status, 202, `the owner files its ${type}: ${answer.text}`);
        fixtures[type] = (answer.json as { id: string }).id;
      }
      const readEvents = async (caller: CallerName) =>
        (
          (await sendRaw(env.stack.apiUrl, { method: 'GET', path: '/v1/events?limit=100', headers: callers[caller] }))
            .json as { items: { declarationId: string }[] }
        ).items;
      // The fixtures' workflows run to their wait; only then is the store still, and its counts a baseline.
      for (const [type, id] of Object.entries(fixtures)) {
        await eventually(
          async () =>
            (
              await sendRaw(env.stack.apiUrl, {
                method: 'GET',
                path: `/v1/declarations/${id}`,
                headers: callers.ownBroker,
              })
            ).json as { status?: string },
          // A rail fixture has no train manifest on file: it waits for an amendment instead of its train.
          (body) => holdsStill(type, body.status),
          60_000,
        );
      }
      // The owner's webhooks come after its declarations' events were dispatched (the store held still), so
      // they are sent nothing before the allowed cells run; anything sent later finds a receiver that answers 200.
      await probe.settledCounts();
      receiver = await startReceiver();
      const registered: string[] = [];
      for (const name of ['read', 'doomed']) {
        const answer = await sendRaw(env.stack.apiUrl, {
          method: 'POST',
          path: ROUTES.registerWebhook.path,
          headers: { ...callers.ownBroker, 'content-type': 'application/json', 'idempotency-key': `matrix-${name}` },
          body: json({ url: `${receiver.url}/${name}` }),
        });
        assert.equal(answer.status, 201, `the owner registers its ${name} webhook: ${answer.text}`);
        registered.push((answer.json as { id: string }).id);
      }
      const [read = '', doomed = ''] = registered;
      const train: TrainRef = { trainNumber: 'MATRIX-TRAIN', trainDate: TRAIN.trainDate };
      const filedManifest = await sendRaw(env.stack.apiUrl, {
        method: 'PUT',
        path: pathOf(ROUTES.fileTrainManifest, train),
        headers: { ...callers.railway, 'content-type': 'application/json' },
        body: json(trainManifest()),
      });
      assert.equal(filedManifest.status, 201, `the railway files the matrix train's manifest: ${filedManifest.text}`);
      // A road export of the owner's with its truck booked, for the cells that read a booking.
      const truck = await sendRaw(env.stack.apiUrl, {
        method: 'POST',
        path: ROUTES.fileDeclaration.path,
        headers: { ...callers.ownBroker, 'content-type': 'application/json', 'idempotency-key': 'matrix-booked-truck' },
        body: json(roadExportDeclaration()),
      });
      assert.equal(truck.status, 202, `the owner files its booked truck: ${truck.text}`);
      const bookedTruck = (truck.json as { id: string }).id;
      await eventually(
        async () =>
          (
            await sendRaw(env.stack.apiUrl, {
              method: 'GET',
              path: `/v1/declarations/${bookedTruck}`,
              headers: callers.ownBroker,
            })
          ).json as { status?: string },
        (body) => holdsStill('ROAD_EXPORT', body.status),
        60_000,
      );
      const booked = await sendRaw(env.stack.apiUrl, {
        method: 'PUT',
        path: `/v1/declarations/${bookedTruck}/slot`,
        headers: { ...callers.ownBroker, 'content-type': 'application/json' },
        body: json({ laneType: 'VEHICLE_CARRIER', startsAt: tomorrowAt(11) }),
      });
      assert.equal(booked.status, 201, `the owner books its truck's slot: ${booked.text}`);
      // The booking moves the truck's workflow on to the gate: the store is still once it waits there.
      await eventually(
        async () =>
          (
            await sendRaw(env.stack.apiUrl, {
              method: 'GET',
              path: `/v1/declarations/${bookedTruck}`,
              headers: callers.ownBroker,
            })
          ).json as { status?: string },
        (body) => body.status === 'SLOT_BOOKED',
        60_000,
      );
      context = {
        bookedTruck,
        train,
        callers,
        fixtures: fixtures as Record<DeclarationType, string>,
        readEvents,
        webhooks: { read, doomed },
        receiverUrl: receiver.url,
        webhookIdsOf: async (brokerId) => (await probe.webhooksOf(brokerId)).ids,
      };
      countsBefore = await probe.settledCounts();
    });
    after(async () => {
      await env?.stop();
      await receiver?.stop();
    });

    const cells = ROWS.flatMap((row) => CALLERS.map((caller) => ({ row, caller, expected: EXPECTED[row][caller] })));

    const webhooksOfAll = (brokers: readonly string[] = []) =>
      Promise.all(brokers.map((broker) => probe.webhooksOf(broker)));

    function cellOf(row: Row, caller: CallerName): Cell {
      const fixture = FIXTURES[row];
      assert.ok(fixture, `row ${row} has no request fixture`);
      return fixture(context, caller);
    }

    async function call(row: Row, caller: CallerName, expected: number, cell: Cell): Promise<RawAnswer> {
      const answer = await sendRaw(env.stack.apiUrl, cell.request);
      assert.equal(answer.status, expected, `${row} × ${caller}: ${answer.text.slice(0, 300)}`);
      assert.deepEqual(answerFaults(cell.request, answer), [], `${row} × ${caller}`);
      return answer;
    }

    async function refusedCell(row: Row, caller: CallerName, expected: number): Promise<void> {
      const cell = cellOf(row, caller);
      const recordsBefore = await probe.idempotencyRecords();
      const webhooksBefore = await webhooksOfAll(cell.webhookBrokers);
      await call(row, caller, expected, cell);
      for (const id of cell.declarationIds ?? []) {
        assert.equal(await probe.itemsOfDeclaration(id), 0, `no declaration ${id}`);
      }
      for (const { milestone, key } of cell.milestones ?? []) {
        assert.equal(await probe.itemsOfMilestone(milestone, key), 0, `no ${milestone} milestone for ${key}`);
      }
      for (const trainKey of cell.trains ?? []) {
        assert.equal(await probe.itemsOfTrain(trainKey), 0, `no train ${trainKey}`);
      }
      assert.equal(await probe.idempotencyRecords(), recordsBefore, 'no idempotency record');
      assert.deepEqual(await webhooksOfAll(cell.webhookBrokers), webhooksBefore, 'no webhook added or removed');
    }

    // A route that records idempotency holds an in-progress record while its function runs, even for a request it
    // then refuses: its cells run alone, so that no other cell counts that record as written.
    const refused = cells.filter((cell) => cell.expected >= 400);
    const recordsIdempotency = (row: Row) => routeOf(row)?.idempotency !== undefined;

    // Refused cells first: nothing may have been written by the time the tables are counted again.
    describe('the refused cells answer exactly their 401, 403 or 404 and change nothing', () => {
      describe('on routes that record idempotency, one at a time', () => {
        for (const { row, caller, expected } of refused.filter((cell) => recordsIdempotency(cell.row))) {
          it(`${row} × ${caller} → ${expected}`, () => refusedCell(row, caller, expected));
        }
      });

      // Several at once: none of them may write, so none can change what another one counts.
      describe('on the other routes, several at once', { concurrency: REFUSED_CELLS_AT_ONCE }, () => {
        for (const { row, caller, expected } of refused.filter((cell) => !recordsIdempotency(cell.row))) {
          it(`${row} × ${caller} → ${expected}`, () => refusedCell(row, caller, expected));
        }
      });

      it('left both tables holding exactly the items they held before', async () => {
        assert.deepEqual(await probe.counts(), countsBefore);
      });
    });

    describe('the allowed cells succeed', () => {
      for (const { row, caller, expected } of cells.filter((cell) => cell.expected < 400)) {
        it(`${row} × ${caller} → ${expected}`, async () => {
          const cell = cellOf(row, caller);
          await cell.succeeded?.(await call(row, caller, expected, cell));
        });
      }
    });
  });
});
