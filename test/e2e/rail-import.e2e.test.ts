import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { QueryCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  ListExecutionsCommand,
} from '@aws-sdk/client-sfn';
import { declarationIdFor } from '#domain/declaration.ts';
import { consigneeKeyOf } from '#domain/risk.ts';
import type { TrainRef } from '#domain/trains.ts';
import { issueLocalToken } from '../../infra/local/local-identity.ts';
import {
  brokerToken,
  eventually,
  officerToken,
  portOperatorToken,
  railDeclarationOnItsTrain,
  railImportDeclaration,
  railwayToken,
  startTestStack,
  trainEvent,
  truckGatedIn,
} from './local-stack-client.ts';

/**
 * The foundation, end to end on the local stack: real HTTP, real DynamoDB Local, the synthesized
 * state machine and the functions' own bundles, driven as a broker's system and the port would.
 */
describe('rail import, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let acme: string;
  let globex: string;
  let port: string;

  before(async () => {
    env = await startTestStack();
    [acme, globex, port] = await Promise.all([brokerToken('BRK-ACME'), brokerToken('BRK-GLOBEX'), portOperatorToken()]);
  });
  after(async () => env?.stop());

  const railMachine = () => env.stack.stateMachines.find((machine) => machine.name.endsWith('-rail-import'));
  const stateMachineArn = () => railMachine()?.arn ?? '';
  const readDeclaration = (id: string, token = acme) => env.api.get(`/v1/declarations/${id}`, token);
  const statusOf = async (id: string) => String((await readDeclaration(id)).body.status);
  const tableNamed = (part: string) => env.stack.tables.find((table) => table.includes(part)) ?? '';
  // Only API requests write idempotency records; workflows still running from earlier tests do not.
  const idempotencyRecordCount = async () =>
    (await env.dynamodb.send(new ScanCommand({ TableName: tableNamed('Idempotency'), Select: 'COUNT' }))).Count ?? 0;
  const itemsOfDeclaration = async (id: string) =>
    (
      await env.dynamodb.send(
        new QueryCommand({
          TableName: tableNamed('Declarations'),
          KeyConditionExpression: 'PK = :pk',
          ExpressionAttributeValues: { ':pk': { S: `DECL#${id}` } },
        }),
      )
    ).Items ?? [];
  /** The executions named after a declaration (a filing queues its start: it exists a stream poll later). */
  const executionsOf = async (declarationId: string) =>
    ((await env.sfn.send(new ListExecutionsCommand({ stateMachineArn: stateMachineArn() }))).executions ?? []).filter(
      (execution) => execution.name === declarationId,
    );
  const submit = (body: unknown, key: string, token = acme) =>
    env.api.post('/v1/declarations', { token, idempotencyKey: key, json: body });
  /** A declaration on a train of its own, whose manifest the railway filed first (stage R1). */
  const onItsTrain = (overrides: { hsCode?: string } = {}) => railDeclarationOnItsTrain(env.api, overrides);
  const throughThePort = async (train: TrainRef, arrival = trainEvent('TRAIN_ARRIVED', train)) => {
    for (const event of [
      arrival,
      trainEvent('TRANSSHIPMENT_STARTED', train),
      trainEvent('TRANSSHIPMENT_COMPLETED', train),
    ]) {
      assert.equal((await env.api.post('/v1/port-events', { token: port, json: event })).status, 202);
    }
  };

  it('releases a green-channel declaration once its train arrives, and the execution history shows each stage', async () => {
    const { train, declaration } = await onItsTrain();

    const submitted = await submit(declaration, 'acme-green-1');
    assert.equal(submitted.status, 202);
    assert.equal(submitted.body.status, 'RECEIVED');
    const id = String(submitted.body.id);
    assert.equal(submitted.headers.get('location'), `/v1/declarations/${id}`);

    await eventually(
      () => statusOf(id),
      (status) => status === 'AWAITING_ARRIVAL',
    );
    const reported = trainEvent('TRAIN_ARRIVED', train, { occurredAt: new Date(Date.now() - 30_000).toISOString() });
    await throughThePort(train, reported);

    await eventually(
      () => statusOf(id),
      (status) => status === 'RELEASED',
    );
    const read = await readDeclaration(id);
    const history = read.body.history as {
      status: string;
      actor: { kind: string };
      occurredAt: string;
      recordedAt: string;
      reason: string;
    }[];
    assert.deepEqual(
      history.map((entry) => entry.status),
      [
        'RECEIVED',
        'MANIFEST_MATCHED',
        'RISK_ASSESSED',
        'AWAITING_ARRIVAL',
        'ARRIVED',
        'ARRIVED',
        'ARRIVED',
        'DUTIES_SECURED',
        'RELEASED',
      ],
    );
    assert.equal(read.body.cusresCode, '4');
    // Who did what, when it happened at the port, when it was recorded, and why.
    assert.deepEqual(
      history.map((entry) => entry.actor.kind),
      ['broker', 'system', 'system', 'system', 'port-operator', 'port-operator', 'port-operator', 'system', 'system'],
    );
    const arrived = history[4];
    assert.equal(arrived?.occurredAt, reported.occurredAt, 'the arrival carries the port’s business time');
    assert.ok((arrived?.recordedAt ?? '') > reported.occurredAt || arrived?.recordedAt !== reported.occurredAt);
    assert.ok(history.every((entry) => entry.reason.length > 0));

    // The same run, read through the unchanged AWS SDK client from the local Step Functions endpoint.
    const executionArn = `${stateMachineArn().replace(':stateMachine:', ':execution:')}:${id}`;
    const events: HistoryEvent[] =
      (
        await eventually(
          () => env.sfn.send(new GetExecutionHistoryCommand({ executionArn })),
          (h) => h.events?.some((e) => e.type === 'ExecutionSucceeded') ?? false,
        )
      ).events ?? [];
    const entered = events.filter((e) => e.type?.endsWith('StateEntered')).map((e) => e.stateEnteredEventDetails?.name);
    // Standard workflows bill per state transition: a green declaration passes six states.
    assert.deepEqual(entered, [
      'Screen',
      'IsOnManifest',
      'AwaitTrainArrival',
      'ByChannel',
      'AwaitTransshipment',
      'SecureDutiesAndRelease',
    ]);
    assert.ok(events[0]?.timestamp instanceof Date, 'timestamps arrive as dates through the SDK');

    const clearances = await env.dynamodb.send(
      new QueryCommand({
        TableName: tableNamed('Declarations'),
        KeyConditionExpression: 'PK = :pk AND SK = :sk',
        ExpressionAttributeValues: {
          ':pk': { S: `TRADER#${consigneeKeyOf(declaration.consignee)}` },
          ':sk': { S: `CLEARANCE#${id}` },
        },
      }),
    );
    assert.equal(clearances.Count, 1, 'the release is in the consignee’s record at the port');
  });

  it('runs the state machine exactly as synthesized: the loaded ASL equals the template definition', async () => {
    const machine = railMachine();
    assert.ok(machine);
    const described = await env.sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machine.arn }));

    // Independently of the harness's resolver: read the template file and join its DefinitionString,
    // putting each function's local ARN where the template refers to the function.
    const stateless = env.stack.assembly.stacks.find((s) => s.stackName.endsWith('-Stateless'));
    assert.ok(stateless);
    const template = JSON.parse(readFileSync(stateless.templateFile, 'utf8')) as {
      Resources: Record<
        string,
        { Type: string; Properties: { DefinitionString?: { 'Fn::Join': [string, unknown[]] } } }
      >;
    };
    const [, parts] = Object.values(template.Resources).find(
      (r) =>
        r.Type === 'AWS::StepFunctions::StateMachine' &&
        (r.Properties as { StateMachineName?: string }).StateMachineName === machine.name,
    )?.Properties.DefinitionString?.['Fn::Join'] ?? ['', []];
    const arnOf = new Map(env.stack.functions.map((fn) => [fn.spec.logicalId, fn.spec.functionArn]));
    const joined = parts
      .map((part) => {
        if (typeof part === 'string') return part;
        const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
        if (getAtt !== undefined) return arnOf.get(getAtt[0]);
        const ref = (part as { Ref?: string }).Ref;
        if (ref === 'AWS::Partition') return 'aws';
        throw new Error(`unexpected token in the definition: ${JSON.stringify(part)}`);
      })
      .join('');

    assert.deepEqual(JSON.parse(described.definition ?? ''), JSON.parse(joined));
    assert.ok(parts.length > 1, 'the synthesized definition refers to the functions by token');
  });

  it('files a declaration once however often the broker retries with the same Idempotency-Key', async () => {
    const declaration = railImportDeclaration();
    const recordsBefore = await idempotencyRecordCount();

    const first = await submit(declaration, 'acme-retry-1');
    const second = await submit(declaration, 'acme-retry-1');

    assert.equal(first.status, 202);
    assert.equal(second.status, 202);
    assert.equal(second.body.id, first.body.id);
    const executions = await eventually(
      () => executionsOf(String(first.body.id)),
      (found) => found.length > 0,
    );
    assert.equal(executions.length, 1);
    // One declaration item and one idempotency record; the history grows only as the workflow moves.
    const items = await itemsOfDeclaration(String(first.body.id));
    assert.equal(items.filter((item) => item.SK?.S === 'DECLARATION').length, 1);
    assert.equal(items.filter((item) => item.SK?.S === 'DOCUMENT#0001').length, 1);
    assert.equal(items.filter((item) => item.SK?.S === 'HISTORY#000001').length, 1);
    assert.equal(await idempotencyRecordCount(), recordsBefore + 1);
  });

  it('refuses the same Idempotency-Key with a different body, naming the header', async () => {
    await submit(railImportDeclaration(), 'acme-reuse-1');
    const reused = await submit(railImportDeclaration(), 'acme-reuse-1');
    assert.equal(reused.status, 422);
    assert.equal(reused.body.errors?.[0]?.field, 'idempotency-key');
  });

  describe('refuses bad input with problem+json naming the field and the rule, and writes nothing', () => {
    const valid = railImportDeclaration();
    const cases: { name: string; rawBody: string; key?: string; status: number; field: string; rule: string }[] = [
      {
        name: 'malformed JSON',
        rawBody: '{"declarationType": "RAIL_IMPORT",',
        status: 400,
        field: '',
        rule: 'json-syntax',
      },
      {
        name: 'a missing waybill number',
        rawBody: JSON.stringify({ ...valid, waybillNumber: undefined }),
        status: 422,
        field: '/waybillNumber',
        rule: 'required',
      },
      {
        name: 'an amount sent as a string',
        rawBody: JSON.stringify({
          ...valid,
          goods: [{ ...valid.goods[0], value: { amount: '125000', currency: 'USD' } }],
        }),
        status: 422,
        field: '/goods/0/value/amount',
        rule: 'type',
      },
      {
        name: 'a container number with a wrong check digit',
        rawBody: JSON.stringify({ ...valid, containers: [{ number: 'CSQU3054384' }] }),
        status: 422,
        field: '/containers/0/number',
        rule: 'iso6346-check-digit',
      },
      {
        name: 'an amount so small DynamoDB cannot store it (1e-300)',
        rawBody: JSON.stringify({
          ...valid,
          goods: [{ ...valid.goods[0], value: { amount: 1e-300, currency: 'USD' } }],
        }),
        status: 422,
        field: '/goods/0/value/amount',
        rule: 'minimum',
      },
      {
        name: 'a gross mass of 1e-300 kg',
        rawBody: JSON.stringify({ ...valid, goods: [{ ...valid.goods[0], grossMassKg: 1e-300 }] }),
        status: 422,
        field: '/goods/0/grossMassKg',
        rule: 'minimum',
      },
      {
        name: 'a description with an unpaired surrogate',
        rawBody: JSON.stringify(valid).replace('Portable computers', '\\ud800 computers'),
        status: 400,
        field: '/goods/0/description',
        rule: 'unicode',
      },
      {
        name: 'a schema-valid document too large for one DynamoDB item (999 lines of 512 characters)',
        rawBody: JSON.stringify({
          ...valid,
          goods: Array.from({ length: 999 }, () => ({ ...valid.goods[0], description: 'x'.repeat(512) })),
        }),
        status: 413,
        field: '',
        rule: 'max-document-size',
      },
      {
        name: 'an unknown declaration type',
        rawBody: JSON.stringify({ ...valid, declarationType: 'SEA_IMPORT' }),
        status: 422,
        field: '/declarationType',
        rule: 'discriminator',
      },
      {
        name: 'no Idempotency-Key header',
        rawBody: JSON.stringify(valid),
        key: '',
        status: 400,
        field: 'idempotency-key',
        rule: 'required',
      },
    ];
    for (const bad of cases) {
      it(`${bad.name} → ${bad.status} on ${bad.field || 'the body'} (${bad.rule})`, async () => {
        const recordsBefore = await idempotencyRecordCount();
        const key = `bad-${bad.rule}-${bad.field}`;

        const answer = await env.api.post('/v1/declarations', {
          token: acme,
          rawBody: bad.rawBody,
          ...(bad.key === '' ? {} : { idempotencyKey: key }),
        });

        assert.equal(answer.status, bad.status);
        assert.equal(answer.contentType, 'application/problem+json');
        assert.ok(
          answer.body.errors?.some((e) => e.field === bad.field && e.rule === bad.rule),
          JSON.stringify(answer.body),
        );
        // Nothing a valid request would have written exists: no record, no declaration, no execution.
        assert.equal(await idempotencyRecordCount(), recordsBefore);
        assert.deepEqual(await itemsOfDeclaration(declarationIdFor('BRK-ACME', key)), []);
        assert.deepEqual(await executionsOf(declarationIdFor('BRK-ACME', key)), []);
      });
    }
  });

  it("keeps brokers apart: one broker cannot read another's declaration", async () => {
    const submitted = await submit(railImportDeclaration(), 'acme-private-1');
    const id = String(submitted.body.id);

    assert.equal((await readDeclaration(id, acme)).status, 200);
    const byOther = await readDeclaration(id, globex);
    assert.equal(byOther.status, 404);
    assert.equal(byOther.contentType, 'application/problem+json');
  });

  it('lets only the railway and port operators report port events, and nobody in without a token', async () => {
    const { train } = await onItsTrain();
    const byBroker = await env.api.post('/v1/port-events', { token: acme, json: trainEvent('TRAIN_ARRIVED', train) });
    assert.equal(byBroker.status, 403);
    const byRailway = await env.api.post('/v1/port-events', {
      token: await railwayToken(),
      json: trainEvent('TRAIN_ARRIVED', train),
    });
    assert.equal(byRailway.status, 202);
    // The gate is the port's: a railway account cannot report a truck.
    const gateByRailway = await env.api.post('/v1/port-events', {
      token: await railwayToken(),
      json: truckGatedIn('XJ000001'),
    });
    assert.equal(gateByRailway.status, 403);
    const anonymous = await env.api.post('/v1/declarations', { json: railImportDeclaration(), idempotencyKey: 'anon' });
    assert.equal(anonymous.status, 401);
    const expired = await issueLocalToken({ role: 'broker', brokerId: 'BRK-ACME', expiresInSeconds: -60 });
    assert.equal((await env.api.get('/v1/declarations/DCL-000000000000000000000000', expired)).status, 401);
  });

  it("answers API Gateway's own errors as the template's gateway responses define them: problem+json", async () => {
    const unknownRoute = await env.api.get('/v1/containers', acme);
    assert.equal(unknownRoute.status, 403);
    assert.equal(unknownRoute.contentType, 'application/problem+json');
    assert.deepEqual(unknownRoute.body, {
      type: 'urn:preclearance:problem:unknown-route',
      title: 'No such route: check the path and the method',
      status: 403,
      detail: 'Missing Authentication Token',
    });

    const anonymous = await env.api.get('/v1/declarations/DCL-000000000000000000000000');
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.contentType, 'application/problem+json');
    assert.equal(anonymous.body.type, 'urn:preclearance:problem:unauthorized');

    const tooLarge = await fetch(`${env.stack.apiUrl}/v1/declarations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${acme}`, 'content-type': 'application/json' },
      body: `"${'x'.repeat(11 * 1024 * 1024)}"`,
    });
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.headers.get('content-type'), 'application/problem+json');
    assert.equal(((await tooLarge.json()) as { type: string }).type, 'urn:preclearance:problem:payload-too-large');
  });

  it('sends grapes without their phytosanitary certificate to an officer’s document review after arrival, telling the broker why', async () => {
    const { train, declaration } = await onItsTrain({ hsCode: '080610' });
    const id = String((await submit(declaration, 'acme-yellow-1')).body.id);
    await eventually(
      () => statusOf(id),
      (status) => status === 'AWAITING_ARRIVAL',
    );

    await env.api.post('/v1/port-events', { token: port, json: trainEvent('TRAIN_ARRIVED', train) });

    const read = await eventually(
      () => readDeclaration(id),
      (answer) => (answer.body.tracks as { inspection?: string } | undefined)?.inspection === 'DOCUMENT_REVIEW',
    );
    const facts = read.body.facts as Record<string, unknown>;
    assert.deepEqual([facts.riskChannel, facts.riskPriority], ['YELLOW', true]);
    const assessed = (read.body.history as { status: string; reason: string }[])[2];
    assert.equal(assessed?.reason, 'yellow channel: missing phytosanitary certificate (line 1)');
  });

  it('sends a first-time consignee to yellow, telling the broker only the channel and the officer the rule', async () => {
    const { declaration: onTrain } = await onItsTrain();
    const declaration = { ...onTrain, consignee: { name: `Newcomer ${Date.now()} LLP` } };
    const id = String((await submit(declaration, 'acme-first-time-1')).body.id);
    await eventually(
      () => statusOf(id),
      (status) => status === 'AWAITING_ARRIVAL',
    );

    const forBroker = JSON.stringify((await readDeclaration(id)).body.history);
    const forOfficer = JSON.stringify((await readDeclaration(id, await officerToken())).body.history);

    assert.match(forBroker, /yellow channel: selected for a document check/);
    assert.doesNotMatch(forBroker, /FIRST_TIME_CONSIGNEE|has not cleared/);
    assert.match(forOfficer, /FIRST_TIME_CONSIGNEE/);
  });

  it('releases a declaration filed after its train was already reported, once the gauge change is done', async () => {
    const { train, declaration } = await onItsTrain();
    await throughThePort(train);

    const id = String((await submit(declaration, 'acme-late-filing-1')).body.id);

    await eventually(
      () => statusOf(id),
      (status) => status === 'RELEASED',
    );
  });
});
