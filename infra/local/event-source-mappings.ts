import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { LocalResolver } from './intrinsics.ts';
import type { LocalFunction } from './lambda-runtime.ts';

/**
 * Lambda event source mappings, locally: reads the synthesized AWS::Lambda::EventSourceMapping resources and,
 * for a DynamoDB stream, polls DynamoDB Local's stream the way Lambda's poller does: every shard (and the
 * child shards that appear later, each after its parent), in order, one batch at a time per shard. Records are
 * filtered with the mapping's FilterCriteria before batching, as Lambda does; each batch is the Lambda DynamoDB
 * Streams event, invoked through the function's local execution environments; a failed batch is retried and,
 * with BisectBatchOnFunctionError, split in two. Properties and filter features the harness does not implement
 * stop the start-up with their name, rather than being silently ignored.
 *
 * Differences from AWS, on purpose: the mappings on one stream share its reads (each keeps its own place; see
 * SharedStreamReader); shards are polled every 200 ms (Lambda polls about 4 times a second); retries wait 200 ms doubling to 5 s; a batch that fails its last retry is logged and
 * skipped (there is no on-failure destination locally); a split counts as one retry.
 */
export interface StreamMappingSpec {
  readonly logicalId: string;
  readonly functionName: string;
  readonly tableName: string;
  readonly startingPosition: 'TRIM_HORIZON' | 'LATEST';
  readonly batchSize: number;
  readonly bisectBatchOnFunctionError: boolean;
  /** -1: until the record leaves the stream (Lambda's default). */
  readonly maximumRetryAttempts: number;
  /** Any one matching lets a record through; none at all lets every record through. */
  readonly filters: readonly RecordFilter[];
  readonly enabled: boolean;
}

export type RecordFilter = (record: unknown) => boolean;

export class UnsupportedMappingError extends Error {
  constructor(message: string) {
    super(`the local harness cannot run this event source mapping: ${message}`);
    this.name = 'UnsupportedMappingError';
  }
}

// ── Filter patterns (Lambda event filtering, the subset the templates use) ─────────────────────────

/**
 * Compiles one FilterCriteria pattern. Implemented: nested keys, and arrays of values matched exactly (one of
 * them must equal the record's value, or one element of it when the record holds an array). Content filters
 * (prefix, suffix, anything-but, numeric, exists, equals-ignore-case, wildcard, $or) are not: they fail here.
 */
export function compileFilterPattern(pattern: string): RecordFilter {
  let parsed: unknown;
  try {
    parsed = JSON.parse(pattern);
  } catch {
    throw new UnsupportedMappingError(`filter pattern ${pattern} is not JSON`);
  }
  if (!isObject(parsed)) throw new UnsupportedMappingError(`filter pattern ${pattern} is not an object`);
  return compileObject(parsed, '');
}

type Matcher = (value: unknown) => boolean;

function compileObject(pattern: Record<string, unknown>, path: string): RecordFilter {
  const fields = Object.entries(pattern).map(([key, rule]): [string, Matcher] => {
    const at = `${path}/${key}`;
    if (key.startsWith('$')) throw new UnsupportedMappingError(`filter operator ${key} at ${path || '/'}`);
    if (Array.isArray(rule)) return [key, compileValues(rule, at)];
    if (isObject(rule)) {
      const nested = compileObject(rule, at);
      return [key, (value) => isObject(value) && nested(value)];
    }
    throw new UnsupportedMappingError(`filter rule at ${at} must be an array of values or an object`);
  });
  return (record) =>
    isObject(record) && fields.every(([key, matches]) => Object.hasOwn(record, key) && matches(record[key]));
}

