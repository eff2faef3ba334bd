import { createStore, type StoreApi } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import type { SettingsOverlay } from '../lib/grid-model';
import { identityFor } from '../lib/intent';
import { KEYS, readJson, writeJson, type KeyValueStorage } from '../lib/storage';
import type { ScanResult, Solution, Strategy } from '../lib/types';
import type { EnvironmentsState } from './environments-store';

export interface WorkspaceState {
  solutions: Solution[];
  solutionsStatus: 'idle' | 'loading' | 'ready' | 'error';
  solutionsError: string | null;
  solution: string | null;
  scan: ScanResult | null;
  /** 'refreshing' keeps the previous scan on screen while a new one runs. */
  status: 'idle' | 'loading' | 'refreshing' | 'ready' | 'error';
  error: string | null;
  /** Identity strategy per environment (absent = automatic). */
  identity: Record<string, Strategy>;
  /** Loaded settings files' variable values, for the "differs" state. */
  overlay: SettingsOverlay;
  overlayFiles: Record<string, string>;
  /** Solutions of the chosen environments; picks the only one when nothing is chosen (no scan: the caller scans). */
  loadSolutions: () => Promise<void>;
  setSolution: (uniqueName: string | null) => void;
  scanNow: () => Promise<void>;
  setIdentity: (envId: string, strategy: Strategy) => void;
  setOverlay: (envId: string, fileName: string, values: Record<string, string>) => void;
  clearOverlay: (envId: string) => void;
}

const isIdentity = (v: unknown): v is Record<string, Strategy> =>
  !!v && typeof v === 'object' && Object.values(v).every((s) => s === 'auto' || s === 'me' || s === 'spn' || s === 'connection-owner');

/** The solution being looked at, its scan across the chosen environments, and how to look at it. */
export function createWorkspaceStore(client: Client, storage: KeyValueStorage, environments: StoreApi<EnvironmentsState>) {
  let scanSeq = 0;
  let solutionsSeq = 0;
  return createStore<WorkspaceState>()((set, get) => ({
    solutions: [],
    solutionsStatus: 'idle',
    solutionsError: null,
    solution: storage.getItem(KEYS.solution),
    scan: null,
    status: 'idle',
    error: null,
    identity: readJson(storage, KEYS.identity, {}, isIdentity),
    overlay: {},
    overlayFiles: {},
    async loadSolutions() {
      const envIds = environments.getState().selectedIds;
      if (!envIds.length) {
        set({ solutions: [], solutionsStatus: 'ready', solutionsError: null });
        return;
      }
      const seq = ++solutionsSeq;
      set({ solutionsStatus: 'loading', solutionsError: null });
      const results = await Promise.allSettled(envIds.map((environmentId) => client.call('solutions:list', { environmentId })));
      if (seq !== solutionsSeq) return;
      const byName = new Map<string, Solution>();
      for (const r of results) if (r.status === 'fulfilled') for (const s of r.value) if (!byName.has(s.uniqueName)) byName.set(s.uniqueName, s);
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      const solutions = [...byName.values()].sort((a, b) => a.friendlyName.localeCompare(b.friendlyName));
      set({
        solutions,
        solutionsStatus: byName.size === 0 && failed ? 'error' : 'ready',
        solutionsError: byName.size === 0 && failed ? errorText(failed.reason) : null,
      });
      // Nothing chosen yet: take the only solution there is (the demo tenant's ContosoOperations).
      const current = get().solution;
      if (!current || !byName.has(current)) {
        const candidates = solutions.filter((s) => !/^(default|active|basic)$/i.test(s.uniqueName) && !/^Cr[0-9a-f]+$/.test(s.uniqueName));
        if (!current && candidates.length === 1 && candidates[0]) {
          storage.setItem(KEYS.solution, candidates[0].uniqueName);
          set({ solution: candidates[0].uniqueName });
        }
      }
    },
    setSolution(uniqueName) {
      if (uniqueName) storage.setItem(KEYS.solution, uniqueName);
      else storage.removeItem(KEYS.solution);
      if (uniqueName !== get().solution) set({ solution: uniqueName, scan: null, status: 'idle', error: null });
      if (uniqueName) void get().scanNow();
    },
    async scanNow() {
      const solution = get().solution;
      const environmentIds = environments.getState().selectedIds;
      if (!solution || !environmentIds.length) return;
      const seq = ++scanSeq;
      set({ status: get().scan ? 'refreshing' : 'loading', error: null });
      try {
        const identity = identityFor(environmentIds, get().identity);
        const scan = await client.call('workspace:scan', { solution, environmentIds, identity });
        if (seq === scanSeq) set({ scan, status: 'ready' });
      } catch (error) {
        if (seq === scanSeq) set({ status: 'error', error: errorText(error) });
      }
    },
    setIdentity(envId, strategy) {
      const identity = { ...get().identity };
      if (strategy === 'auto') delete identity[envId];
      else identity[envId] = strategy;
      writeJson(storage, KEYS.identity, identity);
      set({ identity });
      void get().scanNow();
    },
    setOverlay(envId, fileName, values) {
      set({ overlay: { ...get().overlay, [envId]: values }, overlayFiles: { ...get().overlayFiles, [envId]: fileName } });
    },
    clearOverlay(envId) {
      const overlay = { ...get().overlay };
      const overlayFiles = { ...get().overlayFiles };
      delete overlay[envId];
      delete overlayFiles[envId];
      set({ overlay, overlayFiles });
    },
  }));
}
