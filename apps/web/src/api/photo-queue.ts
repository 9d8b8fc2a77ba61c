/**
 * Photos taken while offline (an inspector in a basement), kept in IndexedDB until they can be
 * uploaded; the annotation itself is already in the shared document (and y-indexeddb), so
 * once the photo is stored the reference is added to it. Blobs go into IndexedDB as they are.
 */
export interface QueuedPhoto {
  /** IndexedDB key, set once stored. */
  key?: number;
  parkId: string;
  annotationId: string;
  blob: Blob;
  name?: string;
  /** When it was taken (epoch ms). */
  at: number;
}

export interface PhotoQueue {
  add(p: QueuedPhoto): Promise<number>;
  list(parkId: string): Promise<QueuedPhoto[]>;
  remove(key: number): Promise<void>;
}

const STORE = 'photos';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** The browser's photo queue (one database for every park; entries carry their park). */
export function openPhotoQueue(dbName = 'zcp-photo-queue', idb: IDBFactory = indexedDB): PhotoQueue {
  let db: Promise<IDBDatabase> | undefined;
  const open = () => {
    db ??= new Promise((resolve, reject) => {
      const r = idb.open(dbName, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: 'key', autoIncrement: true });
      r.onsuccess = () => resolve(r.result);
      r.onerror = () => reject(r.error);
    });
    return db;
  };
  const store = async (mode: IDBTransactionMode) => (await open()).transaction(STORE, mode).objectStore(STORE);
  return {
    async add(p) {
      const { key: _key, ...rest } = p;
      return Number(await request((await store('readwrite')).add(rest)));
    },
    async list(parkId) {
      const all = (await request((await store('readonly')).getAll())) as QueuedPhoto[];
      return all.filter((p) => p.parkId === parkId).sort((a, b) => a.at - b.at);
    },
    async remove(key) {
      await request((await store('readwrite')).delete(key));
    },
  };
}
