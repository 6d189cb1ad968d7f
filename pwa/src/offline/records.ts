// Records kept on the device for offline use (the timetable's weeks, the news feed): a few lines
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