function compileValues(values: readonly unknown[], at: string): Matcher {
  if (values.length === 0) throw new UnsupportedMappingError(`filter rule at ${at} lists no values`);
  for (const value of values) {
    if (isObject(value)) {
      throw new UnsupportedMappingError(`content filter ${JSON.stringify(value)} at ${at} (only exact values)`);
    }
    if (Array.isArray(value)) throw new UnsupportedMappingError(`nested array in the filter rule at ${at}`);
  }
  const equalsOne = (candidate: unknown) => values.some((value) => value === candidate);
  return (value) => (Array.isArray(value) ? value.some(equalsOne) : equalsOne(value));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// ── Reading the mappings from the templates ────────────────────────────────────────────────────────

/** Properties the harness implements, and the values it accepts for those it only knows one behaviour of. */
const IMPLEMENTED = new Set([
  'FunctionName',
  'EventSourceArn',
  'StartingPosition',
  'BatchSize',
  'BisectBatchOnFunctionError',
  'MaximumRetryAttempts',
  'FilterCriteria',
  'Enabled',
  // Metadata without behaviour.
  'Tags',
]);
const ONLY_DEFAULT: Readonly<Record<string, unknown>> = {
  MaximumBatchingWindowInSeconds: 0,
  ParallelizationFactor: 1,
  MaximumRecordAgeInSeconds: -1,
};

export function streamMappingsFrom(resolver: LocalResolver): StreamMappingSpec[] {
  return resolver.resources('AWS::Lambda::EventSourceMapping').map((mapping) => {
    const props = resolver.resolve(mapping.stackName, mapping.resource.Properties ?? {}) as Record<string, unknown>;
    const where = `${mapping.stackName}/${mapping.logicalId}`;
    for (const [name, value] of Object.entries(props)) {
      if (IMPLEMENTED.has(name)) continue;
      if (Object.hasOwn(ONLY_DEFAULT, name) && value === ONLY_DEFAULT[name]) continue;
      throw new UnsupportedMappingError(`${where} sets ${name} (${JSON.stringify(value)})`);
    }
    const arn = String(props.EventSourceArn);
    const table = /^arn:aws[\w-]*:dynamodb:[^:]*:[^:]*:table\/([^/]+)\/stream\//.exec(arn)?.[1];
    if (table === undefined) throw new UnsupportedMappingError(`${where} reads ${arn}, which is not a DynamoDB stream`);
    const startingPosition = String(props.StartingPosition ?? '');
    if (startingPosition !== 'TRIM_HORIZON' && startingPosition !== 'LATEST') {
      throw new UnsupportedMappingError(`${where} starts at ${startingPosition || 'no position'}`);
    }
    const filters = ((props.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? []).map(
      (filter) => compileFilterPattern(filter.Pattern),
    );
    return {
      logicalId: mapping.logicalId,
      functionName: String(props.FunctionName),
      tableName: table,
      startingPosition,
      batchSize: Number(props.BatchSize ?? 100),
      bisectBatchOnFunctionError: props.BisectBatchOnFunctionError === true,
      maximumRetryAttempts: Number(props.MaximumRetryAttempts ?? -1),
      filters,
      enabled: props.Enabled !== false,
    };
  });
}

// ── The Lambda event ───────────────────────────────────────────────────────────────────────────────

/** A stream record as Lambda hands it to a function: times in epoch seconds, binary values in base64. */
export function lambdaStreamRecord(record: StreamRecord, eventSourceArn: string, region: string) {
  const stream = record.dynamodb ?? {};
  return {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb: {
      ...(stream.ApproximateCreationDateTime === undefined
        ? {}
        : { ApproximateCreationDateTime: Math.floor(stream.ApproximateCreationDateTime.getTime() / 1000) }),
      Keys: asLambdaJson(stream.Keys),
      ...(stream.NewImage === undefined ? {} : { NewImage: asLambdaJson(stream.NewImage) }),
      ...(stream.OldImage === undefined ? {} : { OldImage: asLambdaJson(stream.OldImage) }),
      SequenceNumber: stream.SequenceNumber,
      SizeBytes: stream.SizeBytes,
      StreamViewType: stream.StreamViewType,
    },
    eventSourceARN: eventSourceArn,
  };
}

function asLambdaJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (Array.isArray(value)) return value.map(asLambdaJson);
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asLambdaJson(v)]));
  return value;
}

// ── Polling ────────────────────────────────────────────────────────────────────────────────────────

const POLL_INTERVAL_MS = 200;
const DESCRIBE_INTERVAL_MS = 1_000;
const RETRY_BASE_MS = 200;
const RETRY_MAX_MS = 5_000;
const STOP_GRACE_MS = 2_000;
const GET_RECORDS_LIMIT = 1000;

type LambdaStreamRecord = ReturnType<typeof lambdaStreamRecord>;

