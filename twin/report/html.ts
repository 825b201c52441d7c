import type { Figure, Interval, Measure, ReportComparison, TwinReport } from '../report.ts';
import { barChart, escapeHtml, HOUR_TICKS, lineChart, type Series } from './svg.ts';

/**
 * The report as one self-contained page: no network, no script, plots drawn here as inline SVG. Every number
 * is an element with `data-figure` (its stable name), `data-report` (the scenario) and `data-value` (the raw
 * number), and the page says how each is computed from which history entries.
 */
export function renderHtml(reports: readonly TwinReport[], comparison?: ReportComparison): string {
  const title = `Horgos digital twin: ${reports.map((report) => report.scenarioName).join(' vs ')}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">Every figure below is computed from the declarations’ histories as the stack answered
<code>GET /v1/declarations/{id}</code> (business times, <code>occurredAt</code>), not from the simulation that drove
them. How each is computed, and from which entries, is in its row and in <a href="#method">the method</a>.</p>
${scenarios(reports)}
${comparison === undefined ? '' : comparisonSection(comparison)}
${plots(reports)}
${reports.map(reportSection).join('\n')}
${method(reports)}
</body>
</html>
`;
}

const STYLE = `body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.note,.how{color:#555}.how{font-size:12px}
h2{border-bottom:2px solid #333;margin-top:2em}figure{display:inline-block;margin:0 1em 1em 0}
figcaption{font-weight:600}.plus{color:#a40000}.minus{color:#006b2e}.wall{background:#f4f4f4;padding:.5em 1em}`;

/** A number as shown: hours and shares with two decimals, counts whole. */
export function formatValue(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === 'share') return `${(value * 100).toFixed(1)} %`;
  if (unit === 'h') return `${value.toFixed(2)} h`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function figureCell(report: string, figure: Pick<Figure, 'name' | 'value' | 'unit'>, prefix = ''): string {
  return `<td class="num" data-figure="${escapeHtml(prefix + figure.name)}" data-report="${escapeHtml(report)}" data-value="${
    figure.value ?? ''
  }">${escapeHtml(formatValue(figure.value, figure.unit))}</td>`;
}

function scenarios(reports: readonly TwinReport[]): string {
  const rows: [string, (report: TwinReport) => string][] = [
    ['day (local)', (r) => `${r.day} (${r.timeZone})`],
    ['seed', (r) => String(r.seed)],
    ['road freight hours', (r) => r.freightHours],
    [
      'cranes / scanners / gate lanes',
      (r) => `${r.capacities.cranes} / ${r.capacities.scanners} / ${r.capacities.gateLanes}`,
    ],
    ['officers on duty by hour', (r) => r.capacities.officersByHour.join(' ')],
    [
      'SLA: rail release / gauge change / road gate → exit',
      (r) => `${r.sla.railArrivalToRelease} h / ${r.sla.transshipment} h / ${r.sla.roadGateToExit} h`,
    ],
    [
      'assumed minutes: a scan / a document check or review / a physical inspection',
      (r) => `${r.assumptions.scanMinutes} / ${r.assumptions.checkMinutes} / ${r.assumptions.inspectionMinutes}`,
    ],
  ];
  return `<h2>Scenarios</h2>
<table><tr><th></th>${reports.map((r) => `<th>${escapeHtml(r.scenarioName)}</th>`).join('')}</tr>
${rows.map(([label, value]) => `<tr><th>${escapeHtml(label)}</th>${reports.map((r) => `<td>${escapeHtml(value(r))}</td>`).join('')}</tr>`).join('\n')}
</table>
<p class="note">A scan’s length and an officer’s minutes per decision are scenario assumptions: the histories record
when a scan or a decision ended, not how long it took.</p>`;
}

