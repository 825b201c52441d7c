/**
 * Small inline SVG plots for the report page (no charting library: the page must open offline and stand alone).
 * Each plot is a <figure data-plot="…"> with its title as caption, axes with a few ticks, and a legend.
 */
export interface Series {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
}

const WIDTH = 520;
const HEIGHT = 260;
const MARGIN = { left: 52, right: 16, top: 12, bottom: 40 };
const COLOURS = ['#1f5fa8', '#d2691e', '#2e8b57', '#8b3a8b'];

const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;

/** Text and attribute values as HTML (and XML) need them. */
export function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

/** Ticks for an axis from 0 past `max`: about four steps of 1, 2, 2.5 or 5 × 10^n, so they read well. */
export function axisTicks(max: number, options: { readonly whole?: boolean } = {}): number[] {
  const raw = max > 0 ? max / 4 : 0.25;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const nice = ([1, 2, 2.5, 5, 10].find((candidate) => raw <= candidate * magnitude) ?? 10) * magnitude;
  // Counts (trucks, tasks) tick on whole numbers.
  const step = options.whole === true ? Math.max(1, Math.round(nice)) : nice;
  const count = Math.max(1, Math.ceil(max / step - 1e-9));
  return Array.from({ length: count + 1 }, (_, index) => index * step);
}

/** Local hours of the day: a tick every six hours. */
export const HOUR_TICKS: readonly number[] = [0, 6, 12, 18, 24];

const round = (value: number) => Math.round(value * 10) / 10;
const tickLabel = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, ''));

function frame(
  name: string,
  title: string,
  xLabel: string,
  yLabel: string,
  xTicks: readonly number[],
  yTicks: readonly number[],
  body: (x: (value: number) => number, y: (value: number) => number) => string,
  legend: readonly string[],
): string {
  const xMax = xTicks.at(-1) ?? 1;
  const yMax = yTicks.at(-1) ?? 1;
  const x = (value: number) => round(MARGIN.left + (Math.min(Math.max(0, value), xMax) / xMax) * plotWidth);
  const y = (value: number) =>
    round(MARGIN.top + plotHeight - (Math.min(Math.max(0, value), yMax) / yMax) * plotHeight);
  const axes = [
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${x(xMax)}" y2="${y(0)}" stroke="#333" />`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${MARGIN.left}" y2="${y(yMax)}" stroke="#333" />`,
    ...xTicks.map(
      (tick) => `<text x="${x(tick)}" y="${y(0) + 14}" font-size="10" text-anchor="middle">${tickLabel(tick)}</text>`,
    ),
    ...yTicks.map(
      (tick) =>
        `<text x="${MARGIN.left - 4}" y="${y(tick) + 3}" font-size="10" text-anchor="end">${tickLabel(tick)}</text><line x1="${MARGIN.left}" y1="${y(tick)}" x2="${x(xMax)}" y2="${y(tick)}" stroke="#eee" />`,
    ),
    `<text x="${MARGIN.left + plotWidth / 2}" y="${HEIGHT - 6}" font-size="11" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text x="12" y="${MARGIN.top + plotHeight / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${MARGIN.top + plotHeight / 2})">${escapeHtml(yLabel)}</text>`,
  ];
  const legendItems = legend.map(
    (label, index) =>
      `<rect x="${MARGIN.left + 8}" y="${MARGIN.top + 4 + index * 14}" width="10" height="10" fill="${COLOURS[index % COLOURS.length]}" /><text x="${MARGIN.left + 22}" y="${MARGIN.top + 13 + index * 14}" font-size="11">${escapeHtml(label)}</text>`,
  );
  return `<figure data-plot="${escapeHtml(name)}"><figcaption>${escapeHtml(title)}</figcaption>
<svg width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img"><title>${escapeHtml(title)}</title>
${axes.join('\n')}
${body(x, y)}
${legendItems.join('\n')}
</svg></figure>`;
}

export function lineChart(options: {
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly xTicks?: readonly number[];
  readonly yTicks?: readonly number[];
  readonly wholeY?: boolean;
}): string {
  const all = options.series.flatMap((series) => series.points);
  const xTicks = options.xTicks ?? axisTicks(Math.max(0, ...all.map(([x]) => x)));
  const yTicks = options.yTicks ?? axisTicks(Math.max(0, ...all.map(([, y]) => y)), { whole: options.wholeY === true });
  // Dashes after the first series, so a run that matches another exactly still shows.
  const lines = (x: (value: number) => number, y: (value: number) => number) =>
    options.series
      .map((series, index) =>
        series.points.length === 0
          ? ''
          : `<polyline fill="none" stroke="${COLOURS[index % COLOURS.length]}" stroke-width="1.5"${index === 0 ? '' : ' stroke-dasharray="5 3"'} points="${series.points
              .map(([px, py]) => `${x(px)},${y(py)}`)
              .join(' ')}" />`,
      )
      .join('\n');
  return frame(
    options.name,
    options.title,
    options.xLabel,
    options.yLabel,
    xTicks,
    yTicks,
    lines,
    options.series.map((series) => series.label),
  );
}

/** Bars per local hour (0–23), one bar per group side by side. */
export function barChart(options: {
  readonly name: string;
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly { readonly label: string; readonly values: readonly number[] }[];
}): string {
  const hours = Math.max(24, ...options.groups.map((group) => group.values.length));
  const yTicks = axisTicks(Math.max(1, ...options.groups.flatMap((group) => group.values)));
  const slot = plotWidth / hours;
  const barWidth = round((slot * 0.8) / Math.max(1, options.groups.length));
  const bars = (x: (value: number) => number, y: (value: number) => number) =>
    options.groups
      .flatMap((group, groupIndex) =>
        group.values.map((value, hour) => {
          const top = y(value);
          const height = round(y(0) - top);
          return height <= 0
            ? ''
            : `<rect x="${round(x(hour) + slot * 0.1 + groupIndex * barWidth)}" y="${top}" width="${barWidth}" height="${height}" fill="${COLOURS[groupIndex % COLOURS.length]}"><title>${escapeHtml(`${group.label}, ${hour}:00: ${(value * 100).toFixed(1)} %`)}</title></rect>`;
        }),
      )
      .filter((bar) => bar !== '')
      .join('\n');
  return frame(
    options.name,
    options.title,
    'local hour',
    options.yLabel,
    hours === 24 ? HOUR_TICKS : axisTicks(hours),
    yTicks,
    bars,
    options.groups.map((group) => group.label),
  );
}
