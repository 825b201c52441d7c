import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { declarationIdFor } from '#domain/declaration.ts';
import { type Milestone, PORT_EVENTS } from '#domain/port-events.ts';
import { SCAN_RESULTS } from '#domain/road-scan.ts';
import { ROLES, type Role } from '#domain/roles.ts';
import { hoursOfLocalDate, LANE_TYPE_NAMES, localIsoOf, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { type TrainRef, trainKeyOf } from '#domain/trains.ts';
import { MAX_WEBHOOK_URL_LENGTH, WEBHOOK_URL_RULES } from '#domain/webhook-url-policy.ts';
import { MAX_WEBHOOKS_PER_BROKER } from '#domain/webhooks.ts';
import { ROUTE_LIST, ROUTES, type RouteDefinition } from '#shared/routes.ts';
import { breakingMutation, unionBranch } from '../support/breaking-mutations.ts';
import {
  type CallerName,
  callerHeaders,
  OTHER_BROKER_ID,
  OWN_BROKER_ID,
  withEditedClaims,
  withForgedSignature,
} from '../support/callers.ts';
import {
  CONTAINERS,
  railImportDeclaration,
  railImportSummary,
  roadExportDeclaration,
  roadImportDeclaration,
  VINS,
  withWrongCheckCharacter,
} from '../support/declarations.ts';
import { answerFaults, isBuiltInGatewayAnswer, type RawAnswer, type RawRequest, sendRaw } from '../support/raw-http.ts';
import { type StoreProbe, storeProbe } from '../support/store-probe.ts';
import { MANIFEST, trainManifest, withWrongCheckDigit } from '../support/trains.ts';
import { eventually, holdsStill, startTestStack } from './local-stack-client.ts';

/**
 * Property-based fuzzing of the whole API on the local stack (fast-check): for every route of the registry,
 * requests meant to be refused (a valid document with one breaking change, any JSON at all, text that is not
 * JSON, wrong content types, missing, garbled, forged or expired tokens, the wrong role, query strings) and
 * reads meant to succeed. Whatever arrives: never a 5xx, never a dropped connection; a refusal is problem+json
 * with its HTTP status, naming the field and the rule where it is a 400 or 422; and a refused write wrote nothing.
 *
 * Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> node --test test/e2e/fuzz.e2e.test.ts
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_121);
/** Cases per route; together at least 2,000. A route added to the registry gets DEFAULT_RUNS. */
const RUNS: Readonly<Record<string, number>> = {
  fileDeclaration: 700,
  reportPortEvent: 450,
  getDeclaration: 300,
  listDeclarations: 250,
  listEvents: 150,
  registerWebhook: 450,
  listWebhooks: 100,
  deleteWebhook: 200,
  listWebhookDeliveries: 250,
  getOpenApi: 100,
  fileTrainManifest: 300,
  getTrain: 150,
  unknownRoutes: 150,
};
const DEFAULT_RUNS = 150;
/** The waybill of the owner's two-step summary fixture, which the completions name. */
const FUZZ_SUMMARY_WAYBILL = 'FUZZ-RAIL-002';
/** The whole fuzz run stops after this long, whatever the count; each route gets its share. */
const TIME_LIMIT_MS = 150_000;
/**
 * Routes fuzzed at once. Each route's cases run one after another (fast-check), but different routes call different
 * functions, so the stack answers several routes at once (within its two environments per function and each
 * route's 100 requests per second). Every fuzzed request must be refused or only read, so no route's case can change
 * what another's checks count; a write that slips through still fails a check, if perhaps another route's. Except
 * for a route that records idempotency: it holds an in-progress record while its function runs, even for a request
 * it then refuses, so such a route is fuzzed alone.
 */
const ROUTES_AT_ONCE = 4;

type Expectation =
  /** Must be refused with a 4xx (every write the generators make, and reads that break a rule). */
  | 'refused'
  /** A valid read: must succeed. */
  | 'read'
  /** Either is right (a random query string may happen to be valid); only never a 5xx. */
  | 'any';

interface FuzzCase {
  /** What this request is meant to exercise: the breaking change, the caller. */
  readonly what: string;
  readonly request: RawRequest;
  readonly expect: Expectation;
  /** Declarations a refused filing must not have created. */
  readonly declarationIds?: readonly string[];
  /** Milestone keys a refused port event must not have recorded. */
  readonly milestones?: readonly { readonly milestone: Milestone; readonly key: string }[];
  /** Brokers whose webhooks (and webhook count) a refused request must leave as they were. */
  readonly webhookBrokers?: readonly string[];
  /** Trains (by trainKeyOf) a refused manifest filing must not have created or changed. */
  readonly trains?: readonly string[];
  /** The refusal this case must get exactly: its status, and an error naming this field with one of these rules. */
  readonly refusal?: { readonly status: number; readonly field: string; readonly rules: readonly string[] };
}

interface FuzzContext {
  readonly callers: Record<CallerName, Record<string, string>>;
  /** The owner's declarations, one of each type, for reads. */
  readonly fixtures: Readonly<Record<string, string>>;
  /** The webhooks of WEBHOOK_OWNER: as many as a broker may have. */
  readonly webhookIds: readonly string[];
  /** A train whose manifest the railway has filed, for reads. */
  readonly train: TrainRef;
  /** The owner's two-step rail summary, which no refused completion may complete. */
  readonly summary: string;
}

/** The query parameters a route declares, and the values an enumerated one allows. */
const QUERY_NAMES_OF = {
  listDeclarations: (ROUTES.listDeclarations.request.query as unknown as QuerySchema).properties,
  listEvents: (ROUTES.listEvents.request.query as unknown as QuerySchema).properties,
  listWebhookDeliveries: (ROUTES.listWebhookDeliveries.request.query as unknown as QuerySchema).properties,
};
interface QuerySchema {
  readonly properties: Record<string, { readonly enum?: readonly string[] }>;
}
const STATUS_NAMES = QUERY_NAMES_OF.listDeclarations.status?.enum ?? [];
const DECLARATION_TYPE_NAMES = QUERY_NAMES_OF.listDeclarations.declarationType?.enum ?? [];

// ——— building blocks ————————————————————————————————————————————————————————————————————————————————————

const ROLE_CALLER: Readonly<Record<Role, CallerName>> = {
  broker: 'ownBroker',
  railway: 'railway',
  'port-operator': 'portOperator',
  officer: 'officer',
};

/** Callers the registry does not admit to a route: each holds a role the route does not list. */
function callersWithoutAccess(route: RouteDefinition): CallerName[] {
  if (route.roles === 'public') return [];
  const allowed = route.roles;
  return ROLES.filter((role) => !allowed.includes(role)).map((role) => ROLE_CALLER[role]);
}

/** Credentials the gateway must turn away (401), whatever the request. */
function badCredentials(context: FuzzContext): fc.Arbitrary<{ headers: Record<string, string>; what: string }> {
  const validTokens = Object.values(context.callers)
    .map((headers) => headers.authorization?.replace('Bearer ', ''))
    .filter((token): token is string => token !== undefined);
  return fc.oneof(
    fc.constant({ headers: {}, what: 'no token' }),
    fc.constant({ headers: context.callers.expiredToken, what: 'an expired token' }),
    fc
      .stringMatching(/^[\x21-\x7E]{1,400}$/)
      .map((token) => ({ headers: { authorization: `Bearer ${token}` }, what: 'a garbled token' })),
    fc.constantFrom(...validTokens).map((token) => ({
      headers: { authorization: `Bearer ${withForgedSignature(token)}` },
      what: 'a token with a forged signature',
    })),
    fc.constantFrom(...validTokens).map((token) => ({
      headers: { authorization: `Bearer ${withEditedClaims(token)}` },
      what: 'a token whose claims were edited',
    })),
    fc.constantFrom(
      { headers: { authorization: 'Bearer ' }, what: 'an empty bearer token' },
      { headers: { authorization: `Basic ${Buffer.from('broker:secret').toString('base64')}` }, what: 'Basic auth' },
      { headers: { authorization: 'Bearer a.b.c' }, what: 'a three-part non-token' },
    ),
  );
}

/** A query string of random names and values, well-formed percent-encoding (never empty). */
const randomQuery = fc
  .array(
    fc.tuple(
      fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }),
      fc.string({ maxLength: 40, unit: 'grapheme' }),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((pairs) => pairs.map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`).join('&'));

/** Text that is not a JSON document: truncated, trailed by garbage, single-quoted, a BOM, bytes, nothing. */
function notJson(validJson: string): fc.Arbitrary<{ body: string | Buffer; what: string }> {
  return fc.oneof(
    fc
      .nat({ max: validJson.length - 1 })
      .map((at) => ({ body: validJson.slice(0, at), what: `JSON cut off after ${at} characters` })),
    fc
      .constantFrom('x', ',', '}', ']', '{', '"', '\u0000', 'null')
      .map((tail) => ({ body: `${validJson}${tail}`, what: `JSON followed by ${JSON.stringify(tail)}` })),
    fc.constant({ body: `\uFEFF${validJson}`, what: 'JSON after a byte-order mark' }),
    fc.constant({ body: validJson.replaceAll('"', "'"), what: 'single-quoted pseudo-JSON' }),
    fc.constant({ body: validJson.replace(/:("[^"]*"|[\d.eE+-]+)/, ':NaN'), what: 'a NaN literal' }),
    fc.constant({ body: '', what: 'an empty body' }),
    fc
      .string({ maxLength: 200, unit: 'binary' })
      .filter((text) => !isJson(text))
      .map((text) => ({ body: text, what: 'random text' })),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
      body: Buffer.concat([
        Buffer.from('{"declarationType":"'),
        Buffer.from(bytes),
        Buffer.from([0xff, 0xfe, 0x22, 0x7d]),
      ]),
      what: 'invalid UTF-8 bytes in a string',
    })),
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** JSON nested deeper than any document is: arrays, objects, or inside an otherwise valid document. */
function deeplyNested(validDocument: unknown): fc.Arbitrary<{ body: string; what: string }> {
  return fc
    .tuple(fc.integer({ min: 100, max: 100_000 }), fc.constantFrom('array', 'object', 'inside a field'))
    .map(([depth, shape]) => {
      const arrays = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      const objects = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
      const body =
        shape === 'array'
          ? arrays
          : shape === 'object'
            ? objects
            : JSON.stringify({ ...(validDocument as object), deep: '__DEEP__' }).replace('"__DEEP__"', arrays);
      return { body, what: `${shape} nested ${depth} deep` };
    });
}

const NOT_JSON_MEDIA_TYPES = [
  'text/plain',
  'application/xml',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=latin1',
  'application/jsonx',
  'json',
  '',
] as const;

/** Arbitrary JSON values as a body: the whole document replaced by whatever fast-check thinks of. */
const anyJsonBody = fc
  .anything({ maxDepth: 4 })
  .map((value) => ({ body: JSON.stringify(value) ?? '', what: 'an arbitrary JSON value as the body' }));

/** Long strings, enumerated values included (a 100,000-letter type once made the log masking time out). */
const MUTATION_OPTIONS = { longestString: 200_000, longestEnumeratedString: 200_000 } as const;

// ——— write routes: one valid request, then one thing broken ——————————————————————————————————————————————

/** A write request that would succeed as it is; each refusal below breaks exactly one thing about it. */
interface ValidWrite {
  readonly body: Record<string, unknown>;
  readonly schema: unknown;
  /** Authorization and the route's required headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly untouched: Pick<FuzzCase, 'declarationIds' | 'milestones' | 'webhookBrokers' | 'trains'>;
  /** The route's path with its parameters filled in, for routes on one resource. */
  readonly path?: string;
}

function refusedWrites(
  route: RouteDefinition,
  context: FuzzContext,
  valid: fc.Arbitrary<ValidWrite>,
  extra: readonly fc.WeightedArbitrary<FuzzCase>[],
): fc.Arbitrary<FuzzCase> {
  /** The valid request with one change: a body, the whole header set, or a query string. */
  const send = (
    write: ValidWrite,
    what: string,
    change: { body?: string | Buffer; headers?: Record<string, string>; query?: string },
  ): FuzzCase => ({
    what,
    request: {
      method: route.method,
      path: `${write.path ?? route.path}${change.query === undefined ? '' : `?${change.query}`}`,
      headers: change.headers ?? { 'content-type': 'application/json', ...write.headers },
      body: change.body ?? JSON.stringify(write.body),
    },
    expect: 'refused',
    ...write.untouched,
  });
  const withoutAuthorization = (headers: Readonly<Record<string, string>>) => {
    const { authorization: _authorization, ...rest } = headers;
    return rest;
  };
  const wrongCallers = callersWithoutAccess(route);
  return fc.oneof(
    {
      weight: 8,
      arbitrary: valid.chain((write) =>
        breakingMutation(write.body, write.schema, MUTATION_OPTIONS).map((broken) =>
          send(write, `one breaking change: ${broken.what}`, { body: JSON.stringify(broken.document) ?? '' }),
        ),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, anyJsonBody).map(([write, any]) => send(write, any.what, { body: any.body })),
    },
    {
      weight: 2,
      arbitrary: valid.chain((write) =>
        notJson(JSON.stringify(write.body)).map((text) => send(write, text.what, { body: text.body })),
      ),
    },
    {
      weight: 1,
      arbitrary: valid.chain((write) =>
        deeplyNested(write.body).map((deep) => send(write, deep.what, { body: deep.body })),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, fc.constantFrom(...NOT_JSON_MEDIA_TYPES)).map(([write, mediaType]) =>
        send(write, mediaType === '' ? 'no content type' : `content type "${mediaType}"`, {
          headers: mediaType === '' ? { ...write.headers } : { ...write.headers, 'content-type': mediaType },
        }),
      ),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(valid, badCredentials(context)).map(([write, credentials]) =>
        send(write, credentials.what, {
          headers: {
            'content-type': 'application/json',
            ...withoutAuthorization(write.headers),
            ...credentials.headers,
          },
        }),
      ),
    },
    ...(wrongCallers.length === 0
      ? []
      : [
          {
            weight: 2,
            arbitrary: fc.tuple(valid, fc.constantFrom(...wrongCallers)).map(([write, caller]) =>
              send(write, `called by ${caller}, a role the route does not admit`, {
                headers: {
                  'content-type': 'application/json',
                  ...withoutAuthorization(write.headers),
                  ...context.callers[caller],
                },
              }),
            ),
          },
        ]),
    {
      weight: 1,
      arbitrary: fc.tuple(valid, randomQuery).map(([write, query]) => send(write, `query string ?${query}`, { query })),
    },
    ...extra,
  );
}

const idempotencyKey = fc.stringMatching(/^[\x21-\x7E]{1,64}$/);
const BAD_IDEMPOTENCY_KEYS = [
  { key: undefined, what: 'no Idempotency-Key' },
  { key: '', what: 'an empty Idempotency-Key' },
  { key: 'two words', what: 'an Idempotency-Key with a space' },
  { key: 'k'.repeat(256), what: 'an Idempotency-Key of 256 characters' },
  { key: 'clé-é', what: 'an Idempotency-Key with Latin-1 letters' },
] as const;

function fileDeclarationCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.fileDeclaration;
  // Each document is broken against its own type's branch of the route's request schema.
  const documents = [railImportDeclaration, roadExportDeclaration, roadImportDeclaration].map((build) => ({
    build,
    schema: unionBranch(route.request.body, 'declarationType', build().declarationType),
  }));
  const valid: fc.Arbitrary<ValidWrite> = fc
    .tuple(fc.constantFrom(...documents), idempotencyKey, fc.nat({ max: 6 }))
    .map(([{ build, schema }, key, extraLines]) => {
      const document = build() as unknown as Record<string, unknown> & { goods: unknown[] };
      // More goods lines than one, so that a breaking change can land anywhere in a longer array.
      const goods = Array.from({ length: extraLines + 1 }, () => structuredClone(document.goods[0]));
      return {
        body: { ...document, goods },
        schema,
        headers: { ...context.callers.ownBroker, 'idempotency-key': key },
        untouched: { declarationIds: [declarationIdFor(OWN_BROKER_ID, key)] },
      };
    });
  const post = (write: ValidWrite, what: string, body: unknown, headers = write.headers): FuzzCase => ({
    what,
    request: {
      method: 'POST',
      path: route.path,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    expect: 'refused',
    ...write.untouched,
  });
  // Documents the schema accepts but the declaration's own rules refuse: they pass the idempotency layer first.
  const brokenBusinessRule = valid.chain((write) => {
    const document = write.body as Record<string, unknown> & {
      declarationType: string;
      containers?: { number: string }[];
      goods: Record<string, unknown>[];
      vehicles?: { vin: string }[];
    };
    const unlisted = document.containers?.some((c) => c.number === CONTAINERS.first)
      ? CONTAINERS.second
      : CONTAINERS.first;
    const options = [
      post(write, 'a goods line in a container the declaration does not list', {
        ...document,
        goods: [{ ...document.goods[0], containerNumber: unlisted }, ...document.goods.slice(1)],
      }),
      ...(document.containers === undefined
        ? []
        : [
            post(write, 'a container listed twice', {
              ...document,
              containers: [...document.containers, ...document.containers],
            }),
          ]),
      ...(document.declarationType === 'ROAD_EXPORT'
        ? [
            post(write, 'a VIN made in China with a wrong check character', {
              ...document,
              vehicles: [{ vin: withWrongCheckCharacter(VINS.chinese) }],
            }),
            post(write, 'a vehicle listed twice', {
              ...document,
              vehicles: [{ vin: VINS.german }, { vin: VINS.german }],
            }),
          ]
        : []),
    ];
    return fc.constantFrom(...options);
  });
  const tooLarge = valid.map((write) =>
    post(write, '999 goods lines of 512 characters: larger than a DynamoDB item', largestDocument()),
  );
  const badIdempotencyKey = fc.tuple(valid, fc.constantFrom(...BAD_IDEMPOTENCY_KEYS)).map(([write, { key, what }]) => {
    const { 'idempotency-key': _key, ...headers } = write.headers;
    return post(write, what, write.body, key === undefined ? headers : { ...headers, 'idempotency-key': key });
  });
  return refusedWrites(route, context, valid, [
    { weight: 3, arbitrary: brokenBusinessRule },
    // Rare: each is 700 KB, and the deterministic case below sends one anyway.
    { weight: 1, arbitrary: tooLarge },
    { weight: 2, arbitrary: badIdempotencyKey },
  ]);
}

/**
 * Amendments of the owner's rail fixture that must all be refused: the valid amendment (document version 1, a
 * new Incoterm) with one breaking change, without If-Match (428), naming another version (412), with a malformed
 * If-Match (400), changing what an amendment may not (422), on another broker's or an unknown declaration (404).
 * None may write: the fixture stays at document version 1.
 */
function amendDeclarationCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const id = context.fixtures.RAIL_IMPORT ?? '';
  const at = (declarationId: string) => `/v1/declarations/${declarationId}/document`;
  const route = { ...ROUTES.amendDeclaration, path: at(id) };
  const fixture = railImportDeclaration({ waybillNumber: 'FUZZ-RAIL-001' });
  const amended = { ...fixture, incoterm: 'CPT' as const };
  const headers = { ...context.callers.ownBroker, 'if-match': '"1"' };
  const valid: fc.Arbitrary<ValidWrite> = fc.constant({
    body: amended as unknown as Record<string, unknown>,
    schema: unionBranch(ROUTES.amendDeclaration.request.body, 'declarationType', 'RAIL_IMPORT'),
    headers,
    untouched: {},
  });
  const put = (
    what: string,
    body: unknown,
    requestHeaders: Record<string, string> = headers,
    refusal?: FuzzCase['refusal'],
    path = at(id),
  ): FuzzCase => ({
    what,
    request: {
      method: 'PUT',
      path,
      headers: { 'content-type': 'application/json', ...requestHeaders },
      body: JSON.stringify(body),
    },
    expect: 'refused',
    ...(refusal === undefined ? {} : { refusal }),
  });
  const { 'if-match': _ifMatch, ...withoutIfMatch } = headers;
  const preconditions = fc.oneof(
    fc.constant(put('no If-Match', amended, withoutIfMatch, { status: 428, field: 'if-match', rules: ['required'] })),
    fc.integer({ min: 2, max: 9999 }).map((version) =>
      put(
        `If-Match "${version}", not the current version`,
        amended,
        { ...headers, 'if-match': `"${version}"` },
        {
          status: 412,
          field: 'if-match',
          rules: ['current-version'],
        },
      ),
    ),
    fc
      .constantFrom('1', 'W/"1"', '*', '"0"', '"01"', '"1", "2"', '""', '"12345"', `"${'9'.repeat(20)}"`)
      .map((ifMatch) =>
        put(
          `If-Match ${ifMatch}`,
          amended,
          { ...headers, 'if-match': ifMatch },
          {
            status: 400,
            field: 'if-match',
            rules: ['pattern'],
          },
        ),
      ),
  );
  const forbiddenChanges = fc.constantFrom(
    put('another train number', { ...amended, train: { ...fixture.train, trainNumber: 'Y9999' } }, headers, {
      status: 422,
      field: '/train/trainNumber',
      rules: ['same-train'],
    }),
    put('a complete declaration back to a summary', railImportSummary({ waybillNumber: 'FUZZ-RAIL-001' }), headers, {
      status: 422,
      field: '/filingMode',
      rules: ['no-return-to-summary'],
    }),
    put('another declaration type', roadImportDeclaration(), headers, {
      status: 422,
      field: '/declarationType',
      rules: ['same-declaration-type'],
    }),
    put(
      'complete without its invoice',
      { ...amended, supportingDocuments: fixture.supportingDocuments?.slice(1) },
      headers,
      {
        status: 422,
        field: '/supportingDocuments',
        rules: ['required-document'],
      },
    ),
  );
  const notYours = fc.oneof(
    fc.constant(put('another broker’s declaration', amended, { ...context.callers.otherBroker, 'if-match': '"1"' })),
    fc
      .stringMatching(/^DCL-[0-9A-F]{24}$/)
      .map((unknown) => put('a declaration nobody filed', amended, headers, undefined, at(unknown))),
  );
  return refusedWrites(route, context, valid, [
    { weight: 4, arbitrary: preconditions },
    { weight: 3, arbitrary: forbiddenChanges },
    { weight: 2, arbitrary: notYours },
  ]);
}

/**
 * Completions that must all be refused: the complete declaration of the owner's summary (document version 1) with
 * one breaking change, without If-Match (428), naming another version (412), with a malformed If-Match (400),
 * missing what a COMPLETE filing needs or changing what the summary moved under (422), on the owner's declaration
 * filed COMPLETE (409), on another broker's or an unknown declaration (404). The summary stays a summary.
 */
function completeDeclarationCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const at = (declarationId: string) => `/v1/declarations/${declarationId}/completion`;
  const route = { ...ROUTES.completeDeclaration, path: at(context.summary) };
  const complete = railImportDeclaration({ waybillNumber: FUZZ_SUMMARY_WAYBILL });
  const headers = { ...context.callers.ownBroker, 'if-match': '"1"' };
  const valid: fc.Arbitrary<ValidWrite> = fc.constant({
    body: complete as unknown as Record<string, unknown>,
    schema: ROUTES.completeDeclaration.request.body,
    headers,
    untouched: {},
  });
  const post = (
    what: string,
    body: unknown,
    refusal?: FuzzCase['refusal'],
    requestHeaders: Record<string, string> = headers,
    path = at(context.summary),
  ): FuzzCase => ({
    what,
    request: {
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json', ...requestHeaders },
      body: JSON.stringify(body),
    },
    expect: 'refused',
    ...(refusal === undefined ? {} : { refusal }),
  });
  const { 'if-match': _ifMatch, ...withoutIfMatch } = headers;
  const preconditions = fc.oneof(
    fc.constant(post('no If-Match', complete, { status: 428, field: 'if-match', rules: ['required'] }, withoutIfMatch)),
    fc
      .integer({ min: 2, max: 9999 })
      .map((version) =>
        post(
          `If-Match "${version}", not the summary's version`,
          complete,
          { status: 412, field: 'if-match', rules: ['current-version'] },
          { ...headers, 'if-match': `"${version}"` },
        ),
      ),
    fc
      .constantFrom('1', 'W/"1"', '*', '"0"', '""', `"${'9'.repeat(20)}"`)
      .map((ifMatch) =>
        post(
          `If-Match ${ifMatch}`,
          complete,
          { status: 400, field: 'if-match', rules: ['pattern'] },
          { ...headers, 'if-match': ifMatch },
        ),
      ),
  );
  const summary = railImportSummary({ waybillNumber: FUZZ_SUMMARY_WAYBILL });
  const incomplete = fc.constantFrom(
    post('the summary sent back as it is', summary, {
      status: 422,
      field: '/filingMode',
      rules: ['complete-filing-mode'],
    }),
    post(
      'complete without its invoice',
      { ...complete, supportingDocuments: complete.supportingDocuments?.slice(1) },
      {
        status: 422,
        field: '/supportingDocuments',
        rules: ['required-document'],
      },
    ),
    post(
      'complete without the consignor',
      { ...complete, consignor: undefined },
      {
        status: 422,
        field: '/consignor',
        rules: ['required-when-complete'],
      },
    ),
    post(
      'another waybill than the summary’s',
      { ...complete, waybillNumber: 'SMGS-00000001' },
      {
        status: 422,
        field: '/waybillNumber',
        rules: ['as-in-summary'],
      },
    ),
    post(
      'another HS code than the summary’s',
      { ...complete, goods: complete.goods.map((line) => ({ ...line, hsCode: '85176200' })) },
      { status: 422, field: '/goods/0/hsCode', rules: ['as-in-summary'] },
    ),
  );
  const notASummary = fc.constant(
    post(
      'the owner’s declaration filed COMPLETE',
      railImportDeclaration({ waybillNumber: 'FUZZ-RAIL-001' }),
      { status: 409, field: '', rules: ['completable'] },
      headers,
      at(context.fixtures.RAIL_IMPORT ?? ''),
    ),
  );
  const notYours = fc.oneof(
    fc.constant(
      post('another broker’s summary', complete, undefined, { ...context.callers.otherBroker, 'if-match': '"1"' }),
    ),
    fc
      .stringMatching(/^DCL-[0-9A-F]{24}$/)
      .map((unknown) => post('a declaration nobody filed', complete, undefined, headers, at(unknown))),
  );
  return refusedWrites(route, context, valid, [
    { weight: 3, arbitrary: preconditions },
    { weight: 3, arbitrary: incomplete },
    { weight: 1, arbitrary: notASummary },
    { weight: 2, arbitrary: notYours },
  ]);
}

