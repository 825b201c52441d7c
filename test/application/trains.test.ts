import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileManifest, readTrain } from '#application/trains.ts';
import { decideManifestFiling } from '#domain/trains.ts';
import { callerAs, inMemoryTrainStore } from '../support/fake-ports.ts';
import { AFTER_DEPARTURE, MANIFEST, TRAIN, trainManifest } from '../support/trains.ts';

const railway = callerAs('railway', { userId: 'railway-dispatcher-1' });

function trainPorts() {
  const trains = inMemoryTrainStore();
  return { trains, clock: () => AFTER_DEPARTURE };
}

describe('the railway files and corrects a train’s manifest', () => {
  const corrected = trainManifest({ destinationStation: 'Altynkol' });

  it('files the first manifest as version 1, and a correction as version 2, keeping both', async () => {
    const ports = trainPorts();
    const first = await fileManifest(ports, { train: TRAIN, manifest: trainManifest(), caller: railway });
    assert.equal(first.kind, 'created');
    const second = await fileManifest(ports, { train: TRAIN, manifest: corrected, caller: railway, ifMatch: 1 });
    assert.equal(second.kind, 'corrected');
    assert.deepEqual(ports.trains.versionsOf(TRAIN), [1, 2]);
    const current = await readTrain(ports, { train: TRAIN });
    assert.equal(current?.manifest.manifest.destinationStation, 'Altynkol');
    assert.deepEqual(current?.manifest.filedBy, { kind: 'railway', id: 'railway-dispatcher-1' });
    const earlier = await readTrain(ports, { train: TRAIN, manifestVersion: 1 });
    assert.equal(earlier?.manifest.manifest.destinationStation, 'Almaty-1');
    assert.equal(earlier?.head.manifestVersion, 2, 'the head is the train’s, whatever version is read');
  });

  it('answers a repeated filing with the version on file and writes nothing', async () => {
    const ports = trainPorts();
    await fileManifest(ports, { train: TRAIN, manifest: trainManifest(), caller: railway });
    const again = await fileManifest(ports, { train: TRAIN, manifest: trainManifest(), caller: railway });
    assert.equal(again.kind, 'unchanged');
    assert.ok(again.kind === 'unchanged');
    assert.equal(again.manifest.version, 1);
    assert.deepEqual(ports.trains.versionsOf(TRAIN), [1]);
  });

  it('refuses a correction after the train has arrived, and keeps the manifest as it was', async () => {
    const ports = trainPorts();
    await fileManifest(ports, { train: TRAIN, manifest: trainManifest(), caller: railway });
    ports.trains.setStatus(TRAIN, 'ARRIVED');
    const late = await fileManifest(ports, { train: TRAIN, manifest: corrected, caller: railway });
    assert.equal(late.kind, 'closed');
    assert.deepEqual(ports.trains.versionsOf(TRAIN), [1]);
  });

  it('refuses a duplicate container with its pointer, and writes nothing', async () => {
    const manifest = trainManifest({
      wagons: [
        { number: MANIFEST.flatWagon, containers: [{ number: MANIFEST.tyres, waybillNumber: MANIFEST.tyresWaybill }] },
        {
          number: MANIFEST.secondFlatWagon,
          containers: [{ number: MANIFEST.tyres, waybillNumber: MANIFEST.tyresWaybill }],
        },
      ],
    });
    const ports = trainPorts();
    const outcome = await fileManifest(ports, { train: TRAIN, manifest, caller: railway });
    assert.deepEqual(outcome.kind === 'refused' && outcome.violations.map(({ pointer, rule }) => [pointer, rule]), [
      ['/wagons/1/containers/0/number', 'unique-container'],
    ]);
    assert.equal(await ports.trains.loadHead(TRAIN), undefined);
  });

  it('tells the slower of two clerks correcting at once that its version is stale', async () => {
    const ports = trainPorts();
    await fileManifest(ports, { train: TRAIN, manifest: trainManifest(), caller: railway });
    const competing = decideManifestFiling(await ports.trains.loadHead(TRAIN), {
      train: TRAIN,
      manifest: trainManifest({ originStation: 'Chongqing' }),
      filedBy: { kind: 'railway', id: 'railway-dispatcher-2' },
      now: AFTER_DEPARTURE,
    });
    assert.ok(competing.kind === 'new-version');
    ports.trains.interfereBeforeNextSave(competing);
    const slower = await fileManifest(ports, { train: TRAIN, manifest: corrected, caller: railway, ifMatch: 1 });
    assert.deepEqual(slower, { kind: 'stale', currentVersion: 2 });
    assert.deepEqual(ports.trains.versionsOf(TRAIN), [1, 2]);
  });

  it('reads nothing for an unknown train or a version not filed yet', async () => {
    const ports = trainPorts();
    assert.equal(await readTrain(ports, { train: TRAIN }), undefined);
    await fileManifest(ports, { train: TRAIN, manifest: trainManifest(), caller: railway });
    assert.equal(await readTrain(ports, { train: TRAIN, manifestVersion: 2 }), undefined);
    assert.equal(await readTrain(ports, { train: { ...TRAIN, trainDate: '2026-11-21' } }), undefined);
  });
});