/** One shard as read so far: the records no mapping on the stream has finished with yet, and where to read on. */
interface SharedShard {
  readonly id: string;
  readonly parentId?: string;
  /** Records from position `base` on (positions count every record the shard has held, from its start). */
  records: LambdaStreamRecord[];
  base: number;
  /** The shard's end was read: no record will follow the last one buffered. */
  closed: boolean;
  iterator?: string;
  lastSequenceNumber?: string;
  fetching?: Promise<number>;
}

export interface RunningMappings {
  readonly mappings: readonly StreamMappingSpec[];
  stop(): Promise<void>;
}

/** Starts polling for every enabled stream mapping of the templates; fails at once on anything unsupported. */
export async function startEventSourceMappings(options: {
  readonly resolver: LocalResolver;
  readonly dynamoDb: { readonly endpoint: string; readonly client: Pick<DynamoDBClient, 'send'> };
  readonly functions: readonly Pick<LocalFunction, 'spec' | 'invoke'>[];
  readonly region: string;
  /** Where the poller reports failed batches (the functions' log). */
  readonly log: (line: string) => void;
  /** The streams API; DynamoDB Local's at the same endpoint unless a test brings its own. */
  readonly streams?: Pick<DynamoDBStreamsClient, 'send' | 'destroy'>;
}): Promise<RunningMappings> {
  const specs = streamMappingsFrom(options.resolver);
  const streams = options.streams ?? localStreamsClient(options.dynamoDb.endpoint, options.region);
  const readers = new Map<string, SharedStreamReader>();
  const pollers = specs
    .filter((spec) => spec.enabled)
    .map((spec) => {
      const fn = options.functions.find((candidate) => candidate.spec.functionName === spec.functionName);
      if (fn === undefined) throw new UnsupportedMappingError(`${spec.logicalId} targets an unknown function`);
      let reader = readers.get(spec.tableName);
      if (reader === undefined) {
        reader = new SharedStreamReader(spec.tableName, {
          streams,
          dynamoDb: options.dynamoDb.client,
          region: options.region,
        });
        readers.set(spec.tableName, reader);
      }
      const poller = new StreamPoller(spec, { reader, fn, log: options.log });
      reader.pollers.push(poller);
      return poller;
    });
  try {
    await Promise.all([...readers.values()].map((reader) => reader.start()));
    await Promise.all(pollers.map((poller) => poller.start()));
  } catch (error) {
    await Promise.all(pollers.map((poller) => poller.stop()));
    streams.destroy();
    throw error;
  }
  return {
    mappings: specs,
    async stop() {
      await Promise.all(pollers.map((poller) => poller.stop()));
      streams.destroy();
    },
  };
}

/**
 * The harness's own streams client. The SDK's logger middleware builds a redacted copy of every answer for a
 * logger that, here, discards it: for GetRecords that is a second walk over every record, on the harness's one
 * thread, for nothing. Nothing reads this client's logs, so the middleware goes.
 */
