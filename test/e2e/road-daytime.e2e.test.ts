import './lambda-concurrency.ts';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { runTrucks } from '../bench/reform-day.ts';
import { startTestStack } from './local-stack-client.ts';

/**
 * Daytime-only freight hours (the port before its 2023 reform, context freightHours DAYTIME, 10:00–18:00 Beijing
 * time): a truck that reaches the gate at 22:00 passes the gate, waits in the yard for the opening, and is cleared
 * then; its release carries the opening as its business time. (Round the clock, the same truck is cleared at once:
 * road-flow.e2e.test.ts.)
 */
const ZONE = 'Asia/Shanghai';
// A day that has passed, so that the next morning's opening and the exit after it are in the past too.
const DAY = localTimeOf(new Date(Date.now() - 3 * 24 * 3_600_000), ZONE).date;
const NEXT_DAY = localTimeOf(new Date(Date.now() - 2 * 24 * 3_600_000), ZONE).date;

describe('daytime freight hours, end to end on the local stack', () => {
  let env: Awaited<ReturnType<typeof startTestStack>>;
  before(async () => {
    env = await startTestStack({ freightHours: 'DAYTIME', daytimeFreightHours: '10:00-18:00' });
  });
  after(async () => env?.stop());

  it('lets a truck at the gate at 22:00 wait for the 10:00 opening, then clears it', async () => {
    const arrivesAt = `${DAY}T22:00:00+08:00`;
    const [truck] = await runTrucks(env, slotCalendarFrom({ freightHours: 'DAYTIME' }), [
      { arrivesAt, channel: 'GREEN' },
    ]);
    assert.ok(truck);
    const opening = new Date(`${NEXT_DAY}T10:00:00+08:00`).toISOString();
    assert.equal(truck.clearanceFrom, opening, 'cleared from the next opening');
    assert.equal(truck.releasedAt, opening, 'released at the opening, in business time');
    assert.deepEqual(truck.states.slice(2, 7), [
      'AwaitGateIn',
      'AfterGate',
      'WaitForOpening',
      'ByChannel',
      'ReleaseDeclaration',
    ]);
    assert.equal(truck.states.at(-1), 'CloseDeclaration');
    assert.ok(truck.states.length <= 10, `a green truck's billed transitions: ${truck.states.length}`);
  });
});
