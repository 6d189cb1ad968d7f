// Local dates of the university (Europe/Paris) as `YYYY-MM-DD` strings, and the conversions
// between them and UTC instants. Pure functions over Intl (no date library), unit-tested
// around the DST changes.

/** A calendar date, `YYYY-MM-DD` (the university's local date). */
export type Day = string;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const MS_PER_DAY = 86_400_000;

function parts(day: Day): [number, number, number] | null {
  const m = DAY.exec(day);
  if (!m) return null;
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Whether `value` is a real date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  const p = parts(value);
  if (!p) return false;
  const date = new Date(Date.UTC(p[0], p[1] - 1, p[2]));
  return date.getUTCFullYear() === p[0] && date.getUTCMonth() === p[1] - 1 && date.getUTCDate() === p[2];
}

/** Whether `value` is a time of day written `HH:MM`. */
export function isTime(value: unknown): value is string {
  return typeof value === 'string' && TIME.test(value);
}

const dayOfUtc = (ms: number): Day => new Date(ms).toISOString().slice(0, 10);
const utcOf = (day: Day): number => {
  const p = parts(day);
  if (!p) throw new RangeError(`not a day: ${day}`);
  return Date.UTC(p[0], p[1] - 1, p[2]);
};

/** `day` plus `n` days (calendar days: DST does not matter here). */
export function addDays(day: Day, n: number): Day {
  return dayOfUtc(utcOf(day) + n * MS_PER_DAY);
}

/** 0 for Monday … 6 for Sunday. */
export function weekday(day: Day): number {
  return (new Date(utcOf(day)).getUTCDay() + 6) % 7;
}

/** The Monday of the week (Monday to Sunday) that `day` is in. */
export function mondayOf(day: Day): Day {
  return addDays(day, -weekday(day));
}

/** The seven days of the week starting on `monday`. */
export function weekDays(monday: Day): Day[] {
  return Array.from({ length: 7 }, (_, i) => addDays(monday, i));
}

/** Days from `a` to `b` (negative when b is before a). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((utcOf(b) - utcOf(a)) / MS_PER_DAY);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function wallFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

interface Wall {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock reading in `timeZone` at instant `ms`. */
function wall(ms: number, timeZone: string): Wall {
  const out: Record<string, number> = {};
  for (const part of wallFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') out[part.type] = Number(part.value);
  }
  return {
    year: out.year ?? 1970,
    month: out.month ?? 1,
    day: out.day ?? 1,
    hour: (out.hour ?? 0) % 24,
    minute: out.minute ?? 0,
    second: out.second ?? 0,
  };
}

const toMs = (value: Date | string | number): number =>
  typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
const pad = (n: number) => String(n).padStart(2, '0');

/** The local date in `timeZone` of an instant. */
export function localDay(instant: Date | string | number, timeZone: string): Day {
  const w = wall(toMs(instant), timeZone);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** The local time of day (`HH:MM`) in `timeZone` of an instant. */
export function localTime(instant: Date | string | number, timeZone: string): string {
  const w = wall(toMs(instant), timeZone);
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** How far `timeZone` is ahead of UTC at instant `ms`, in milliseconds. */
function offsetAt(ms: number, timeZone: string): number {
  const w = wall(ms, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant when the clocks of `timeZone` read `time` on `day`. A time skipped by the spring
 * change (02:30 on the last Sunday of March in Paris) lands an hour later; a time read twice in
 * autumn is the first of the two.
 */
export function zonedInstant(day: Day, time: string, timeZone: string): Date {
  const p = parts(day);
  const m = TIME.exec(time);
  if (!p || !m) throw new RangeError(`not a day and time: ${day} ${time}`);
  const guess = Date.UTC(p[0], p[1] - 1, p[2], Number(m[1]), Number(m[2]));
  const first = offsetAt(guess - 12 * 3_600_000, timeZone);
  const second = offsetAt(guess + 12 * 3_600_000, timeZone);
  // Try the earlier offset first (the first reading of a repeated hour).
  for (const offset of first >= second ? [first, second] : [second, first]) {
    const candidate = guess - offset;
    if (offsetAt(candidate, timeZone) === offset) return new Date(candidate);
  }
  return new Date(guess - first);
}

/** Today in `timeZone`. */
export function today(timeZone: string, now: number = Date.now()): Day {
  return localDay(now, timeZone);
}
