// The offline copy of the timetable: one record per week (keyed by its Monday) with the ETag
// the server gave it and when it was fetched. The API answers `Cache-Control: no-store`, so the
// app keeps its own copy, in IndexedDB (a few lines over the raw API: no dependency). Cleared at
// sign-out: a shared phone must not keep someone else's timetable.
import type { Timetable } from '../api/timetable';
import { deviceRecords, indexedDbRecords, memoryRecords, type RecordBackend } from '../offline/records';

export interface StoredWeek {
  /** The week's Monday, `YYYY-MM-DD`. */
  key: string;
  /** Whose timetable it is (`person_id`). */
  owner: string;
  etag: string | null;
  /** When the server last gave or confirmed (304) this copy, ms since the epoch. */
  fetchedAt: number;
  data: Timetable;
}

/** Where the weeks are kept: IndexedDB in the app, memory in tests or when IndexedDB fails. */
export type WeekBackend = RecordBackend<StoredWeek>;

export const memoryBackend = (): WeekBackend => memoryRecords<StoredWeek>();

export const DB_NAME = 'ent-timetable';
const STORE = 'weeks';

/** IndexedDB: database `ent-timetable`, object store `weeks` (key path `key`). */
export const indexedDbBackend = (factory: IDBFactory): WeekBackend => indexedDbRecords<StoredWeek>(factory, DB_NAME, STORE);

const defaultBackend = (): WeekBackend => deviceRecords<StoredWeek>(DB_NAME, STORE);

let backend: WeekBackend = defaultBackend();

/** For tests: replace where weeks are kept (a fresh memory store when none is given). */
export function setWeekBackend(next: WeekBackend = memoryBackend()): void {
  backend = next;
}

/** How many weeks are kept (the most recently fetched): enough for last week to a month ahead. */
export const MAX_WEEKS = 12;

/** The stored copy of a week, never a throw (a failing store is an empty one). */
export async function readWeek(key: string): Promise<StoredWeek | undefined> {
  try {
    return await backend.get(key);
  } catch {
    return undefined;
  }
}

/** Keep a week (and drop the oldest beyond MAX_WEEKS); failures are ignored. */
export async function writeWeek(week: StoredWeek): Promise<void> {
  try {
    await backend.put(week);
    const all = await backend.all();
    if (all.length <= MAX_WEEKS) return;
    all.sort((a, b) => b.fetchedAt - a.fetchedAt);
    for (const old of all.slice(MAX_WEEKS)) await backend.delete(old.key);
  } catch {
    // quota, private mode: the app still works online
  }
}

/** Forget every stored week (sign-out, or another person signed in). */
export async function clearWeeks(): Promise<void> {
  try {
    await backend.clear();
  } catch {
    // nothing stored, or the store is unusable: nothing to forget
  }
}

export async function storedWeeks(): Promise<StoredWeek[]> {
  try {
    return await backend.all();
  } catch {
    return [];
  }
}
