import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { recordedEventsOf } from '#adapters/dynamodb-outbox-stream.ts';
import type { CloudAssembly } from '../../infra/local/cloud-assembly.ts';
import {
  compileFilterPattern,
  lambdaStreamRecord,
  startEventSourceMappings,
  streamMappingsFrom,
} from '../../infra/local/event-source-mappings.ts';
import { LocalResolver } from '../../infra/local/intrinsics.ts';
import { resourcesOf, synthApp } from '../infra/cdk-app.ts';

/** The pattern the app's outbox mapping actually synthesizes, so the harness is tested on what it will run. */
// The notifications dispatcher's mapping (the port-event follower has mappings of its own on the same stream).
const [outboxPattern] = resourcesOf<{
  FunctionName: { Ref?: string };
  FilterCriteria: { Filters: { Pattern: string }[] };
}>(synthApp({ stage: 'test' }).statelessTemplate, 'AWS::Lambda::EventSourceMapping')
  .filter(([, mapping]) => String(mapping.Properties.FunctionName.Ref).startsWith('NotificationsDispatch'))
  .flatMap(([, mapping]) => mapping.Properties.FilterCriteria.Filters.map((filter) => filter.Pattern));

/** The port-event follower's mapping: train events (written or corrected) and amendments. */
const followerPatterns = resourcesOf<{
  FunctionName: { Ref?: string };
  FilterCriteria: { Filters: { Pattern: string }[] };
}>(synthApp({ stage: 'test' }).statelessTemplate, 'AWS::Lambda::EventSourceMapping')
  .filter(([, mapping]) => String(mapping.Properties.FunctionName.Ref).startsWith('FollowPortEvents'))
  .flatMap(([, mapping]) => mapping.Properties.FilterCriteria.Filters.map((filter) => filter.Pattern));

const STREAM_ARN = 'arn:aws:dynamodb:ddblocal:000000000000:table/Declarations/stream/2026-11-21T08:00:00.000';

const outboxItem = {
  PK: 'EVENTS#BRK-1',
  SK: '2026-11-21T08:00:00.000Z#DCL-0123456789ABCDEF01234567#000001',
  entity: 'DomainEvent',
  brokerId: 'BRK-1',
  event: { eventId: 'DCL-0123456789ABCDEF01234567.v1', version: 1 },
};

/** A record as the DynamoDB Streams API (the SDK) returns it. */
function sdkRecord(
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  item: Record<string, unknown>,
  sequence = '100',
): StreamRecord {
  return {
    eventID: `id-${sequence}`,
    eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: {
      ApproximateCreationDateTime: new Date('2026-11-21T08:00:01.700Z'),
      Keys: marshall({ PK: item.PK, SK: item.SK }) as never,
      ...(eventName === 'REMOVE' ? {} : { NewImage: marshall(item) as never }),
      SequenceNumber: sequence,
      SizeBytes: 180,
      StreamViewType: 'NEW_IMAGE',
    },
  };
}
const lambdaRecord = (record: StreamRecord) => lambdaStreamRecord(record, STREAM_ARN, 'eu-central-1');

