import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { reportPortEvent } from '#application/report-port-event.ts';
import { assessRisk, awaitMilestone, flagSlaBreach, recordTransition } from '#application/workflow-steps.ts';
import { DeclarationNotFoundError, UnknownTransitionError } from '#domain/errors.ts';
import { noticeOf } from '#domain/port-events.ts';
import { consigneeKeyOf } from '#domain/risk.ts';
import { NO_RANDOM_SELECTION } from '#domain/risk-reference-data.ts';
import {
  goodsLine,
  railImportDeclaration,
  roadExportDeclaration,
  roadImportDeclaration,
} from '../support/declarations.ts';
import { callerAs, fakePorts } from '../support/fake-ports.ts';
import { filed, taskTokenOf, trainArrived, truckGatedIn, waitingForItsMilestone } from './scenarios.ts';

const railway = callerAs('railway', { userId: 'dispatcher-2' });

/** After arrival: the gauge change done, an inspection (where the channel asks for one) passed, then release. */
async function releasedAfterArrival(ports: ReturnType<typeof fakePorts>, declarationId: string) {
  await recordTransition(ports, { declarationId, transition: 'COMPLETE_TRANSSHIPMENT' });
  const record = await ports.declarations.load(declarationId);
  if (record?.tracks?.inspection === 'PENDING') {
    await recordTransition(ports, { declarationId, transitions: ['OPEN_DOCUMENT_REVIEW', 'PASS_INSPECTION'] });
  }
  await recordTransition(ports, { declarationId, transitions: ['SECURE_DUTIES', 'RELEASE'] });
}
const gateClerk = callerAs('port-operator', { userId: 'gate-clerk-5' });

/** A truck through the gate; the steps after it run at 2025-03-03 09:00 UTC. */
async function gatedInTruck() {
  const ports = fakePorts({ clock: () => new Date('2025-03-03T09:00:00Z') });
  const id = await waitingForItsMilestone(
    ports,
    roadExportDeclaration({ truck: { plate: '777ABD02', country: 'KZ' } }),
    'k1',
  );
  await reportPortEvent(ports, { event: truckGatedIn('777ABD02'), caller: gateClerk });
  return { ports, id };
}

/** A green rail import whose train the railway reported arrived. */
async function arrivedOnItsTrain(ports: ReturnType<typeof fakePorts>): Promise<string> {
  const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
  await recordTransition(ports, {
    declarationId: id,
    transition: 'RECORD_ARRIVAL',
    milestone: noticeOf(trainArrived(['SMGS-24117790']), railway.actor),
  });
  return id;
}

