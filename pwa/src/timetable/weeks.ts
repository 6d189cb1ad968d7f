// The caller's timetable, a week at a time: what the screens show, fetched with the stored
// copy's ETag (304: the copy holds), kept offline (./store.ts), and the copy shown with when it
// was fetched when the server cannot be reached. The neighbouring weeks (last week and the next
// two) are fetched after the one shown, so that they are there offline too.
import { useEffect, useState } from 'preact/hooks';
import type { Outcome } from '../api/client';
import type { Failure } from '../api/problems';
import { myTimetable, type Timetable, type TimetableEvent } from '../api/timetable';
import { useOnline } from '../online';
import { addDays, localDay, mondayOf, today } from './dates';
import { store, useStore } from '../store';
import { clearWeeks, readWeek, writeWeek, type StoredWeek } from './store';
import { formatDay, TIME_ZONE } from '../i18n/format';
import type { Lang, MessageKey } from '../i18n';

export interface Week {
  /** The week's Monday. */
  key: string;
  data: Timetable;
  /** When the server last gave or confirmed this copy (ms since the epoch). */
  fetchedAt: number;
  /** Shown from the stored copy because the server could not be reached. */
  offline: boolean;
}

export type WeekState =
  | { status: 'loading' }
  | { status: 'ready'; week: Week; refreshing: boolean }
  | { status: 'error'; failure: Failure };

/** Bumped by forgetTimetable: answers to requests made before it are dropped, never stored. */
let generation = 0;

/** Network failures and server errors fall back to the stored copy; anything else is shown. */
const unreachable = (failure: Failure) => failure.slug === 'network' || failure.status >= 500;

/**
 * One week from the server, conditional on the stored copy (when it is `owner`'s; another
 * person's copy is forgotten). `owner` null: not known (the app started offline), any stored
 * copy is this device's last signed-in person's.
 */
export async function fetchWeek(monday: string, owner: string | null, now: () => number = Date.now): Promise<Outcome<Week>> {
  const asked = generation;
  // Nothing is written once the timetable was forgotten (signed out while this ran).
  const keep = (week: StoredWeek) => (asked === generation ? writeWeek(week) : Promise.resolve());
  const stored = await readWeek(monday);
  let usable: StoredWeek | undefined = stored;
  if (stored && owner !== null && stored.owner !== owner) {
    await clearWeeks();
    usable = undefined;
  }
  const answer = await myTimetable(monday, addDays(monday, 6), usable?.etag);
  if (answer.ok) {
    const fetchedAt = now();
    if (answer.data.status === 'fresh') {
      if (owner !== null) await keep({ key: monday, owner, etag: answer.data.etag, fetchedAt, data: answer.data.data });
      return { ok: true, data: { key: monday, data: answer.data.data, fetchedAt, offline: false } };
    }
    if (usable) {
      await keep({ ...usable, fetchedAt, etag: answer.data.etag ?? usable.etag });
      return { ok: true, data: { key: monday, data: usable.data, fetchedAt, offline: false } };
    }
    // 304 without a copy (it was dropped meanwhile): ask again without the ETag.
    const again = await myTimetable(monday, addDays(monday, 6));
    if (again.ok && again.data.status === 'fresh') {
      if (owner !== null) await keep({ key: monday, owner, etag: again.data.etag, fetchedAt, data: again.data.data });
      return { ok: true, data: { key: monday, data: again.data.data, fetchedAt, offline: false } };
    }
    return again.ok ? { ok: false, failure: { slug: 'unknown', status: 304 } } : again;
  }
  if (usable && unreachable(answer.failure)) {
    return { ok: true, data: { key: monday, data: usable.data, fetchedAt: usable.fetchedAt, offline: true } };
  }
  return answer;
}

// ---- What the screens share: one state per week, asked at most once at a time -----------------

/** Each week's state, by its Monday (a new map at each change). */
const states = store<ReadonlyMap<string, WeekState>>(new Map());
const checkedAt = new Map<string, number>();
const inFlight = new Map<string, Promise<void>>();

/** Asked again when shown, at most this often (the ETag makes it cheap). */
const RECHECK_MS = 30_000;

function setState(key: string, state: WeekState): void {
  states.set(new Map(states.value).set(key, state));
}

const LOADING: WeekState = { status: 'loading' };

export function weekState(key: string): WeekState {
  return states.value.get(key) ?? LOADING;
}

