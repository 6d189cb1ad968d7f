// Records kept on the device for offline use (the timetable’s weeks, the news feed, the card, the courses): a few lines
// over the raw IndexedDB API (no dependency), or memory in tests and when IndexedDB is refused.
// Each record is keyed by its `key`.

export interface RecordBackend<T extends { key: string }> {
  get(key: string): Promise<T | undefined>;
  put(record: T): Promise<void>;
  all(): Promise<T[]>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

export function memoryRecords<T extends { key: string }>(): RecordBackend<T> {
  const records = new Map<string, T>();
  return {
    get: (key) => Promise.resolve(records.has(key) ? structuredClone(records.get(key)) : undefined),
    put: (record) => {
      records.set(record.key, structuredClone(record));
      return Promise.resolve();
    },
    all: () => Promise.resolve([...records.values()].map((r) => structuredClone(r))),
    delete: (key) => {
      records.delete(key);
      return Promise.resolve();
    },
    clear: () => {
      records.clear();
      return Promise.resolve();
    },
  };
}

function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'));
  });
}

/** IndexedDB: database `name` (version 1), one object store `store` with key path `key`. */
export function indexedDbRecords<T extends { key: string }>(factory: IDBFactory, name: string, store: string): RecordBackend<T> {
  let db: Promise<IDBDatabase> | null = null;
  const open = () => {
    db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open(name, 1);
      request.onupgradeneeded = () => {
        if (!request.result.objectStoreNames.contains(store)) request.result.createObjectStore(store, { keyPath: 'key' });
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
  const run = async <R>(mode: IDBTransactionMode, call: (s: IDBObjectStore) => IDBRequest<R>): Promise<R> => {
    const database = await open();
    const tx = database.transaction(store, mode);
    const result = done(call(tx.objectStore(store)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
    return result;
  };
  return {
    get: (key) => run('readonly', (s) => s.get(key) as IDBRequest<T | undefined>),
    put: async (record) => {
      await run('readwrite', (s) => s.put(record));
    },
    all: () => run('readonly', (s) => s.getAll() as IDBRequest<T[]>),
    delete: async (key) => {
      await run('readwrite', (s) => s.delete(key));
    },
    clear: async () => {
      await run('readwrite', (s) => s.clear());
    },
  };
}

/** IndexedDB when the browser allows it, else memory (some private modes refuse it). */
export function deviceRecords<T extends { key: string }>(name: string, store: string): RecordBackend<T> {
  try {
    if (typeof indexedDB !== 'undefined' && indexedDB) return indexedDbRecords<T>(indexedDB, name, store);
  } catch {
    // IndexedDB refused: memory only
  }
  return memoryRecords<T>();
}

/** The one record a screen keeps of its last answer, with whose it is (`person_id`). */
export interface OwnedRecord {
  key: string;
  owner: string;
}

/**
 * A screen's offline copy of the signed-in person's last answer (« Ma carte », « Mes cours »):
 * one record under `key` in IndexedDB database `name`, store `store`. Never a throw: a failing
 * store reads as empty and keeps nothing (the screen still works online). Emptied at sign-out.
 */
export function ownedCopy<R extends OwnedRecord>(name: string, store: string, key: R['key']) {
  let backend: RecordBackend<R> = deviceRecords<R>(name, store);
  return {
    /** The kept record — only if it is `owner`'s (any, when the app started offline and does not know who). */
    read: async (owner: string | null = null): Promise<R | undefined> => {
      try {
        const stored = await backend.get(key);
        return stored && (owner === null || stored.owner === owner) ? stored : undefined;
      } catch {
        return undefined;
      }
    },
    write: async (record: Omit<R, 'key'>): Promise<void> => {
      try {
        await backend.put({ ...record, key } as R);
      } catch {
        // nothing kept (quota, private mode)
      }
    },
    forget: async (): Promise<void> => {
      try {
        await backend.clear();
      } catch {
        // nothing stored, or the store is unusable: nothing to forget
      }
    },
    /** For tests: replace where the copy is kept (a fresh memory store when none is given). */
    setBackend: (next: RecordBackend<R> = memoryRecords<R>()): void => {
      backend = next;
    },
  };
}

/** Whether a failed call means the server could not answer (a kept copy may stand in): network, 5xx. */
export const unreachable = (failure: { status: number }) => failure.status === 0 || failure.status >= 500;