describe('the workflow assesses the risk', () => {
  it('sends a train load with arms to the red channel, keeping the channel as a fact and every reason in the history', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration({ goods: [goodsLine('85171300'), goodsLine('93020000')] }));

    const assessment = await assessRisk(ports, id);

    assert.equal(assessment.channel, 'RED');
    const record = await ports.declarations.load(id);
    assert.equal(record?.status, 'RISK_ASSESSED');
    assert.deepEqual(record?.facts, { riskChannel: 'RED' }, 'the confidential rule stays out of what a broker lists');
    const entry = ports.declarationStore.history(id).at(-1);
    assert.deepEqual(entry?.actor, { kind: 'system', id: 'risk-engine' });
    assert.equal(entry?.reason, 'red channel: high-risk HS chapter: arms and ammunition (line 2)');
    assert.deepEqual(entry?.details, assessment);
    assert.deepEqual(
      assessment.fired.map((rule) => rule.rule),
      ['HIGH_RISK_CHAPTER', 'LICENCE_MISSING'],
    );
  });

  it('tells the broker, in its event, only that the goods will be inspected', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration({ goods: [goodsLine('93020000')] }));

    await assessRisk(ports, id);

    const event = ports.declarationStore.events().at(-1);
    assert.equal(event?.reason, 'red channel: selected for inspection');
    assert.doesNotMatch(JSON.stringify(event), /HIGH_RISK_CHAPTER/);
    assert.match(JSON.stringify(event), /LICENCE_MISSING/, 'a missing licence is the broker’s to fix');
  });

  it('sends a truck of fresh apples without their certificate to yellow, and a car carrier to green', async () => {
    const ports = fakePorts();
    const apples = await filed(
      ports,
      roadImportDeclaration({ containers: undefined, goods: [goodsLine('08081000')] }),
      'k1',
    );
    const cars = await filed(ports, roadExportDeclaration(), 'k2');

    assert.equal((await assessRisk(ports, apples.id)).rule, 'QUARANTINE_CERTIFICATE_MISSING');
    assert.equal((await assessRisk(ports, cars.id)).rule, 'DEFAULT_GREEN');
    assert.deepEqual((await ports.declarations.load(apples.id))?.facts, { riskChannel: 'YELLOW', riskPriority: true });
    assert.equal((await ports.declarations.load(cars.id))?.facts.riskChannel, 'GREEN');
  });

  it('sends a consignee who has never cleared goods here to yellow, and lets it through once it has', async () => {
    const ports = fakePorts({ clearedConsignees: [] });
    const first = await filed(ports, railImportDeclaration(), 'k1');
    assert.equal((await assessRisk(ports, first.id)).rule, 'FIRST_TIME_CONSIGNEE');

    const earlier = await waitingForItsMilestone(ports, railImportDeclaration({ waybillNumber: 'SMGS-1' }), 'k2');
    await recordTransition(ports, {
      declarationId: earlier,
      transition: 'RECORD_ARRIVAL',
      milestone: noticeOf(trainArrived(['SMGS-1']), railway.actor),
    });
    await releasedAfterArrival(ports, earlier);

    const next = await filed(ports, railImportDeclaration({ waybillNumber: 'SMGS-2' }), 'k3');
    assert.equal((await assessRisk(ports, next.id)).channel, 'GREEN');
  });

  it('selects at random as configured for the lane, the same way on a retry', async () => {
    const ports = fakePorts({
      randomSelection: { rates: { ...NO_RANDOM_SELECTION, RAIL_IMPORT: { YELLOW: 0, RED: 1 } }, seed: 's' },
    });
    const { id } = await filed(ports, railImportDeclaration());

    assert.equal((await assessRisk(ports, id)).rule, 'RANDOM_SELECTION');
    assert.equal((await assessRisk(ports, id)).rule, 'RANDOM_SELECTION');
    assert.equal((await ports.declarations.load(id))?.facts.riskChannel, 'RED');
  });

  it('writes nothing more when the step is retried after it succeeded', async () => {
    const ports = fakePorts();
    const { id } = await filed(ports, railImportDeclaration());
    const first = await assessRisk(ports, id);
    const before = ports.declarationStore.snapshot();

    assert.deepEqual(await assessRisk(ports, id), first);
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('fails for a declaration that does not exist', async () => {
    await assert.rejects(assessRisk(fakePorts(), 'DCL-0123456789ABCDEF01234567'), DeclarationNotFoundError);
  });
});