describe('the harness applies a mapping’s filter as Lambda does', () => {
  it('lets an INSERT of an outbox item through, with the app’s own pattern', () => {
    assert.ok(outboxPattern !== undefined);
    const matches = compileFilterPattern(outboxPattern);
    assert.equal(matches(lambdaRecord(sdkRecord('INSERT', outboxItem))), true);
  });

  it('keeps out an update or removal of an outbox item, and an INSERT of any other item', () => {
    const matches = compileFilterPattern(String(outboxPattern));
    assert.equal(matches(lambdaRecord(sdkRecord('MODIFY', outboxItem))), false);
    assert.equal(matches(lambdaRecord(sdkRecord('REMOVE', outboxItem))), false);
    const history = { PK: 'DECL#DCL-1', SK: 'HISTORY#000001', entity: 'HistoryEntry' };
    assert.equal(matches(lambdaRecord(sdkRecord('INSERT', history))), false);
    const webhook = { PK: 'WEBHOOKS#BRK-1', SK: 'WEBHOOK#WHK-1', entity: 'WebhookSubscription' };
    assert.equal(matches(lambdaRecord(sdkRecord('INSERT', webhook))), false);
  });

  it('matches any of the listed values, nested keys all the way down, and any element of an array field', () => {
    const matches = compileFilterPattern('{"eventName":["INSERT","MODIFY"],"dynamodb":{"NewImage":{"k":{"S":["a"]}}}}');
    const record = (eventName: string, k: unknown) => ({ eventName, dynamodb: { NewImage: { k } } });
    assert.equal(matches(record('MODIFY', { S: 'a' })), true);
    assert.equal(matches(record('REMOVE', { S: 'a' })), false);
    assert.equal(matches(record('INSERT', { S: 'b' })), false);
    assert.equal(matches(record('INSERT', { N: '1' })), false, 'a missing key does not match');
    assert.equal(matches({ eventName: 'INSERT' }), false);
    assert.equal(compileFilterPattern('{"tags":["x"]}')({ tags: ['w', 'x'] }), true);
  });

  it('fails at start-up on a filter feature it does not implement, naming it', () => {
    for (const [pattern, named] of [
      ['{"eventName":[{"prefix":"INS"}]}', /prefix/],
      ['{"eventName":[{"anything-but":["REMOVE"]}]}', /anything-but/],
      ['{"dynamodb":{"NewImage":{"n":{"N":[{"numeric":[">",1]}]}}}}', /numeric/],
      ['{"dynamodb":{"NewImage":{"k":[{"exists":true}]}}}', /exists/],
      ['{"$or":[{"eventName":["INSERT"]},{"eventName":["MODIFY"]}]}', /\$or/],
      ['{"eventName":[]}', /no values/],
      ['{"eventName":"INSERT"}', /array of values/],
      ['not json', /not JSON/],
    ] as const) {
      assert.throws(() => compileFilterPattern(pattern), named, pattern);
    }
  });
});

describe('the harness hands a function the Lambda DynamoDB Streams event', () => {
  it('shapes each record as Lambda does: times in seconds, the function’s region, the stream’s ARN', () => {
    const withBinary = { ...outboxItem, digest: new Uint8Array([1, 2, 3]) };
    const record = lambdaRecord(sdkRecord('INSERT', withBinary, '4200'));
    assert.deepEqual(
      { ...record, dynamodb: { ...record.dynamodb, NewImage: undefined, Keys: undefined } },
      {
        eventID: 'id-4200',
        eventName: 'INSERT',
        eventVersion: '1.1',
        eventSource: 'aws:dynamodb',
        awsRegion: 'eu-central-1',
        dynamodb: {
          ApproximateCreationDateTime: 1795248001,
          Keys: undefined,
          NewImage: undefined,
          SequenceNumber: '4200',
          SizeBytes: 180,
          StreamViewType: 'NEW_IMAGE',
        },
        eventSourceARN: STREAM_ARN,
      },
    );
    assert.deepEqual(record.dynamodb.Keys, { PK: { S: outboxItem.PK }, SK: { S: outboxItem.SK } });
    assert.deepEqual((record.dynamodb.NewImage as Record<string, unknown>).digest, { B: 'AQID' });
  });

  it('is an event the dispatcher reads its outbox events from', () => {
    const event = { Records: [lambdaRecord(sdkRecord('INSERT', outboxItem))] } as unknown as DynamoDBStreamEvent;
    assert.deepEqual(recordedEventsOf(event), [{ brokerId: 'BRK-1', event: outboxItem.event }]);
  });
});

// ── Reading mappings from a template, and polling a stream ─────────────────────────────────────────

