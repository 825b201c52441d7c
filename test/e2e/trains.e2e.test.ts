import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { TRAIN_KEYS } from '#adapters/table-layout.ts';
import { type TrainRef, trainKeyOf } from '#domain/trains.ts';
import { pathOf } from '#shared/links.ts';
import { ROUTES } from '#shared/routes.ts';
import { answerFaults, type RawAnswer, sendRaw } from '../support/raw-http.ts';
import { type StoreProbe, storeProbe } from '../support/store-probe.ts';
import { MANIFEST, TRAIN, trainManifest, withWrongCheckDigit } from '../support/trains.ts';
import { brokerToken, officerToken, portOperatorToken, railwayToken, startTestStack } from './local-stack-client.ts';

interface TrainBody {
  trainNumber: string;
  status: string;
  manifestVersion: number;
  manifest: { version: number; destinationStation?: string; filedBy: { kind: string } };
}

/**
 * Trains on the local stack: the railway files a train's manifest and corrects it; every version stays readable;
 * the port and customs read it; a broker may do neither; a refused manifest leaves nothing behind.
 */
describe('train manifests, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  let probe: StoreProbe;
  const tokens: Record<'railway' | 'port' | 'officer' | 'broker', string> = {
    railway: '',
    port: '',
    officer: '',
    broker: '',
  };
  const train: TrainRef = TRAIN;

  before(async () => {
    env = await startTestStack();
    probe = storeProbe(env);
    [tokens.railway, tokens.port, tokens.officer, tokens.broker] = await Promise.all([
      railwayToken(),
      portOperatorToken(),
      officerToken(),
      brokerToken('BRK-ACME'),
    ]);
  });
  after(async () => env?.stop());

  async function send(
    method: 'GET' | 'PUT',
    path: string,
    token: string,
    options: { body?: unknown; ifMatch?: string } = {},
  ): Promise<RawAnswer> {
    const request = {
      method,
      path,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.ifMatch === undefined ? {} : { 'if-match': options.ifMatch }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    };
    const answer = await sendRaw(env.stack.apiUrl, request);
    // Every answer must be one the published contract promises, refusals named by field and rule.
    assert.deepEqual(answerFaults(request, answer), [], `${method} ${path}`);
    return answer;
  }
  const manifestOf = (of: TrainRef) => pathOf(ROUTES.fileTrainManifest, of);
  const trainAt = (of: TrainRef) => pathOf(ROUTES.getTrain, of);
  const fileManifest = (body: unknown, options: { ifMatch?: string; token?: string; of?: TrainRef } = {}) =>
    send('PUT', manifestOf(options.of ?? train), options.token ?? tokens.railway, {
      body,
      ...(options.ifMatch === undefined ? {} : { ifMatch: options.ifMatch }),
    });
  const bodyOf = (answer: RawAnswer) => answer.json as TrainBody;
  const errorsOf = (answer: RawAnswer) =>
    ((answer.json as { errors?: { field: string; rule: string }[] }).errors ?? []).map((e) => `${e.field} ${e.rule}`);
  const corrected = trainManifest({ destinationStation: 'Altynkol' });

  it('the railway files the manifest: 201, version 1, ETag "1"', async () => {
    const answer = await fileManifest(trainManifest());
    assert.equal(answer.status, 201, answer.text);
    assert.equal(answer.headers.etag, '"1"');
    assert.equal(bodyOf(answer).status, 'MANIFEST_FILED');
    assert.equal(bodyOf(answer).manifest.filedBy.kind, 'railway');
  });

  it('filing the same manifest again writes nothing and answers version 1', async () => {
    const itemsBefore = await probe.itemsOfTrain(trainKeyOf(train));
    const answer = await fileManifest(trainManifest());
    assert.equal(answer.status, 200, answer.text);
    assert.equal(bodyOf(answer).manifestVersion, 1);
    assert.equal(await probe.itemsOfTrain(trainKeyOf(train)), itemsBefore);
  });

  it('the railway corrects it with If-Match "1": 200, version 2, ETag "2"', async () => {
    const answer = await fileManifest(corrected, { ifMatch: '"1"' });
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.headers.etag, '"2"');
    assert.deepEqual([bodyOf(answer).manifestVersion, bodyOf(answer).manifest.destinationStation], [2, 'Altynkol']);
  });

  it('the port reads version 2 as current, and customs still read version 1', async () => {
    const current = await send('GET', trainAt(train), tokens.port);
    assert.equal(current.status, 200, current.text);
    assert.equal(current.headers.etag, '"2"');
    assert.equal(bodyOf(current).manifest.destinationStation, 'Altynkol');
    const first = await send('GET', `${trainAt(train)}?manifestVersion=1`, tokens.officer);
    assert.equal(first.status, 200, first.text);
    assert.deepEqual([bodyOf(first).manifest.version, bodyOf(first).manifest.destinationStation], [1, 'Almaty-1']);
    const none = await send('GET', `${trainAt(train)}?manifestVersion=3`, tokens.officer);
    assert.equal(none.status, 404);
  });

  it('a correction naming version 1 after version 2: 412 naming if-match, nothing written', async () => {
    const itemsBefore = await probe.itemsOfTrain(trainKeyOf(train));
    const answer = await fileManifest(trainManifest({ destinationStation: 'Dostyk' }), { ifMatch: '"1"' });
    assert.equal(answer.status, 412, answer.text);
    assert.deepEqual(errorsOf(answer), ['if-match current-version']);
    assert.equal(await probe.itemsOfTrain(trainKeyOf(train)), itemsBefore);
  });

  it('a wagon number with a wrong check digit is refused naming the field and the rule; nothing is written', async () => {
    const fresh: TrainRef = { trainNumber: 'X8002', trainDate: TRAIN.trainDate };
    const [first, ...rest] = trainManifest().wagons;
    const broken = trainManifest({ wagons: [{ ...first, number: withWrongCheckDigit(MANIFEST.flatWagon) }, ...rest] });
    const answer = await fileManifest(broken, { of: fresh });
    assert.equal(answer.status, 422, answer.text);
    assert.deepEqual(errorsOf(answer), ['/wagons/0/number wagon-check-digit']);
    assert.equal(await probe.itemsOfTrain(trainKeyOf(fresh)), 0);
    assert.equal((await send('GET', trainAt(fresh), tokens.port)).status, 404);
  });

  it('containers listed on two wagons are refused at their second listing (422 unique-container)', async () => {
    const manifest = trainManifest();
    const [first, second, third] = manifest.wagons;
    const broken = { ...manifest, wagons: [first, { ...second, containers: first?.containers }, third] };
    const answer = await fileManifest(broken, { ifMatch: '"2"' });
    assert.equal(answer.status, 422, answer.text);
    assert.deepEqual(errorsOf(answer), [
      '/wagons/1/containers/0/number unique-container',
      '/wagons/1/containers/1/number unique-container',
    ]);
  });

  it('a broker may neither file nor read a manifest (403), and nothing is written', async () => {
    const other: TrainRef = { trainNumber: 'X8003', trainDate: TRAIN.trainDate };
    assert.equal((await fileManifest(trainManifest(), { of: other, token: tokens.broker })).status, 403);
    assert.equal((await send('GET', trainAt(train), tokens.broker)).status, 403);
    assert.equal(await probe.itemsOfTrain(trainKeyOf(other)), 0);
  });

  it('once the train has arrived, a correction is refused with 409, and the manifest stays at version 2', async () => {
    // The arrival is the lead's to build; here the head is moved on as it will be.
    await env.dynamodb.send(
      new UpdateItemCommand({
        TableName: env.stack.tables.find((table) => table.includes('Declarations')) ?? '',
        Key: {
          PK: { S: TRAIN_KEYS.train(trainKeyOf(train)).PK },
          SK: { S: TRAIN_KEYS.train(trainKeyOf(train)).SK },
        },
        UpdateExpression: 'SET #status = :arrived, #version = #version + :one',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':arrived': { S: 'ARRIVED' }, ':one': { N: '1' } },
      }),
    );
    const late = await fileManifest(trainManifest({ destinationStation: 'Dostyk' }), { ifMatch: '"2"' });
    assert.equal(late.status, 409, late.text);
    assert.deepEqual(errorsOf(late), [' correctable-until-arrival']);
    const repeat = await fileManifest(corrected);
    assert.equal(repeat.status, 200, 'the version on file, sent again, is still answered');
    const current = await send('GET', trainAt(train), tokens.railway);
    assert.deepEqual([bodyOf(current).status, bodyOf(current).manifestVersion], ['ARRIVED', 2]);
  });
});
