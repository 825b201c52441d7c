import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { TrainRef } from '#domain/trains.ts';
import type { OfficerTaskItem } from '#shared/officer-schemas.ts';
import {
  brokerToken,
  eventually,
  fileManifest,
  freshContainer,
  freshTrain,
  officerToken,
  portOperatorToken,
  railImportDeclaration,
  railImportSummary,
  railwayToken,
  startTestStack,
  trainEvent,
} from './local-stack-client.ts';

/**
 * The rail flow (R1–R7) on the local stack, train by train: the railway files the manifest, brokers file ahead
 * of the train, the railway reports the arrival, the terminal the gauge change, officers decide.
 */
describe('rail: Smart Railway Port + Local Fast Clearance, end to end', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let broker: string;
  let railway: string;
  let port: string;
  let officer: string;

  before(async () => {
    env = await startTestStack();
    [broker, railway, port, officer] = await Promise.all([
      brokerToken('BRK-RAIL'),
      railwayToken(),
      portOperatorToken(),
      officerToken(),
    ]);
  });
  after(async () => env?.stop());

  const read = (id: string) => env.api.get(`/v1/declarations/${id}`, broker);
  const statusOf = async (id: string) => String((await read(id)).body.status);
  const reachStatus = (id: string, status: string) =>
    eventually(
      () => statusOf(id),
      (current) => current === status,
    );
  const fileManifestOf = (train: TrainRef, consignments: { waybillNumber: string; container: string }[]) =>
    fileManifest(env.api, railway, train, consignments);
  const report = (event: unknown, token = port) => env.api.post('/v1/port-events', { token, json: event });

  /** A train with one declaration per consignment, manifest on file, declarations filed and waiting for it. */
  async function trainWithDeclarations(hsCodes: readonly string[], overrides: Record<string, unknown> = {}) {
    const train = freshTrain();
    const consignments = hsCodes.map((hsCode, index) => ({
      hsCode,
      waybillNumber: `SMGS${train.trainNumber}${index}`.slice(0, 30),
      container: freshContainer(),
    }));
    assert.equal((await fileManifestOf(train, consignments)).status, 201);
    const ids: string[] = [];
    for (const consignment of consignments) {
      const filed = await env.api.post('/v1/declarations', {
        token: broker,
        idempotencyKey: `${consignment.waybillNumber}-filing`,
        json: { ...railImportDeclaration({ ...consignment, train }), ...overrides },
      });
      assert.equal(filed.status, 202, JSON.stringify(filed.body));
      ids.push(String(filed.body.id));
    }
    return { train, ids, consignments };
  }

  it('green path: arrival and the gauge change release a green declaration, every stage in its history', async () => {
    const { train, ids } = await trainWithDeclarations(['847130']);
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');

    const arrival = await report(trainEvent('TRAIN_ARRIVED', train), railway);
    assert.equal(arrival.status, 202, JSON.stringify(arrival.body));
    assert.equal(arrival.body.resumptionsFollow, true);
    await reachStatus(id, 'ARRIVED');
    assert.equal((await report(trainEvent('TRANSSHIPMENT_STARTED', train))).status, 202);
    assert.equal((await report(trainEvent('TRANSSHIPMENT_COMPLETED', train))).status, 202);
    await reachStatus(id, 'RELEASED');

    const history = (await read(id)).body.history as { status: string; trackState?: string; actor: { kind: string } }[];
    assert.deepEqual(
      history.map((entry) => entry.trackState ?? entry.status),
      [
        'RECEIVED',
        'MANIFEST_MATCHED',
        'RISK_ASSESSED',
        'AWAITING_ARRIVAL',
        'ARRIVED',
        'IN_PROGRESS',
        'COMPLETED',
        'DUTIES_SECURED',
        'RELEASED',
      ],
    );
    assert.equal(history[4]?.actor.kind, 'railway', 'the arrival is the railway’s');
    assert.equal(history[6]?.actor.kind, 'port-operator', 'the gauge change is the terminal’s');
    // Its one line released, the train's manifest is written off (R7).
    const trainRead = await eventually(
      () => env.api.get(`/v1/trains/${train.trainNumber}/${train.trainDate}`, railway),
      (answer) => answer.body.status === 'WRITTEN_OFF',
    );
    assert.equal(trainRead.status, 200);
  });

  it('a corrected arrival re-stamps the declarations that already arrived, naming the report it supersedes', async () => {
    const { train, ids } = await trainWithDeclarations(['847130']);
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');
    const first = trainEvent('TRAIN_ARRIVED', train, { occurredAt: new Date(Date.now() - 10_000).toISOString() });
    assert.equal((await report(first, railway)).status, 202);
    await reachStatus(id, 'ARRIVED');

    // Earlier still, but after the train left (its manifest says a minute before the test began).
    const correctedAt = new Date(Date.now() - 30_000).toISOString();
    const correction = trainEvent('TRAIN_ARRIVED', train, { occurredAt: correctedAt, corrects: first.eventId });
    assert.equal((await report(correction, railway)).status, 202);

    const corrected = await eventually(
      () => read(id),
      (answer) => (answer.body.history as { transition: string }[]).some((e) => e.transition === 'CORRECT_ARRIVAL'),
    );
    assert.equal(corrected.body.status, 'ARRIVED', 'the status does not change');
    const entry = (
      corrected.body.history as { transition: string; occurredAt: string; details?: { supersedes?: unknown } }[]
    ).find((e) => e.transition === 'CORRECT_ARRIVAL');
    assert.equal(entry?.occurredAt, correctedAt);
    assert.deepEqual(entry?.details?.supersedes, { portEventId: first.eventId, occurredAt: first.occurredAt });
  });

  it('refuses an arrival for a train without a manifest, or in the future, and changes nothing', async () => {
    const unknown = await report(trainEvent('TRAIN_ARRIVED', freshTrain()), railway);
    assert.equal(unknown.status, 422);
    assert.equal((unknown.body.errors as { field: string }[])[0]?.field, '/train');

    const { train } = await trainWithDeclarations(['847130']);
    const future = await report(
      trainEvent('TRAIN_ARRIVED', train, { occurredAt: new Date(Date.now() + 3_600_000).toISOString() }),
      railway,
    );
    assert.equal(future.status, 422);
    assert.equal((future.body.errors as { rule: string }[])[0]?.rule, 'not-in-the-future');
    const early = await report(trainEvent('TRANSSHIPMENT_COMPLETED', train));
    assert.equal(early.status, 409, 'no gauge change before the train arrived');
  });

  const decide = (id: string, body: Record<string, unknown>) =>
    env.api.post(`/v1/declarations/${id}/decisions`, { token: officer, json: body });
  const inspectionOf = async (id: string) =>
    String(((await read(id)).body.tracks as { inspection?: string } | undefined)?.inspection);
  const reachInspection = (id: string, state: string) =>
    eventually(
      () => inspectionOf(id),
      (current) => current === state,
    );
  const firstTime = () => ({ consignee: { name: `Newcomer ${Date.now()} LLP` } });
  const throughTheGaugeChange = async (train: TrainRef) => {
    assert.equal((await report(trainEvent('TRANSSHIPMENT_STARTED', train))).status, 202);
    assert.equal((await report(trainEvent('TRANSSHIPMENT_COMPLETED', train))).status, 202);
  };

  it('yellow: an officer’s document review beside the gauge change, approved, then released', async () => {
    const { train, ids } = await trainWithDeclarations(['847130'], firstTime());
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    await reachInspection(id, 'DOCUMENT_REVIEW');

    const queue = await env.api.get('/v1/officer/tasks?queue=officers&limit=100', officer);
    const task = (queue.body.items as { declarationId: string; kind: string; slaState: string }[]).find(
      (item) => item.declarationId === id,
    );
    assert.deepEqual([task?.kind, task?.slaState], ['DOCUMENT_REVIEW', 'OK']);
    assert.equal((await decide(id, { decision: 'APPROVE', reason: 'invoice and packing list agree' })).status, 200);
    await reachInspection(id, 'PASSED');
    await throughTheGaugeChange(train);
    await reachStatus(id, 'RELEASED');
  });

  it('documents requested → provided → approved: the broker answers, the review resumes, the goods go', async () => {
    const { train, ids } = await trainWithDeclarations(['847130'], firstTime());
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    await reachInspection(id, 'DOCUMENT_REVIEW');

    const asked = await decide(id, {
      decision: 'REQUEST_DOCUMENTS',
      reason: 'the consignee is new here: show its contract',
      requestedDocuments: ['CERTIFICATE_OF_ORIGIN'],
    });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    await reachInspection(id, 'DOCUMENTS_REQUESTED');
    const provided = await env.api.post(`/v1/declarations/${id}/documents`, {
      token: broker,
      json: {
        documents: [{ type: 'CERTIFICATE_OF_ORIGIN', number: 'CO-1', issuer: 'CCPIT Xi’an', issuedOn: '2026-11-10' }],
      },
    });
    assert.equal(provided.status, 202, JSON.stringify(provided.body));
    await reachInspection(id, 'DOCUMENT_REVIEW');
    assert.equal((await decide(id, { decision: 'APPROVE', reason: 'certificate checked' })).status, 200);
    await throughTheGaugeChange(train);
    await reachStatus(id, 'RELEASED');
  });

  it('red: a scan hit holds the goods, then the officer rejects; nothing is released', async () => {
    const { train, ids } = await trainWithDeclarations(['930200']);
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    await reachInspection(id, 'PHYSICAL_INSPECTION');

    assert.equal((await decide(id, { decision: 'HOLD', reason: 'H986 scan: undeclared items' })).status, 200);
    await reachStatus(id, 'HELD');
    assert.equal((await decide(id, { decision: 'REJECT', reason: 'weapons without a licence' })).status, 200);
    await reachStatus(id, 'REJECTED');
    const history = (await read(id)).body.history as { status: string; actor: { kind: string }; reason: string }[];
    assert.deepEqual(
      history.slice(-2).map((entry) => [entry.status, entry.actor.kind]),
      [
        ['HELD', 'officer'],
        ['REJECTED', 'officer'],
      ],
    );
  });

  it('a manifest mismatch is named line by line; the broker amends under If-Match and the declaration matches', async () => {
    const train = freshTrain();
    const waybillNumber = `SMGS${train.trainNumber}M`.slice(0, 30);
    const onManifest = freshContainer();
    assert.equal((await fileManifestOf(train, [{ waybillNumber, container: onManifest }])).status, 201);
    const wrong = railImportDeclaration({ train, waybillNumber, container: freshContainer() });
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `${waybillNumber}-m`,
      json: wrong,
    });
    const id = String(filed.body.id);
    await reachStatus(id, 'MANIFEST_MISMATCH');
    const mismatch = ((await read(id)).body.history as { details?: { lines?: { rule: string }[] } }[]).at(-1);
    assert.ok((mismatch?.details?.lines ?? []).length > 0, 'the lines to amend are in the history');

    const amended = await env.api.put(`/v1/declarations/${id}/document`, {
      token: broker,
      ifMatch: '"1"',
      json: railImportDeclaration({ train, waybillNumber, container: onManifest }),
    });
    assert.equal(amended.status, 200, JSON.stringify(amended.body));
    await reachStatus(id, 'AWAITING_ARRIVAL');
    const statuses = ((await read(id)).body.history as { status: string }[]).map((entry) => entry.status);
    assert.ok(statuses.includes('MANIFEST_MATCHED'));
  });

  it('cancel before arrival: recorded with the broker’s reason, the execution stopped, no wait left behind', async () => {
    const { train, ids } = await trainWithDeclarations(['847130']);
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');

    const cancelled = await env.api.post(`/v1/declarations/${id}/cancel`, {
      token: broker,
      json: { reason: 'the buyer withdrew the order' },
    });
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal(cancelled.body.status, 'CANCELLED');
    const again = await env.api.post(`/v1/declarations/${id}/cancel`, { token: broker, json: { reason: 'again' } });
    assert.equal(again.status, 200, 'cancelling again answers the same');

    const rail = env.stack.stateMachines.find((machine) => machine.name.endsWith('-rail-import'));
    const executionArn = `${rail?.arn.replace(':stateMachine:', ':execution:')}:${id}`;
    const execution = await eventually(
      () => env.sfn.send(new DescribeExecutionCommand({ executionArn })),
      (described) => described.status !== 'RUNNING',
    );
    assert.equal(execution.status, 'ABORTED');
    const waits = await env.dynamodb.send(
      new QueryCommand({
        TableName: env.stack.tables.find((table) => table.includes('Declarations')) ?? '',
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :wait)',
        ExpressionAttributeValues: {
          ':pk': { S: `MILESTONE#TRAIN_ARRIVED#${train.trainNumber}@${train.trainDate}` },
          ':wait': { S: 'WAIT#' },
        },
      }),
    );
    assert.equal(waits.Count, 0, 'no wait is left for the train');

    // The train still comes; nothing moves the cancelled declaration, and its line counts as closed.
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    const history = (await read(id)).body.history as { status: string }[];
    assert.equal(history.at(-1)?.status, 'CANCELLED');
    const after = await env.api.post(`/v1/declarations/${id}/cancel`, { token: broker, json: { reason: 'x' } });
    assert.equal(after.status, 200);
  });

  it('two-step summary → released → complete: the same number, the next document version, the execution ends', async () => {
    const train = freshTrain();
    const container = freshContainer();
    const waybillNumber = `SMGS${train.trainNumber}2S`.slice(0, 30);
    assert.equal((await fileManifestOf(train, [{ waybillNumber, container }])).status, 201);
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `${waybillNumber}-summary`,
      json: railImportSummary({ train, waybillNumber, container }),
    });
    assert.equal(filed.status, 202, JSON.stringify(filed.body));
    const id = String(filed.body.id);
    // Due 14 days after the summary's acceptance, shown from the first answer on.
    const dueAt = (filed.body.facts as { completion?: { dueAt?: string } }).completion?.dueAt;
    assert.equal(dueAt, new Date(Date.parse(String(filed.body.filedAt)) + 14 * 86_400_000).toISOString());

    await reachStatus(id, 'AWAITING_ARRIVAL');
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    await throughTheGaugeChange(train);
    await reachStatus(id, 'RELEASED');
    const rail = env.stack.stateMachines.find((machine) => machine.name.endsWith('-rail-import'));
    const executionArn = `${rail?.arn.replace(':stateMachine:', ':execution:')}:${id}`;
    assert.equal(
      (await env.sfn.send(new DescribeExecutionCommand({ executionArn }))).status,
      'RUNNING',
      'released under the summary, the execution waits for the complete declaration',
    );

    const complete = railImportDeclaration({ train, waybillNumber, container });
    const completion = (json: unknown, ifMatch = '"1"') =>
      env.api.post(`/v1/declarations/${id}/completion`, { token: broker, ifMatch, json });
    const incomplete = await completion(railImportSummary({ train, waybillNumber, container }));
    assert.equal(incomplete.status, 422);
    assert.deepEqual(
      incomplete.body.errors?.map(({ field, rule }) => `${field} ${rule}`),
      [
        '/filingMode complete-filing-mode',
        '/goods/0/value required-when-complete',
        '/consignor required-when-complete',
        '/incoterm required-when-complete',
        '/supportingDocuments required-document',
        '/supportingDocuments required-document',
      ],
    );

    const completed = await completion(complete);
    assert.equal(completed.status, 200, JSON.stringify(completed.body));
    assert.equal(completed.headers.get('etag'), '"2"');
    assert.deepEqual(
      [completed.body.status, completed.body.documentVersion, completed.body.declarationNumber],
      ['RELEASED', 2, filed.body.declarationNumber],
    );
    const again = await completion(complete);
    assert.equal(again.status, 200, 'the same completion again is answered the same');
    assert.deepEqual(again.body, completed.body);
    const other = await completion({ ...complete, incoterm: 'CPT' }, '"2"');
    assert.equal(other.status, 409, 'complete already');

    const execution = await eventually(
      () => env.sfn.send(new DescribeExecutionCommand({ executionArn })),
      (described) => described.status !== 'RUNNING',
    );
    assert.equal(execution.status, 'SUCCEEDED');
    const history = (await read(id)).body.history as { transition: string; status: string; actor: { kind: string } }[];
    assert.deepEqual(
      history.slice(-3).map((entry) => [entry.transition, entry.status, entry.actor.kind]),
      [
        ['SECURE_DUTIES', 'DUTIES_SECURED', 'system'],
        ['RELEASE', 'RELEASED', 'system'],
        ['COMPLETE_DOCUMENT', 'RELEASED', 'broker'],
      ],
    );
    const previous = await env.api.get(`/v1/declarations/${id}?documentVersion=1`, broker);
    assert.equal((previous.body.declaration as { filingMode?: string }).filingMode, 'SUMMARY');
  });

  it('refuses to cancel a released declaration (409), and another broker’s (404)', async () => {
    const { train, ids } = await trainWithDeclarations(['847130']);
    const [id = ''] = ids;
    await reachStatus(id, 'AWAITING_ARRIVAL');
    const other = await brokerToken('BRK-OTHER');
    const byOther = await env.api.post(`/v1/declarations/${id}/cancel`, { token: other, json: { reason: 'mine?' } });
    assert.equal(byOther.status, 404);
    await report(trainEvent('TRAIN_ARRIVED', train), railway);
    await throughTheGaugeChange(train);
    await reachStatus(id, 'RELEASED');
    const late = await env.api.post(`/v1/declarations/${id}/cancel`, { token: broker, json: { reason: 'too late' } });
    assert.equal(late.status, 409);
  });
});

