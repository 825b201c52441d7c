import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LocalStack } from '#local/local-stack.ts';
import { localTokens, runTwin, startTwinStack } from '#twin/run.ts';
import type { DeclarationRecord, TwinRunRecord } from '#twin/run-record.ts';
import { scenarioFrom } from '#twin/scenario.ts';
import { planDay } from '#twin/simulation.ts';

/**
 * A small day at the port, driven twice through one local stack: 3 trains of two declarations and 20 trucks, with
 * enough yellow and red to send officers, the scanner and the gate's exits to work.
 */
const scenario = scenarioFrom({
  name: 'small-day',
  seed: 11,
  rail: { trainsPerDay: 3, containersPerTrain: 4, containersPerDeclaration: 2 },
  road: { trucksPerDay: 20 },
  channels: { GREEN: 0.6, YELLOW: 0.3, RED: 0.1 },
});
const plan = planDay(scenario);
const plannedChannel = new Map(
  [...plan.railDeclarations, ...plan.trucks].map((declaration) => [declaration.key, declaration.channel]),
);

/**
 * What a run of the seed decided: each declaration's end status and channel, its history's transitions, and the
 * business times in it (entries stamped before the run began: the day is in the past, so whatever the stack
 * stamped with its own clock during the run is later).
 */
function outcomes(record: TwinRunRecord) {
  const runStarted = Date.parse(record.wall.startedAt);
  return Object.fromEntries(
    record.declarations.map((declaration: DeclarationRecord) => [
      declaration.key,
      {
        status: declaration.status,
        channel: declaration.channel,
        transitions: declaration.history.map((entry) => entry.transition).sort(),
        businessTimes: declaration.history
          .filter((entry) => Date.parse(entry.occurredAt) < runStarted)
          .map((entry) => `${entry.transition}@${new Date(entry.occurredAt).toISOString()}`)
          .sort(),
      },
    ]),
  );
}

describe('the digital twin on a small day', { timeout: 240_000 }, () => {
  let stack: LocalStack;
  const runs: TwinRunRecord[] = [];
  before(async () => {
    stack = await startTwinStack(scenario);
    const target = { apiUrl: stack.apiUrl, tokens: await localTokens(scenario.brokers) };
    runs.push(await runTwin({ scenario, target }));
    runs.push(await runTwin({ scenario, target }));
  });
  after(async () => stack?.stop());

  it('drives every declaration to its end: trains’ loads released, trucks through the border and closed', () => {
    const [first] = runs as [TwinRunRecord];
    assert.equal(first.declarations.length, plan.railDeclarations.length + plan.trucks.length);
    for (const declaration of first.declarations) {
      assert.equal(declaration.status, declaration.flow === 'RAIL' ? 'RELEASED' : 'CLOSED', declaration.key);
    }
  });

  it('gets the channels the plan asked for, from the goods each declaration carries', () => {
    const [first] = runs as [TwinRunRecord];
    for (const declaration of first.declarations) {
      assert.equal(declaration.channel, plannedChannel.get(declaration.key as string), declaration.key);
    }
    assert.ok(first.declarations.some((declaration) => declaration.channel === 'YELLOW'));
    assert.ok(first.declarations.some((declaration) => declaration.channel === 'RED'));
  });

  it('records the business times of the day: a truck’s gate-in at its planned time', () => {
    const [first] = runs as [TwinRunRecord];
    const truck = plan.trucks[0];
    const record = first.declarations.find((declaration) => declaration.key === truck?.key);
    const gateIn = record?.history.find((entry) => entry.transition === 'GATE_IN');
    assert.equal(Date.parse(String(gateIn?.occurredAt)), truck?.gateInAt);
  });

  it('gives the same outcomes for the same seed: statuses, channels and the histories’ business times', () => {
    const [first, second] = runs as [TwinRunRecord, TwinRunRecord];
    assert.notEqual(first.declarations[0]?.id, second.declarations[0]?.id, 'two runs, two sets of declarations');
    assert.deepEqual(outcomes(second), outcomes(first));
  });
});
