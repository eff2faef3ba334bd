import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import { KEYS, readJson, writeJson, type KeyValueStorage } from '../lib/storage';
import type { Environment } from '../lib/types';

export interface EnvironmentSet {
  name: string;
  environmentIds: string[];
}

export interface EnvironmentsState {
  environments: Environment[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** The environments the matrix shows, in the admin API's order. */
  selectedIds: string[];
  sets: EnvironmentSet[];
  load: () => Promise<void>;
  toggle: (id: string) => void;
  setSelected: (ids: readonly string[]) => void;
  saveSet: (name: string) => void;
  applySet: (name: string) => void;
  deleteSet: (name: string) => void;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isSets = (v: unknown): v is EnvironmentSet[] =>
  Array.isArray(v) && v.every((s) => !!s && typeof (s as EnvironmentSet).name === 'string' && isStringArray((s as EnvironmentSet).environmentIds));

/** Environments from the admin API, which of them the matrix shows, and named sets ("Release train"). */
export function createEnvironmentsStore(client: Client, storage: KeyValueStorage) {
  const stored = readJson<string[] | null>(storage, KEYS.environmentSelection, null, (v): v is string[] | null => v === null || isStringArray(v));
  return createStore<EnvironmentsState>()((set, get) => {
    const ordered = (ids: readonly string[]): string[] => {
      const wanted = new Set(ids);
      const envs = get().environments;
      return envs.length ? envs.filter((e) => wanted.has(e.id)).map((e) => e.id) : [...wanted];
    };
    const select = (ids: readonly string[]): void => {
      const selectedIds = ordered(ids);
      writeJson(storage, KEYS.environmentSelection, selectedIds);
      set({ selectedIds });
    };
    return {
      environments: [],
      status: 'idle',
      error: null,
      selectedIds: stored ?? [],
      sets: readJson(storage, KEYS.environmentSets, [], isSets),
      async load() {
        set({ status: get().environments.length ? 'ready' : 'loading', error: null });
        try {
          const environments = await client.call('environments:list', {});
          set({ environments, status: 'ready' });
          const known = new Set(environments.map((e) => e.id));
          const kept = get().selectedIds.filter((id) => known.has(id));
          // First run (or nothing left): every environment but the default one.
          select(kept.length ? kept : environments.filter((e) => !e.isDefault).map((e) => e.id));
        } catch (error) {
          set({ status: 'error', error: errorText(error) });
        }
      },
      toggle(id) {
        const current = get().selectedIds;
        select(current.includes(id) ? current.filter((x) => x !== id) : [...current, id]);
      },
      setSelected(ids) {
        select(ids);
      },
      saveSet(name) {
        const trimmed = name.trim();
        if (!trimmed) return;
        const sets = [...get().sets.filter((s) => s.name !== trimmed), { name: trimmed, environmentIds: get().selectedIds }].sort((a, b) => a.name.localeCompare(b.name));
        writeJson(storage, KEYS.environmentSets, sets);
        set({ sets });
      },
      applySet(name) {
        const found = get().sets.find((s) => s.name === name);
        if (found) select(found.environmentIds);
      },
      deleteSet(name) {
        const sets = get().sets.filter((s) => s.name !== name);
        writeJson(storage, KEYS.environmentSets, sets);
        set({ sets });
      },
    };
  });
}
