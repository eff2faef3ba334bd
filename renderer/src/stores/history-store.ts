import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import type { RunDetail, RunListing } from '../lib/types';

export interface HistoryState {
  runs: RunListing[];
  status: 'idle' | 'loading' | 'refreshing' | 'ready' | 'error';
  error: string | null;
  selectedRunId: string | null;
  detail: RunDetail | null;
  detailStatus: 'idle' | 'loading' | 'ready' | 'error';
  detailError: string | null;
  load: () => Promise<void>;
  select: (runId: string | null) => Promise<void>;
}

/** Runs from the journal (`history:list`), and one run's plan and step results (`history:get`). */
export function createHistoryStore(client: Client) {
  let seq = 0;
  return createStore<HistoryState>()((set, get) => ({
    runs: [],
    status: 'idle',
    error: null,
    selectedRunId: null,
    detail: null,
    detailStatus: 'idle',
    detailError: null,
    async load() {
      set({ status: get().status === 'ready' ? 'refreshing' : 'loading', error: null });
      try {
        const runs = await client.call('history:list', {});
        set({ runs: [...runs].sort((a, b) => b.startedAt.localeCompare(a.startedAt)), status: 'ready' });
      } catch (error) {
        set({ status: 'error', error: errorText(error) });
      }
    },
    async select(runId) {
      const mine = ++seq;
      set({ selectedRunId: runId, detail: null, detailStatus: runId ? 'loading' : 'idle', detailError: null });
      if (!runId) return;
      try {
        const detail = await client.call('history:get', { runId });
        if (mine === seq) set({ detail, detailStatus: 'ready' });
      } catch (error) {
        if (mine === seq) set({ detailStatus: 'error', detailError: errorText(error) });
      }
    },
  }));
}
