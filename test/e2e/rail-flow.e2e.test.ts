import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { TrainRef } from '#domain/trains.ts';
import {
  brokerToken,
  eventually,
  freshContainer,
  freshTrain,
  manifestOf,
  officerToken,
  portOperatorToken,
  railImportDeclaration,
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
  const fileManifest = (train: TrainRef, consignments: { waybillNumber: string; container: string }[]) =>
    env.api.put(`/v1/trains/${train.trainNumber}/${train.trainDate}/manifest`, {
      token: railway,
      json: manifestOf(consignments),
    });
  const report = (event: unknown, token = port) => env.api.post('/v1/port-events', { token, json: event });

  /** A train with one declaration per consignment, manifest on file, declarations filed and waiting for it. */
  async function trainWithDeclarations(hsCodes: readonly string[]) {
    const train = freshTrain();
    const consignments = hsCodes.map((hsCode, index) => ({
      hsCode,
      waybillNumber: `SMGS${train.trainNumber}${index}`.slice(0, 30),
      container: freshContainer(),
    }));
    assert.equal((await fileManifest(train, consignments)).status, 201);
    const ids: string[] = [];
    for (const consignment of consignments) {
      const filed = await env.api.post('/v1/declarations', {
        token: broker,
        idempotencyKey: `${consignment.waybillNumber}-filing`,
        json: railImportDeclaration({ ...consignment, train }),
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
});