function comparisonSection(comparison: ReportComparison): string {
  const { a, b } = comparison;
  const pair = `${a.scenarioName} vs ${b.scenarioName}`;
  const rows = comparison.figures
    .filter((figure) => figure.a !== null || figure.b !== null)
    .map((figure) => {
      const sign =
        figure.difference === null || figure.difference === 0 ? '' : figure.difference > 0 ? 'plus' : 'minus';
      return `<tr><td>${escapeHtml(figure.label)}</td>${figureCell(a.scenarioName, { name: figure.name, value: figure.a, unit: figure.unit }, 'compare.a.')}${figureCell(
        b.scenarioName,
        { name: figure.name, value: figure.b, unit: figure.unit },
        'compare.b.',
      )}<td class="num ${sign}" data-figure="${escapeHtml(`compare.difference.${figure.name}`)}" data-report="${escapeHtml(pair)}" data-value="${
        figure.difference ?? ''
      }">${figure.difference === null ? '—' : `${figure.difference > 0 ? '+' : ''}${escapeHtml(formatValue(figure.difference, figure.unit))}`}</td></tr>`;
    });
  return `<h2>Side by side: ${escapeHtml(a.scenarioName)} vs ${escapeHtml(b.scenarioName)}</h2>
<table><tr><th>setting</th><th>${escapeHtml(a.scenarioName)}</th><th>${escapeHtml(b.scenarioName)}</th></tr>
${comparison.settings.map((s) => `<tr><td>${escapeHtml(s.setting)}</td><td>${escapeHtml(s.a)}</td><td>${escapeHtml(s.b)}</td></tr>`).join('\n')}
</table>
<table><tr><th>figure</th><th>${escapeHtml(a.scenarioName)}</th><th>${escapeHtml(b.scenarioName)}</th><th>difference (b − a)</th></tr>
${rows.join('\n')}
</table>`;
}

const MEASURE_TITLES: Readonly<Record<Measure, string>> = {
  arrivalToRelease: 'Rail: arrival → release (CDF)',
  gateInToRelease: 'Road: gate-in → release (CDF)',
  gateInToExit: 'Road: gate-in → exit (CDF)',
};

function plots(reports: readonly TwinReport[]): string {
  const cdfs = (Object.keys(MEASURE_TITLES) as Measure[]).map((measure) => {
    const series: Series[] = reports.map((report) => {
      const hours = report.intervals[measure].map((interval) => interval.hours).sort((x, y) => x - y);
      return {
        label: report.scenarioName,
        points: hours.flatMap((value, index) => [
          [value, index / hours.length],
          [value, (index + 1) / hours.length],
        ]),
      };
    });
    return lineChart({
      title: MEASURE_TITLES[measure],
      xLabel: 'hours',
      yLabel: 'share cleared',
      series,
      yTicks: [0, 0.25, 0.5, 0.75, 1],
      name: `plot.cdf.${measure}`,
    });
  });
  const queueTitles = {
    trainsAwaitingTransshipment: 'Trains arrived, not transshipped',
    trucksInYard: 'Trucks in the yard',
    officerTasksOpen: 'Officer tasks open',
    awaitingRelease: 'Declarations waiting for release',
  } as const;
  const queuePlots = (Object.keys(queueTitles) as (keyof typeof queueTitles)[]).map((queue) =>
    lineChart({
      title: `${queueTitles[queue]} over the day`,
      xLabel: 'local hour',
      yLabel: 'open',
      name: `plot.queue.${queue}`,
      xTicks: HOUR_TICKS,
      wholeY: true,
      series: reports.map((report) => ({
        label: report.scenarioName,
        points: report.queues[queue].map(
          (value, index) => [(index * 24) / report.queues[queue].length, value] as const,
        ),
      })),
    }),
  );
  const resourceTitles = { cranes: 'Cranes', scanners: 'Scanners', officers: 'Officers' } as const;
  const resourcePlots = (Object.keys(resourceTitles) as (keyof typeof resourceTitles)[]).map((resource) =>
    barChart({
      title: `${resourceTitles[resource]}: use per hour`,
      yLabel: 'use of capacity',
      name: `plot.resource.${resource}`,
      groups: reports.map((report) => ({
        label: report.scenarioName,
        values: report.resources[resource].use.map((value) => value ?? 0),
      })),
    }),
  );
  return `<h2>Clearance times</h2>\n${cdfs.join('\n')}
<h2>Queues over the day</h2>\n${queuePlots.join('\n')}
<h2>Resource use per hour</h2>\n${resourcePlots.join('\n')}`;
}

