import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultDay, loadScenario, officersByHour, ScenarioError, scenarioFrom } from '#twin/scenario.ts';

const scenarioFile = (content: string) => {
  const path = join(mkdtempSync(join(tmpdir(), 'twin-scenario-')), 'my-port.json');
  writeFileSync(path, content);
  return path;
};

describe('a scenario file', () => {
  it('takes the peak day of DOMAIN.md for every field it leaves out', () => {
    const scenario = scenarioFrom({ name: 'peak-day' }, { now: new Date('2026-11-22T04:00:00Z') });
    assert.equal(scenario.rail.trainsPerDay, 27);
    assert.equal(scenario.rail.containersPerTrain, 55);
    assert.equal(scenario.road.trucksPerDay, 1300);
    assert.deepEqual(scenario.channels, { GREEN: 0.785, YELLOW: 0.201, RED: 0.014 });
    assert.equal(scenario.slots.freightHours, 'ROUND_THE_CLOCK');
    assert.equal(scenario.day, '2026-11-19', 'three days ago on the port clock');
  });

  it('changes only what it gives: the daytime scenario keeps the peak day’s trains and trucks', () => {
    const daytime = loadScenario('twin/scenarios/daytime-hours.json');
    const peak = loadScenario('twin/scenarios/peak-day.json');
    assert.equal(daytime.slots.freightHours, 'DAYTIME');
    assert.deepEqual({ ...daytime.road, ...daytime.rail }, { ...peak.road, ...peak.rail });
    assert.equal(loadScenario('twin/scenarios/two-cranes.json').resources.cranes.count, 2);
  });

  it('is named after its file unless it names itself', () => {
    assert.equal(loadScenario(scenarioFile('{}')).name, 'my-port');
  });

  it('that breaks a rule is refused, naming the field', () => {
    const refusal = (input: unknown) => {
      try {
        scenarioFrom(input);
      } catch (error) {
        assert.ok(error instanceof ScenarioError);
        return error.field;
      }
      assert.fail('the scenario was accepted');
    };
    assert.equal(refusal({ resources: { cranes: { count: 0 } } }), '/resources/cranes/count');
    assert.equal(refusal({ rail: { trainsPerDya: 3 } }), '/rail/trainsPerDya');
    assert.equal(refusal({ channels: { GREEN: 0.5 } }), '/channels');
    assert.equal(refusal({ road: { hourlyArrivals: [1, 2, 3] } }), '/road/hourlyArrivals');
    assert.equal(refusal({ slots: { freightHours: 'NIGHT' } }), '/slots/freightHours');
    assert.equal(
      refusal({ resources: { officers: { shifts: [{ from: '25:00', officers: 3 }] } } }),
      '/resources/officers/shifts/0/from',
    );
    assert.equal(refusal({ day: '19 November' }), '/day');
    assert.equal(refusal({ seed: 'eight' }), '/seed');
  });

  it('that is not JSON is refused, naming the file', () => {
    assert.throws(() => loadScenario(scenarioFile('{ "rail": ')), /my-port\.json: \/ is not readable JSON/);
  });

  it('puts its officers on duty by shift, the night shift on across midnight', () => {
    const scenario = scenarioFrom({
      resources: {
        officers: {
          shifts: [
            { from: '08:00', officers: 10 },
            { from: '20:00', officers: 4 },
          ],
        },
      },
    });
    const byHour = officersByHour(scenario);
    assert.equal(byHour[3], 4);
    assert.equal(byHour[8], 10);
    assert.equal(byHour[19], 10);
    assert.equal(byHour[23], 4);
  });

  it('runs on a day in the past by default, so every event of it can be reported', () => {
    assert.ok(Date.parse(`${defaultDay()}T23:59:59+08:00`) < Date.now());
  });
});