/** The document point 8 of the issue names: schema-valid, 999 lines of 512 characters, over a DynamoDB item. */
function largestDocument() {
  const line = {
    hsCode: '85171300',
    description: 'D'.repeat(512),
    value: { amount: 125_000, currency: 'CNY' },
    grossMassKg: 1_250.5,
    containerNumber: CONTAINERS.first,
  };
  return railImportDeclaration({ goods: Array.from({ length: 999 }, () => line) });
}

const occurredAt = fc
  .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

function reportPortEventCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.reportPortEvent;
  const eventId = fc.stringMatching(/^[A-Za-z0-9._:-]{1,64}$/);
  // Trains no manifest was filed for (FZ numbers): every report about them is refused and keeps nothing.
  const fuzzTrain = fc.record({
    trainNumber: fc.stringMatching(/^FZ[A-Z0-9-]{1,14}$/),
    trainDate: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
  });
  const unknownTrainEvent = fc.record({
    eventType: fc.constantFrom(
      'TRAIN_ARRIVED' as const,
      'TRANSSHIPMENT_STARTED' as const,
      'TRANSSHIPMENT_COMPLETED' as const,
    ),
    eventId,
    train: fuzzTrain,
    occurredAt,
  });
  const truckGatedIn = fc.record(
    {
      eventType: fc.constantFrom('TRUCK_GATED_IN' as const, 'TRUCK_EXITED' as const),
      eventId,
      plate: fc.stringMatching(/^FZ[A-Z0-9]{6}$/),
      gate: fc.stringMatching(/^[A-Z0-9-]{1,16}$/),
      occurredAt,
    },
    { requiredKeys: ['eventType', 'eventId', 'plate', 'occurredAt'] },
  );
  // The scanner's report of a truck no declaration waits for at the scanner: refused, nothing kept.
  const truckScanned = fc.record(
    {
      eventType: fc.constant('TRUCK_SCANNED' as const),
      eventId,
      plate: fc.stringMatching(/^FZ[A-Z0-9]{6}$/),
      scanner: fc.stringMatching(/^[A-Z0-9-]{1,16}$/),
      result: fc.constantFrom(...SCAN_RESULTS),
      remarks: fc.string({ minLength: 1, maxLength: 200 }),
      occurredAt,
    },
    { requiredKeys: ['eventType', 'eventId', 'plate', 'result', 'occurredAt'] },
  );
  const keysOf = (event: { eventType: Milestone; train?: TrainRef; plate?: string }) => [
    { milestone: event.eventType, key: event.train === undefined ? (event.plate ?? '') : trainKeyOf(event.train) },
  ];
  const trainUnknown = unknownTrainEvent.chain((event) =>
    fc.constantFrom(...PORT_EVENTS[event.eventType].reporters).map(
      (reporter): FuzzCase => ({
        what: `${event.eventType} of ${trainKeyOf(event.train)}, a train with no manifest, by ${reporter}`,
        request: {
          method: 'POST',
          path: route.path,
          headers: { 'content-type': 'application/json', ...context.callers[ROLE_CALLER[reporter]] },
          body: JSON.stringify(event),
        },
        expect: 'refused',
        milestones: keysOf(event),
      }),
    ),
  );
  const valid: fc.Arbitrary<ValidWrite> = fc.oneof(truckGatedIn, truckScanned).chain((event) =>
    fc.constantFrom(...PORT_EVENTS[event.eventType].reporters).map((reporter) => ({
      body: event,
      schema: unionBranch(route.request.body, 'eventType', event.eventType),
      headers: context.callers[ROLE_CALLER[reporter]],
      untouched: { milestones: keysOf(event) },
    })),
  );
  // Callers the route admits who may still not report this kind of event (the railway and a truck's gate-in).
  const notThisReporter = fc.oneof(unknownTrainEvent, truckGatedIn, truckScanned).chain((event) => {
    const admitted = (route.roles as readonly Role[]).filter(
      (role) => !PORT_EVENTS[event.eventType].reporters.includes(role),
    );
    return admitted.length === 0
      ? fc.constant(undefined)
      : fc.constantFrom(...admitted).map(
          (role): FuzzCase => ({
            what: `${event.eventType} reported by ${role}, who does not report it`,
            request: {
              method: 'POST',
              path: route.path,
              headers: { 'content-type': 'application/json', ...context.callers[ROLE_CALLER[role]] },
              body: JSON.stringify(event),
            },
            expect: 'refused',
            milestones: keysOf(event),
          }),
        );
  });
  const impossibleTime = fc
    .tuple(
      valid,
      fc.constantFrom(
        '2026-02-30T08:00:00Z',
        '2026-12-31T23:59:60Z',
        '2026-11-21T24:00:00Z',
        '2026-11-21T08:00:00',
        '2026-11-21',
        '2026-13-01T00:00:00Z',
        '2026-11-21T08:00:00+25:00',
        'yesterday',
      ),
    )
    .map(
      ([write, time]): FuzzCase => ({
        what: `occurredAt ${time}`,
        request: {
          method: 'POST',
          path: route.path,
          headers: { 'content-type': 'application/json', ...write.headers },
          body: JSON.stringify({ ...write.body, occurredAt: time }),
        },
        expect: 'refused',
        ...write.untouched,
      }),
    );
  return refusedWrites(route, context, valid, [
    { weight: 2, arbitrary: notThisReporter.filter((c): c is FuzzCase => c !== undefined) },
    { weight: 2, arbitrary: impossibleTime },
    { weight: 2, arbitrary: trainUnknown },
  ]);
}