function reportSection(report: TwinReport): string {
  const name = report.scenarioName;
  const group = (prefix: string) => report.figures.filter((figure) => figure.name.startsWith(prefix));
  const table = (figures: readonly Figure[]) =>
    `<table><tr><th>figure</th><th>value</th><th>computed from</th></tr>
${figures.map((f) => `<tr><td>${escapeHtml(f.label)}</td>${figureCell(name, f)}<td class="how">${escapeHtml(f.computedFrom)}</td></tr>`).join('\n')}
</table>`;
  const wall = report.wall;
  return `<section data-report="${escapeHtml(name)}">
<h2>${escapeHtml(name)}: the figures</h2>
<h3>Clearance times</h3>
<p>Road freight hours: <strong>${escapeHtml(report.freightHours)}</strong>. Rail cleared at: ${escapeHtml(
    report.clearance.find((c) => c.flow === 'RAIL' && c.group === 'all')?.mode ?? '—',
  )}.</p>
${clearanceTable(report)}
<h3>SLA breaches</h3>
${table(group('breaches.'))}
${breachList(report)}
<h3>Queues</h3>
${table(group('queues.'))}
<h3>Resource use</h3>
${table(group('resources.'))}
${hourlyTable(report)}
<h3>Counts</h3>
${table([...group('counts.'), ...group('skipped.')])}
${
  Object.keys(report.skipped.byReason).length === 0
    ? ''
    : `<p class="note">Skipped: ${escapeHtml(
        Object.entries(report.skipped.byReason)
          .map(([reason, count]) => `${reason} (${count})`)
          .join('; '),
      )}</p>`
}
<h3>Slowest declarations (trace them in their histories)</h3>
${slowest(report)}
<div class="wall"><strong>This run</strong> (wall clock, not an outcome of the simulated day; it differs between runs of the
same seed): <code>${escapeHtml(wall.target)}</code>, started ${escapeHtml(wall.startedAt)},
<span data-figure="wall.seconds" data-report="${escapeHtml(name)}" data-value="${wall.seconds}">${wall.seconds.toFixed(1)} s</span>,
<span data-figure="wall.requests" data-report="${escapeHtml(name)}" data-value="${wall.requests}">${wall.requests}</span> requests,
<span data-figure="wall.declarationsPerSecond" data-report="${escapeHtml(name)}" data-value="${wall.declarationsPerSecond ?? ''}">${formatValue(wall.declarationsPerSecond, '')}</span> declarations/s.</div>
</section>`;
}

/** One row per flow, measure and group: how many were measured, p50, p95, max, how many did not finish. */
function clearanceTable(report: TwinReport): string {
  const byName = new Map(report.figures.map((figure) => [figure.name, figure]));
  const stats = ['count', 'p50', 'p95', 'max', 'unfinished'] as const;
  const rows = report.clearance.map((clearance) => {
    const base = `${clearance.flow.toLowerCase()}.${clearance.measure}.${clearance.group}`;
    const cells = stats.map((stat) => {
      const figure = byName.get(`${base}.${stat}`);
      return figure === undefined ? '<td></td>' : figureCell(report.scenarioName, figure);
    });
    const how = byName.get(`${base}.p50`)?.computedFrom ?? '';
    return `<tr><td>${escapeHtml(`${clearance.flow} ${MEASURE_LABELS[clearance.measure]}`)}</td><td>${escapeHtml(clearance.group)}</td>${cells.join('')}<td class="how">${escapeHtml(how)}</td></tr>`;
  });
  return `<table><tr><th>measure</th><th>group</th><th>measured</th><th>p50</th><th>p95</th><th>max</th><th>not finished</th><th>computed from</th></tr>
${rows.join('\n')}
</table>`;
}

const MEASURE_LABELS: Readonly<Record<Measure, string>> = {
  arrivalToRelease: 'arrival → release',
  gateInToRelease: 'gate-in → release',
  gateInToExit: 'gate-in → exit',
};

function breachList(report: TwinReport): string {
  const lines = (
    [
      ['rail arrival → release', report.breaches.railArrivalToRelease],
      ['gauge change', report.breaches.transshipment],
      ['road gate-in → exit', report.breaches.roadGateToExit],
    ] as const
  ).filter(([, figure]) => figure.count > 0);
  if (lines.length === 0) return '';
  return `<ul>${lines
    .map(
      ([label, figure]) =>
        `<li>${escapeHtml(label)}: ${figure.breaches
          .slice(0, 12)
          .map(
            (breach) =>
              `${escapeHtml(breach.key)} (${breach.hours === null ? 'not finished' : `${breach.hours.toFixed(2)} h`})`,
          )
          .join(', ')}${figure.breaches.length > 12 ? ', …' : ''}</li>`,
    )
    .join('')}</ul>`;
}

/** The day hour by hour (a row each), every resource's busy hours, capacity and use. */
function hourlyTable(report: TwinReport): string {
  const { cranes, scanners, officers } = report.resources;
  const columns: [string, readonly (number | null)[], string][] = [
    ['cranes busy (h)', cranes.busyHours, ''],
    ['cranes use', cranes.use, 'share'],
    ['scanners busy (h)', scanners.busyHours, ''],
    ['scanners use', scanners.use, 'share'],
    ['officer-hours of decisions', officers.busyHours, ''],
    ['officers on duty', officers.capacity, ''],
    ['officers use', officers.use, 'share'],
  ];
  const rows = cranes.use.map(
    (_, hour) =>
      `<tr><td>${hour}:00</td>${columns.map(([, values, unit]) => `<td class="num">${escapeHtml(formatValue(values[hour] ?? null, unit))}</td>`).join('')}</tr>`,
  );
  return `<table><tr><th>local hour</th>${columns.map(([label]) => `<th>${escapeHtml(label)}</th>`).join('')}</tr>
${rows.join('\n')}
</table>`;
}

