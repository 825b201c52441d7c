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

/** A round upper bound for an axis (1, 2, 5 × 10^n), so the ticks read well. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

const round = (value: number) => Math.round(value * 10) / 10;
const tickLabel = (value: number) => (Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/0+$/, ''));

function frame(
  name: string,
  title: string,
  xLabel: string,
  yLabel: string,
  xMax: number,
  yMax: number,
  body: string,
  legend: readonly string[],
): string {
  const x = (value: number) => round(MARGIN.left + (value / xMax) * plotWidth);
  const y = (value: number) => round(MARGIN.top + plotHeight - (value / yMax) * plotHeight);
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  const axes = [
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${x(xMax)}" y2="${y(0)}" stroke="#333" />`,
    `<line x1="${MARGIN.left}" y1="${y(0)}" x2="${MARGIN.left}" y2="${y(yMax)}" stroke="#333" />`,
    ...ticks.map(
      (share) =>
        `<text x="${x(share * xMax)}" y="${y(0) + 14}" font-size="10" text-anchor="middle">${tickLabel(share * xMax)}</text>`,
    ),
    ...ticks.map(
      (share) =>
        `<text x="${MARGIN.left - 4}" y="${y(share * yMax) + 3}" font-size="10" text-anchor="end">${tickLabel(share * yMax)}</text><line x1="${MARGIN.left}" y1="${y(share * yMax)}" x2="${x(xMax)}" y2="${y(share * yMax)}" stroke="#eee" />`,
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
${body}
${legendItems.join('\n')}
</svg></figure>`;
}

export function lineChart(options: {
  readonly name: string;
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  readonly yMax?: number;
}): string {
  const all = options.series.flatMap((series) => series.points);
  const xMax = niceCeiling(Math.max(0, ...all.map(([x]) => x)));
  const yMax = options.yMax ?? niceCeiling(Math.max(0, ...all.map(([, y]) => y)));
  const x = (value: number) => round(MARGIN.left + (Math.max(0, value) / xMax) * plotWidth);
  const y = (value: number) => round(MARGIN.top + plotHeight - (value / yMax) * plotHeight);
  const lines = options.series.map((series, index) =>
    series.points.length === 0
      ? ''
      : `<polyline fill="none" stroke="${COLOURS[index % COLOURS.length]}" stroke-width="1.5" points="${series.points
          .map(([px, py]) => `${x(px)},${y(py)}`)
          .join(' ')}" />`,
  );
  return frame(
    options.name,
    options.title,
    options.xLabel,
    options.yLabel,
    xMax,
    yMax,
    lines.join('\n'),
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
  const yMax = niceCeiling(Math.max(0, ...options.groups.flatMap((group) => group.values)));
  const slot = plotWidth / hours;
  const barWidth = round((slot * 0.8) / Math.max(1, options.groups.length));
  const bars = options.groups.flatMap((group, groupIndex) =>
    group.values.map((value, hour) => {
      const height = round((Math.max(0, value) / yMax) * plotHeight);
      const left = round(MARGIN.left + hour * slot + slot * 0.1 + groupIndex * barWidth);
      return height <= 0
        ? ''
        : `<rect x="${left}" y="${round(MARGIN.top + plotHeight - height)}" width="${barWidth}" height="${height}" fill="${COLOURS[groupIndex % COLOURS.length]}"><title>${escapeHtml(`${group.label}, ${hour}:00: ${(value * 100).toFixed(1)} %`)}</title></rect>`;
    }),
  );
  return frame(
    options.name,
    options.title,
    'local hour',
    options.yLabel,
    hours,
    yMax,
    bars.filter((bar) => bar !== '').join('\n'),
    options.groups.map((group) => group.label),
  );
}