// ——— read routes ——————————————————————————————————————————————————————————————————————————————————————————

const get = (path: string, headers: Record<string, string>, what: string, expect: Expectation): FuzzCase => ({
  what,
  request: { method: 'GET', path, headers },
  expect,
});

/** Refusals every authenticated read shares: bad credentials, and callers whose role the route does not admit. */
function refusedCallers(route: RouteDefinition, context: FuzzContext, path: string): fc.Arbitrary<FuzzCase>[] {
  const wrongCallers = callersWithoutAccess(route);
  return [
    badCredentials(context).map((credentials) => get(path, credentials.headers, credentials.what, 'refused')),
    ...(wrongCallers.length === 0
      ? []
      : [
          fc
            .constantFrom(...wrongCallers)
            .map((caller) =>
              get(path, context.callers[caller], `called by ${caller}, a role the route does not admit`, 'refused'),
            ),
        ]),
  ];
}

function getDeclarationCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.getDeclaration;
  const { callers, fixtures } = context;
  const at = (id: string) => `/v1/declarations/${id}`;
  const ids = Object.entries(fixtures);
  // Who may see which of the owner's declarations (the access matrix checks each cell; here they are just reads).
  const readers = ids.flatMap(([type, id]) => [
    { caller: 'ownBroker' as const, type, id },
    { caller: 'officer' as const, type, id },
    { caller: 'portOperator' as const, type, id },
    ...(type === 'RAIL_IMPORT' ? [{ caller: 'railway' as const, type, id }] : []),
  ]);
  const hidden = ids.flatMap(([type, id]) => [
    { caller: 'otherBroker' as const, type, id },
    ...(type === 'RAIL_IMPORT' ? [] : [{ caller: 'railway' as const, type, id }]),
  ]);
  const anyCaller = fc.constantFrom(
    'ownBroker',
    'otherBroker',
    'railway',
    'portOperator',
    'officer',
  ) as fc.Arbitrary<CallerName>;
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...readers)
        .map((r) => get(at(r.id), callers[r.caller], `${r.caller} reads a ${r.type}`, 'read')),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(...hidden)
        .map((r) => get(at(r.id), callers[r.caller], `${r.caller} may not see a ${r.type}`, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(anyCaller, fc.stringMatching(/^DCL-[0-9A-F]{24}$/))
        .map(([caller, id]) => get(at(id), callers[caller], 'a well-formed id nobody filed', 'refused')),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(
          anyCaller,
          fc.oneof(
            fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
            fc.constantFrom('dcl-0', 'DCL-', `DCL-${'0'.repeat(25)}`, `DCL-${'g'.repeat(24)}`, 'DCL-%00', ' ', 'null'),
            fc.string({ minLength: 500, maxLength: 2_000, unit: 'grapheme-ascii' }),
          ),
        )
        .map(([caller, id]) =>
          get(
            at(encodeURIComponent(id)),
            callers[caller],
            `a malformed id ${JSON.stringify(id.slice(0, 40))}`,
            'refused',
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...readers), randomQuery)
        .map(([r, query]) => get(`${at(r.id)}?${query}`, callers[r.caller], `query string ?${query}`, 'refused')),
    },
    ...refusedCallers(route, context, at(fixtures.RAIL_IMPORT ?? '')).map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

/** A cursor the API never issued: text, base64url of any JSON, or a well-shaped one with odd contents. */
const foreignCursor = fc.oneof(
  fc.string({ minLength: 1, maxLength: 200, unit: 'grapheme' }),
  fc.jsonValue({ maxDepth: 2 }).map((value) => Buffer.from(JSON.stringify(value)).toString('base64url')),
  fc
    .record({ k: fc.string({ maxLength: 40, unit: 'binary' }), s: fc.string({ maxLength: 20, unit: 'binary' }) })
    .map(({ k, s }) => Buffer.from(JSON.stringify({ k, s, p: `DECL#${s}` })).toString('base64url')),
  fc
    .string({ maxLength: 60, unit: 'binary' })
    .map((id) =>
      Buffer.from(JSON.stringify({ s: `2026-01-01T00:00:00.000Z#${id}`, p: `DECL#${id}` })).toString('base64url'),
    ),
);

function listingQuery(
  parameters: Record<string, fc.Arbitrary<string>>,
  adjust: (query: Record<string, string>) => Record<string, string> = (query) => query,
): fc.Arbitrary<string> {
  return fc.record(parameters, { requiredKeys: [] }).map((query) =>
    Object.entries(adjust(query as Record<string, string>))
      .map(([name, value]) => `${name}=${encodeURIComponent(value)}`)
      .join('&'),
  );
}

const PAGE_LIMIT_ABUSE = ['0', '101', '-1', 'abc', '1.5', '1e2', '', '99999999999999999999', ' 5', '0x10'] as const;

/**
 * A broker's listing (declarations, events): valid queries read, invalid ones are refused, foreign cursors and
 * random query strings may go either way but never to a 5xx, and callers without the role are refused.
 */
function listingCases(
  context: FuzzContext,
  listing: {
    readonly route: RouteDefinition;
    readonly brokers: fc.Arbitrary<CallerName>;
    readonly validQuery: fc.Arbitrary<string>;
    readonly invalid: fc.Arbitrary<string>;
    readonly cursorParameter: string;
    /** What a valid read does, for the case's description ("lists", "pulls events"). */
    readonly reading: string;
  },
): fc.Arbitrary<FuzzCase> {
  const { route, brokers } = listing;
  const at = (query: string) => `${route.path}?${query}`;
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(brokers, listing.validQuery)
        .map(([caller, query]) =>
          get(at(query), context.callers[caller], `${caller} ${listing.reading} with ?${query}`, 'read'),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(brokers, listing.invalid)
        .map(([caller, query]) => get(at(query), context.callers[caller], `an invalid query ?${query}`, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(brokers, foreignCursor)
        .map(([caller, cursor]) =>
          get(
            at(`${listing.cursorParameter}=${encodeURIComponent(cursor)}`),
            context.callers[caller],
            `a foreign cursor ${cursor.slice(0, 60)}`,
            'any',
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(brokers, randomQuery)
        .map(([caller, query]) => get(at(query), context.callers[caller], `a random query ?${query}`, 'any')),
    },
    ...refusedCallers(route, context, route.path).map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

function listDeclarationsCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.listDeclarations;
  const brokers = fc.constantFrom('ownBroker', 'otherBroker') as fc.Arbitrary<CallerName>;
  const validQuery = listingQuery(
    {
      status: fc.constantFrom(...STATUS_NAMES),
      declarationType: fc.constantFrom(...DECLARATION_TYPE_NAMES),
      filedFrom: occurredAt,
      filedTo: occurredAt,
      limit: fc.integer({ min: 1, max: 100 }).map(String),
    },
    // Valid queries only here: a window that ends before it starts is refused (400), tested on its own below.
    ({ filedFrom, filedTo, ...rest }) =>
      filedFrom !== undefined && filedTo !== undefined && filedFrom > filedTo
        ? { ...rest, filedFrom: filedTo, filedTo: filedFrom }
        : { ...rest, ...(filedFrom === undefined ? {} : { filedFrom }), ...(filedTo === undefined ? {} : { filedTo }) },
  );
  const invalid = fc.oneof(
    fc.constantFrom(...PAGE_LIMIT_ABUSE).map((limit) => `limit=${encodeURIComponent(limit)}`),
    fc
      .string({ maxLength: 20 })
      .filter((s) => !STATUS_NAMES.includes(s))
      .map((s) => `status=${encodeURIComponent(s)}`),
    fc
      .string({ maxLength: 20 })
      .filter((s) => !DECLARATION_TYPE_NAMES.includes(s))
      .map((s) => `declarationType=${encodeURIComponent(s)}`),
    fc
      .constantFrom('yesterday', '2026-02-30T00:00:00Z', '2026-12-31T23:59:60Z', '')
      .map((t) => `filedFrom=${encodeURIComponent(t)}`),
    fc.constantFrom('', 'x'.repeat(1_025)).map((cursor) => `cursor=${cursor}`),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((name) => !Object.hasOwn(QUERY_NAMES_OF.listDeclarations, name))
      .map((name) => `${encodeURIComponent(name)}=1`),
  );
  return listingCases(context, { route, brokers, validQuery, invalid, cursorParameter: 'cursor', reading: 'lists' });
}

function listEventsCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.listEvents;
  const brokers = fc.constantFrom('ownBroker', 'otherBroker') as fc.Arbitrary<CallerName>;
  const validQuery = listingQuery({ limit: fc.integer({ min: 1, max: 100 }).map(String) });
  const invalid = fc.oneof(
    fc.constantFrom(...PAGE_LIMIT_ABUSE).map((limit) => `limit=${encodeURIComponent(limit)}`),
    fc.constantFrom('', 'x'.repeat(1_025)).map((cursor) => `after=${cursor}`),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((name) => !Object.hasOwn(QUERY_NAMES_OF.listEvents, name))
      .map((name) => `${encodeURIComponent(name)}=1`),
  );
  return listingCases(context, {
    route,
    brokers,
    validQuery,
    invalid,
    cursorParameter: 'after',
    reading: 'pulls events',
  });
}

/** The dashboard page is as public as the contract: the same cases, on its path. */
function getDashboardCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return publicReadCases(context, ROUTES.getDashboard, 'the dashboard');
}

function getOpenApiCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  return publicReadCases(context, ROUTES.getOpenApi, 'the contract');
}

function publicReadCases(context: FuzzContext, route: RouteDefinition, what: string): fc.Arbitrary<FuzzCase> {
  const anyHeaders = fc.oneof(
    fc.constantFrom(...Object.values(context.callers)),
    badCredentials(context).map((credentials) => credentials.headers),
  );
  return fc.oneof(
    // Public: no token, any token, a broken one; the gateway asks for none.
    {
      weight: 3,
      arbitrary: anyHeaders.map((headers) =>
        get(route.path, headers, `${what}, with ${headers.authorization === undefined ? 'no' : 'some'} token`, 'read'),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(anyHeaders, randomQuery)
        .map(([headers, query]) => get(`${route.path}?${query}`, headers, `query string ?${query}`, 'refused')),
    },
  );
}

// ——— webhooks —————————————————————————————————————————————————————————————————————————————————————————————

/**
 * The webhooks fuzzed here belong to the other broker, which has no declarations: a webhook of the owner's would
 * be sent its declarations' events, and those deliveries are writes that "no write on refusal" would see. The
 * other broker holds as many webhooks as a broker may, so a registration valid in every other way is still
 * refused (max-webhooks); the owner holds none, so what refuses its registrations is the URL policy, not the limit.
 */
const WEBHOOK_OWNER = 'otherBroker' satisfies CallerName;
const WEBHOOK_STRANGER = 'ownBroker' satisfies CallerName;
/** No refused webhook request may change either broker's webhooks. */
const BOTH_BROKERS = { webhookBrokers: [OWN_BROKER_ID, OTHER_BROKER_ID] } as const;
const bothBrokers = fc.constantFrom(WEBHOOK_OWNER, WEBHOOK_STRANGER);

const urlPath = fc
  .array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { maxLength: 4 })
  .map((segments) => `/${segments.join('/')}`);
const port = fc.integer({ min: 1, max: 65_535 });

/** URLs the policy accepts on the local stack, which allows plain http: to loopback receivers. */
const acceptableWebhookUrl = fc.oneof(
  fc
    .tuple(fc.constantFrom('hooks.example.com', 'erp.acme.example', '93.184.216.34', '[2606:4700:4700::1111]'), urlPath)
    .map(([host, path]) => `https://${host}${path}`),
  fc
    .tuple(fc.constantFrom('127.0.0.1', '127.8.9.10', 'localhost', '[::1]'), port, urlPath)
    .map(([host, port, path]) => `http://${host}:${port}${path}`),
);

/** A refused webhook URL (any JSON value) and the rule at /url it must be refused under. */
interface RefusedUrl {
  readonly url: unknown;
  readonly what: string;
  readonly rules: readonly string[];
}

const octet = fc.nat({ max: 255 });
/** IPv4 networks no webhook may reach (loopback is left out: the local stack allows it). */
const FORBIDDEN_IPV4: readonly (readonly [number, number])[] = [
  [0x00000000, 8],
  [0x0a000000, 8],
  [0x64400000, 10],
  [0xa9fe0000, 16],
  [0xac100000, 12],
  [0xc0000000, 24],
  [0xc0a80000, 16],
  [0xc6120000, 15],
  [0xe0000000, 4],
  [0xf0000000, 4],
];
const forbiddenIpv4 = fc
  .tuple(fc.constantFrom(...FORBIDDEN_IPV4), fc.nat({ max: 0xffffffff }))
  .map(([[network, prefix], random]) => (network | (random >>> prefix)) >>> 0);
const dotted = (address: number) => [24, 16, 8, 0].map((shift) => (address >>> shift) & 0xff).join('.');
/** An IPv4 address spelt every way the WHATWG URL parser reads as that address. */
const ipv4Spellings = (address: number) =>
  fc.constantFrom(
    dotted(address),
    `${dotted(address)}.`,
    String(address),
    `0x${address.toString(16)}`,
    [24, 16, 8, 0].map((shift) => `0${((address >>> shift) & 0xff).toString(8)}`).join('.'),
    `[::ffff:${dotted(address)}]`,
  );
const forbiddenIpv6 = fc.oneof(
  fc.constantFrom('[::]', '[fd00:ec2::254]', '[fe80::1]', '[ff02::1]', '[64:ff9b::a9fe:a9fe]', '[::ffff:a9fe:a9fe]'),
  // Unique local fc00::/7, link-local fe80::/10, multicast ff00::/8: a first group in range, then any 7 groups.
  fc
    .tuple(
      fc
        .constantFrom([0xfc00, 0x1ff], [0xfe80, 0x3f], [0xff00, 0xff])
        .chain(([network, span]) => fc.nat({ max: span }).map((offset) => network + offset)),
      fc.array(fc.nat({ max: 0xffff }), { minLength: 7, maxLength: 7 }),
    )
    .map(([first, groups]) => `[${[first, ...groups].map((group) => group.toString(16)).join(':')}]`),
  // Any IPv4 address behind the IPv4-mapped prefix, public ones included (not loopback: allowed here).
  fc
    .tuple(
      octet.filter((first) => first !== 127),
      octet,
      octet,
      octet,
    )
    .map((octets) => `[::ffff:${octets.join('.')}]`),
);

const notAbsoluteUrl = fc
  .oneof(
    fc.constantFrom(
      'hooks.example.com/preclearance',
      '/hooks/preclearance',
      '//hooks.example.com/preclearance',
      'https//hooks.example.com',
      'https://',
      'https://exa mple.com/',
      'https://hooks.example.com:99999/',
      'http://[::1',
      'https://[fe80::1%25eth0]/',
      'https://999.1.1.1/',
      'https://1.2.3.4.5/',
      ' ',
    ),
    fc.string({ minLength: 1, maxLength: 80 }),
  )
  .filter((text) => !URL.canParse(text));

const refusedWebhookUrl: fc.Arbitrary<RefusedUrl> = fc.oneof(
  fc
    .tuple(fc.constantFrom('hooks.example.com', 'erp.acme.example', '93.184.216.34', '[2606:4700:4700::1111]'), urlPath)
    .map(([host, path]) => ({
      url: `http://${host}${path}`,
      what: 'plain http: to a public host',
      rules: [WEBHOOK_URL_RULES.httpsOnly],
    })),
  fc
    .constantFrom(
      'ftp://hooks.example.com/x',
      'ws://hooks.example.com/x',
      'wss://hooks.example.com/x',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'data:text/plain,hello',
      'mailto:ops@acme.example',
      'gopher://hooks.example.com/x',
    )
    .map((url) => ({ url, what: `scheme ${url.split(':')[0]}:`, rules: [WEBHOOK_URL_RULES.httpsOnly] })),
  fc
    .tuple(fc.constantFrom('https', 'http'), forbiddenIpv4.chain(ipv4Spellings), urlPath)
    .map(([scheme, host, path]) => ({
      url: `${scheme}://${host}${path}`,
      what: `a private, reserved or metadata IPv4 address ${host}`,
      rules: [WEBHOOK_URL_RULES.publicHost],
    })),
  fc.tuple(fc.constantFrom('https', 'http'), forbiddenIpv6, urlPath).map(([scheme, host, path]) => ({
    url: `${scheme}://${host}${path}`,
    what: `a non-public IPv6 address ${host}`,
    rules: [WEBHOOK_URL_RULES.publicHost],
  })),
  fc
    .tuple(
      fc.option(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { nil: '' }),
      fc.option(fc.stringMatching(/^[A-Za-z0-9._~-]{1,12}$/), { nil: undefined }),
      acceptableWebhookUrl,
    )
    .filter(([user, password]) => user !== '' || password !== undefined)
    .map(([user, password, url]) => {
      const userinfo = password === undefined ? user : `${user}:${password}`;
      return {
        url: url.replace('://', `://${userinfo}@`),
        what: `a user name or password (${userinfo}@)`,
        rules: [WEBHOOK_URL_RULES.noUserinfo],
      };
    }),
  fc
    .tuple(acceptableWebhookUrl, fc.stringMatching(/^[A-Za-z0-9._~!$&'()*+,;=:@/?-]{0,20}$/))
    .map(([url, fragment]) => ({
      url: `${url}#${fragment}`,
      what: 'a #fragment',
      rules: [WEBHOOK_URL_RULES.noFragment],
    })),
  fc
    .tuple(acceptableWebhookUrl, fc.integer({ min: MAX_WEBHOOK_URL_LENGTH + 1, max: 20 * MAX_WEBHOOK_URL_LENGTH }))
    .map(([url, length]) => ({
      url: `${url}/${'a'.repeat(Math.max(0, length - url.length - 1))}`,
      what: `a URL of ${length} characters`,
      // The schema's maxLength refuses it before the policy does; either names /url.
      rules: ['maxLength', WEBHOOK_URL_RULES.maxLength],
    })),
  notAbsoluteUrl.map((text) => ({
    url: text,
    what: `not an absolute URL: ${JSON.stringify(text.slice(0, 40))}`,
    rules: [WEBHOOK_URL_RULES.absolute],
  })),
  fc
    .oneof(
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.array(acceptableWebhookUrl, { maxLength: 2 }),
      fc.record({ href: acceptableWebhookUrl }),
    )
    .map((url) => ({ url, what: `a ${jsonTypeName(url)} as the URL`, rules: ['type'] })),
);

function jsonTypeName(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

const webhookDescription = fc.option(fc.string({ minLength: 1, maxLength: 200 }), { nil: undefined });

function registerWebhookCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.registerWebhook;
  const registration = (url: unknown, description: string | undefined) => ({
    url,
    ...(description === undefined ? {} : { description }),
  });
  const valid: fc.Arbitrary<ValidWrite> = fc
    .tuple(bothBrokers, acceptableWebhookUrl, webhookDescription, idempotencyKey)
    .map(([broker, url, description, key]) => ({
      body: registration(url, description),
      schema: route.request.body,
      headers: { ...context.callers[broker], 'idempotency-key': key },
      untouched: BOTH_BROKERS,
    }));
  const post = (
    what: string,
    body: unknown,
    headers: Readonly<Record<string, string>>,
    refusal?: FuzzCase['refusal'],
  ): FuzzCase => ({
    what,
    request: {
      method: 'POST',
      path: route.path,
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    expect: 'refused',
    ...BOTH_BROKERS,
    ...(refusal === undefined ? {} : { refusal }),
  });
  // Sent by the broker without webhooks: nothing but the URL can be what refuses it.
  const refusedUrl = fc
    .tuple(refusedWebhookUrl, webhookDescription, idempotencyKey)
    .map(([refused, description, key]) =>
      post(
        `URL ${refused.what}`,
        registration(refused.url, description),
        { ...context.callers[WEBHOOK_STRANGER], 'idempotency-key': key },
        { status: 422, field: '/url', rules: refused.rules },
      ),
    );
  // Valid in every way, from the broker that already has as many webhooks as a broker may.
  const overTheLimit = fc
    .tuple(acceptableWebhookUrl, webhookDescription, idempotencyKey)
    .map(([url, description, key]) =>
      post(
        `webhook number ${MAX_WEBHOOKS_PER_BROKER + 1} (${url.slice(0, 60)})`,
        registration(url, description),
        { ...context.callers[WEBHOOK_OWNER], 'idempotency-key': key },
        { status: 422, field: '', rules: ['max-webhooks'] },
      ),
    );
  const badIdempotencyKey = fc.tuple(valid, fc.constantFrom(...BAD_IDEMPOTENCY_KEYS)).map(([write, { key, what }]) => {
    const { 'idempotency-key': _key, ...headers } = write.headers;
    return post(what, write.body, key === undefined ? headers : { ...headers, 'idempotency-key': key });
  });
  return refusedWrites(route, context, valid, [
    { weight: 8, arbitrary: refusedUrl },
    { weight: 2, arbitrary: overTheLimit },
    { weight: 2, arbitrary: badIdempotencyKey },
  ]);
}

const webhookAt = (id: string) => `/v1/webhooks/${id}`;
const deliveriesOf = (id: string) => `/v1/webhooks/${id}/deliveries`;
const unknownWebhookId = fc.stringMatching(/^WHK-[0-9A-F]{24}$/);
/** Ids that cannot be a webhook's: any text, near misses of the pattern, another kind of id, very long ones. */
const malformedWebhookId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
  fc.constantFrom(
    'whk-0',
    'WHK-',
    `WHK-${'0'.repeat(25)}`,
    `WHK-${'0'.repeat(23)}`,
    `WHK-${'a'.repeat(24)}`,
    `WHK-${'G'.repeat(24)}`,
    'DCL-0000000000000000000000AB',
    'WHK-%00',
    ' ',
    'null',
  ),
  fc.string({ minLength: 500, maxLength: 2_000, unit: 'grapheme-ascii' }),
);

function listWebhooksCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.listWebhooks;
  return fc.oneof(
    {
      weight: 3,
      arbitrary: bothBrokers.map((caller) =>
        get(route.path, context.callers[caller], `${caller} lists its webhooks`, 'read'),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(bothBrokers, randomQuery)
        .map(([caller, query]) =>
          get(`${route.path}?${query}`, context.callers[caller], `query string ?${query}`, 'refused'),
        ),
    },
    ...refusedCallers(route, context, route.path).map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

/**
 * Deleting a webhook that exists would write, so every case here must be refused and leave the owner's webhooks
 * as they were: another broker's webhook (404), unknown and malformed ids, bad callers, a query string.
 */
function deleteWebhookCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.deleteWebhook;
  const { callers, webhookIds } = context;
  const owned = fc.constantFrom(...webhookIds);
  const remove = (path: string, headers: Record<string, string>, what: string): FuzzCase => ({
    what,
    request: { method: 'DELETE', path, headers },
    expect: 'refused',
    ...BOTH_BROKERS,
  });
  const wrongCallers = callersWithoutAccess(route);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: owned.map((id) =>
        remove(webhookAt(id), callers[WEBHOOK_STRANGER], `${WEBHOOK_STRANGER} deletes another broker's webhook`),
      ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          bothBrokers,
          unknownWebhookId.filter((id) => !webhookIds.includes(id)),
        )
        .map(([caller, id]) => remove(webhookAt(id), callers[caller], 'a well-formed id nobody registered')),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(bothBrokers, malformedWebhookId)
        .map(([caller, id]) =>
          remove(
            webhookAt(encodeURIComponent(id)),
            callers[caller],
            `a malformed id ${JSON.stringify(id.slice(0, 40))}`,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(owned, randomQuery)
        .map(([id, query]) =>
          remove(`${webhookAt(id)}?${query}`, callers[WEBHOOK_OWNER], `the owner, with a query string ?${query}`),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(owned, badCredentials(context))
        .map(([id, credentials]) => remove(webhookAt(id), credentials.headers, credentials.what)),
    },
    ...(wrongCallers.length === 0
      ? []
      : [
          {
            weight: 2,
            arbitrary: fc
              .tuple(owned, fc.constantFrom(...wrongCallers))
              .map(([id, caller]) =>
                remove(webhookAt(id), callers[caller], `called by ${caller}, a role the route does not admit`),
              ),
          },
        ]),
  );
}

/** Cursors shaped like the delivery log's own (base64url of {"k":"LOG#…"}), with any contents. */
const deliveryLogCursor = fc
  .oneof(
    fc.string({ maxLength: 200, unit: 'binary' }).map((rest) => ({ k: `LOG#${rest}` })),
    fc
      .tuple(occurredAt, fc.string({ maxLength: 40 }), fc.nat({ max: 99_999 }))
      .map(([at, eventId, attempt]) => ({ k: `LOG#${at}#${eventId}#${String(attempt).padStart(4, '0')}` })),
    fc.record({ k: fc.jsonValue({ maxDepth: 1 }) }),
  )
  .map((key) => Buffer.from(JSON.stringify(key)).toString('base64url'));

function listWebhookDeliveriesCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.listWebhookDeliveries;
  const { callers, webhookIds } = context;
  const owned = fc.constantFrom(...webhookIds);
  const owner = callers[WEBHOOK_OWNER];
  const validQuery = listingQuery({ limit: fc.integer({ min: 1, max: 100 }).map(String) });
  const invalid = fc.oneof(
    fc.constantFrom(...PAGE_LIMIT_ABUSE).map((limit) => `limit=${encodeURIComponent(limit)}`),
    fc.constantFrom('', 'x'.repeat(1_025)).map((cursor) => `cursor=${cursor}`),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((name) => !Object.hasOwn(QUERY_NAMES_OF.listWebhookDeliveries, name))
      .map((name) => `${encodeURIComponent(name)}=1`),
  );
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(owned, validQuery)
        .map(([id, query]) => get(`${deliveriesOf(id)}?${query}`, owner, `the owner reads with ?${query}`, 'read')),
    },
    {
      weight: 2,
      arbitrary: owned.map((id) =>
        get(deliveriesOf(id), callers[WEBHOOK_STRANGER], `${WEBHOOK_STRANGER} reads another broker's log`, 'refused'),
      ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          bothBrokers,
          unknownWebhookId.filter((id) => !webhookIds.includes(id)),
        )
        .map(([caller, id]) => get(deliveriesOf(id), callers[caller], 'a well-formed id nobody registered', 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(bothBrokers, malformedWebhookId)
        .map(([caller, id]) =>
          get(
            deliveriesOf(encodeURIComponent(id)),
            callers[caller],
            `a malformed id ${JSON.stringify(id.slice(0, 40))}`,
            'refused',
          ),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(owned, invalid)
        .map(([id, query]) => get(`${deliveriesOf(id)}?${query}`, owner, `an invalid query ?${query}`, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(owned, fc.oneof(foreignCursor, deliveryLogCursor))
        .map(([id, cursor]) =>
          get(
            `${deliveriesOf(id)}?cursor=${encodeURIComponent(cursor)}`,
            owner,
            `a foreign cursor ${cursor.slice(0, 60)}`,
            'any',
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(owned, randomQuery)
        .map(([id, query]) => get(`${deliveriesOf(id)}?${query}`, owner, `a random query ?${query}`, 'any')),
    },
    ...refusedCallers(route, context, deliveriesOf(webhookIds[0] ?? '')).map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

// ——— trains ————————————————————————————————————————————————————————————————————————————————————————————————

/** The path of a route on one train. */
const trainPath = (route: RouteDefinition, train: TrainRef) =>
  route.path.replace('{trainNumber}', encodeURIComponent(train.trainNumber)).replace('{trainDate}', train.trainDate);

/** Trains nobody files for: a fresh number on the sample manifest's date, so a refusal can be checked for writes. */
const unfiledTrain = fc
  .stringMatching(/^FZ[0-9]{6}$/)
  .map((trainNumber): TrainRef => ({ trainNumber, trainDate: trainManifest().departedAt.slice(0, 10) }));

function fileTrainManifestCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.fileTrainManifest;
  const put = (train: TrainRef, what: string, body: unknown, headers: Record<string, string>): FuzzCase => ({
    what,
    request: {
      method: 'PUT',
      path: trainPath(route, train),
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
    expect: 'refused',
    trains: [trainKeyOf(train)],
  });
  // Each valid write goes to a train of its own, which every refusal must leave without a single item.
  const writesTo = unfiledTrain.map((train) => ({
    train,
    write: {
      body: trainManifest() as unknown as Record<string, unknown>,
      schema: route.request.body,
      headers: context.callers.railway,
      untouched: { trains: [trainKeyOf(train)] },
    } satisfies ValidWrite,
  }));
  const manifest = trainManifest();
  const [first, second] = manifest.wagons;
  const brokenRule = fc.tuple(
    unfiledTrain,
    fc.constantFrom(
      {
        what: 'a wagon listed twice',
        body: { ...manifest, wagons: [...manifest.wagons, { number: MANIFEST.flatWagon }] },
        refusal: { status: 422, field: '/wagons/3/number', rules: ['unique-wagon'] },
      },
      {
        what: 'a container on two wagons',
        body: { ...manifest, wagons: [first, { ...second, containers: first?.containers }] },
        refusal: { status: 422, field: '/wagons/1/containers/0/number', rules: ['unique-container'] },
      },
      {
        what: 'a wagon number with a wrong check digit',
        body: { ...manifest, wagons: [{ ...first, number: withWrongCheckDigit(MANIFEST.flatWagon) }] },
        refusal: { status: 422, field: '/wagons/0/number', rules: ['wagon-check-digit'] },
      },
      {
        what: 'a departure two days before the train’s date',
        body: { ...manifest, departedAt: '2026-11-18T06:00:00Z' },
        refusal: { status: 422, field: '/departedAt', rules: ['departed-on-train-date'] },
      },
    ),
  );
  const badIfMatch = fc.tuple(
    unfiledTrain,
    fc.constantFrom('1', 'W/"1"', '"0"', '"abc"', '*', '"1", "2"', `"${'9'.repeat(12)}"`),
  );
  return fc.oneof(
    ...[
      writesTo.chain(({ train, write }) =>
        refusedWrites({ ...route, path: trainPath(route, train) }, context, fc.constant(write), []),
      ),
    ].map((arbitrary) => ({ weight: 8, arbitrary })),
    {
      weight: 2,
      arbitrary: brokenRule.map(([train, broken]) => ({
        ...put(train, broken.what, broken.body, context.callers.railway),
        refusal: broken.refusal,
      })),
    },
    {
      weight: 1,
      arbitrary: badIfMatch.map(([train, ifMatch]) => ({
        ...put(train, `If-Match ${JSON.stringify(ifMatch)}`, manifest, {
          ...context.callers.railway,
          'if-match': ifMatch,
        }),
        refusal: { status: 400, field: 'if-match', rules: ['pattern'] },
      })),
    },
    {
      weight: 1,
      arbitrary: unfiledTrain.map((train) => ({
        ...put(train, 'If-Match on a train with no manifest yet', manifest, {
          ...context.callers.railway,
          'if-match': '"1"',
        }),
        refusal: { status: 412, field: 'if-match', rules: ['current-version'] },
      })),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.oneof(
            fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
            fc.constantFrom('x8001', 'X8001@1', 'X'.repeat(17), ' '),
          ),
          fc.constantFrom('2026-02-29', '2026-11-31', '20261120', '2026-11-20T00:00:00Z', 'today'),
        )
        .map(([trainNumber, trainDate]) => ({
          what: `a malformed train ${JSON.stringify(trainNumber.slice(0, 20))} of ${trainDate}`,
          request: {
            method: 'PUT',
            path: `/v1/trains/${encodeURIComponent(trainNumber)}/${encodeURIComponent(trainDate)}/manifest`,
            headers: { 'content-type': 'application/json', ...context.callers.railway },
            body: JSON.stringify(manifest),
          },
          expect: 'refused' as const,
        })),
    },
  );
}

function getTrainCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.getTrain;
  const { callers, train } = context;
  const at = trainPath(route, train);
  const readers = fc.constantFrom('railway', 'portOperator', 'officer') as fc.Arbitrary<CallerName>;
  return fc.oneof(
    { weight: 3, arbitrary: readers.map((caller) => get(at, callers[caller], `${caller} reads the train`, 'read')) },
    {
      weight: 1,
      arbitrary: readers.map((caller) => get(`${at}?manifestVersion=1`, callers[caller], 'version 1', 'read')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(readers, unfiledTrain)
        .map(([caller, other]) => get(trainPath(route, other), callers[caller], 'a train nobody filed', 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(readers, fc.constantFrom('0', '2', '-1', 'abc', '1.5', '', '99999999999', 'true'))
        .map(([caller, version]) =>
          get(`${at}?manifestVersion=${version}`, callers[caller], `manifestVersion=${version}`, 'refused'),
        ),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(readers, randomQuery)
        .map(([caller, query]) => get(`${at}?${query}`, callers[caller], `query string ?${query}`, 'any')),
    },
    ...refusedCallers(route, context, at).map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

/** Every route of the registry needs its generator; a route added without one fails the test. */
// ——— officers: the queue, decisions, documents ————————————————————————————————————————————————————————————

/** The port's board: any of its three roles reads it; a broker, a bad token or a bad query is refused. */
function listPortDeclarationsCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.listPortDeclarations;
  const names = (route.request.query as unknown as QuerySchema).properties;
  const modes = names.mode?.enum ?? [];
  const validQuery = listingQuery({
    mode: fc.constantFrom(...modes),
    declarationType: fc.constantFrom(...DECLARATION_TYPE_NAMES),
    status: fc.constantFrom(...STATUS_NAMES),
    limit: fc.integer({ min: 1, max: 100 }).map(String),
  });
  const invalid = fc.oneof(
    fc.constantFrom(...PAGE_LIMIT_ABUSE).map((limit) => `limit=${encodeURIComponent(limit)}`),
    fc
      .string({ maxLength: 20 })
      .filter((mode) => !modes.includes(mode))
      .map((mode) => `mode=${encodeURIComponent(mode)}`),
    fc
      .string({ maxLength: 20 })
      .filter((status) => !(STATUS_NAMES as readonly string[]).includes(status))
      .map((status) => `status=${encodeURIComponent(status)}`),
    fc.constantFrom('', 'x'.repeat(1_025)).map((cursor) => `cursor=${cursor}`),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((name) => !Object.hasOwn(names, name))
      .map((name) => `${encodeURIComponent(name)}=1`),
  );
  return listingCases(context, {
    route,
    brokers: fc.constantFrom('officer', 'portOperator', 'railway') as fc.Arbitrary<CallerName>,
    validQuery,
    invalid,
    cursorParameter: 'cursor',
    reading: 'reads the board',
  });
}

function listOfficerTasksCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.listOfficerTasks;
  const names = (route.request.query as unknown as QuerySchema).properties;
  const queues = names.queue?.enum ?? [];
  const validQuery = listingQuery({
    queue: fc.constantFrom(...queues),
    limit: fc.integer({ min: 1, max: 100 }).map(String),
  });
  const invalid = fc.oneof(
    fc.constantFrom(...PAGE_LIMIT_ABUSE).map((limit) => `limit=${encodeURIComponent(limit)}`),
    fc
      .string({ maxLength: 20 })
      .filter((queue) => !queues.includes(queue))
      .map((queue) => `queue=${encodeURIComponent(queue)}`),
    fc.constantFrom('', 'x'.repeat(1_025)).map((cursor) => `cursor=${cursor}`),
    fc
      .string({ minLength: 1, maxLength: 20 })
      .filter((name) => !Object.hasOwn(names, name))
      .map((name) => `${encodeURIComponent(name)}=1`),
  );
  return listingCases(context, {
    route,
    brokers: fc.constant('officer' as CallerName),
    validQuery,
    invalid,
    cursorParameter: 'cursor',
    reading: 'reads the queue',
  });
}

/** The fixtures wait for their train: a decision or documents on them are refused (409), as any broken request. */
function decideOnDeclarationCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.decideOnDeclaration;
  const decisions = (route.request.body as unknown as { properties: { decision: { enum: string[] } } }).properties
    .decision.enum;
  const valid: fc.Arbitrary<ValidWrite> = fc
    .record(
      {
        id: fc.constantFrom(...Object.values(context.fixtures)),
        decision: fc.constantFrom(...decisions),
        reason: fc.string({ minLength: 1, maxLength: 500 }),
        decisionId: fc.stringMatching(/^[\x21-\x7E]{1,64}$/),
      },
      { requiredKeys: ['id', 'decision', 'reason'] },
    )
    .map(({ id, ...body }) => ({
      body: body.decision === 'REQUEST_DOCUMENTS' ? { ...body, requestedDocuments: ['INVOICE'] } : body,
      schema: route.request.body,
      headers: context.callers.officer,
      untouched: {},
      path: `/v1/declarations/${id}/decisions`,
    }));
  return refusedWrites(route, context, valid, []);
}

function provideDocumentsCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.provideDocuments;
  const document = fc.record({
    type: fc.constantFrom('INVOICE', 'PACKING_LIST', 'CERTIFICATE_OF_ORIGIN', 'LICENCE'),
    number: fc.string({ minLength: 1, maxLength: 64 }),
    issuer: fc.string({ minLength: 1, maxLength: 200 }),
    issuedOn: fc.constantFrom('2026-11-01', '2024-02-29', '2025-12-31'),
  });
  const valid: fc.Arbitrary<ValidWrite> = fc
    .tuple(
      fc.constantFrom(...Object.values(context.fixtures)),
      fc.array(document, { minLength: 1, maxLength: 3 }),
      fc.constantFrom('ownBroker', 'otherBroker') as fc.Arbitrary<CallerName>,
    )
    .map(([id, documents, caller]) => ({
      body: { documents },
      schema: route.request.body,
      headers: context.callers[caller],
      untouched: {},
      path: `/v1/declarations/${id}/documents`,
    }));
  return refusedWrites(route, context, valid, []);
}

/** Cancellations of the fixtures by a broker who does not own them, and of no declaration at all: all refused. */
function cancelDeclarationCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.cancelDeclaration;
  const valid: fc.Arbitrary<ValidWrite> = fc
    .tuple(
      fc.constantFrom(...Object.values(context.fixtures), 'DCL-000000000000000000000000'),
      fc.string({ minLength: 1, maxLength: 500 }),
    )
    .map(([id, reason]) => ({
      body: { reason },
      schema: route.request.body,
      headers: context.callers.otherBroker,
      untouched: {},
      path: `/v1/declarations/${id}/cancel`,
    }));
  return refusedWrites(route, context, valid, []);
}

// ——— slots ————————————————————————————————————————————————————————————————————————————————————————————————

/** The stack's default calendar (Beijing time, round the clock): an hour of a day from now on the port's clock. */
const PORT_CALENDAR = slotCalendarFrom();
function hourFromNow(days: number, hour: number): string {
  const date = localTimeOf(new Date(Date.now() + days * 24 * 3_600_000), PORT_CALENDAR.timeZone).date;
  const found = hoursOfLocalDate(date, PORT_CALENDAR.timeZone).find((candidate) => candidate.localHour === hour);
  return localIsoOf(new Date(found?.startsAt ?? 0), PORT_CALENDAR.timeZone);
}
/** The owner's road export has this hour booked (before the fuzzing): the reads read it. */
const BOOKED_HOUR = () => hourFromNow(1, 10);
const slotAt = (id: string) => `/v1/declarations/${id}/slot`;
/** Hours a truck could still keep, on the hour: what a valid booking names. */
const futureHour = fc
  .tuple(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 23 }))
  .map(([days, hour]) => hourFromNow(days, hour));

/**
 * Bookings that must all be refused, so that none writes: another broker's declarations and no declaration at all
 * (404), the owner's rail fixture (road only), its road import in the vehicle lane (the lane of the declaration),
 * and the owner's road export (which holds a booking) at instants that have passed or are not on the hour.
 */
function bookSlotCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.bookSlot;
  const { callers, fixtures } = context;
  const valid: fc.Arbitrary<ValidWrite> = fc
    .tuple(
      fc.constantFrom(...Object.values(fixtures), 'DCL-000000000000000000000000'),
      fc.constantFrom(...LANE_TYPE_NAMES),
      futureHour,
    )
    .map(([id, laneType, startsAt]) => ({
      body: { laneType, startsAt },
      schema: route.request.body,
      headers: callers.otherBroker,
      untouched: {},
      path: slotAt(id),
    }));
  const put = (id: string, what: string, body: unknown, refusal: FuzzCase['refusal']): FuzzCase => ({
    what,
    request: {
      method: 'PUT',
      path: slotAt(id),
      headers: { 'content-type': 'application/json', ...callers.ownBroker },
      body: JSON.stringify(body),
    },
    expect: 'refused',
    refusal,
  });
  const ownersRefused = fc.oneof(
    fc.tuple(fc.constantFrom(...LANE_TYPE_NAMES), futureHour).map(([laneType, startsAt]) =>
      put(
        fixtures.RAIL_IMPORT ?? '',
        'a slot for a rail declaration',
        { laneType, startsAt },
        {
          status: 422,
          field: 'id',
          rules: ['road-declaration'],
        },
      ),
    ),
    futureHour.map((startsAt) =>
      put(
        fixtures.ROAD_IMPORT ?? '',
        'a truck of goods in the vehicle lane',
        { laneType: 'VEHICLE_CARRIER', startsAt },
        {
          status: 422,
          field: '/laneType',
          rules: ['lane-type-of-declaration'],
        },
      ),
    ),
    fc
      .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date(Date.now() - 2 * 3_600_000), noInvalidDate: true })
      .map((past) =>
        put(
          fixtures.ROAD_EXPORT ?? '',
          `an instant in the past ${past.toISOString()}`,
          { laneType: 'VEHICLE_CARRIER', startsAt: past.toISOString() },
          { status: 422, field: '/startsAt', rules: ['not-in-the-past', 'on-the-hour'] },
        ),
      ),
    fc
      .tuple(futureHour, fc.integer({ min: 1, max: 3_599_999 }))
      .map(([hour, offset]) => new Date(Date.parse(hour) + offset).toISOString())
      .map((startsAt) =>
        put(
          fixtures.ROAD_EXPORT ?? '',
          `an instant not on the hour ${startsAt}`,
          { laneType: 'VEHICLE_CARRIER', startsAt },
          {
            status: 422,
            field: '/startsAt',
            rules: ['on-the-hour'],
          },
        ),
      ),
  );
  return refusedWrites(route, context, valid, [{ weight: 6, arbitrary: ownersRefused }]);
}

/** Cancellations that must all be refused: another broker's, nobody's, malformed ids, the owner's rail fixture. */
function cancelSlotBookingCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.cancelSlotBooking;
  const { callers, fixtures } = context;
  const remove = (path: string, headers: Record<string, string>, what: string): FuzzCase => ({
    what,
    request: { method: 'DELETE', path, headers },
    expect: 'refused',
  });
  const wrongCallers = callersWithoutAccess(route);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(...Object.values(fixtures))
        .map((id) => remove(slotAt(id), callers.otherBroker, 'another broker’s declaration')),
    },
    {
      weight: 1,
      arbitrary: fc.constant({
        ...remove(slotAt(fixtures.RAIL_IMPORT ?? ''), callers.ownBroker, 'the slot of a rail declaration'),
        refusal: { status: 422, field: 'id', rules: ['road-declaration'] },
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .stringMatching(/^DCL-[0-9A-F]{24}$/)
        .map((id) => remove(slotAt(id), callers.ownBroker, 'a declaration nobody filed')),
    },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }),
          fc.constantFrom('dcl-0', 'DCL-', `DCL-${'0'.repeat(25)}`, ' ', 'null'),
        )
        .map((id) =>
          remove(
            slotAt(encodeURIComponent(id)),
            callers.ownBroker,
            `a malformed id ${JSON.stringify(id.slice(0, 40))}`,
          ),
        ),
    },
    {
      weight: 1,
      arbitrary: randomQuery.map((query) =>
        remove(`${slotAt(fixtures.ROAD_EXPORT ?? '')}?${query}`, callers.ownBroker, `the owner, with ?${query}`),
      ),
    },
    {
      weight: 2,
      arbitrary: badCredentials(context).map((credentials) =>
        remove(slotAt(fixtures.ROAD_EXPORT ?? ''), credentials.headers, credentials.what),
      ),
    },
    ...(wrongCallers.length === 0
      ? []
      : [
          {
            weight: 2,
            arbitrary: fc
              .constantFrom(...wrongCallers)
              .map((caller) =>
                remove(
                  slotAt(fixtures.ROAD_EXPORT ?? ''),
                  callers[caller],
                  `called by ${caller}, a role the route does not admit`,
                ),
              ),
          },
        ]),
  );
}

function getSlotBookingCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.getSlotBooking;
  const { callers, fixtures } = context;
  const booked = slotAt(fixtures.ROAD_EXPORT ?? '');
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom('ownBroker', 'portOperator', 'officer')
        .map((caller) => get(booked, callers[caller as CallerName], `${caller} reads the booking`, 'read')),
    },
    {
      weight: 1,
      arbitrary: fc.constant(get(booked, callers.otherBroker, 'another broker’s booking', 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(fixtures.ROAD_IMPORT ?? '', fixtures.RAIL_IMPORT ?? '', 'DCL-000000000000000000000000')
        .map((id) => get(slotAt(id), callers.ownBroker, 'a declaration with no booking', 'refused')),
    },
    {
      weight: 1,
      arbitrary: randomQuery.map((query) =>
        get(`${booked}?${query}`, callers.ownBroker, `query string ?${query}`, 'refused'),
      ),
    },
    ...refusedCallers(route, context, booked).map((arbitrary) => ({ weight: 2, arbitrary })),
  );
}

function getSlotAvailabilityCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const route = ROUTES.getSlotAvailability;
  const names = (route.request.query as unknown as QuerySchema).properties;
  const date = fc
    .date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true })
    .map((day) => day.toISOString().slice(0, 10));
  const laneType = fc.constantFrom(...LANE_TYPE_NAMES);
  const validQuery = fc.tuple(date, laneType).map(([day, lane]) => `date=${day}&laneType=${lane}`);
  const invalid = fc.oneof(
    date.map((day) => `date=${day}`),
    laneType.map((lane) => `laneType=${lane}`),
    fc
      .tuple(fc.constantFrom('2026-02-30', '2026-13-01', '20261121', 'tomorrow', '', '2026-11-21T10:00:00Z'), laneType)
      .map(([day, lane]) => `date=${encodeURIComponent(day)}&laneType=${lane}`),
    fc
      .tuple(
        date,
        fc.string({ maxLength: 20 }).filter((lane) => !(LANE_TYPE_NAMES as readonly string[]).includes(lane)),
      )
      .map(([day, lane]) => `date=${day}&laneType=${encodeURIComponent(lane)}`),
    fc
      .tuple(
        validQuery,
        fc.string({ minLength: 1, maxLength: 20 }).filter((name) => !Object.hasOwn(names, name)),
      )
      .map(([query, name]) => `${query}&${encodeURIComponent(name)}=1`),
  );
  return listingCases(context, {
    route,
    brokers: fc.constantFrom('ownBroker', 'otherBroker', 'portOperator') as fc.Arbitrary<CallerName>,
    validQuery,
    invalid,
    cursorParameter: 'cursor',
    reading: 'reads the calendar',
  });
}

