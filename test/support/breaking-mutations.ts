import fc from 'fast-check';

/**
 * Breaking mutations of a valid document, read off its JSON Schema: each generated document differs from the
 * valid one in exactly one way that the schema forbids, so a request carrying it must be refused. They are
 * derived from what the schema says (types, required, additionalProperties, bounds), never from the validator
 * under test, so a schema that lets a harmful value through (a number DynamoDB cannot store) is found, not hidden.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Schema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean;
  readonly items?: Schema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly uniqueItems?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
}

export interface BrokenDocument {
  /** The document with its one breaking change; not always an object (a field may now hold anything). */
  readonly document: unknown;
  /** What was broken, for a failure message: "/goods/0/value/amount: below minimum 0.01 (1e-300)". */
  readonly what: string;
}

interface Location {
  readonly path: readonly (string | number)[];
  readonly value: Json;
  readonly schema: Schema;
}

const pointerOf = (path: readonly (string | number)[]) =>
  path.length === 0
    ? '(root)'
    : `/${path.map((token) => String(token).replaceAll('~', '~0').replaceAll('/', '~1')).join('/')}`;

/** Every value of the document with the schema that governs it. */
function locationsOf(value: Json, schema: Schema, path: (string | number)[] = []): Location[] {
  const here: Location = { path, value, schema };
  if (Array.isArray(value)) {
    const items = schema.items ?? {};
    return [here, ...value.flatMap((item, index) => locationsOf(item, items, [...path, index]))];
  }
  if (value !== null && typeof value === 'object') {
    return [
      here,
      ...Object.entries(value).flatMap(([key, child]) =>
        locationsOf(child, schema.properties?.[key] ?? {}, [...path, key]),
      ),
    ];
  }
  return [here];
}

function replaced(document: Json, path: readonly (string | number)[], change: (value: Json) => Json | undefined): Json {
  if (path.length === 0) return change(document) ?? null;
  const copy = structuredClone(document);
  let parent = copy as Record<string | number, Json>;
  for (const token of path.slice(0, -1)) parent = parent[token] as Record<string | number, Json>;
  const last = path[path.length - 1] as string | number;
  const next = change(parent[last] as Json);
  if (next === undefined) delete parent[last];
  else parent[last] = next;
  return copy;
}

const jsonTypeOf = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : typeof value;

/** A string no bounded string field accepts: longer than any maxLength or pattern in these schemas allows. */
const overlongString = (longest: number) =>
  fc
    .tuple(
      fc.integer({ min: 1_025, max: Math.max(1_025, longest) }),
      fc.constantFrom('Z', '9', 'a', '中', '😀', '\u0000'),
    )
    .map(([length, unit]) => unit.repeat(Math.ceil(length / unit.length)));

export interface MutationOptions {
  /** The longest string to put in a free or patterned field (UTF-16 units); default 200,000. */
  readonly longestString?: number;
  /** The longest string to put in an enumerated field (enum or const); default as longestString. */
  readonly longestEnumeratedString?: number;
}

const LONE_SURROGATES = ['\uD800', '\uDBFF', '\uDC00', '\uDFFF', '\uD83D'] as const;

/** A breaking change for one location, or none when the schema says nothing that this kind of change breaks. */
type Breaker = (
  location: Location,
  document: Json,
  options: Required<MutationOptions>,
) => fc.Arbitrary<BrokenDocument> | undefined;

