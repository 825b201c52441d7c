/**
 * The road port's slot calendar (DOMAIN.md, highway step 2: the appointment). A truck books one hour of the port's
 * local time in the lane of its kind; each lane takes so many trucks an hour; in daytime mode only the configured
 * freight hours can be booked. The time zone, the hours, the capacities and the no-show grace are configuration
 * (CDK context, passed to the functions as environment), never code: these are the defaults.
 *
 * Local time is computed with Intl (the runtime's time-zone data), so any IANA zone works, daylight saving included:
 * a local day has the hours its zone gives it (23, 24 or 25), each named by the instant it starts.
 */

/** Lane types of the road port and what each takes an hour by default (unsourced: derived from DOMAIN.md volumes). */
export const LANE_TYPES = {
  FREIGHT: {
    meaning: 'goods trucks (a tractor and its trailer, boxes or containers)',
    // >600 goods trucks a day (2025) over 24 hours is 25 an hour; 30 leaves room for the peak.
    defaultCapacityPerHour: 30,
  },
  VEHICLE_CARRIER: {
    meaning: 'complete-vehicle exports: a cage truck of 5–8 cars, or a vehicle driven across',
    // >500 commercial vehicles a day, a record 1,302: 20 bookings an hour carry that at ~3 vehicles a booking.
    defaultCapacityPerHour: 20,
  },
} as const satisfies Record<string, { meaning: string; defaultCapacityPerHour: number }>;
export type LaneType = keyof typeof LANE_TYPES;
export const LANE_TYPE_NAMES = Object.keys(LANE_TYPES) as LaneType[];

export function isLaneType(candidate: unknown): candidate is LaneType {
  return typeof candidate === 'string' && Object.hasOwn(LANE_TYPES, candidate);
}

/**
 * ROUND_THE_CLOCK: freight is cleared every hour (the port's practice since the 2023 reform); DAYTIME: only in the
 * configured freight hours, as before it.
 */
export const FREIGHT_HOURS_MODES = ['ROUND_THE_CLOCK', 'DAYTIME'] as const;
export type FreightHoursMode = (typeof FREIGHT_HOURS_MODES)[number];

/** Opening and closing as minutes after local midnight; closing before opening spans midnight. */
export interface DailyHours {
  readonly opensAt: number;
  readonly closesAt: number;
}

export interface SlotCalendar {
  /** IANA time zone of the port's clock. Horgos works to Beijing time (UTC+8), two hours ahead of the sun. */
  readonly timeZone: string;
  readonly freightHours: FreightHoursMode;
  /** The hours freight is cleared in DAYTIME mode (ROUND_THE_CLOCK ignores them). */
  readonly daytimeHours: DailyHours;
  readonly capacityPerHour: Readonly<Record<LaneType, number>>;
  /** A booking becomes a no-show this many minutes after its hour starts, if the truck has not gated in. */
  readonly noShowGraceMinutes: number;
}

/**
 * The defaults, as configuration would spell them. Daytime hours: 10:00–18:00 Beijing time, i.e. 08:00–16:00 by
 * the sun in Xinjiang; the seed documents give 08:30–17:30 for passenger inspection and 10:00–19:30 for the New
 * National Gate, and nothing for freight before the reform (unsourced: set the port's real hours in context).
 */
export const DEFAULT_SLOT_CALENDAR_SETTINGS = {
  timeZone: 'Asia/Shanghai',
  freightHours: 'ROUND_THE_CLOCK',
  daytimeHours: '10:00-18:00',
  noShowGraceMinutes: '60',
} as const;

/** The calendar's settings as configuration gives them (context values or environment variables): text. */
export interface SlotCalendarSettings {
  readonly timeZone?: string | undefined;
  readonly freightHours?: string | undefined;
  /** "HH:MM-HH:MM", e.g. "10:00-18:00"; "22:00-06:00" spans midnight. */
  readonly daytimeHours?: string | undefined;
  /** JSON of capacities by lane type over the defaults, e.g. {"FREIGHT":40}. */
  readonly capacityPerHour?: string | undefined;
  readonly noShowGraceMinutes?: string | undefined;
}

