import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor } from '#domain/actors.ts';
import {
  decideManifestFiling,
  type ManifestFilingDecision,
  manifestDigestOf,
  manifestLinesOf,
  manifestViolations,
  matchAgainstManifest,
  mayCorrectManifest,
  TRAIN_STATUS_NAMES,
  type TrainHead,
  type TrainStatus,
  writeOffIfAccountedFor,
} from '#domain/trains.ts';
import { AFTER_DEPARTURE, MANIFEST, TRAIN, trainManifest, wagonNumber } from '../support/trains.ts';

const RAILWAY: Actor = { kind: 'railway', id: 'railway-dispatcher-1' };

describe('a train manifest’s rules beyond its schema', () => {
  it('finds nothing wrong with the sample manifest', () => {
    assert.deepEqual(manifestViolations(TRAIN, trainManifest(), AFTER_DEPARTURE), []);
  });

  it('names the second listing of a container listed on two wagons', () => {
    const manifest = trainManifest();
    const second = manifest.wagons[1];
    assert.ok(second?.containers);
    second.containers[1] = { number: MANIFEST.laptops[0], waybillNumber: MANIFEST.tyresWaybill };
    assert.deepEqual(manifestViolations(TRAIN, manifest, AFTER_DEPARTURE), [
      {
        pointer: '/wagons/1/containers/1/number',
        rule: 'unique-container',
        detail: `container ${MANIFEST.laptops[0]} is already listed at /wagons/0/containers/0/number`,
      },
    ]);
  });

  it('names the second listing of a wagon listed twice', () => {
    const manifest = trainManifest();
    manifest.wagons.push({ number: MANIFEST.flatWagon });
    assert.deepEqual(
      manifestViolations(TRAIN, manifest, AFTER_DEPARTURE).map(({ pointer, rule }) => [pointer, rule]),
      [['/wagons/3/number', 'unique-wagon']],
    );
  });

  it('names a waybill listed twice among one wagon’s goods without a container', () => {
    const manifest = trainManifest({
      wagons: [{ number: MANIFEST.coveredWagon, waybillNumbers: ['SMGS0001', 'SMGS0002', 'SMGS0001'] }],
    });
    assert.deepEqual(
      manifestViolations(TRAIN, manifest, AFTER_DEPARTURE).map(({ pointer, rule }) => [pointer, rule]),
      [['/wagons/0/waybillNumbers/2', 'unique-waybill']],
    );
  });

  it('accepts a departure written in local time or in UTC, as long as it is on the train’s date somewhere', () => {
    for (const departedAt of ['2026-11-20T00:30:00+08:00', '2026-11-19T16:30:00Z', '2026-11-20T23:59:00-05:00']) {
      const nextWeek = new Date('2026-11-27T00:00:00Z');
      assert.deepEqual(manifestViolations(TRAIN, trainManifest({ departedAt }), nextWeek), [], departedAt);
    }
  });

  it('refuses a departure on another day than the train’s date', () => {
    for (const departedAt of ['2026-11-18T12:00:00Z', '2026-11-21T13:00:00Z']) {
      assert.deepEqual(
        manifestViolations(TRAIN, trainManifest({ departedAt }), new Date('2026-11-22T00:00:00Z')).map((v) => v.rule),
        ['departed-on-train-date'],
        departedAt,
      );
    }
  });

  it('refuses a departure in the future, allowing a clock a few minutes fast', () => {
    const departedAt = '2026-11-20T19:00:00Z';
    const justBefore = new Date('2026-11-20T18:57:00Z');
    const anHourBefore = new Date('2026-11-20T18:00:00Z');
    assert.deepEqual(manifestViolations(TRAIN, trainManifest({ departedAt }), justBefore), []);
    assert.deepEqual(
      manifestViolations(TRAIN, trainManifest({ departedAt }), anHourBefore).map(({ pointer, rule }) => [
        pointer,
        rule,
      ]),
      [['/departedAt', 'departed-in-past']],
    );
  });
});

describe('the manifest by waybill', () => {
  it('lists each waybill with its containers and every wagon carrying it, in manifest order', () => {
    assert.deepEqual(manifestLinesOf(trainManifest()), [
      {
        waybillNumber: MANIFEST.laptopsWaybill,
        containers: MANIFEST.laptops,
        wagons: [MANIFEST.flatWagon, MANIFEST.secondFlatWagon],
        wagonsWithoutContainer: [],
      },
      {
        waybillNumber: MANIFEST.tyresWaybill,
        containers: [MANIFEST.tyres],
        wagons: [MANIFEST.secondFlatWagon],
        wagonsWithoutContainer: [],
      },
      {
        waybillNumber: MANIFEST.looseWaybill,
        containers: [],
        wagons: [MANIFEST.coveredWagon],
        wagonsWithoutContainer: [MANIFEST.coveredWagon],
      },
    ]);
  });
});