function slowest(report: TwinReport): string {
  const rows = (Object.keys(MEASURE_TITLES) as Measure[]).flatMap((measure) =>
    [...report.intervals[measure]]
      .sort((x, y) => y.hours - x.hours)
      .slice(0, 5)
      .map((interval) => traceRow(measure, interval)),
  );
  if (rows.length === 0) return '<p class="note">Nothing measured.</p>';
  return `<table><tr><th>measure</th><th>declaration</th><th>hours</th><th>from entry</th><th>to entry</th></tr>
${rows.join('\n')}
</table>`;
}

function traceRow(measure: Measure, interval: Interval): string {
  const entry = (moment: Interval['from']) =>
    `v${moment.version} ${escapeHtml(moment.transition)} at ${escapeHtml(new Date(moment.at).toISOString())}`;
  return `<tr><td>${escapeHtml(measure)}</td><td><code>${escapeHtml(interval.declarationId)}</code></td><td class="num">${interval.hours.toFixed(2)}</td><td>${entry(interval.from)}</td><td>${entry(interval.to)}</td></tr>`;
}

function method(reports: readonly TwinReport[]): string {
  const [first] = reports;
  return `<h2 id="method">Method: from history entries to figures</h2>
<ul>
<li><strong>Business time of an entry.</strong> An entry reported by someone at the port (the railway, the port operator,
an officer) carries its event’s time in <code>occurredAt</code>; so does a workflow step stamped with an event’s time
(its <code>occurredAt</code> lies more than a minute from its <code>recordedAt</code>, e.g. a release at the scan’s time). A step the
workflow took by itself and stamped when it was recorded (an officer’s task opened on arrival, duties secured) is read as
happening as soon as the port’s events allowed: at the latest business time recorded since the clearance clock started
(<code>RECORD_ARRIVAL</code> / <code>CORRECT_ARRIVAL</code> / <code>GATE_IN</code>). Broker entries never set business time.</li>
<li><strong>Clearance times.</strong> Rail: <code>RECORD_ARRIVAL</code> (the last <code>CORRECT_ARRIVAL</code> when
corrected) → <code>RELEASE</code>; road: <code>GATE_IN</code> → <code>RELEASE</code>, and <code>GATE_IN</code> →
<code>RECORD_EXIT</code>. p50/p95 are nearest-rank percentiles; max is the slowest declaration, listed with its entries.</li>
<li><strong>SLA breaches.</strong> Rail release over ${first?.sla.railArrivalToRelease ?? 16} h from arrival; gauge change
per train, from the earliest <code>transshipment IN_PROGRESS</code> track entry of its declarations to the latest
<code>COMPLETED</code> one, over ${first?.sla.transshipment ?? 2} h; road gate-in → exit over ${first?.sla.roadGateToExit ?? '—'} h.
A clock still running at the end of the day counts when it is already past its SLA. The workflows’ own
<code>FLAG_SLA_BREACH</code> entries are counted apart (their gauge-change clock runs from arrival).</li>
<li><strong>Queues</strong>, sampled every 15 minutes of the local day: trains between arrival and the last
<code>COMPLETED</code> transshipment entry; trucks between <code>GATE_IN</code> and <code>RECORD_EXIT</code>; officer
tasks between the entry that opens one (<code>details.officerTask</code>: <code>OPEN_DOCUMENT_REVIEW</code>,
<code>OPEN_PHYSICAL_INSPECTION</code>, <code>ESCALATE_TO_MANUAL_REVIEW</code>) and the officer’s entry with
<code>details.decision</code>; declarations between arrival or gate-in and <code>RELEASE</code>.</li>
<li><strong>Resource use</strong> per local hour: cranes, each train’s gauge change overlapping the hour / cranes;
scanners, each <code>RECORD_SCAN</code> (and each rail physical-inspection decision) taken as the end of a scan of the
assumed length / scanners; officers, decisions in the hour × the assumed minutes per decision / officers on duty.</li>
<li><strong>Counts</strong> by status and channel are the stack’s answers at the end of the run. Entries without a readable
time or with an unknown transition are skipped and counted, never fatal.</li>
</ul>`;
}