const BREAKERS: Readonly<Record<string, Breaker>> = {
  'wrong JSON type': ({ path, value }, document) =>
    fc
      .jsonValue({ maxDepth: 2 })
      .filter((candidate) => jsonTypeOf(candidate) !== jsonTypeOf(value) && candidate !== undefined)
      .map((candidate) => ({
        document: replaced(document, path, () => candidate as Json),
        what: `${pointerOf(path)}: a ${jsonTypeOf(candidate)} instead of a ${jsonTypeOf(value)}`,
      })),

  'required field removed': ({ path, value, schema }, document) => {
    const present = (schema.required ?? []).filter(
      (key) => value !== null && typeof value === 'object' && key in value,
    );
    if (present.length === 0) return undefined;
    return fc.constantFrom(...present).map((key) => ({
      document: replaced(document, [...path, key], () => undefined),
      what: `${pointerOf([...path, key])}: required, removed`,
    }));
  },

  'unknown field': ({ path, value, schema }, document) => {
    if (schema.additionalProperties !== false || value === null || typeof value !== 'object' || Array.isArray(value))
      return undefined;
    const known = new Set(Object.keys(schema.properties ?? {}));
    return fc
      .tuple(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 30 }),
          fc.constantFrom('__proto__', 'constructor', 'brokerId', 'status', 'id'),
        ),
        fc.jsonValue({ maxDepth: 2 }),
      )
      .filter(([key]) => !known.has(key))
      .map(([key, extra]) => ({
        document: replaced(document, path, (object) => ({ ...(object as JsonObject), [key]: extra as Json })),
        what: `${pointerOf(path)}: unknown field ${JSON.stringify(key)}`,
      }));
  },

  'empty string': ({ path, value }, document) =>
    typeof value === 'string' && value !== ''
      ? fc.constant({ document: replaced(document, path, () => ''), what: `${pointerOf(path)}: empty string` })
      : undefined,

  'overlong string': ({ path, value, schema }, document, options) => {
    const bounded =
      schema.maxLength !== undefined ||
      schema.pattern !== undefined ||
      schema.format !== undefined ||
      schema.enum !== undefined ||
      schema.const !== undefined;
    if (typeof value !== 'string' || !bounded) return undefined;
    const enumerated = schema.enum !== undefined || schema.const !== undefined;
    return overlongString(enumerated ? options.longestEnumeratedString : options.longestString).map((text) => ({
      document: replaced(document, path, () => text),
      what: `${pointerOf(path)}: a string of ${text.length} UTF-16 units`,
    }));
  },

  'lone surrogate in a string': ({ path, value }, document) => {
    if (typeof value !== 'string') return undefined;
    return fc.tuple(fc.nat({ max: value.length }), fc.constantFrom(...LONE_SURROGATES)).map(([at, surrogate]) => ({
      document: replaced(document, path, () => `${value.slice(0, at)}${surrogate}${value.slice(at)}`),
      what: `${pointerOf(path)}: lone surrogate U+${surrogate.charCodeAt(0).toString(16).toUpperCase()} at ${at}`,
    }));
  },

  'lone surrogate in a field name': ({ path, value }, document) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || Object.keys(value).length === 0)
      return undefined;
    return fc
      .tuple(fc.constantFrom(...Object.keys(value)), fc.constantFrom(...LONE_SURROGATES))
      .map(([key, surrogate]) => ({
        document: replaced(document, path, (object) => {
          const { [key]: moved, ...rest } = object as JsonObject;
          return { ...rest, [`${key}${surrogate}`]: moved as Json };
        }),
        what: `${pointerOf([...path, key])}: field name ends in a lone surrogate`,
      }));
  },

  'character outside the pattern or format': ({ path, value, schema }, document) => {
    if (typeof value !== 'string' || (schema.pattern === undefined && schema.format === undefined)) return undefined;
    // No pattern or format in these schemas admits a space, a lower-case letter where only capitals go, or U+FFFD.
    return fc
      .tuple(fc.nat({ max: value.length }), fc.constantFrom(' ', '\t', '\uFFFD', 'Ω', '\u200B'))
      .map(([at, character]) => ({
        document: replaced(document, path, () => `${value.slice(0, at)}${character}${value.slice(at)}`),
        what: `${pointerOf(path)}: ${JSON.stringify(character)} inserted at ${at} (pattern/format)`,
      }));
  },

  'value outside the enumeration': ({ path, value, schema }, document) => {
    const allowed = schema.enum ?? (schema.const === undefined ? undefined : [schema.const]);
    if (typeof value !== 'string' || allowed === undefined) return undefined;
    return fc
      .oneof(fc.string({ maxLength: 20 }), fc.constant(value.toLowerCase()), fc.constant(` ${value}`))
      .filter((candidate) => !allowed.includes(candidate))
      .map((candidate) => ({
        document: replaced(document, path, () => candidate),
        what: `${pointerOf(path)}: ${JSON.stringify(candidate)} is not one of ${JSON.stringify(allowed)}`,
      }));
  },

  'number out of range': ({ path, value, schema }, document) => {
    if (typeof value !== 'number') return undefined;
    const options: fc.Arbitrary<[number, string]>[] = [];
    if (schema.minimum !== undefined) {
      const minimum = schema.minimum;
      options.push(
        fc
          .oneof(
            // Below DynamoDB's smallest storable number (1e-130): it must never reach the store.
            fc.constantFrom(1e-300, 5e-324, 1e-131, 1e-200, -0, 0, -1e-300),
            fc.double({ max: minimum, maxExcluded: true, noNaN: true, noDefaultInfinity: true }),
          )
          .map((number) => [number, `below minimum ${minimum}`]),
      );
    }
    if (schema.maximum !== undefined) {
      const maximum = schema.maximum;
      options.push(
        fc
          .oneof(
            fc.constantFrom(1e300, Number.MAX_VALUE, 1e126),
            fc.double({ min: maximum, minExcluded: true, noNaN: true, noDefaultInfinity: true }),
          )
          .map((number) => [number, `above maximum ${maximum}`]),
      );
    }
    if (schema.type === 'integer') {
      options.push(fc.constantFrom(1.5, 2.000001, 10.25).map((number) => [number, 'not an integer']));
    }
    if (options.length === 0) return undefined;
    return fc.oneof(...options).map(([number, why]) => ({
      document: replaced(document, path, () => number),
      what: `${pointerOf(path)}: ${why} (${number})`,
    }));
  },

  'too few items': ({ path, value, schema }, document) =>
    Array.isArray(value) && (schema.minItems ?? 0) > 0
      ? fc.constant({
          document: replaced(document, path, () => []),
          what: `${pointerOf(path)}: empty (minItems ${schema.minItems})`,
        })
      : undefined,

  'too many items': ({ path, value, schema }, document) => {
    if (!Array.isArray(value) || value.length === 0 || schema.maxItems === undefined) return undefined;
    const count = schema.maxItems + 1;
    return fc.constant({
      document: replaced(document, path, () =>
        Array.from({ length: count }, (_, index) => value[index % value.length] as Json),
      ),
      what: `${pointerOf(path)}: ${count} items (maxItems ${schema.maxItems})`,
    });
  },

  'duplicate item': ({ path, value, schema }, document) =>
    Array.isArray(value) && value.length > 0 && schema.uniqueItems === true
      ? fc.constant({
          document: replaced(document, path, () => [...value, value[0] as Json]),
          what: `${pointerOf(path)}: first item repeated (uniqueItems)`,
        })
      : undefined,
};