function localStreamsClient(endpoint: string, region: string): DynamoDBStreamsClient {
  const client = new DynamoDBStreamsClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * A table's stream, read once for every mapping on it. Lambda gives each mapping a poller of its own, and each
 * reads every record of the stream; locally they would ask DynamoDB Local for the same records, and parse them,
 * once per mapping, on the same two cores. Here each shard is read once: its records wait in a buffer until every
 * mapping on the stream has taken them, and each mapping keeps its own place, filter, batches and retries, so a
 * mapping that is slow or retrying holds up no other, as on AWS.
 */
class SharedStreamReader {
  readonly pollers: StreamPoller[] = [];
  readonly shards = new Map<string, SharedShard>();
  eventSourceArn = '';
  private streamArn = '';
  private lastDescribe = 0;
  private describing: Promise<void> | undefined;
  private readonly tableName: string;
  private readonly deps: {
    readonly streams: Pick<DynamoDBStreamsClient, 'send'>;
    readonly dynamoDb: Pick<DynamoDBClient, 'send'>;
    readonly region: string;
  };

  constructor(tableName: string, deps: SharedStreamReader['deps']) {
    this.tableName = tableName;
    this.deps = deps;
  }

  async start(): Promise<void> {
    const { Table } = await this.deps.dynamoDb.send(new DescribeTableCommand({ TableName: this.tableName }));
    if (Table?.LatestStreamArn === undefined) {
      const [first] = this.pollers;
      throw new UnsupportedMappingError(`${first?.logicalId}: table ${this.tableName} has no stream`);
    }
    this.streamArn = Table.LatestStreamArn;
    // DynamoDB Local names its region "ddblocal"; a function sees the region it runs in, as on AWS.
    this.eventSourceArn = this.streamArn.replace(/:ddblocal:/, `:${this.deps.region}:`);
    await this.discoverShards();
  }

  /** New shards join (at most once a second, whichever mapping asks). */
  discover(): Promise<void> {
    if (Date.now() - this.lastDescribe < DESCRIBE_INTERVAL_MS) return this.describing ?? Promise.resolve();
    return this.discoverShards();
  }

  private discoverShards(): Promise<void> {
    this.lastDescribe = Date.now();
    const describing = (async () => {
      let exclusiveStartShardId: string | undefined;
      do {
        const { StreamDescription } = await this.deps.streams.send(
          new DescribeStreamCommand({ StreamArn: this.streamArn, ExclusiveStartShardId: exclusiveStartShardId }),
        );
        for (const shard of StreamDescription?.Shards ?? []) {
          if (shard.ShardId === undefined || this.shards.has(shard.ShardId)) continue;
          this.shards.set(shard.ShardId, {
            id: shard.ShardId,
            ...(shard.ParentShardId === undefined ? {} : { parentId: shard.ParentShardId }),
            records: [],
            base: 0,
            closed: false,
          });
        }
        exclusiveStartShardId = StreamDescription?.LastEvaluatedShardId;
      } while (exclusiveStartShardId !== undefined);
    })();
    this.describing = describing;
    return describing;
  }

  /** Reads the shard's next records into its buffer, once however many mappings ask at the same time. */
  fetch(shard: SharedShard): Promise<number> {
    shard.fetching ??= this.read(shard).finally(() => {
      shard.fetching = undefined;
    });
    return shard.fetching;
  }

  private async read(shard: SharedShard): Promise<number> {
    shard.iterator ??= await this.iteratorFor(shard);
    const answer = await this.deps.streams
      .send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: GET_RECORDS_LIMIT }))
      .catch((error: unknown) => {
        // An expired or trimmed iterator: the next poll asks for a new one where this shard was left.
        shard.iterator = undefined;
        throw error;
      });
    const records = answer.Records ?? [];
    for (const record of records) shard.records.push(lambdaStreamRecord(record, this.eventSourceArn, this.deps.region));
    const last = records.at(-1)?.dynamodb?.SequenceNumber;
    if (last !== undefined) shard.lastSequenceNumber = last;
    shard.iterator = answer.NextShardIterator;
    if (answer.NextShardIterator === undefined) shard.closed = true;
    return records.length;
  }

  private async iteratorFor(shard: SharedShard): Promise<string | undefined> {
    const { ShardIterator } = await this.deps.streams.send(
      new GetShardIteratorCommand({
        StreamArn: this.streamArn,
        ShardId: shard.id,
        ...(shard.lastSequenceNumber === undefined
          ? { ShardIteratorType: 'TRIM_HORIZON' }
          : { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequenceNumber }),
      }),
    );
    return ShardIterator;
  }

  /** Drops the records every mapping has taken. */
  trim(shard: SharedShard): void {
    const lowest = Math.min(...this.pollers.map((poller) => poller.positionIn(shard)));
    if (lowest > shard.base) {
      shard.records.splice(0, lowest - shard.base);
      shard.base = lowest;
    }
  }

  nothingReadYet(): boolean {
    return [...this.shards.values()].every((shard) => shard.lastSequenceNumber === undefined);
  }
}

class StreamPoller {
  private readonly positions = new Map<string, number>();
  private readonly finished = new Set<string>();
  private readonly abort = new AbortController();
  private loop: Promise<void> = Promise.resolve();
  private readonly spec: StreamMappingSpec;
  private readonly deps: {
    readonly reader: SharedStreamReader;
    readonly fn: Pick<LocalFunction, 'spec' | 'invoke'>;
    readonly log: (line: string) => void;
  };

  constructor(spec: StreamMappingSpec, deps: StreamPoller['deps']) {
    this.spec = spec;
    this.deps = deps;
  }