describe('matching a rail declaration against its train’s manifest', () => {
  const manifest = trainManifest();
  const laptops = { waybillNumber: MANIFEST.laptopsWaybill, containers: [...MANIFEST.laptops], wagons: [] };

  it('matches a declaration of all the waybill’s containers, in any order, without naming their wagons', () => {
    assert.deepEqual(matchAgainstManifest(manifest, { ...laptops, containers: [...MANIFEST.laptops].reverse() }), {
      kind: 'matched',
    });
  });

  it('matches goods loaded without a container by their waybill and wagon', () => {
    const declared = { waybillNumber: MANIFEST.looseWaybill, containers: [], wagons: [MANIFEST.coveredWagon] };
    assert.deepEqual(matchAgainstManifest(manifest, declared), { kind: 'matched' });
  });

  it('reports a waybill the manifest does not carry, and nothing else', () => {
    assert.deepEqual(matchAgainstManifest(manifest, { ...laptops, waybillNumber: 'SMGS99999999' }), {
      kind: 'mismatch',
      lines: [
        {
          field: '/waybillNumber',
          rule: 'waybill-on-manifest',
          detail: "waybill SMGS99999999 is not on the train's manifest: check the waybill number and the train",
        },
      ],
    });
  });

  it('reports a declared container that the manifest has under another waybill, and the one left out', () => {
    const declared = { ...laptops, containers: [MANIFEST.laptops[0], MANIFEST.laptops[1], MANIFEST.tyres] };
    assert.deepEqual(matchAgainstManifest(manifest, declared), {
      kind: 'mismatch',
      lines: [
        {
          field: '/containers/2',
          rule: 'container-on-manifest',
          detail: `container ${MANIFEST.tyres} is on the manifest under waybill ${MANIFEST.tyresWaybill}, not ${MANIFEST.laptopsWaybill}`,
        },
        {
          field: '/containers',
          rule: 'container-declared',
          detail: `the manifest lists container ${MANIFEST.laptops[2]} (wagon ${MANIFEST.secondFlatWagon}) under waybill ${MANIFEST.laptopsWaybill}; the declaration does not`,
        },
      ],
    });
  });

  it('reports a declared container that is on no wagon of the train', () => {
    const declared = { ...laptops, containers: [...MANIFEST.laptops, 'BICU1234565'] };
    const match = matchAgainstManifest(manifest, declared);
    assert.equal(match.kind, 'mismatch');
    assert.deepEqual(match.kind === 'mismatch' && match.lines, [
      {
        field: '/containers/3',
        rule: 'container-on-manifest',
        detail: "container BICU1234565 is not on the train's manifest",
      },
    ]);
  });

  it('reports declared wagons that carry nothing of the waybill or are not on the train, and a loose load left out', () => {
    const stranger = wagonNumber(6, 999_999);
    const declared = { waybillNumber: MANIFEST.looseWaybill, containers: [], wagons: [MANIFEST.flatWagon, stranger] };
    const match = matchAgainstManifest(manifest, declared);
    assert.deepEqual(match.kind === 'mismatch' && match.lines.map(({ field, rule }) => [field, rule]), [
      ['/wagons/0', 'wagon-on-manifest'],
      ['/wagons/1', 'wagon-on-manifest'],
      ['/wagons', 'wagon-declared'],
    ]);
    assert.match(match.kind === 'mismatch' ? (match.lines[1]?.detail ?? '') : '', new RegExp(`${stranger} is not on`));
  });
});