const FUZZERS: Partial<Record<string, (context: FuzzContext) => fc.Arbitrary<FuzzCase>>> = {
  cancelDeclaration: cancelDeclarationCases,
  fileDeclaration: fileDeclarationCases,
  reportPortEvent: reportPortEventCases,
  getDeclaration: getDeclarationCases,
  amendDeclaration: amendDeclarationCases,
  completeDeclaration: completeDeclarationCases,
  listDeclarations: listDeclarationsCases,
  listEvents: listEventsCases,
  registerWebhook: registerWebhookCases,
  listWebhooks: listWebhooksCases,
  deleteWebhook: deleteWebhookCases,
  listWebhookDeliveries: listWebhookDeliveriesCases,
  getOpenApi: getOpenApiCases,
  getDashboard: getDashboardCases,
  listPortDeclarations: listPortDeclarationsCases,
  fileTrainManifest: fileTrainManifestCases,
  getTrain: getTrainCases,
  listOfficerTasks: listOfficerTasksCases,
  decideOnDeclaration: decideOnDeclarationCases,
  provideDocuments: provideDocumentsCases,
  bookSlot: bookSlotCases,
  cancelSlotBooking: cancelSlotBookingCases,
  getSlotBooking: getSlotBookingCases,
  getSlotAvailability: getSlotAvailabilityCases,
};