function assemblyWith(mapping: Record<string, unknown>): CloudAssembly {
  return {
    outdir: '/tmp',
    stacks: [
      {
        stackName: 'App',
        templateFile: '/tmp/App.template.json',
        template: {
          Resources: {
            Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'Declarations' } },
            Fn: { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'dispatch' } },
            Mapping: {
              Type: 'AWS::Lambda::EventSourceMapping',
              Properties: {
                FunctionName: { Ref: 'Fn' },
                EventSourceArn: { 'Fn::GetAtt': ['Table', 'StreamArn'] },
                StartingPosition: 'TRIM_HORIZON',
                BatchSize: 2,
                BisectBatchOnFunctionError: true,
                MaximumRetryAttempts: 1,
                Tags: [{ Key: 'stage', Value: 'test' }],
                ...mapping,
              },
            },
          },
        },
      },
    ],
  };
}
const resolverWith = (mapping: Record<string, unknown> = {}) =>
  new LocalResolver(assemblyWith(mapping), 'eu-central-1');

describe('the harness reads the synthesized mappings', () => {
  it('takes the table, the function and the batching settings from the template', () => {
    const [spec] = streamMappingsFrom(resolverWith());
    assert.deepEqual(
      { ...spec, filters: spec?.filters.length },
      {
        logicalId: 'Mapping',
        functionName: 'dispatch',
        tableName: 'Declarations',
        startingPosition: 'TRIM_HORIZON',
        batchSize: 2,
        bisectBatchOnFunctionError: true,
        maximumRetryAttempts: 1,
        filters: 0,
        enabled: true,
      },
    );
  });

  it('refuses what it would not do as Lambda does: other sources and settings it does not implement', () => {
    for (const [mapping, named] of [
      [{ ParallelizationFactor: 2 }, /ParallelizationFactor/],
      [{ FunctionResponseTypes: ['ReportBatchItemFailures'] }, /FunctionResponseTypes/],
      [{ DestinationConfig: { OnFailure: { Destination: 'arn:aws:sqs:eu-central-1:1:dlq' } } }, /DestinationConfig/],
      [{ TumblingWindowInSeconds: 60 }, /TumblingWindowInSeconds/],
      [{ EventSourceArn: 'arn:aws:sqs:eu-central-1:000000000000:queue' }, /not a DynamoDB stream/],
      [{ StartingPosition: 'AT_TIMESTAMP' }, /AT_TIMESTAMP/],
    ] as const) {
      assert.throws(() => streamMappingsFrom(resolverWith(mapping)), named);
    }
    assert.equal(streamMappingsFrom(resolverWith({ ParallelizationFactor: 1 })).length, 1, 'the default is fine');
  });
});

/** A stream of one shard holding `records`, then a child shard holding `childRecords`, served by a fake API. */
function fakeStream(records: StreamRecord[], childRecords: StreamRecord[] = []) {
  const shards = { parent: records, child: childRecords };
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeTableCommand) return { Table: { LatestStreamArn: STREAM_ARN } };
    if (command instanceof DescribeStreamCommand) {
      return {
        StreamDescription: {
          Shards: [{ ShardId: 'parent' }, { ShardId: 'child', ParentShardId: 'parent' }],
        },
      };
    }
    if (command instanceof GetShardIteratorCommand) return { ShardIterator: `${command.input.ShardId}:0` };
    if (command instanceof GetRecordsCommand) {
      const [shard = '', position = '0'] = String(command.input.ShardIterator).split(':');
      const all = shards[shard as keyof typeof shards];
      const next = Number(position);
      // The parent is closed once read; the child stays open.
      const done = shard === 'parent' && next >= all.length;
      return { Records: all.slice(next), ...(done ? {} : { NextShardIterator: `${shard}:${all.length}` }) };
    }
    throw new Error(`the fake stream cannot answer ${String(command)}`);
  };
  return { send: send as never, destroy: () => undefined };
}

