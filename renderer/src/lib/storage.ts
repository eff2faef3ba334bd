/** The few UI preferences the renderer keeps (localStorage in the app; memory in tests). */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export function memoryStorage(initial: Record<string, string> = {}): KeyValueStorage {
  const map = new Map(Object.entries(initial));
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

export function browserStorage(): KeyValueStorage {
  try {
    const probe = '__patchbay_probe__';
    window.localStorage.setItem(probe, '1');
    window.localStorage.removeItem(probe);
    return window.localStorage;
  } catch {
    return memoryStorage();
  }
}

export function readJson<T>(storage: KeyValueStorage, key: string, fallback: T, valid: (v: unknown) => v is T): T {
  try {
    const raw = storage.getItem(key);
    if (raw === null) return fallback;
    const parsed: unknown = JSON.parse(raw);
    return valid(parsed) ? parsed : fallback;
  } catch {
    return fallback;
  }
}

export function writeJson(storage: KeyValueStorage, key: string, value: unknown): void {
  try {
    storage.setItem(key, JSON.stringify(value));
  } catch {
    // quota or privacy mode: preferences are a convenience
  }
}

export const KEYS = {
  theme: 'patchbay.theme',
  environmentSelection: 'patchbay.environments.selected',
  environmentSets: 'patchbay.environments.sets',
  solution: 'patchbay.solution',
  identity: 'patchbay.identity',
} as const;
