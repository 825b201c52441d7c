import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type FreightHoursMode, hoursOfLocalDate, localTimeOf, slotCalendarFrom } from '#domain/slot-calendar.ts';
import { startTestStack } from '../e2e/local-stack-client.ts';
import { type Channel, DEFAULT_SERVICE_MINUTES, runTrucks, type Truck, type TruckTimeline } from './reform-day.ts';

/**
 * `npm run reform`: the highway reform, measured (issue 7). One business day of trucks runs through the local stack
 * twice, once with daytime-only freight hours and once round the clock, and for each mode prints the time from
 * gate-in to exit (p50, p95, max) and the trucks still waiting at the end of the day.
 *
 *   npm run reform                          a generated day (REFORM_TRUCKS trucks, 60 by default)
 *   npm run reform -- --trucks day.json     your own: [{ "arrivesAt": "2026-11-18T22:00:00+08:00", "channel": "GREEN" }]
 *
 * Arrival times are business times on a day that has passed (three days ago, port time, by default), so that every
 * event of the day, exits after the next morning's opening included, is in the past as the port reports it.
 */
const { values } = parseArgs({
  options: { trucks: { type: 'string' }, day: { type: 'string' }, concurrency: { type: 'string' } },
});
const TIME_ZONE = 'Asia/Shanghai';
const day = values.day ?? localTimeOf(new Date(Date.now() - 3 * 24 * 3_600_000), TIME_ZONE).date;

/** Arrivals per local hour (relative weights): trucks come round the clock, more of them by day. */
const HOURLY_ARRIVALS = [2, 1, 1, 1, 1, 2, 3, 4, 5, 6, 6, 6, 5, 5, 6, 6, 6, 5, 5, 4, 4, 3, 3, 2];
/** Channel shares at a Kazakh road post, Jan–Oct 2025 (DOMAIN.md [39]): 78.5% green, 20.1% yellow, 1% red. */
const CHANNEL_SHARES: readonly [Channel, number][] = [
  ['GREEN', 0.785],
  ['YELLOW', 0.201],
  ['RED', 0.014],
];

/** A deterministic day: the same trucks every run (a linear congruential generator, seeded). */
function generatedDay(count: number): Truck[] {
  let seed = 20_231_124;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const hours = hoursOfLocalDate(day, TIME_ZONE);
  const total = HOURLY_ARRIVALS.reduce((sum, weight) => sum + weight, 0);
  const pick = <T>(weighted: readonly [T, number][], sum: number): T => {
    let draw = random() * sum;
    for (const [value, weight] of weighted) {
      draw -= weight;
      if (draw < 0) return value;
    }
    return (weighted.at(-1) as [T, number])[0];
  };
  const trucks = Array.from({ length: count }, (): Truck => {
    const hour = pick(
      hours.map((candidate) => [candidate, HOURLY_ARRIVALS[candidate.localHour] ?? 1] as [typeof candidate, number]),
      total,
    );
    const at = Date.parse(hour.startsAt) + Math.floor(random() * 3_600_000);
    return { arrivesAt: new Date(at).toISOString(), channel: pick(CHANNEL_SHARES, 1) };
  });
  // At least one of each channel, so every path is measured even on a small day.
  for (const [index, channel] of (['YELLOW', 'RED'] as const).entries()) {
    if (!trucks.some((truck) => truck.channel === channel) && trucks.length > index + 1) {
      trucks[index] = { ...(trucks[index] as Truck), channel };
    }
  }
  return trucks.sort((a, b) => a.arrivesAt.localeCompare(b.arrivesAt));
}

const trucks: Truck[] =
  values.trucks === undefined
    ? generatedDay(Number(process.env.REFORM_TRUCKS ?? 60))
    : (JSON.parse(readFileSync(values.trucks, 'utf8')) as Truck[]);

const hoursBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 3_600_000;
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const hhmm = (hours: number) => `${Math.floor(hours)} h ${String(Math.round((hours % 1) * 60)).padStart(2, '0')} min`;
const endOfDay = (hoursOfLocalDate(day, TIME_ZONE).at(-1) as { endsAt: string }).endsAt;

function summary(mode: string, timelines: readonly TruckTimeline[]) {
  const gateToExit = timelines.map((truck) => hoursBetween(truck.arrivesAt, truck.exitedAt));
  const waitingAtEndOfDay = timelines.filter(
    (truck) => Date.parse(truck.arrivesAt) < Date.parse(endOfDay) && Date.parse(truck.exitedAt) > Date.parse(endOfDay),
  );
  const waitedForOpening = timelines.filter((truck) => Date.parse(truck.clearanceFrom) > Date.parse(truck.arrivesAt));
  return {
    mode,
    trucks: timelines.length,
    'gate-in → exit p50': hhmm(percentile(gateToExit, 50)),
    p95: hhmm(percentile(gateToExit, 95)),
    max: hhmm(Math.max(...gateToExit)),
    'waited for opening': waitedForOpening.length,
    [`still waiting at ${day} 24:00`]: waitingAtEndOfDay.length,
  };
}

const channels = Object.fromEntries(
  (['GREEN', 'YELLOW', 'RED'] as const).map((channel) => [
    channel,
    trucks.filter((truck) => truck.channel === channel).length,
  ]),
);
console.log(
  `The reform, measured: ${trucks.length} trucks at the gate on ${day} (${TIME_ZONE}), channels ${JSON.stringify(channels)}; ` +
    `service times (business minutes, assumed): ${JSON.stringify(DEFAULT_SERVICE_MINUTES)}; daytime hours: the default (10:00-18:00).`,
);
const rows = [];
// Before the reform, then after it.
for (const mode of ['DAYTIME', 'ROUND_THE_CLOCK'] satisfies FreightHoursMode[]) {
  const started = performance.now();
  const env = await startTestStack({ freightHours: mode });
  try {
    const timelines = await runTrucks(env, slotCalendarFrom({ freightHours: mode }), trucks, {
      concurrency: Number(values.concurrency ?? 6),
    });
    rows.push({ ...summary(mode, timelines), 'run (wall)': `${((performance.now() - started) / 1000).toFixed(0)} s` });
  } finally {
    await env.stop();
  }
}
console.table(rows);
