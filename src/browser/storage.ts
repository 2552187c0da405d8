/**
 * Key-value storage that never throws: Web Storage can be missing, full, or forbidden (private
 * browsing, blocked third-party storage). Falls back to memory, so the tracker works either way.
 */
export interface KeyValueStore {
  get(key: string): string | null;
  set(key: string, value: string): void;
  remove(key: string): void;
}

export function memoryStore(): KeyValueStore {
  const map = new Map<string, string>();
  return {
    get: (key) => map.get(key) ?? null,
    set: (key, value) => void map.set(key, value),
    remove: (key) => void map.delete(key),
  };
}

/** localStorage when usable, else memory. */
export function webStore(kind: 'localStorage' | 'sessionStorage' = 'localStorage'): KeyValueStore {
  let storage: Storage | undefined;
  try {
    storage = globalThis[kind];
    const probe = '__tc9_probe__';
    storage.setItem(probe, probe);
    storage.removeItem(probe);
  } catch {
    return memoryStore();
  }
  const fallback = memoryStore();
  return {
    get: (key) => {
      try {
        return storage.getItem(key) ?? fallback.get(key);
      } catch {
        return fallback.get(key);
      }
    },
    set: (key, value) => {
      try {
        storage.setItem(key, value);
      } catch {
        fallback.set(key, value);
      }
    },
    remove: (key) => {
      fallback.remove(key);
      try {
        storage.removeItem(key);
      } catch {
        // nothing to clean up then
      }
    },
  };
}