const MINUTES_PER_DAY = 24 * 60;
const MAX_CAPACITY_PER_HOUR = 10_000;
const MAX_GRACE_MINUTES = 24 * 60;

/** Reads the calendar from its settings, the defaults for any left out; throws naming the setting that is wrong. */
export function slotCalendarFrom(settings: SlotCalendarSettings = {}): SlotCalendar {
  const graceText = settings.noShowGraceMinutes ?? DEFAULT_SLOT_CALENDAR_SETTINGS.noShowGraceMinutes;
  const noShowGraceMinutes = Number(graceText);
  if (!/^\d+$/.test(graceText) || noShowGraceMinutes > MAX_GRACE_MINUTES) {
    throw new Error(`slot calendar: no-show grace "${graceText}" must be whole minutes, 0 to ${MAX_GRACE_MINUTES}`);
  }
  return {
    ...freightHoursFrom(settings),
    capacityPerHour: capacitiesFrom(settings.capacityPerHour),
    noShowGraceMinutes,
  };
}

/** When freight is cleared: the part of the calendar the gate needs (it books nothing). */
export type FreightHours = Pick<SlotCalendar, 'timeZone' | 'freightHours' | 'daytimeHours'>;

export function freightHoursFrom(
  settings: Pick<SlotCalendarSettings, 'timeZone' | 'freightHours' | 'daytimeHours'> = {},
): FreightHours {
  const timeZone = settings.timeZone ?? DEFAULT_SLOT_CALENDAR_SETTINGS.timeZone;
  if (!isTimeZone(timeZone)) throw new Error(`slot calendar: time zone "${timeZone}" is not an IANA time zone`);
  const freightHours = settings.freightHours ?? DEFAULT_SLOT_CALENDAR_SETTINGS.freightHours;
  if (!(FREIGHT_HOURS_MODES as readonly string[]).includes(freightHours)) {
    throw new Error(`slot calendar: freight hours "${freightHours}" must be ${FREIGHT_HOURS_MODES.join(' or ')}`);
  }
  return {
    timeZone,
    freightHours: freightHours as FreightHoursMode,
    daytimeHours: dailyHoursFrom(settings.daytimeHours ?? DEFAULT_SLOT_CALENDAR_SETTINGS.daytimeHours),
  };
}

function isTimeZone(candidate: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: candidate });
    return candidate !== '';
  } catch {
    return false;
  }
}

function dailyHoursFrom(text: string): DailyHours {
  const [opensHour = 99, opensMinute = 99, closesHour = 99, closesMinute = 99] = (
    /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text)?.slice(1) ?? []
  ).map(Number);
  const opensAt = opensHour * 60 + opensMinute;
  const closesAt = closesHour * 60 + closesMinute;
  if (
    opensHour > 23 ||
    opensMinute > 59 ||
    closesMinute > 59 ||
    closesAt > MINUTES_PER_DAY ||
    closesAt % MINUTES_PER_DAY === opensAt
  ) {
    throw new Error(
      `slot calendar: daytime hours "${text}" must be HH:MM-HH:MM, closing other than opening (ROUND_THE_CLOCK is all day)`,
    );
  }
  return { opensAt, closesAt: closesAt % MINUTES_PER_DAY };
}

function capacitiesFrom(json: string | undefined): Record<LaneType, number> {
  const capacities = Object.fromEntries(
    LANE_TYPE_NAMES.map((lane) => [lane, LANE_TYPES[lane].defaultCapacityPerHour]),
  ) as Record<LaneType, number>;
  if (json === undefined || json === '' || json === 'default') return capacities;
  let given: unknown;
  try {
    given = JSON.parse(json);
  } catch {
    throw new Error(`slot calendar: capacity per hour must be JSON by lane type, e.g. {"FREIGHT":40}; got ${json}`);
  }
  if (given === null || typeof given !== 'object' || Array.isArray(given)) {
    throw new Error(`slot calendar: capacity per hour must be a JSON object by lane type; got ${json}`);
  }
  for (const [lane, capacity] of Object.entries(given)) {
    if (!isLaneType(lane)) {
      throw new Error(`slot calendar: capacity for unknown lane type "${lane}" (known: ${LANE_TYPE_NAMES.join(', ')})`);
    }
    if (!Number.isInteger(capacity) || (capacity as number) < 0 || (capacity as number) > MAX_CAPACITY_PER_HOUR) {
      throw new Error(`slot calendar: capacity of ${lane} must be a whole number 0 to ${MAX_CAPACITY_PER_HOUR}`);
    }
    capacities[lane] = capacity as number;
  }
  return capacities;
}