describe('the workflow waits for the train or the truck', () => {
  it('parks a rail import as AWAITING_ARRIVAL, waiting for its train under its waybill', async () => {
    const ports = fakePorts();

    const id = await waitingForItsMilestone(ports, railImportDeclaration({ waybillNumber: 'SMGS-555001' }), 'k1');

    assert.equal((await ports.declarations.load(id))?.status, 'AWAITING_ARRIVAL');
    assert.deepEqual(ports.declarationStore.history(id).at(-1)?.details, {
      milestone: 'TRAIN_ARRIVED',
      key: 'SMGS-555001',
    });
    assert.deepEqual(
      ports.milestoneStore
        .waitsOn('TRAIN_ARRIVED', 'SMGS-555001')
        .map(({ declarationId, taskToken }) => ({ declarationId, taskToken })),
      [{ declarationId: id, taskToken: taskTokenOf(id) }],
    );
    assert.deepEqual(ports.taskCallbacks.resumed, []);
  });

  it('parks a road declaration waiting for its truck at the gate, under the plate', async () => {
    const ports = fakePorts();

    const id = await waitingForItsMilestone(
      ports,
      roadExportDeclaration({ truck: { plate: '123ABC02', country: 'KZ' } }),
      'k1',
    );

    assert.equal(ports.milestoneStore.waitsOn('TRUCK_GATED_IN', '123ABC02')[0]?.declarationId, id);
    assert.deepEqual(ports.milestoneStore.waitsOn('TRAIN_ARRIVED', '123ABC02'), []);
  });

  it('keeps only the newest task token when a retried wait registers again', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    const before = ports.declarationStore.history(id);

    await awaitMilestone(ports, { declarationId: id, taskToken: 'token-of-the-retry' });

    assert.deepEqual(
      ports.milestoneStore.waitsOn('TRAIN_ARRIVED', 'SMGS-24117790').map(({ taskToken }) => taskToken),
      ['token-of-the-retry'],
    );
    assert.deepEqual(ports.declarationStore.history(id), before, 'the status was already AWAITING_ARRIVAL');
  });

  it('does not take the gate-in of a truck’s earlier trip for the arrival of its next declaration', async () => {
    const ports = fakePorts();
    const plate = { truck: { plate: '777ABD02', country: 'KZ' } };
    const earlierTrip = await waitingForItsMilestone(ports, roadImportDeclaration(plate), 'trip-1');
    await reportPortEvent(ports, { event: truckGatedIn('777ABD02', 'gate-trip-1'), caller: gateClerk });
    assert.deepEqual(
      ports.taskCallbacks.resumed.map(({ taskToken }) => taskToken),
      [taskTokenOf(earlierTrip)],
    );

    // A week later the same truck is declared for its next trip.
    await waitingForItsMilestone(ports, roadImportDeclaration(plate), 'trip-2');

    assert.deepEqual(
      ports.taskCallbacks.resumed.map(({ taskToken }) => taskToken),
      [taskTokenOf(earlierTrip)],
      'the next trip waits for its own gate-in',
    );
  });
});

