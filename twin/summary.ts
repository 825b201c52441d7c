import type { DeclarationRecord, TwinRunRecord } from './run-record.ts';

/**
 * A few lines the CLI prints after a run, read from the run record alone (the workflows' histories): per flow, the
 * declarations by end status and channel, and the clearance times. The full report is twin/report's.
 */
const HOUR_MS = 3_600_000;

/** When the declaration's history first reached a status, or made a transition (business time). */
export function firstTime(
  declaration: DeclarationRecord,
  match: { status?: string; transition?: string },
): number | undefined {
  const entry = declaration.history.find(
    (candidate) =>
      (match.status === undefined || candidate.status === match.status) &&
      (match.transition === undefined || candidate.transition === match.transition),
  );
  return entry === undefined ? undefined : Date.parse(entry.occurredAt);
}

/** Rail: from the train's arrival to release; road: from the gate-in to the exit through the border. */
export function clearanceHours(declaration: DeclarationRecord): number | undefined {
  const [from, to] =
    declaration.flow === 'RAIL'
      ? [firstTime(declaration, { transition: 'RECORD_ARRIVAL' }), firstTime(declaration, { transition: 'RELEASE' })]
      : [firstTime(declaration, { transition: 'GATE_IN' }), firstTime(declaration, { transition: 'RECORD_EXIT' })];
  return from === undefined || to === undefined ? undefined : (to - from) / HOUR_MS;
}

export function percentile(values: readonly number[], p: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const hours = (value: number | undefined) => (value === undefined ? '–' : `${value.toFixed(1)} h`);
const counts = (values: readonly string[]) =>
  Object.entries(Object.groupBy(values, (value) => value))
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([value, group]) => `${value} ${group?.length ?? 0}`)
    .join(', ');

export function summaryRows(record: TwinRunRecord): Record<string, string | number>[] {
  return (['RAIL', 'ROAD'] as const).flatMap((flow) => {
    const declarations = record.declarations.filter((declaration) => declaration.flow === flow);
    if (declarations.length === 0) return [];
    const times = declarations.flatMap((declaration) => clearanceHours(declaration) ?? []);
    const sla = flow === 'RAIL' ? record.sla.railArrivalToRelease : record.sla.roadGateToExit;
    return [
      {
        scenario: record.scenarioName,
        flow,
        declarations: declarations.length,
        statuses: counts(declarations.map((declaration) => declaration.status)),
        channels: counts(declarations.map((declaration) => declaration.channel ?? 'none')),
        measured: flow === 'RAIL' ? 'arrival→release' : 'gate-in→exit',
        p50: hours(percentile(times, 50)),
        p95: hours(percentile(times, 95)),
        max: hours(times.length === 0 ? undefined : Math.max(...times)),
        'over SLA': `${times.filter((time) => time > sla).length} (> ${sla} h)`,
      },
    ];
  });
}