/** The settings a calendar was read from, as configuration spells them: what the stack passes to the functions. */
export function slotCalendarSettingsOf(calendar: SlotCalendar): Required<SlotCalendarSettings> {
  return {
    timeZone: calendar.timeZone,
    freightHours: calendar.freightHours,
    daytimeHours: formatDailyHours(calendar.daytimeHours),
    capacityPerHour: JSON.stringify(calendar.capacityPerHour),
    noShowGraceMinutes: String(calendar.noShowGraceMinutes),
  };
}

export function formatDailyHours(hours: DailyHours): string {
  return `${clockTime(hours.opensAt)}-${hours.closesAt === 0 ? '24:00' : clockTime(hours.closesAt)}`;
}

function clockTime(minuteOfDay: number): string {
  return `${String(Math.floor(minuteOfDay / 60)).padStart(2, '0')}:${String(minuteOfDay % 60).padStart(2, '0')}`;
}

// ——— local time ———————————————————————————————————————————————————————————————————————————————————————————

/** A wall-clock reading in a time zone. */
export interface LocalTime {
  /** YYYY-MM-DD */
  readonly date: string;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** How far the zone's clock is ahead of UTC at that instant, in minutes (480 for Beijing time). */
  readonly offsetMinutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What the port's clock shows at an instant. */
export function localTimeOf(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const { type, value } of formatterFor(timeZone).formatToParts(instant)) parts[type] = value;
  const [year, month, day, hour, minute, second] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((type) =>
    Number(parts[type]),
  ) as [number, number, number, number, number, number];
  const wholeSeconds = Math.floor(instant.getTime() / 1000) * 1000;
  const offsetMinutes = Math.round((Date.UTC(year, month - 1, day, hour, minute, second) - wholeSeconds) / 60_000);
  return {
    date: `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`,
    hour,
    minute,
    second,
    offsetMinutes,
  };
}

/** One hour of the calendar: a local hour of a local date, named by the instant it starts. */
export interface SlotHour {
  /** The instant the hour starts, UTC (its identity in the store and in requests). */
  readonly startsAt: string;
  readonly endsAt: string;
  readonly localDate: string;
  /** 0–23: the local hour it is. */
  readonly localHour: number;
  /** The zone's offset at its start, in minutes. */
  readonly offsetMinutes: number;
}

const HOUR_MS = 3_600_000;

/** The local hour an instant falls in. */
export function localHourOf(instant: Date, timeZone: string): SlotHour {
  const local = localTimeOf(instant, timeZone);
  const start = Math.floor(instant.getTime() / 1000) * 1000 - (local.minute * 60 + local.second) * 1000;
  return hourStartingAt(start, local);
}

function hourStartingAt(startMs: number, local: Pick<LocalTime, 'date' | 'hour' | 'offsetMinutes'>): SlotHour {
  return {
    startsAt: new Date(startMs).toISOString(),
    endsAt: new Date(startMs + HOUR_MS).toISOString(),
    localDate: local.date,
    localHour: local.hour,
    offsetMinutes: local.offsetMinutes,
  };
}

/** Whether an instant is where a local hour of the zone begins (its minutes, seconds and milliseconds all zero). */
export function isLocalHourStart(instant: Date, timeZone: string): boolean {
  const local = localTimeOf(instant, timeZone);
  return local.minute === 0 && local.second === 0 && instant.getUTCMilliseconds() === 0;
}