describe('the workflow records the later stages', () => {
  it('records the train’s arrival as the railway reported it: its dispatcher, its time, its train', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    const notice = noticeOf(trainArrived(['SMGS-24117790']), railway.actor);

    const result = await recordTransition(ports, {
      declarationId: id,
      transition: 'RECORD_ARRIVAL',
      milestone: notice,
    });

    assert.deepEqual(result, { status: 'ARRIVED', applied: true });
    const entry = ports.declarationStore.history(id).at(-1);
    assert.deepEqual(entry?.actor, { kind: 'railway', id: 'dispatcher-2' });
    assert.equal(entry?.occurredAt, '2025-03-01T11:42:00+06:00');
    assert.notEqual(entry?.recordedAt, entry?.occurredAt);
    assert.deepEqual(entry?.details, { trainNumber: 'X8001', trainDate: '2025-02-27', portEventId: 'evt-X8001-0301' });
    assert.deepEqual((await ports.declarations.load(id))?.facts.arrival, notice);
  });

  it('releases a green-channel declaration once the gauge change is done and duties are secured', async () => {
    const ports = fakePorts();
    const id = await arrivedOnItsTrain(ports);
    await assert.rejects(
      recordTransition(ports, { declarationId: id, transition: 'SECURE_DUTIES' }),
      /transshipment and inspection are not both done/,
    );
    await recordTransition(ports, { declarationId: id, transition: 'COMPLETE_TRANSSHIPMENT' });

    const released = await recordTransition(ports, { declarationId: id, transitions: ['SECURE_DUTIES', 'RELEASE'] });

    assert.deepEqual(released, { status: 'RELEASED', applied: true });
    assert.deepEqual(
      ports.declarationStore
        .history(id)
        .map((entry) => [entry.version, entry.status, entry.trackState ?? '', entry.actor.kind]),
      [
        [1, 'RECEIVED', '', 'broker'],
        [2, 'RISK_ASSESSED', '', 'system'],
        [3, 'AWAITING_ARRIVAL', '', 'system'],
        [4, 'ARRIVED', '', 'railway'],
        [5, 'ARRIVED', 'COMPLETED', 'system'],
        [6, 'DUTIES_SECURED', '', 'system'],
        [7, 'RELEASED', '', 'system'],
      ],
    );
    assert.equal(ports.declarationStore.events().length, 7);
    assert.deepEqual(
      ports.traderHistoryStore.clearancesOf(consigneeKeyOf(railImportDeclaration().consignee)),
      ['DCL-EARLIER', id],
      'the consignee’s record at the port now holds this clearance',
    );
  });

  it('records a clearance for a release only, and once however often the step is retried', async () => {
    const ports = fakePorts({ clearedConsignees: [] });
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    const consignee = consigneeKeyOf(railImportDeclaration().consignee);
    await recordTransition(ports, {
      declarationId: id,
      transition: 'RECORD_ARRIVAL',
      milestone: noticeOf(trainArrived(['SMGS-24117790']), railway.actor),
    });
    assert.deepEqual(ports.traderHistoryStore.clearancesOf(consignee), [], 'an arrival is not a clearance');

    await releasedAfterArrival(ports, id);
    await recordTransition(ports, { declarationId: id, transitions: ['SECURE_DUTIES', 'RELEASE'] });

    assert.deepEqual(ports.traderHistoryStore.clearancesOf(consignee), [id]);
  });

  it('sends a declaration whose goods never came to an officer, with the reason the workflow gives', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');

    const result = await recordTransition(ports, {
      declarationId: id,
      transition: 'ESCALATE_TO_MANUAL_REVIEW',
      reason: 'the train did not arrive within 72 hours',
      details: { cause: 'ARRIVAL_TIMEOUT' },
    });

    assert.deepEqual(result, { status: 'MANUAL_REVIEW', applied: true });
    const entry = ports.declarationStore.history(id).at(-1);
    assert.equal(entry?.reason, 'the train did not arrive within 72 hours');
    assert.deepEqual(entry?.details, { cause: 'ARRIVAL_TIMEOUT' });
    assert.deepEqual(entry?.actor, { kind: 'system', id: 'workflow' });
  });

  it('writes nothing when a retried step finds the stage already recorded', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    await recordTransition(ports, { declarationId: id, transition: 'ESCALATE_TO_MANUAL_REVIEW' });
    const before = ports.declarationStore.snapshot();

    const retry = await recordTransition(ports, { declarationId: id, transition: 'ESCALATE_TO_MANUAL_REVIEW' });

    assert.deepEqual(retry, { status: 'MANUAL_REVIEW', applied: false });
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('fails loudly on a transition name the lifecycle does not know, writing nothing', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');
    const before = ports.declarationStore.snapshot();

    await assert.rejects(recordTransition(ports, { declarationId: id, transition: 'VALIDATE' }), (error: unknown) => {
      assert.ok(error instanceof UnknownTransitionError);
      assert.equal(error.name, 'UnknownTransition');
      return true;
    });
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('releases a truck cleared from the opening of the freight hours at that business time, whenever the step runs', async () => {
    const { ports, id } = await gatedInTruck();
    const opening = '2025-03-02T02:00:00.000Z';

    await recordTransition(ports, {
      declarationId: id,
      transitions: ['SECURE_DUTIES', 'RELEASE'],
      occurredAt: opening,
    });

    const [secured, released] = ports.declarationStore.history(id).slice(-2);
    assert.deepEqual(
      [secured?.status, secured?.occurredAt, released?.status, released?.occurredAt],
      ['DUTIES_SECURED', opening, 'RELEASED', opening],
    );
    assert.equal(released?.recordedAt, '2025-03-03T09:00:00.000Z', 'recorded when the step ran');
  });

  it('releases goods at the latest business time of what cleared them (the gauge change, the officer’s decision)', async () => {
    const { ports, id } = await gatedInTruck();
    const transshipped = '2025-03-02T04:00:00.000Z';
    const decided = '2025-03-02T05:30:00.000Z';

    await recordTransition(ports, {
      declarationId: id,
      transitions: ['SECURE_DUTIES', 'RELEASE'],
      clearedBy: { transshipment: { notice: { occurredAt: transshipped } }, inspection: { occurredAt: decided } },
    });

    assert.equal(ports.declarationStore.history(id).at(-1)?.occurredAt, decided);
  });

  it('fails loudly, writing nothing, when what cleared the goods carries no business time', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, roadExportDeclaration(), 'k1');
    const before = ports.declarationStore.snapshot();
    await assert.rejects(
      recordTransition(ports, { declarationId: id, transition: 'SECURE_DUTIES', clearedBy: { transshipment: {} } }),
      { name: 'UnknownTransition' },
    );
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('fails loudly, writing nothing, on a business time that is not a date-time', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, roadExportDeclaration(), 'k1');
    const before = ports.declarationStore.snapshot();
    await assert.rejects(
      recordTransition(ports, { declarationId: id, transition: 'SECURE_DUTIES', occurredAt: '22:00' }),
      { name: 'UnknownTransition' },
    );
    assert.deepEqual(ports.declarationStore.snapshot(), before);
  });

  it('refuses, by name, to release a declaration whose goods have not arrived', async () => {
    const ports = fakePorts();
    const id = await waitingForItsMilestone(ports, railImportDeclaration(), 'k1');

    await assert.rejects(recordTransition(ports, { declarationId: id, transition: 'RELEASE' }), {
      name: 'TransitionNotAllowed',
    });
  });
});