/** One breaking change to a valid document, anywhere in it, of any kind its schema forbids. */
export function breakingMutation(
  valid: unknown,
  schema: unknown,
  options: MutationOptions = {},
): fc.Arbitrary<BrokenDocument> {
  const longestString = options.longestString ?? 200_000;
  const settled = { longestString, longestEnumeratedString: options.longestEnumeratedString ?? longestString };
  const document = valid as Json;
  const plainSchema = JSON.parse(JSON.stringify(schema)) as Schema;
  const candidates = locationsOf(document, plainSchema).flatMap((location) =>
    Object.values(BREAKERS).flatMap((breaker) => {
      const arbitrary = breaker(location, document, settled);
      return arbitrary === undefined ? [] : [arbitrary];
    }),
  );
  if (candidates.length === 0) throw new Error('the schema forbids nothing that could be changed in this document');
  return fc.constantFrom(...candidates).chain((arbitrary) => arbitrary);
}

/** The branch of a discriminated union (`oneOf`) whose discriminator is the given value. */
export function unionBranch(union: unknown, discriminator: string, value: string): unknown {
  const branches = (union as { oneOf?: Schema[] } | undefined)?.oneOf ?? [];
  const branch = branches.find((candidate) => {
    const property = candidate.properties?.[discriminator];
    return property?.const === value || (property?.enum?.length === 1 && property.enum[0] === value);
  });
  if (branch === undefined) throw new Error(`no branch of the union has ${discriminator} ${value}`);
  return branch;
}

/** The kinds of breaking change, for a test's description. */
export const BREAKING_CHANGE_KINDS = Object.keys(BREAKERS);