describe('filing and correcting a manifest', () => {
  const file = (
    current: TrainHead | undefined,
    overrides: { ifMatch?: number; manifest?: ReturnType<typeof trainManifest> } = {},
  ) =>
    decideManifestFiling(current, {
      train: TRAIN,
      manifest: overrides.manifest ?? trainManifest(),
      filedBy: RAILWAY,
      ...(overrides.ifMatch === undefined ? {} : { ifMatch: overrides.ifMatch }),
      now: AFTER_DEPARTURE,
    });
  const stored = (decision: ManifestFilingDecision): TrainHead => {
    assert.equal(decision.kind, 'new-version');
    return (decision as Extract<ManifestFilingDecision, { kind: 'new-version' }>).head;
  };
  const corrected = trainManifest({ destinationStation: 'Altynkol' });

  it('keeps the first manifest of a train as version 1 of a train whose manifest is filed', () => {
    const decision = file(undefined);
    assert.equal(decision.kind, 'new-version');
    assert.ok(decision.kind === 'new-version');
    assert.equal(decision.expectedVersion, 0);
    assert.deepEqual(
      { ...decision.head, facts: undefined },
      {
        trainNumber: 'X8001',
        trainDate: '2026-11-20',
        status: 'MANIFEST_FILED',
        version: 1,
        manifestVersion: 1,
        manifestDigest: manifestDigestOf(trainManifest()),
        departedAt: '2026-11-20T06:15:00+08:00',
        filedAt: AFTER_DEPARTURE.toISOString(),
        updatedAt: AFTER_DEPARTURE.toISOString(),
        facts: undefined,
      },
    );
    assert.deepEqual(decision.manifest, {
      version: 1,
      filedAt: AFTER_DEPARTURE.toISOString(),
      filedBy: RAILWAY,
      digest: manifestDigestOf(trainManifest()),
      manifest: trainManifest(),
    });
  });

  it('keeps a correction as version 2, guarded by the version it read', () => {
    const decision = file(stored(file(undefined)), { manifest: corrected, ifMatch: 1 });
    assert.ok(decision.kind === 'new-version');
    assert.deepEqual([decision.head.manifestVersion, decision.head.version, decision.expectedVersion], [2, 2, 1]);
    assert.equal(decision.manifest.manifest.destinationStation, 'Altynkol');
  });

  it('writes nothing for the same content again, even sent in another key order or with an old If-Match', () => {
    const v2 = stored(file(stored(file(undefined)), { manifest: corrected }));
    const reordered = Object.fromEntries(Object.entries(corrected).reverse()) as typeof corrected;
    assert.deepEqual(file(v2, { manifest: reordered }), { kind: 'unchanged', head: v2 });
    assert.deepEqual(file(v2, { manifest: corrected, ifMatch: 1 }), { kind: 'unchanged', head: v2 });
  });

  it('treats a new wagon order as new content: the order is the train’s make-up', () => {
    const v1 = stored(file(undefined));
    const reordered = trainManifest({ wagons: [...trainManifest().wagons].reverse() });
    assert.equal(file(v1, { manifest: reordered }).kind, 'new-version');
  });

  it('refuses a correction whose If-Match names an older version, and one naming a train not filed yet', () => {
    const v2 = stored(file(stored(file(undefined)), { manifest: corrected }));
    assert.deepEqual(file(v2, { ifMatch: 1 }), { kind: 'stale', currentVersion: 2 });
    assert.deepEqual(file(undefined, { ifMatch: 1 }), { kind: 'stale' });
  });

  it('refuses a correction once the train has arrived, but still answers a repeat of what is on file', () => {
    const arrived: TrainHead = { ...stored(file(undefined)), status: 'ARRIVED' };
    assert.deepEqual(file(arrived, { manifest: corrected }), { kind: 'closed', head: arrived });
    assert.deepEqual(file(arrived), { kind: 'unchanged', head: arrived });
  });

  it('refuses a manifest breaking a rule before looking at the train', () => {
    const manifest = trainManifest({ wagons: [{ number: MANIFEST.flatWagon }, { number: MANIFEST.flatWagon }] });
    assert.equal(file(undefined, { manifest }).kind, 'refused');
  });

  it('lets the railway correct the manifest only until the train arrives', () => {
    const correctable = Object.fromEntries(TRAIN_STATUS_NAMES.map((status) => [status, mayCorrectManifest(status)]));
    assert.deepEqual(correctable, {
      MANIFEST_FILED: true,
      ARRIVED: false,
      TRANSSHIPMENT_STARTED: false,
      TRANSSHIPMENT_COMPLETED: false,
      WRITTEN_OFF: false,
    } satisfies Record<TrainStatus, boolean>);
  });
});

describe('writing off a train’s manifest (R7)', () => {
  const at = new Date('2026-11-21T12:00:00Z');
  const lines = manifestLinesOf(trainManifest()).map((line) => line.waybillNumber);
  const head: TrainHead = {
    ...TRAIN,
    status: 'TRANSSHIPMENT_COMPLETED',
    version: 4,
    manifestVersion: 1,
    manifestDigest: 'd',
    departedAt: '2026-11-20T06:15:00+08:00',
    filedAt: '2026-11-20T07:00:00Z',
    updatedAt: '2026-11-21T10:00:00Z',
    facts: {},
  };

  it('writes the manifest off once every waybill on it is accounted for, and not before', () => {
    assert.equal(writeOffIfAccountedFor(head, trainManifest(), new Set(lines.slice(1)), at), undefined);
    const written = writeOffIfAccountedFor(head, trainManifest(), new Set(lines), at);
    assert.equal(written?.status, 'WRITTEN_OFF');
    assert.equal(written?.version, 5);
  });

  it('does nothing to a train already written off', () => {
    assert.equal(
      writeOffIfAccountedFor({ ...head, status: 'WRITTEN_OFF' }, trainManifest(), new Set(lines), at),
      undefined,
    );
  });
});
