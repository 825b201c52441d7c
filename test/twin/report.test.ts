import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { renderHtml } from '#twin/report/html.ts';
import { compareReports, reportOf, type TwinReport, writeReport } from '#twin/report.ts';
import { checkWellFormed, externalReferences, figureOnPage } from './report-page.ts';
import { at, railDeclaration, runRecord, truck } from './report-records.ts';

const figure = (report: TwinReport, name: string) => {
  const found = report.figures.find((candidate) => candidate.name === name);
  assert.ok(found, `the report has no figure ${name}`);
  return found.value;
};

/** Five green trucks through the gate, out 1, 2, 3, 4 and 10 hours later (released at the gate). */
const fiveTrucks = (freightHours = 'ROUND_THE_CLOCK') =>
  runRecord(
    [1, 2, 3, 4, 10].map((hours, index) =>
      truck({ id: `T${index}`, gateIn: at(8), release: at(8 + hours - 0.5), exit: at(8 + hours) }),
    ),
    { freightHours, scenarioName: freightHours === 'DAYTIME' ? 'daytime-hours' : 'round-the-clock' },
  );

describe('the twin report reads clearance times from the histories', () => {
  it('gives a day of trucks its p50, p95 and max from gate-in to exit, and counts the one over the SLA', () => {
    const report = reportOf(fiveTrucks());
    assert.equal(figure(report, 'road.gateInToExit.all.p50'), 3);
    assert.equal(figure(report, 'road.gateInToExit.all.p95'), 10, 'nearest rank: the 5th of 5');
    assert.equal(figure(report, 'road.gateInToExit.all.max'), 10);
    assert.equal(figure(report, 'road.gateInToRelease.all.p50'), 2.5);
    assert.equal(figure(report, 'breaches.roadGateToExit'), 1);
    assert.deepEqual(report.breaches.roadGateToExit.breaches, [{ key: 'T4', hours: 10 }]);
    assert.equal(figure(report, 'counts.status.CLOSED'), 5);
  });

  it('reads a rail release the workflow stamped when it recorded it as happening when the gauge change or the officer let it go', () => {
    const train = 'X8001@2026-11-20';
    const transshipment = { started: at(9), completed: at(12) };
    const report = reportOf(
      runRecord([
        railDeclaration({ id: 'R-GREEN', train, arrival: at(8), transshipment, released: true, clearanceAt: 'PORT' }),
        railDeclaration({
          id: 'R-YELLOW',
          train,
          channel: 'YELLOW',
          arrival: at(8),
          transshipment,
          decidedAt: at(26),
          released: true,
          clearanceAt: 'INLAND',
        }),
      ]),
    );
    const [green, yellow] = report.intervals.arrivalToRelease;
    assert.equal(green?.hours, 4, 'released when the gauge change completed, not when the twin recorded it');
    assert.equal(green?.to.transition, 'RELEASE');
    assert.equal(yellow?.hours, 18, 'released when the officer decided');
    assert.equal(figure(report, 'rail.arrivalToRelease.all.max'), 18);
    assert.equal(figure(report, 'rail.arrivalToRelease.PORT.max'), 4, 'rail grouped by where it is cleared');
    assert.equal(figure(report, 'rail.arrivalToRelease.INLAND.max'), 18);
    assert.equal(figure(report, 'breaches.railArrivalToRelease'), 1, 'the yellow one, over 16 h');
    assert.equal(figure(report, 'breaches.transshipment'), 1, 'one train, 3 h of gauge change');
    assert.deepEqual(report.breaches.transshipment.breaches, [{ key: train, hours: 3 }]);
    // The crane is busy 09:00–12:00 local: full use in those hours, none before.
    assert.deepEqual(report.resources.cranes.busyHours.slice(8, 13), [0, 1, 1, 1, 0]);
    // The officer's task opened on arrival and was decided at 02:00 the next day: open all afternoon.
    const noon = report.queues.at.indexOf(at(12));
    assert.equal(report.queues.officerTasksOpen[noon], 1);
    assert.equal(report.queues.trainsAwaitingTransshipment[noon], 0);
    assert.equal(
      report.queues.trainsAwaitingTransshipment[noon - 4],
      1,
      'at 11:00 the train was still being transshipped',
    );
  });

  it('still reads a release written seconds after the workflow read its clock from the gauge change', () => {
    const report = reportOf(
      runRecord([
        railDeclaration({
          id: 'R-LAGGED',
          train: 'X8002@2026-11-20',
          arrival: at(8),
          transshipment: { started: at(9), completed: at(10) },
          released: true,
          releaseLagSeconds: 7,
        }),
      ]),
    );
    assert.equal(figure(report, 'rail.arrivalToRelease.all.max'), 2);
  });

  it('shows the yard filling up at night in daytime hours, and emptying at once round the clock', () => {
    // Trucks reach the gate from 19:00 to 23:00; in daytime hours they are cleared from 09:00 the next day.
    const arrivals = [19, 20, 21, 22, 23];
    const daytime = runRecord(
      arrivals.map((hour, index) => truck({ id: `N${index}`, gateIn: at(hour), release: at(33), exit: at(33.5) })),
      { freightHours: 'DAYTIME', scenarioName: 'daytime-hours' },
    );
    const roundTheClock = runRecord(
      arrivals.map((hour, index) =>
        truck({ id: `N${index}`, gateIn: at(hour), release: at(hour), exit: at(hour + 0.5) }),
      ),
    );
    const yard = (report: TwinReport, hour: number) => report.queues.trucksInYard[report.queues.at.indexOf(at(hour))];
    const night = reportOf(daytime);
    assert.deepEqual(
      [18, 19.5, 20.5, 21.5, 22.5, 23.75].map((hour) => yard(night, hour)),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(figure(night, 'queues.trucksInYard.end'), 5, 'all five wait out the night');
    assert.equal(figure(night, 'queues.awaitingRelease.peak'), 5);
    const day = reportOf(roundTheClock);
    assert.equal(figure(day, 'queues.trucksInYard.peak'), 1);
    assert.equal(figure(day, 'queues.trucksInYard.end'), 0);
  });

  it('sets scans and officers’ decisions against the capacity on duty, with the scenario’s assumed lengths', () => {
    const report = reportOf(
      runRecord(
        [
          truck({ id: 'S1', channel: 'RED', gateIn: at(10), scannedAt: at(10.5), release: at(10.5), exit: at(11) }),
          truck({ id: 'S2', channel: 'RED', gateIn: at(10), scannedAt: at(10.75), release: at(10.75), exit: at(11) }),
          truck({ id: 'Y1', channel: 'YELLOW', gateIn: at(14), decidedAt: at(14.5), release: 'stamped', exit: at(15) }),
        ],
        {
          scenario: {
            resources: {
              scanners: { minutesPerScan: 30 },
              officers: { documentCheckMinutes: 60, inspectionMinutes: 90 },
            },
          },
        },
      ),
    );
    assert.deepEqual(report.assumptions, { scanMinutes: 30, checkMinutes: 60, inspectionMinutes: 90 });
    assert.equal(report.resources.scanners.busyHours[10], 1, 'two scans of 30 min in the 10:00 hour');
    assert.equal(report.resources.scanners.use[10], 0.5, 'of two scanners');
    assert.equal(report.resources.officers.busyHours[14], 1);
    assert.equal(report.resources.officers.use[14], 0.5, 'one decision of 60 min, two officers on duty');
    assert.equal(figure(report, 'road.gateInToRelease.YELLOW.max'), 0.5, 'released when the officer decided');
  });

  it('skips and counts entries it cannot read, and still reports the rest', () => {
    const [good, odd] = [
      truck({ id: 'G', gateIn: at(8), release: at(8), exit: at(9) }),
      truck({ id: 'O', gateIn: at(8), release: at(8), exit: at(10) }),
    ];
    assert.ok(good && odd);
    const broken = {
      ...odd,
      history: [
        ...odd.history,
        { ...odd.history[0], transition: 'TELEPORT' },
        { ...odd.history[0], occurredAt: 'yesterday-ish' },
      ],
    } as unknown as typeof odd;
    const report = reportOf(runRecord([good, broken]));
    assert.equal(figure(report, 'skipped.entries'), 2);
    assert.deepEqual(Object.keys(report.skipped.byReason).sort(), [
      'an entry without a readable transition or occurredAt',
      'unknown transition TELEPORT',
    ]);
    assert.equal(figure(report, 'road.gateInToExit.all.max'), 2);
  });
});

describe('two scenarios side by side', () => {
  it('shows the difference daytime hours make to gate-in → exit on the same trucks', () => {
    const roundTheClock = reportOf(fiveTrucks());
    const daytime = reportOf(
      runRecord(
        [1, 2, 3, 4, 10].map((hours, index) =>
          truck({ id: `T${index}`, gateIn: at(8), release: at(9), exit: at(9 + hours) }),
        ),
        { freightHours: 'DAYTIME', scenarioName: 'daytime-hours' },
      ),
    );
    const comparison = compareReports(roundTheClock, daytime);
    const p50 = comparison.figures.find((row) => row.name === 'road.gateInToExit.all.p50');
    assert.deepEqual([p50?.a, p50?.b, p50?.difference], [3, 4, 1]);
    assert.deepEqual(
      comparison.settings.find((row) => row.setting === 'freight hours'),
      { setting: 'freight hours', a: 'ROUND_THE_CLOCK', b: 'DAYTIME' },
    );
  });

  it('names one crane against two, and the gauge-change breaches each had', () => {
    const train = (n: number) => `X80${n}@2026-11-20`;
    const trains = (cranes: number, hoursEach: number) =>
      reportOf(
        runRecord(
          [0, 1].map((n) =>
            railDeclaration({
              id: `R${n}`,
              train: train(n),
              arrival: at(8),
              transshipment: {
                started: at(8 + (cranes === 1 ? n * hoursEach : 0)),
                completed: at(8 + (cranes === 1 ? n + 1 : 1) * hoursEach),
              },
              released: true,
            }),
          ),
          { capacities: { cranes, scanners: 2, gateLanes: 8, officersByHour: Array(24).fill(2) } },
        ),
      );
    const comparison = compareReports(trains(1, 1.5), trains(2, 1.5));
    const released = comparison.figures.find((row) => row.name === 'rail.arrivalToRelease.all.max');
    assert.deepEqual([released?.a, released?.b, released?.difference], [3, 1.5, -1.5]);
    assert.equal(comparison.settings.find((row) => row.setting === 'cranes')?.b, '2');
  });
});

describe('the report page', () => {
  const runs = [fiveTrucks(), fiveTrucks('DAYTIME')] as const;
  const reports = runs.map((run) => reportOf(run));
  const [first, second] = reports;
  assert.ok(first && second);
  const html = renderHtml(reports, compareReports(first, second));

  it('shows every figure of every report, marked with its name and scenario', () => {
    for (const report of reports)
      for (const { name, value } of report.figures)
        assert.equal(figureOnPage(html, report.scenarioName, name)?.value, value === null ? '' : String(value), name);
    assert.equal(figureOnPage(html, 'round-the-clock', 'road.gateInToExit.all.p50')?.text, '3.00 h');
  });

  it('is well-formed, and stands alone: no script, no link, nothing fetched', () => {
    checkWellFormed(html);
    assert.deepEqual(externalReferences(html), []);
    assert.match(html, /<svg /);
  });

  it('says how each figure is computed, from which history entries', () => {
    assert.match(html, /GATE_IN occurredAt → RECORD_EXIT occurredAt/);
    assert.match(html, /id="method"/);
    assert.match(html, /scenario assumptions/);
  });

  it('is written as report.json and report.html, with the comparison when there are two runs', async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'twin-report-'));
    const written = await writeReport(outDir, runs);
    const json = JSON.parse(readFileSync(written.json, 'utf8')) as { reports: TwinReport[]; comparison?: unknown };
    assert.equal(json.reports.length, 2);
    assert.ok(json.comparison);
    checkWellFormed(readFileSync(written.html, 'utf8'));
  });
});