  get logicalId(): string {
    return this.spec.logicalId;
  }

  /** Where this mapping is in the shard: the shards known at start begin at its starting position, later ones at 0. */
  positionIn(shard: SharedShard): number {
    return this.positions.get(shard.id) ?? 0;
  }

  async start(): Promise<void> {
    if (this.spec.startingPosition === 'LATEST') {
      // Whatever the shards hold now is behind this mapping: read to their current end and start there.
      for (const shard of this.deps.reader.shards.values()) {
        while (!shard.closed && (await this.deps.reader.fetch(shard)) > 0);
        this.positions.set(shard.id, shard.base + shard.records.length);
      }
    }
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    // A batch in flight finishes on its own (or with the functions); the stack does not wait for it long.
    await Promise.race([this.loop, sleep(STOP_GRACE_MS)]);
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.deps.reader.discover();
        for (const shard of this.readableShards()) await this.readShard(shard);
      } catch (error) {
        // DynamoDB Local may call a fresh TRIM_HORIZON iterator trimmed; the next poll takes a new one, losing nothing.
        const quirk = (error as Error).name === 'TrimmedDataAccessException' && this.deps.reader.nothingReadYet();
        if (!this.stopped && !quirk) {
          this.deps.log(`[${this.spec.logicalId}] polling failed: ${(error as Error).message}`);
        }
      }
      // Between polls, as Lambda's poller waits: its batches are what arrived in the meantime, as on AWS.
      await sleep(POLL_INTERVAL_MS, this.abort.signal);
    }
  }

  /** A shard is read once its parent (if the stream still has it) has been read to its end. */
  private readableShards(): SharedShard[] {
    return [...this.deps.reader.shards.values()].filter(
      (shard) =>
        !this.finished.has(shard.id) &&
        (shard.parentId === undefined ||
          !this.deps.reader.shards.has(shard.parentId) ||
          this.finished.has(shard.parentId)),
    );
  }

  /** Takes the shard's records this mapping has not had yet (reading more when it has had them all). */
  private async readShard(shard: SharedShard): Promise<void> {
    if (this.positionIn(shard) >= shard.base + shard.records.length) {
      if (shard.closed) {
        this.finished.add(shard.id);
        return;
      }
      await this.deps.reader.fetch(shard);
    }
    const from = this.positionIn(shard);
    const records = shard.records.slice(from - shard.base);
    const events = records.filter(
      (record) => this.spec.filters.length === 0 || this.spec.filters.some((matches) => matches(record)),
    );
    for (let start = 0; start < events.length && !this.stopped; start += this.spec.batchSize) {
      await this.invoke(events.slice(start, start + this.spec.batchSize), this.spec.maximumRetryAttempts, 0);
    }
    if (this.stopped) return;
    this.positions.set(shard.id, from + records.length);
    this.deps.reader.trim(shard);
    if (shard.closed && this.positionIn(shard) >= shard.base + shard.records.length) this.finished.add(shard.id);
  }

  /** One batch, retried as the mapping says; a batch that fails its last retry is reported and skipped. */
  private async invoke(records: readonly unknown[], retriesLeft: number, retried: number): Promise<void> {
    try {
      await this.deps.fn.invoke({ Records: records });
      return;
    } catch (error) {
      if (this.stopped) return;
      const failure = `${(error as Error).name}: ${(error as Error).message}`;
      if (retriesLeft === 0) {
        this.deps.log(
          `[${this.spec.logicalId}] skipped ${records.length} record(s) after ${retried} retries: ${failure}`,
        );
        return;
      }
      this.deps.log(`[${this.spec.logicalId}] batch of ${records.length} failed (${failure}); retrying`);
      await sleep(Math.min(RETRY_BASE_MS * 2 ** retried, RETRY_MAX_MS), this.abort.signal);
      const left = retriesLeft < 0 ? retriesLeft : retriesLeft - 1;
      if (this.spec.bisectBatchOnFunctionError && records.length > 1) {
        const half = Math.ceil(records.length / 2);
        await this.invoke(records.slice(0, half), left, retried + 1);
        await this.invoke(records.slice(half), left, retried + 1);
      } else {
        await this.invoke(records, left, retried + 1);
      }
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
