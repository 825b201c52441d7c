import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { advanceDeclaration } from '#application/advance-declaration.ts';
import { fanOutTrainEvent } from '#application/train-events.ts';
import { systemActor } from '#domain/actors.ts';
import type { MilestoneNotice } from '#domain/port-events.ts';
import type { SlaClock } from '#domain/sla.ts';
import { railImportDeclaration } from '../support/declarations.ts';
import { type FakePorts, fakePorts } from '../support/fake-ports.ts';
import { filed } from './scenarios.ts';

const TRAIN = 'X8001@2025-02-27';
const railway = { kind: 'railway', id: 'dispatcher-2' } as const;

function arrival(portEventId: string, occurredAt: string, supersedes?: MilestoneNotice): MilestoneNotice {
  return {
    milestone: 'TRAIN_ARRIVED',
    portEventId,
    occurredAt,
    reportedBy: railway,
    facts: { train: TRAIN },
    ...(supersedes === undefined
      ? {}
      : { supersedes: { portEventId: supersedes.portEventId, occurredAt: supersedes.occurredAt } }),
  } as MilestoneNotice;
}

/** A green rail declaration whose workflow waits for its train. */
async function awaitingItsTrain(ports: FakePorts, key: string): Promise<string> {
  const { id } = await filed(ports, railImportDeclaration(), key);
  await advanceDeclaration(
    ports,
    id,
    { transition: 'ASSIGN_RISK_CHANNEL', actor: systemActor('workflow') },
    { riskChannel: 'GREEN' },
  );
  await advanceDeclaration(ports, id, { transition: 'AWAIT_ARRIVAL', actor: systemActor('workflow') });
  await ports.milestones.registerWait(
    'TRAIN_ARRIVED',
    TRAIN,
    { declarationId: id, taskToken: `token-${id}` },
    new Date(),
  );
  return id;
}

describe('a corrected arrival report', () => {
  const first = arrival('arr-1', '2025-03-01T11:42:00+06:00');
  const corrected = arrival('arr-2', '2025-03-01T10:05:00+06:00', first);

  it('re-stamps every declaration the first report moved on: arrival, SLA clocks, and a history entry naming what it supersedes', async () => {
    const ports = fakePorts();
    const ids = [await awaitingItsTrain(ports, 'k1'), await awaitingItsTrain(ports, 'k2')];
    await fanOutTrainEvent(ports, TRAIN, first);

    const { moved } = await fanOutTrainEvent(ports, TRAIN, corrected);

    assert.deepEqual(moved.sort(), [...ids].sort());
    for (const id of ids) {
      const record = await ports.declarations.load(id);
      assert.ok(record !== undefined);
      assert.equal(record.status, 'ARRIVED', 'the status does not change');
      assert.equal((record.facts.arrival as MilestoneNotice).portEventId, 'arr-2');
      const release = (record.facts.sla as Record<string, SlaClock>).RELEASE;
      assert.equal(release?.startedAt, '2025-03-01T04:05:00.000Z', 'the 16 h clock runs from the corrected time');
      const history = await ports.declarations.loadHistory(id);
      const entry = history.at(-1);
      assert.equal(entry?.transition, 'CORRECT_ARRIVAL');
      assert.equal(entry?.occurredAt, '2025-03-01T10:05:00+06:00');
      assert.deepEqual(entry?.actor, railway);
      assert.deepEqual(entry?.details?.supersedes, { portEventId: 'arr-1', occurredAt: '2025-03-01T11:42:00+06:00' });
    }
    assert.equal(ports.taskCallbacks.resumed.length, 2, 'only the first report resumed the workflows');
  });

  it('changes nothing when the correction is followed again (a replayed stream record)', async () => {
    const ports = fakePorts();
    const id = await awaitingItsTrain(ports, 'k1');
    await fanOutTrainEvent(ports, TRAIN, first);
    await fanOutTrainEvent(ports, TRAIN, corrected);
    const before = (await ports.declarations.loadHistory(id)).length;

    const { moved } = await fanOutTrainEvent(ports, TRAIN, corrected);

    assert.deepEqual(moved, []);
    assert.equal((await ports.declarations.loadHistory(id)).length, before);
  });

  it('leaves a declaration cancelled in between as it is', async () => {
    const ports = fakePorts();
    const id = await awaitingItsTrain(ports, 'k1');
    await fanOutTrainEvent(ports, TRAIN, first);
    await advanceDeclaration(ports, id, { transition: 'REJECT', actor: systemActor('workflow') });

    const { moved } = await fanOutTrainEvent(ports, TRAIN, corrected);

    assert.deepEqual(moved, []);
    assert.equal((await ports.declarations.load(id))?.status, 'REJECTED');
  });
});