async function runMapping(options: {
  records: StreamRecord[];
  childRecords?: StreamRecord[];
  mapping?: Record<string, unknown>;
  fails: (batch: string[]) => boolean;
  until: (calls: string[][]) => boolean;
}) {
  const calls: string[][] = [];
  const logs: string[] = [];
  const fn = {
    spec: { functionName: 'dispatch' } as never,
    invoke: async (event: unknown) => {
      const batch = (event as { Records: { eventID: string }[] }).Records.map((record) => record.eventID);
      calls.push(batch);
      if (options.fails(batch)) throw Object.assign(new Error('boom'), { name: 'DispatchFailed' });
      return null;
    },
  };
  const stream = fakeStream(options.records, options.childRecords);
  const running = await startEventSourceMappings({
    resolver: resolverWith(options.mapping),
    dynamoDb: { endpoint: 'http://unused', client: stream },
    functions: [fn],
    region: 'eu-central-1',
    log: (line) => logs.push(line),
    streams: stream,
  });
  const deadline = Date.now() + 10_000;
  while (!options.until(calls) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  await running.stop();
  return { calls, logs };
}

const inserts = (...ids: string[]) => ids.map((id) => ({ ...sdkRecord('INSERT', outboxItem, id), eventID: id }));

describe('the harness polls a stream as Lambda’s poller does', () => {
  it('invokes the function with batches of the mapping’s size, in order, the parent shard before its child', async () => {
    const { calls } = await runMapping({
      records: inserts('1', '2', '3'),
      childRecords: inserts('4'),
      fails: () => false,
      until: (seen) => seen.flat().length >= 4,
    });
    assert.deepEqual(calls, [['1', '2'], ['3'], ['4']]);
  });

  it('applies the filter before batching: records it keeps out never reach the function', async () => {
    const { calls } = await runMapping({
      records: [...inserts('1'), { ...sdkRecord('MODIFY', outboxItem, '2'), eventID: '2' }, ...inserts('3')],
      mapping: { FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] } },
      fails: () => false,
      until: (seen) => seen.flat().length >= 2,
    });
    assert.deepEqual(calls, [['1', '3']]);
  });

  it('splits a failing batch in two and retries, so one bad record holds up no other; then skips it', async () => {
    const { calls, logs } = await runMapping({
      records: inserts('good', 'bad'),
      fails: (batch) => batch.includes('bad'),
      until: (seen) => seen.filter((batch) => batch.includes('bad')).length >= 2,
    });
    assert.deepEqual(calls, [['good', 'bad'], ['good'], ['bad']]);
    assert.match(logs.at(-1) ?? '', /skipped 1 record\(s\) after 1 retries: DispatchFailed: boom/);
  });

  it('retries a single failing record as many times as configured, then goes on with the next', async () => {
    const { calls } = await runMapping({
      records: inserts('bad', 'next'),
      mapping: { BatchSize: 1, BisectBatchOnFunctionError: false, MaximumRetryAttempts: 2 },
      fails: (batch) => batch.includes('bad'),
      until: (seen) => seen.some((batch) => batch.includes('next')),
    });
    assert.deepEqual(calls, [['bad'], ['bad'], ['bad'], ['next']]);
  });
});

/** Two functions with a mapping each on the same table's stream: `dispatch` takes INSERTs, `audit` MODIFYs. */
function resolverWithTwoMappings(): LocalResolver {
  const assembly = assemblyWith({ FilterCriteria: { Filters: [{ Pattern: '{"eventName":["INSERT"]}' }] } });
  const [stack] = assembly.stacks;
  if (stack === undefined) throw new Error('the assembly has no stack');
  const resources = (stack.template as { Resources: Record<string, { Properties: object }> }).Resources;
  const mapping = resources.Mapping as { Type: string; Properties: Record<string, unknown> };
  resources.AuditFn = { Type: 'AWS::Lambda::Function', Properties: { FunctionName: 'audit' } } as never;
  resources.AuditMapping = {
    Type: mapping.Type,
    Properties: {
      ...mapping.Properties,
      FunctionName: { Ref: 'AuditFn' },
      BisectBatchOnFunctionError: false,
      MaximumRetryAttempts: 2,
      FilterCriteria: { Filters: [{ Pattern: '{"eventName":["MODIFY"]}' }] },
    },
  } as never;
  return new LocalResolver(assembly, 'eu-central-1');
}