/** Fetch a week unless it was checked a moment ago (or `force`); the same request is shared. */
export function refreshWeek(monday: string, owner: string | null, force = false): Promise<void> {
  const running = inFlight.get(monday);
  if (running) return running;
  const current = states.value.get(monday);
  if (!force && current?.status === 'ready' && !current.week.offline && Date.now() - (checkedAt.get(monday) ?? 0) < RECHECK_MS) {
    return Promise.resolve();
  }
  if (current?.status === 'ready') setState(monday, { ...current, refreshing: true });
  const asked = generation;
  const promise = fetchWeek(monday, owner).then((outcome) => {
    inFlight.delete(monday);
    if (asked !== generation) return;
    checkedAt.set(monday, Date.now());
    const before = states.value.get(monday);
    if (outcome.ok) setState(monday, { status: 'ready', week: outcome.data, refreshing: false });
    else if (before?.status === 'ready' && unreachable(outcome.failure))
      setState(monday, { status: 'ready', week: { ...before.week, offline: true }, refreshing: false });
    else setState(monday, { status: 'error', failure: outcome.failure });
  });
  inFlight.set(monday, promise);
  return promise;
}

/** Last week, next week and the one after, around `monday`: fetched one after the other. */
export async function prefetchAround(monday: string, owner: string | null): Promise<void> {
  for (const offset of [1, -1, 2]) await refreshWeek(addDays(monday, 7 * offset), owner);
}

/** Sign-out: forget every week, in memory and on the device. */
export async function forgetTimetable(): Promise<void> {
  generation++;
  states.set(new Map());
  checkedAt.clear();
  inFlight.clear();
  await clearWeeks();
}

/**
 * Hook: the week starting on `monday`, fetched when shown (and when the network comes back);
 * with `prefetch`, its neighbours are fetched afterwards. `owner` is the signed-in person
 * (null when the app started offline: the stored copy is theirs).
 */
export function useWeek(monday: string, owner: string | null, { prefetch = false }: { prefetch?: boolean } = {}): WeekState {
  const online = useOnline();
  const state = useStore(states).get(monday) ?? LOADING;
  useEffect(() => {
    void refreshWeek(monday, owner, false).then(() => {
      if (prefetch && weekState(monday).status === 'ready') void prefetchAround(monday, owner);
    });
  }, [monday, owner, online, prefetch]);
  return state;
}

/** Hook: this week and the next, as the home's cards read them (the same states as the tab's: asked once). */
export function useComingWeeks(owner: string | null, now: number): [WeekState, WeekState] {
  const monday = thisMonday(now);
  return [useWeek(monday, owner), useWeek(addDays(monday, 7), owner)];
}

/** The time zone a week's times are shown in. */
export const weekZone = (state: WeekState): string => (state.status === 'ready' && state.week.data.time_zone) || TIME_ZONE;

/** Hook: the current time, updated every `everyMs` (the class in progress, today). */
export function useNow(everyMs = 30_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    const onVisible = () => {
      if (document.visibilityState === 'visible') setNow(Date.now());
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [everyMs]);
  return now;
}

/** The classes of a week that fall on `day` (in `timeZone`), in order. */
export function eventsOn(events: readonly TimetableEvent[], day: string, timeZone: string): TimetableEvent[] {
  return events.filter((e) => localDay(e.starts_at, timeZone) === day).sort((a, b) => a.starts_at.localeCompare(b.starts_at));
}

/** Whether a class is happening at `now`. */
export const inProgress = (event: TimetableEvent, now: number): boolean =>
  event.status !== 'cancelled' && Date.parse(event.starts_at) <= now && now < Date.parse(event.ends_at);

/** The day a class starts, in words: « Aujourd’hui », « Demain », else « mardi 8 décembre ». */
export function classDay(startsAt: string, tz: string, now: number, lang: Lang, t: (key: MessageKey) => string): string {
  const day = localDay(startsAt, tz);
  if (day === today(tz, now)) return t('timetable.today');
  return day === addDays(today(tz, now), 1) ? t('home.tomorrow') : formatDay(day, lang);
}

/** The next class that is not cancelled and not over at `now` (the one in progress first). */
export function nextClass(events: readonly TimetableEvent[], now: number): TimetableEvent | null {
  const upcoming = events
    .filter((e) => e.status !== 'cancelled' && Date.parse(e.ends_at) > now)
    .sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
  return upcoming[0] ?? null;
}

export type View = 'day' | 'week';

/** The address of a day (and view) of the timetable (here, not in its screen: the home card links to it). */
export const timetablePath = (day: string, view: View = 'day') => `/timetable?day=${day}${view === 'week' ? '&view=week' : ''}`;

/** This week's Monday in the university's time zone. */
export const thisMonday = (now: number = Date.now()): string => mondayOf(today(TIME_ZONE, now));