describe('rail: deadlines on the harness time scale', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    // An hour of workflow time per second: the 2-hour gauge-change clock runs out in about two seconds, and a
    // two-step summary's completion period, six hours here, about six seconds after its acceptance.
    env = await startTestStack({ twoStepCompletionDays: 0.25 }, { timeScale: 3600 });
  });
  after(async () => env?.stop());

  it('flags a gauge change that overruns 2 hours from arrival, tells the broker, and still releases', async () => {
    const [broker, railway, port] = await Promise.all([brokerToken('BRK-SLA'), railwayToken(), portOperatorToken()]);
    const train = freshTrain();
    const container = freshContainer();
    const waybillNumber = `SMGS${train.trainNumber}S`.slice(0, 30);
    await fileManifest(env.api, railway, train, [{ waybillNumber, container }]);
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `${waybillNumber}-sla`,
      json: railImportDeclaration({ train, waybillNumber, container }),
    });
    const id = String(filed.body.id);
    const read = () => env.api.get(`/v1/declarations/${id}`, broker);
    await eventually(
      async () => String((await read()).body.status),
      (status) => status === 'AWAITING_ARRIVAL',
    );
    await env.api.post('/v1/port-events', { token: railway, json: trainEvent('TRAIN_ARRIVED', train) });

    const flagged = await eventually(
      async () => (await read()).body.history as { transition: string; details?: { sla?: string } }[],
      (history) => history.some((entry) => entry.transition === 'FLAG_SLA_BREACH'),
      30_000,
    );
    assert.equal(flagged.find((entry) => entry.transition === 'FLAG_SLA_BREACH')?.details?.sla, 'TRANSSHIPMENT');
    // The pull feed serves an event once it has settled (a few seconds): the same event the webhooks deliver.
    await eventually(
      async () => (await env.api.get('/v1/events?limit=100', broker)).body.items as { transition: string }[],
      (items) => items.some((event) => event.transition === 'FLAG_SLA_BREACH'),
      30_000,
    );

    for (const type of ['TRANSSHIPMENT_STARTED', 'TRANSSHIPMENT_COMPLETED'] as const) {
      await env.api.post('/v1/port-events', { token: port, json: trainEvent(type, train) });
    }
    await eventually(
      async () => String((await read()).body.status),
      (status) => status === 'RELEASED',
    );
  });

  it('summary never completed → flagged on the declaration, told to the broker, and escalated to an officer', async () => {
    const [broker, railway, port, officer] = await Promise.all([
      brokerToken('BRK-TWO-STEP'),
      railwayToken(),
      portOperatorToken(),
      officerToken(),
    ]);
    const train = freshTrain();
    const container = freshContainer();
    const waybillNumber = `SMGS${train.trainNumber}N`.slice(0, 30);
    await fileManifest(env.api, railway, train, [{ waybillNumber, container }]);
    const filed = await env.api.post('/v1/declarations', {
      token: broker,
      idempotencyKey: `${waybillNumber}-never`,
      json: railImportSummary({ train, waybillNumber, container }),
    });
    const id = String(filed.body.id);
    const read = () => env.api.get(`/v1/declarations/${id}`, broker);
    await eventually(
      async () => String((await read()).body.status),
      (status) => status === 'AWAITING_ARRIVAL',
    );
    await env.api.post('/v1/port-events', { token: railway, json: trainEvent('TRAIN_ARRIVED', train) });
    for (const type of ['TRANSSHIPMENT_STARTED', 'TRANSSHIPMENT_COMPLETED'] as const) {
      await env.api.post('/v1/port-events', { token: port, json: trainEvent(type, train) });
    }

    const flagged = await eventually(
      async () => (await read()).body,
      (body) =>
        (body.history as { transition: string }[]).some((entry) => entry.transition === 'FLAG_COMPLETION_OVERDUE'),
      60_000,
    );
    assert.equal(flagged.status, 'RELEASED', 'the goods stay released');
    const completion = (flagged.facts as { completion?: { dueAt?: string; overdueSince?: string } }).completion;
    assert.equal(typeof completion?.overdueSince, 'string', 'flagged on the declaration');
    await eventually(
      async () => (await env.api.get('/v1/events?limit=100', broker)).body.items as { transition: string }[],
      (items) => items.some((event) => event.transition === 'FLAG_COMPLETION_OVERDUE'),
      30_000,
    );
    const task = await eventually(
      async () =>
        (
          (await env.api.get('/v1/officer/tasks?queue=officers&limit=100', officer)).body.items as OfficerTaskItem[]
        ).find((item) => item.declarationId === id),
      (item) => item !== undefined,
    );
    assert.deepEqual([task?.kind, task?.dueAt], ['COMPLETION_OVERDUE', completion?.dueAt]);

    // Not a dead end: the officer closes the follow-up (the broker's late complete declaration would too).
    const closed = await env.api.post(`/v1/declarations/${id}/decisions`, {
      token: officer,
      json: { decision: 'APPROVE', reason: 'penalty notice issued for the late complete declaration' },
    });
    assert.equal(closed.status, 200, JSON.stringify(closed.body));
    const rail = env.stack.stateMachines.find((machine) => machine.name.endsWith('-rail-import'));
    const execution = await eventually(
      () =>
        env.sfn.send(
          new DescribeExecutionCommand({ executionArn: `${rail?.arn.replace(':stateMachine:', ':execution:')}:${id}` }),
        ),
      (described) => described.status !== 'RUNNING',
    );
    assert.equal(execution.status, 'SUCCEEDED');
    const last = ((await read()).body.history as { transition: string; actor: { kind: string } }[]).at(-1);
    assert.deepEqual([last?.transition, last?.actor.kind], ['CLOSE_COMPLETION_FOLLOW_UP', 'officer']);
  });
});