describe('a clearance deadline passes while the workflow waits', () => {
  it('flags the breach once, in history and on the declaration, without changing its status', async () => {
    const ports = fakePorts();
    const id = await arrivedOnItsTrain(ports);

    assert.deepEqual(await flagSlaBreach(ports, { declarationId: id, sla: 'TRANSSHIPMENT' }), { flagged: true });
    assert.deepEqual(await flagSlaBreach(ports, { declarationId: id, sla: 'TRANSSHIPMENT' }), { flagged: false });

    const last = ports.declarationStore.history(id).at(-1);
    assert.equal(last?.transition, 'FLAG_SLA_BREACH');
    assert.equal(last?.status, 'ARRIVED');
    assert.equal(last?.actor.id, 'sla-clock');
    const record = await ports.declarations.load(id);
    assert.ok(Object.hasOwn(record?.facts.slaBreaches ?? {}, 'TRANSSHIPMENT'));
    assert.equal(ports.declarationStore.events().at(-1)?.transition, 'FLAG_SLA_BREACH', 'the broker is notified');
  });

  it('flags it once when the gauge change’s late report and the wait’s timer find it at the same moment', async () => {
    const ports = fakePorts();
    const id = await arrivedOnItsTrain(ports);

    const outcomes = await Promise.all([
      flagSlaBreach(ports, { declarationId: id, sla: 'TRANSSHIPMENT' }),
      flagSlaBreach(ports, { declarationId: id, sla: 'TRANSSHIPMENT' }),
    ]);

    assert.deepEqual(outcomes.map((outcome) => outcome.flagged).sort(), [false, true]);
    const flags = ports.declarationStore.history(id).filter((entry) => entry.transition === 'FLAG_SLA_BREACH');
    assert.equal(flags.length, 1);
  });

  it('refuses an SLA the domain does not know, as a bug in the state machine', async () => {
    const ports = fakePorts();
    await assert.rejects(flagSlaBreach(ports, { declarationId: 'DCL-1', sla: 'LUNCH' }), UnknownTransitionError);
  });
});