// ——— no such route ————————————————————————————————————————————————————————————————————————————————————————

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;

/**
 * True when the registry has this method on a resource the path matches, as either gateway reads the path: the
 * raw path, or the path resolved as a URL (dot segments removed; a leading "//" read as an authority).
 */
function isRegistered(method: string, path: string): boolean {
  const readings = [path.split('?')[0] ?? ''];
  try {
    readings.push(new URL(path, 'http://gateway.invalid').pathname);
  } catch {
    // Not a URL at all: only the raw reading.
  }
  return ROUTE_LIST.some((route) => {
    const template = new RegExp(`^${route.path.replace(/\{\w+\}/g, '[^/]+').replaceAll('.', '\\.')}/?$`);
    return route.method === method && readings.some((pathname) => template.test(pathname));
  });
}

function unknownRouteCases(context: FuzzContext): fc.Arbitrary<FuzzCase> {
  const segment = fc.oneof(
    fc.constantFrom(
      'v1',
      'v2',
      'declarations',
      'port-events',
      'events',
      'openapi.json',
      'webhooks',
      'deliveries',
      'WHK-0000000000000000000000AB',
      '..',
      '.',
      '',
      '%2e%2e',
      'DCL-0000000000000000000000AB',
    ),
    fc.string({ minLength: 1, maxLength: 20, unit: 'grapheme' }).map(encodeURIComponent),
  );
  const randomPath = fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join('/')}`);
  const knownPathOtherMethod = fc.constantFrom(...ROUTE_LIST).chain((route) =>
    fc.constantFrom(...METHODS).map((method) => ({
      method: method as string,
      path: route.path.replace('{id}', 'DCL-0000000000000000000000AB'),
    })),
  );
  const request = fc.oneof(
    fc.tuple(fc.constantFrom(...METHODS), randomPath).map(([method, path]) => ({ method: method as string, path })),
    knownPathOtherMethod,
  );
  return fc
    .tuple(request, fc.constantFrom(...Object.values(context.callers)), fc.option(anyJsonBody, { nil: undefined }))
    .filter(([{ method, path }]) => !isRegistered(method, path))
    .map(([{ method, path }, headers, body]) => ({
      what: `${method} on a path the API does not have for it`,
      request: {
        method,
        path,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        ...(body === undefined || method === 'GET' || method === 'HEAD' ? {} : { body: body.body }),
      },
      expect: 'refused',
    }));
}

// ——— the run ——————————————————————————————————————————————————————————————————————————————————————————————

interface Figures {
  readonly casesByRoute: Map<string, number>;
  readonly statuses: Map<number, number>;
  builtInGatewayAnswers: number;
  interruptedRoutes: string[];
  startedAt: number;
}

/** What is wrong with a refusal that must be exactly this one: another status, or no error naming the field and rule. */
function refusalFaults(expected: NonNullable<FuzzCase['refusal']>, answer: RawAnswer): string[] {
  const problem = answer.json as { errors?: { field?: unknown; rule?: unknown }[] } | null | undefined;
  const errors = Array.isArray(problem?.errors) ? problem.errors : [];
  const named = errors.some((error) => error.field === expected.field && expected.rules.includes(String(error.rule)));
  if (answer.status === expected.status && named) return [];
  const field = expected.field === '' ? '(root)' : expected.field;
  return [
    `expected a ${expected.status} naming ${field} with rule ${expected.rules.join(' or ')}, got ${answer.status}`,
  ];
}

function describeCase(fuzzCase: FuzzCase, answer?: RawAnswer): string {
  const { request } = fuzzCase;
  const body = request.body === undefined ? '' : String(request.body);
  return [
    `${request.method} ${request.path.slice(0, 200)} — ${fuzzCase.what}`,
    `  headers: ${JSON.stringify({ ...request.headers, ...(request.headers?.authorization ? { authorization: `${request.headers.authorization.slice(0, 24)}…` } : {}) })}`,
    `  body (${body.length} chars): ${body.slice(0, 300)}`,
    ...(answer === undefined ? [] : [`  answer ${answer.status} ${answer.mediaType}: ${answer.text.slice(0, 400)}`]),
  ].join('\n');
}

describe('fuzzing every route of the API (fast-check, on the local stack)', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let probe: StoreProbe;
  let context: FuzzContext;
  let countsBefore: Awaited<ReturnType<StoreProbe['counts']>>;
  const figures: Figures = {
    casesByRoute: new Map(),
    statuses: new Map(),
    builtInGatewayAnswers: 0,
    interruptedRoutes: [],
    startedAt: 0,
  };

  before(async () => {
    env = await startTestStack();
    probe = storeProbe(env);
    const callers = await callerHeaders();
    const fixtures: Record<string, string> = {};
    for (const [type, document] of [
      ['RAIL_IMPORT', railImportDeclaration({ waybillNumber: 'FUZZ-RAIL-001' })],
      ['ROAD_EXPORT', roadExportDeclaration()],
      ['ROAD_IMPORT', roadImportDeclaration()],
    ] as const) {
      const filed = await env.api.post('/v1/declarations', {
        token: callers.ownBroker.authorization?.replace('Bearer ', '') ?? '',
        idempotencyKey: `fuzz-fixture-${type}`,
        json: document,
      });
      assert.equal(filed.status, 202, `the ${type} fixture is filed`);
      fixtures[type] = String(filed.body.id);
    }
    // A two-step summary for the completions to be refused on.
    const summaryFiled = await env.api.post('/v1/declarations', {
      token: callers.ownBroker.authorization?.replace('Bearer ', '') ?? '',
      idempotencyKey: 'fuzz-fixture-summary',
      json: railImportSummary({ waybillNumber: FUZZ_SUMMARY_WAYBILL }),
    });
    assert.equal(summaryFiled.status, 202, 'the summary fixture is filed');
    const summary = String(summaryFiled.body.id);
    // The webhook owner fills its quota; it has no declarations, so none of its webhooks is ever sent anything.
    const webhookIds: string[] = [];
    for (let n = 1; n <= MAX_WEBHOOKS_PER_BROKER; n++) {
      const registered = await sendRaw(env.stack.apiUrl, {
        method: 'POST',
        path: ROUTES.registerWebhook.path,
        headers: {
          ...callers[WEBHOOK_OWNER],
          'content-type': 'application/json',
          'idempotency-key': `fuzz-webhook-${n}`,
        },
        body: JSON.stringify({ url: `https://hooks.example.com/fuzz/${n}` }),
      });
      assert.equal(registered.status, 201, `webhook ${n} of the owner is registered: ${registered.text}`);
      webhookIds.push(String((registered.json as { id: string }).id));
    }
    // The railway files one manifest, for the reads.
    const train: TrainRef = { trainNumber: 'FUZZ-TRAIN', trainDate: trainManifest().departedAt.slice(0, 10) };
    const filedManifest = await sendRaw(env.stack.apiUrl, {
      method: 'PUT',
      path: trainPath(ROUTES.fileTrainManifest, train),
      headers: { ...callers.railway, 'content-type': 'application/json' },
      body: JSON.stringify(trainManifest()),
    });
    assert.equal(filedManifest.status, 201, `the fixture train's manifest is filed: ${filedManifest.text}`);
    context = { callers, fixtures, webhookIds, train, summary };
    // The fixtures' workflows run to their wait; only then is the store still, and its counts a baseline.
    // The two-step summary fixture is a rail import too.
    for (const [type, id] of [...Object.entries(fixtures), ['RAIL_IMPORT', summary] as const]) {
      await eventually(
        async () =>
          (
            await sendRaw(env.stack.apiUrl, {
              method: 'GET',
              path: `/v1/declarations/${id}`,
              headers: callers.ownBroker,
            })
          ).json,
        // A rail fixture has no train manifest on file: it waits for an amendment instead of its train.
        (body) => holdsStill(type, (body as { status?: string }).status),
        60_000,
      );
    }
    // The owner's road export (a car carrier) books its truck, for the reads of a booking.
    const booked = await sendRaw(env.stack.apiUrl, {
      method: 'PUT',
      path: slotAt(fixtures.ROAD_EXPORT ?? ''),
      headers: { ...callers.ownBroker, 'content-type': 'application/json' },
      body: JSON.stringify({ laneType: 'VEHICLE_CARRIER', startsAt: BOOKED_HOUR() }),
    });
    assert.equal(booked.status, 201, `the road export's truck is booked: ${booked.text}`);
    // The booking moves its workflow on to the gate after the answer: the baseline is taken once it waits there.
    await eventually(
      () => probe.itemsOfMilestone('TRUCK_GATED_IN', roadExportDeclaration().truck.plate),
      (waits) => waits > 0,
      60_000,
    );
    countsBefore = await probe.settledCounts();
    figures.startedAt = Date.now();
  });
  after(async () => env?.stop());

  /** Sends one case and judges the answer and the store; throws with the request and the answer on a fault. */
  async function check(route: string, fuzzCase: FuzzCase): Promise<void> {
    const { request } = fuzzCase;
    const isWrite = request.method !== 'GET' && request.method !== 'HEAD';
    const recordsBefore = isWrite ? await probe.idempotencyRecords() : 0;
    const webhookBrokers = isWrite ? (fuzzCase.webhookBrokers ?? []) : [];
    const webhooksBefore = await Promise.all(webhookBrokers.map((broker) => probe.webhooksOf(broker)));
    let answer: RawAnswer;
    try {
      answer = await sendRaw(env.stack.apiUrl, request);
    } catch (error) {
      throw new Error(
        `no HTTP answer (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}):\n${describeCase(fuzzCase)}`,
      );
    }
    figures.casesByRoute.set(route, (figures.casesByRoute.get(route) ?? 0) + 1);
    figures.statuses.set(answer.status, (figures.statuses.get(answer.status) ?? 0) + 1);
    if (isBuiltInGatewayAnswer(answer)) figures.builtInGatewayAnswers++;

    const faults =
      request.method === 'HEAD'
        ? answer.status >= 500
          ? [`a ${answer.status} answer`]
          : []
        : answerFaults(request, answer);
    // Every gateway answer is problem+json now (gateway responses in CDK, honoured by the local gateway).
    if (isBuiltInGatewayAnswer(answer)) faults.push('the gateway answered {"message"} JSON, not problem+json');
    const throttled = answer.status === 429;
    if (fuzzCase.expect === 'refused' && !(answer.status >= 400 && answer.status < 500)) {
      faults.push(`expected a refusal, got ${answer.status}: a generator that made a valid request, or a real bug`);
    }
    if (fuzzCase.expect === 'read' && !(answer.status >= 200 && answer.status < 300) && !throttled) {
      faults.push(`expected a successful read, got ${answer.status}`);
    }
    if (fuzzCase.refusal !== undefined && !throttled) faults.push(...refusalFaults(fuzzCase.refusal, answer));
    // Whatever the answer: every webhook request the fuzzing makes must be refused, so none may change a webhook.
    const webhooksAfter = await Promise.all(webhookBrokers.map((broker) => probe.webhooksOf(broker)));
    webhookBrokers.forEach((broker, index) => {
      const [before, after] = [JSON.stringify(webhooksBefore[index]), JSON.stringify(webhooksAfter[index])];
      if (before !== after) faults.push(`the refused request changed ${broker}'s webhooks from ${before} to ${after}`);
    });
    if (isWrite && answer.status >= 400) {
      for (const id of fuzzCase.declarationIds ?? []) {
        const items = await probe.itemsOfDeclaration(id);
        if (items > 0) faults.push(`the refused filing left ${items} item(s) of declaration ${id}`);
      }
      for (const { milestone, key } of fuzzCase.milestones ?? []) {
        const items = await probe.itemsOfMilestone(milestone, key);
        if (items > 0) faults.push(`the refused port event left ${items} ${milestone} item(s) for ${key}`);
      }
      for (const trainKey of fuzzCase.trains ?? []) {
        const items = await probe.itemsOfTrain(trainKey);
        if (items > 0) faults.push(`the refused manifest left ${items} item(s) of train ${trainKey}`);
      }
      const recordsAfter = await probe.idempotencyRecords();
      if (recordsAfter !== recordsBefore) {
        faults.push(`the refused write changed the idempotency records from ${recordsBefore} to ${recordsAfter}`);
      }
    }
    if (faults.length > 0) throw new Error(`${faults.join('; ')}\n${describeCase(fuzzCase, answer)}`);
  }

  const totalRuns = [
    ...ROUTE_LIST.map((route) => RUNS[route.operationId] ?? DEFAULT_RUNS),
    RUNS.unknownRoutes ?? 0,
  ].reduce((sum, runs) => sum + runs, 0);

  async function fuzz(
    route: string,
    arbitrary: fc.Arbitrary<FuzzCase>,
    runs: number,
    routesAtOnce: number,
  ): Promise<void> {
    const details = await fc.check(
      fc.asyncProperty(arbitrary, (fuzzCase) => check(route, fuzzCase)),
      {
        numRuns: runs,
        seed: SEED,
        // A route's share of the time limit, as many times over as routes run side by side.
        plugins: [fc.interruptAfterTimeLimit(Math.round((TIME_LIMIT_MS * routesAtOnce * runs) / totalRuns))],
      },
    );
    if (details.interrupted) figures.interruptedRoutes.push(`${route} after ${details.numRuns} of ${runs}`);
    if (details.failed) {
      const cause =
        details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
      assert.fail(`${cause}\n\n${fc.defaultReportMessage(details) ?? ''}\n(reproduce with FUZZ_SEED=${SEED})`);
    }
  }

  describe('deterministic cases (those the issue names first), each with the answer it must get', () => {
    /** Files as the owner; asserts that nothing was written, and returns the answer. */
    async function refusedFiling(key: string, body: string | Buffer): Promise<RawAnswer> {
      const request: RawRequest = {
        method: 'POST',
        path: ROUTES.fileDeclaration.path,
        headers: { ...context.callers.ownBroker, 'content-type': 'application/json', 'idempotency-key': key },
        body,
      };
      const recordsBefore = await probe.idempotencyRecords();
      let answer: RawAnswer;
      try {
        answer = await sendRaw(env.stack.apiUrl, request);
      } catch (error) {
        return assert.fail(`no HTTP answer: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
      assert.deepEqual(answerFaults(request, answer), []);
      assert.equal(await probe.itemsOfDeclaration(declarationIdFor(OWN_BROKER_ID, key)), 0, 'no declaration filed');
      assert.equal(await probe.idempotencyRecords(), recordsBefore, 'no idempotency record left');
      return answer;
    }
    const withGoodsLine = (change: Record<string, unknown>) => {
      const document = railImportDeclaration();
      return JSON.stringify({ ...document, goods: [{ ...document.goods[0], ...change }] });
    };
    /** The problem's errors as "field rule" lines, e.g. "/goods/0/grossMassKg minimum" ("(root)" for ""). */
    const rulesOf = (answer: RawAnswer) =>
      ((answer.json as { errors?: { field: string; rule: string }[] }).errors ?? []).map(
        (error) => `${error.field === '' ? '(root)' : error.field} ${error.rule}`,
      );

    it('an amount of 1e-300, below what DynamoDB stores: 422, rule "minimum" at /goods/0/value/amount', async () => {
      const answer = await refusedFiling(
        'point-8-amount',
        withGoodsLine({ value: { amount: 1e-300, currency: 'USD' } }),
      );
      assert.equal(answer.status, 422);
      assert.ok(rulesOf(answer).includes('/goods/0/value/amount minimum'), rulesOf(answer).join(', '));
    });

    it('a gross mass of 1e-300: 422, rule "minimum" at /goods/0/grossMassKg', async () => {
      const answer = await refusedFiling('point-8-mass', withGoodsLine({ grossMassKg: 1e-300 }));
      assert.equal(answer.status, 422);
      assert.ok(rulesOf(answer).includes('/goods/0/grossMassKg minimum'), rulesOf(answer).join(', '));
    });

    it('999 goods lines of 512 characters, valid but over a DynamoDB item: 413, rule "max-document-size"', async () => {
      const answer = await refusedFiling('point-8-largest', JSON.stringify(largestDocument()));
      assert.equal(answer.status, 413);
      assert.equal((answer.json as { type?: string }).type, 'urn:preclearance:problem:payload-too-large');
      assert.deepEqual(rulesOf(answer), ['(root) max-document-size']);
    });

    it('GET /v1/declarations/%ZZ, a malformed percent-escape: 400 or 404, never a 5xx', async () => {
      for (const path of ['/v1/declarations/%ZZ', '/v1/declarations/%C3%28', '/v1/declarations/%']) {
        const request: RawRequest = { method: 'GET', path, headers: context.callers.ownBroker };
        const answer = await sendRaw(env.stack.apiUrl, request);
        assert.ok([400, 404].includes(answer.status), `${path}: ${answer.status} ${answer.text}`);
        assert.equal(isBuiltInGatewayAnswer(answer), false, `${path}: answered without problem+json`);
        assert.deepEqual(answerFaults(request, answer), [], path);
      }
    });

    it('a body over 10 MB: 413, not a reset connection', async () => {
      const body = withGoodsLine({ description: 'D'.repeat(11 * 1024 * 1024) });
      const answer = await refusedFiling('point-8-eleven-megabytes', body);
      assert.equal(answer.status, 413);
    });

    it('a query string on a route that takes none: 400 invalid-query, as the contract declares', async () => {
      for (const path of [`/v1/declarations/${context.fixtures.RAIL_IMPORT}?x=1`, '/v1/openapi.json?x=1']) {
        const request: RawRequest = { method: 'GET', path, headers: context.callers.ownBroker };
        const answer = await sendRaw(env.stack.apiUrl, request);
        assert.equal(answer.status, 400, path);
        assert.deepEqual(answerFaults(request, answer), [], path);
      }
    });
  });

  describe('bugs the fuzzing found, fixed: each stays a test', () => {
    it('a type 100,000 letters long is refused (422) in time, not logged until the function times out', async () => {
      const request: RawRequest = {
        method: 'POST',
        path: ROUTES.reportPortEvent.path,
        headers: { ...context.callers.portOperator, 'content-type': 'application/json' },
        body: JSON.stringify({
          eventType: 'a'.repeat(100_000),
          eventId: 'long-type-1',
          trainNumber: 'X8001',
          occurredAt: '2026-11-21T08:00:00Z',
          waybillNumbers: ['FUZZ-LONG-TYPE-1'],
        }),
      };
      const answer = await sendRaw(env.stack.apiUrl, request);
      assert.deepEqual(answerFaults(request, answer), []);
      assert.equal(answer.status, 422);
    });

    it('an event cursor the API never issued: 400 invalid-query, never a 5xx', async () => {
      for (const key of ['3', 'zzz', '\uD800']) {
        const cursor = Buffer.from(JSON.stringify({ k: key })).toString('base64url');
        const request: RawRequest = {
          method: 'GET',
          path: `/v1/events?after=${cursor}`,
          headers: context.callers.ownBroker,
        };
        const answer = await sendRaw(env.stack.apiUrl, request);
        assert.deepEqual(answerFaults(request, answer), [], `cursor {"k":${JSON.stringify(key)}}`);
        assert.equal(answer.status, 400, `cursor {"k":${JSON.stringify(key)}}`);
      }
    });

    it('a path starting with "//": refused as an unknown route, never a 5xx', async () => {
      for (const path of ['//%ZZ', '//x/v1/openapi.json']) {
        const answer = await sendRaw(env.stack.apiUrl, { method: 'GET', path });
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${path}: ${answer.status} ${answer.text.slice(0, 200)}`,
        );
      }
    });

    it('a listing window that ends before it starts: 400 invalid-query (or an empty page), never a 5xx', async () => {
      const request: RawRequest = {
        method: 'GET',
        path: `/v1/declarations?filedFrom=${encodeURIComponent('2026-02-01T00:00:00Z')}&filedTo=${encodeURIComponent('2026-01-01T00:00:00Z')}`,
        headers: context.callers.ownBroker,
      };
      const answer = await sendRaw(env.stack.apiUrl, request);
      assert.deepEqual(answerFaults(request, answer), []);
      assert.ok([200, 400].includes(answer.status), `answered ${answer.status}`);
    });
  });

  const fuzzRoute = (route: RouteDefinition, routesAtOnce: number) =>
    it(`${route.operationId} (${route.method} ${route.path}): no 5xx, problem+json refusals, no write on refusal`, async () => {
      const fuzzer = FUZZERS[route.operationId];
      assert.ok(
        fuzzer,
        `route ${route.operationId} (${route.method} ${route.path}) has no fuzz generator: add one to FUZZERS in test/e2e/fuzz.e2e.test.ts`,
      );
      await fuzz(route.operationId, fuzzer(context), RUNS[route.operationId] ?? DEFAULT_RUNS, routesAtOnce);
    });

  describe('the routes that record idempotency, one at a time', () => {
    for (const route of ROUTE_LIST.filter((candidate) => candidate.idempotency !== undefined)) fuzzRoute(route, 1);
  });

  describe('the other routes, and paths and methods the API does not have, several at once', {
    concurrency: ROUTES_AT_ONCE,
  }, () => {
    for (const route of ROUTE_LIST.filter((candidate) => candidate.idempotency === undefined)) {
      fuzzRoute(route, ROUTES_AT_ONCE);
    }
    it('paths and methods the API does not have: refused by the gateway, never a 5xx', async () => {
      await fuzz('unknownRoutes', unknownRouteCases(context), RUNS.unknownRoutes ?? DEFAULT_RUNS, ROUTES_AT_ONCE);
    });
  });

  it('asked for at least 2,000 cases across the routes', () => {
    assert.ok(totalRuns >= 2_000, `only ${totalRuns} cases configured in RUNS`);
  });

  it('wrote nothing: both tables hold as many items as before the fuzzing', async () => {
    assert.deepEqual(await probe.counts(), countsBefore);
  });

  after(() => {
    const seconds = ((Date.now() - figures.startedAt) / 1000).toFixed(1);
    const cases = [...figures.casesByRoute.values()].reduce((sum, n) => sum + n, 0);
    console.log(
      [
        `fuzz figures (seed ${SEED}): ${cases} cases in ${seconds} s`,
        `  cases per route: ${[...figures.casesByRoute].map(([route, n]) => `${route} ${n}`).join(', ')}`,
        `  statuses seen: ${[...figures.statuses]
          .sort(([a], [b]) => a - b)
          .map(([status, n]) => `${status}×${n}`)
          .join(', ')}`,
        `  gateway answers still {"message"} JSON rather than problem+json: ${figures.builtInGatewayAnswers}`,
        `  interrupted by the time limit: ${figures.interruptedRoutes.length === 0 ? 'none' : figures.interruptedRoutes.join('; ')}`,
      ].join('\n'),
    );
  });
});