describe('the harness reads a stream once for all the mappings on it', () => {
  it('hands each mapping its own records, in its own batches, and a retrying mapping holds up no other', async () => {
    const stream = fakeStream([...inserts('1', '2'), { ...sdkRecord('MODIFY', outboxItem, '3'), eventID: '3' }]);
    let recordsServed = 0;
    const counting = {
      send: (async (command: unknown) => {
        const answer = (await (stream.send as (sent: unknown) => Promise<unknown>)(command)) as { Records?: unknown[] };
        if (command instanceof GetRecordsCommand) recordsServed += answer.Records?.length ?? 0;
        return answer;
      }) as never,
      destroy: () => undefined,
    };
    const timeline: [string, string[]][] = [];
    let auditAttempts = 0;
    const fn = (name: string) => ({
      spec: { functionName: name } as never,
      invoke: async (event: unknown) => {
        timeline.push([name, (event as { Records: { eventID: string }[] }).Records.map((record) => record.eventID)]);
        auditAttempts += name === 'audit' ? 1 : 0;
        if (name === 'audit' && auditAttempts < 3) throw Object.assign(new Error('not yet'), { name: 'AuditBusy' });
        return null;
      },
    });
    const running = await startEventSourceMappings({
      resolver: resolverWithTwoMappings(),
      dynamoDb: { endpoint: 'http://unused', client: counting },
      functions: [fn('dispatch'), fn('audit')],
      region: 'eu-central-1',
      log: () => undefined,
      streams: counting,
    });
    const deadline = Date.now() + 10_000;
    while (auditAttempts < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await running.stop();

    assert.deepEqual(
      timeline.filter(([name]) => name === 'dispatch').map(([, batch]) => batch),
      [['1', '2']],
    );
    assert.deepEqual(
      timeline.filter(([name]) => name === 'audit').map(([, batch]) => batch),
      [['3'], ['3'], ['3']],
    );
    assert.ok(
      timeline.findIndex(([name]) => name === 'dispatch') < timeline.findLastIndex(([name]) => name === 'audit'),
      'the dispatcher had its batch while the audit was still retrying',
    );
    assert.equal(recordsServed, 3, 'each record was read from the stream once, for both mappings');
  });
});

describe('the port-event follower’s filter, as the harness applies it', () => {
  const matchesAny = (record: StreamRecord) =>
    followerPatterns.some((pattern) => compileFilterPattern(pattern)(lambdaRecord(record)));
  const milestone = (type: string) => ({
    PK: `MILESTONE#${type}#X8001@2026-11-21`,
    SK: 'OCCURRED',
    entity: 'Milestone',
    key: 'X8001@2026-11-21',
    notice: { milestone: type, portEventId: 'evt-1' },
  });

  it('lets a train’s event through when it is written, and again when a correction replaces it', () => {
    assert.equal(followerPatterns.length, 2);
    assert.equal(matchesAny(sdkRecord('INSERT', milestone('TRAIN_ARRIVED'))), true);
    assert.equal(matchesAny(sdkRecord('MODIFY', milestone('TRANSSHIPMENT_COMPLETED'))), true);
  });

  it('lets an amendment’s or a two-step completion’s outbox event through, and no other status change or gate-in', () => {
    const amended = { ...outboxItem, event: { ...outboxItem.event, transition: 'AMEND_DOCUMENT' } };
    const completed = { ...outboxItem, event: { ...outboxItem.event, transition: 'COMPLETE_DOCUMENT' } };
    assert.equal(matchesAny(sdkRecord('INSERT', amended)), true);
    assert.equal(matchesAny(sdkRecord('INSERT', completed)), true);
    assert.equal(matchesAny(sdkRecord('INSERT', { ...outboxItem, event: { transition: 'RELEASE' } })), false);
    assert.equal(matchesAny(sdkRecord('INSERT', milestone('TRUCK_GATED_IN'))), false);
    assert.equal(matchesAny(sdkRecord('REMOVE', milestone('TRAIN_ARRIVED'))), false);
  });
});