// Every zone's offset is a whole number of quarter hours, so a local hour always starts on a quarter-hour instant.
const QUARTER_HOUR_MS = 15 * 60_000;
// UTC offsets run from −12:00 to +14:00: a local date lies within these bounds of its UTC namesake.
const EARLIEST_OFFSET_MS = 14 * HOUR_MS;
const LATEST_OFFSET_MS = 12 * HOUR_MS;

/** The hours of a local date, in order: 24, or 23 or 25 on a day the clocks change. */
export function hoursOfLocalDate(date: string, timeZone: string): SlotHour[] {
  const midnightUtc = Date.parse(`${date}T00:00:00Z`);
  const hours: SlotHour[] = [];
  for (let at = midnightUtc - EARLIEST_OFFSET_MS; at < midnightUtc + 24 * HOUR_MS + LATEST_OFFSET_MS; ) {
    const local = localTimeOf(new Date(at), timeZone);
    if (local.date === date && local.minute === 0 && local.second === 0) {
      hours.push(hourStartingAt(at, local));
      at += HOUR_MS;
    } else {
      at += QUARTER_HOUR_MS;
    }
  }
  return hours;
}

/** Whether freight is cleared in this hour: every hour round the clock, in daytime mode the configured hours only. */
export function isOperatingHour(calendar: SlotCalendar, hour: Pick<SlotHour, 'startsAt'>): boolean {
  if (calendar.freightHours === 'ROUND_THE_CLOCK') return true;
  const local = localTimeOf(new Date(hour.startsAt), calendar.timeZone);
  const start = local.hour * 60 + local.minute;
  const { opensAt, closesAt } = calendar.daytimeHours;
  // The whole hour must lie within the freight hours, which may span midnight.
  return opensAt < closesAt
    ? start >= opensAt && start + 60 <= closesAt
    : (start >= opensAt && start + 60 <= MINUTES_PER_DAY + closesAt) || start + 60 <= closesAt;
}

/** Whether freight is cleared at this instant. */
export function isOpenAt(calendar: FreightHours, instant: Date): boolean {
  if (calendar.freightHours === 'ROUND_THE_CLOCK') return true;
  const local = localTimeOf(instant, calendar.timeZone);
  const minute = local.hour * 60 + local.minute;
  const { opensAt, closesAt } = calendar.daytimeHours;
  return opensAt < closesAt ? minute >= opensAt && minute < closesAt : minute >= opensAt || minute < closesAt;
}

/**
 * When freight is next cleared from this instant on: the instant itself while the port is open, else the next
 * opening (a truck at the gate at 22:00 in daytime mode waits until then).
 */
export function nextOpeningAt(calendar: FreightHours, instant: Date): Date {
  if (isOpenAt(calendar, instant)) return instant;
  const firstQuarter = Math.ceil(instant.getTime() / QUARTER_HOUR_MS) * QUARTER_HOUR_MS;
  for (let at = firstQuarter; at <= instant.getTime() + 2 * 24 * HOUR_MS; at += QUARTER_HOUR_MS) {
    if (isOpenAt(calendar, new Date(at))) return new Date(at);
  }
  throw new Error(`slot calendar: no opening within two days of ${instant.toISOString()}`);
}

/** The instant as the port's clock shows it, with its offset: 2026-11-21T10:00:00+08:00. */
export function localIsoOf(instant: Date, timeZone: string): string {
  const local = localTimeOf(instant, timeZone);
  const sign = local.offsetMinutes < 0 ? '-' : '+';
  const offset = Math.abs(local.offsetMinutes);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${local.date}T${pad(local.hour)}:${pad(local.minute)}:${pad(local.second)}${sign}${pad(Math.floor(offset / 60))}:${pad(offset % 60)}`;
}

/** An hour as a person reads it: "2026-11-21 10:00–11:00 (Asia/Shanghai)". */
export function describeHour(hour: Pick<SlotHour, 'endsAt' | 'localDate' | 'localHour'>, timeZone: string): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const end = localTimeOf(new Date(hour.endsAt), timeZone);
  return `${hour.localDate} ${pad(hour.localHour)}:00–${pad(end.hour)}:${pad(end.minute)} (${timeZone})`;
}
