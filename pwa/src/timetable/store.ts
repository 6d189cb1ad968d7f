// The offline copy of the timetable: one record per week (keyed by its Monday) with the ETag
// the server gave it and when it was fetched. The API answers `Cache-Control: no-store`, so the
// app keeps its own copy, in IndexedDB (a few lines over the raw API: no dependency). Cleared at
// sign-out: a shared phone must not keep someone else's timetable.
import type { Timetable } from '../api/timetable';

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
export interface WeekBackend {
  get(key: string): Promise<StoredWeek | undefined>;
  put(week: StoredWeek): Promise<void>;
  all(): Promise<StoredWeek[]>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

export function memoryBackend(): WeekBackend {
  const weeks = new Map<string, StoredWeek>();
  return {
    get: (key) => Promise.resolve(weeks.has(key) ? structuredClone(weeks.get(key)) : undefined),
    put: (week) => {
      weeks.set(week.key, structuredClone(week));
      return Promise.resolve();
    },
    all: () => Promise.resolve([...weeks.values()].map((w) => structuredClone(w))),
    delete: (key) => {
      weeks.delete(key);
      return Promise.resolve();
    },
    clear: () => {
      weeks.clear();
      return Promise.resolve();
    },
  };
}

export const DB_NAME = 'ent-timetable';
const STORE = 'weeks';

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** IndexedDB: database `ent-timetable`, object store `weeks` (key path `key`). */
export function indexedDbBackend(factory: IDBFactory): WeekBackend {
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(DB_NAME, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE, { keyPath: 'key' });
      };
      request.onsuccess = () => {
        const opened = request.result;
        // Another tab upgrading the database: let it, and open again next time.
        opened.onversionchange = () => {
          opened.close();
          db = null;
        };
        resolve(opened);
      };
      request.onerror = () => {
        db = null;
        reject(request.error ?? new Error('IndexedDB open failed'));
      };
      request.onblocked = () => reject(new Error('IndexedDB blocked'));
    });
    return db;
  };
  const run = async <T>(mode: IDBTransactionMode, call: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const database = await open();
    const tx = database.transaction(STORE, mode);
    const result = done(call(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return result;
  };
  return {
    get: (key) => run('readonly', (s) => s.get(key) as IDBRequest<StoredWeek | undefined>),
    put: async (week) => {
      await run('readwrite', (s) => s.put(week));
    },
    all: () => run('readonly', (s) => s.getAll() as IDBRequest<StoredWeek[]>),
    delete: async (key) => {
      await run('readwrite', (s) => s.delete(key));
    },
    clear: async () => {
      await run('readwrite', (s) => s.clear());
    },
  };
}

function defaultBackend(): WeekBackend {
  try {
    if (typeof indexedDB !== 'undefined' && indexedDB) return indexedDbBackend(indexedDB);
  } catch {
    // IndexedDB refused (some private modes): memory only
  }
  return memoryBackend();
}

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
