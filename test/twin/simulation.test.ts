import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scenarioFrom } from '#twin/scenario.ts';
import { expectedInspectionJobs, planDay, scheduleInspections } from '#twin/simulation.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** A quiet day: trains in the morning only, a few trucks, the day fixed. */
const port = (overrides: Record<string, unknown> = {}) =>
  scenarioFrom({
    day: '2026-11-10',
    rail: { trainsPerDay: 3, containersPerTrain: 10, containersPerDeclaration: 5, hourlyArrivals: onlyAt(9) },
    road: { trucksPerDay: 20 },
    ...overrides,
  });
function onlyAt(hour: number): number[] {
  return Array.from({ length: 24 }, (_, candidate) => (candidate === hour ? 1 : 0));
}
const craneWaits = (scenario: ReturnType<typeof port>) =>
  planDay(scenario).trains.map((train) => (train.transshipmentStartsAt - train.arrivesAt) / MINUTE);

describe('the simulated port', () => {
  it('makes trains wait for a single crane, and not for as many cranes as trains', () => {
    const oneCrane = craneWaits(port({ resources: { cranes: { count: 1 } } }));
    assert.equal(oneCrane[0], 0, 'the first train gets the crane at once');
    assert.ok((oneCrane[2] as number) > 60, `the third train waits for two gauge changes: ${oneCrane}`);
    assert.deepEqual(craneWaits(port({ resources: { cranes: { count: 3 } } })), [0, 0, 0]);
  });

  it('gives every train a gauge change of about two hours, within the spread', () => {
    for (const train of planDay(port()).trains) {
      const minutes = (train.transshipmentEndsAt - train.transshipmentStartsAt) / MINUTE;
      assert.ok(minutes >= 90 && minutes <= 150, `${minutes} min`);
    }
  });

  it('plans the same day from the same seed, and another from another', () => {
    assert.deepEqual(planDay(port()), planDay(port()));
    assert.notDeepEqual(planDay(port()).trucks, planDay(port({ seed: 9 })).trucks);
  });

  it('keeps the same trucks and trains when only the port changes', () => {
    const strip = (plan: ReturnType<typeof planDay>) => ({
      trucks: plan.trucks.map(({ key, arrivesAt, channel, lane, agricultural }) => ({
        key,
        arrivesAt,
        channel,
        lane,
        agricultural,
      })),
      trains: plan.trains.map(({ arrivesAt }) => arrivesAt),
      rail: plan.railDeclarations,
    });
    const base = planDay(port());
    assert.deepEqual(strip(planDay(port({ slots: { freightHours: 'DAYTIME' } }))), strip(base));
    assert.deepEqual(strip(planDay(port({ resources: { cranes: { count: 1 } } }))), strip(base));
  });

  it('covers each train with declarations of the chosen number of containers', () => {
    const plan = planDay(port());
    assert.equal(plan.railDeclarations.length, 3 * 2);
    assert.deepEqual(plan.railDeclarations[1]?.containers, [5, 6, 7, 8, 9]);
  });

  it('books every truck an hour with a unit left, never before it arrives', () => {
    const scenario = port({
      road: { trucksPerDay: 60, hourlyArrivals: onlyAt(10) },
      slots: { capacityPerHour: { FREIGHT: 5, VEHICLE_CARRIER: 5 } },
    });
    const plan = planDay(scenario);
    const byHour = Map.groupBy(plan.trucks, (truck) => `${truck.lane}@${truck.slotStartsAt}`);
    for (const [hour, trucks] of byHour) assert.ok(trucks.length <= 5, `${hour} has ${trucks.length}`);
    for (const truck of plan.trucks) assert.ok(truck.slotStartsAt + HOUR > truck.arrivesAt);
  });

  it('in daytime hours books only freight hours and clears a night truck at the opening', () => {
    const scenario = port({
      road: { trucksPerDay: 10, hourlyArrivals: onlyAt(22) },
      slots: { freightHours: 'DAYTIME', daytimeFreightHours: '10:00-18:00' },
    });
    for (const truck of planDay(scenario).trucks) {
      assert.equal(
        new Date(truck.slotStartsAt).toISOString().slice(11, 13),
        '02',
        'the next day at 10:00 Beijing time',
      );
      assert.equal(new Date(truck.expectedClearanceFrom).toISOString(), '2026-11-11T02:00:00.000Z');
    }
  });

  it('passes trucks through the gate lanes one at a time per lane', () => {
    const scenario = port({
      road: { trucksPerDay: 30, hourlyArrivals: onlyAt(10) },
      resources: { gate: { lanes: 1, minutesPerTruck: 5 } },
    });
    const gateIns = planDay(scenario)
      .trucks.map((truck) => truck.gateInAt)
      .sort((a, b) => a - b);
    for (const [index, at] of gateIns.entries()) {
      if (index > 0) assert.ok(at - (gateIns[index - 1] as number) >= 5 * MINUTE);
    }
  });

  it('has a yellow truck checked by an officer on duty, and waits for the morning shift when nobody is', () => {
    const scenario = port({
      resources: {
        officers: {
          shifts: [
            { from: '08:00', officers: 1 },
            { from: '20:00', officers: 0 },
          ],
          documentCheckMinutes: 30,
        },
      },
    });
    const readyAt = Date.parse('2026-11-10T23:00:00+08:00');
    const outcomes = scheduleInspections(scenario, [
      { key: 'night', channel: 'YELLOW', flow: 'ROAD', readyAt, scans: 1 },
      { key: 'also-night', channel: 'YELLOW', flow: 'ROAD', readyAt: readyAt + MINUTE, scans: 1 },
    ]);
    assert.equal(new Date(outcomes.get('night')?.doneAt as number).toISOString(), '2026-11-11T00:30:00.000Z');
    assert.equal(
      outcomes.get('also-night')?.doneAt,
      (outcomes.get('night')?.doneAt as number) + 30 * MINUTE,
      'one officer: one after the other',
    );
  });

  it('with more officers on the day shift, checks more trucks at once', () => {
    const readyAt = Date.parse('2026-11-10T10:00:00+08:00');
    const jobs = Array.from({ length: 4 }, (_, index) => ({
      key: `T${index}`,
      channel: 'YELLOW' as const,
      flow: 'ROAD' as const,
      readyAt,
      scans: 1,
    }));
    const finish = (officers: number) =>
      Math.max(
        ...[
          ...scheduleInspections(
            port({ resources: { officers: { shifts: [{ from: '00:00', officers }] } } }),
            jobs,
          ).values(),
        ].map((outcome) => outcome.doneAt),
      );
    assert.equal(finish(4) - readyAt, 30 * MINUTE);
    assert.equal(finish(2) - readyAt, 60 * MINUTE);
  });

  it('scans a red rail declaration container by container before an officer inspects it; a red truck is done at its scan', () => {
    const scenario = port({
      resources: { scanners: { count: 1, minutesPerScan: 10 }, officers: { inspectionMinutes: 45 } },
    });
    const readyAt = Date.parse('2026-11-10T10:00:00+08:00');
    const outcomes = scheduleInspections(scenario, [
      { key: 'R0-0', channel: 'RED', flow: 'RAIL', readyAt, scans: 5 },
      { key: 'T0', channel: 'RED', flow: 'ROAD', readyAt, scans: 1 },
    ]);
    const rail = outcomes.get('R0-0');
    assert.equal(rail?.scan?.endsAt, readyAt + 50 * MINUTE);
    assert.equal(rail?.doneAt, readyAt + 95 * MINUTE);
    assert.equal(outcomes.get('T0')?.doneAt, readyAt + 60 * MINUTE, 'the truck waits for the scanner');
    assert.equal(outcomes.get('T0')?.decision, undefined);
  });

  it('sends every yellow and red declaration of the day to inspection, and no green one', () => {
    const plan = planDay(port({ road: { trucksPerDay: 200 } }));
    const jobs = expectedInspectionJobs(plan);
    const notGreen = [...plan.railDeclarations, ...plan.trucks].filter(
      (declaration) => declaration.channel !== 'GREEN',
    );
    assert.equal(jobs.length, notGreen.length);
    assert.ok(jobs.length > 0);
  });
});
