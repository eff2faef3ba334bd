import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import type { ExportedFile, Finding } from '../lib/types';

export type Severity = Finding['severity'];

export interface AuditFilters {
  severities: Severity[];
  environmentIds: string[];
  kinds: string[];
  text: string;
}

export interface AuditState {
  findings: Finding[];
  status: 'idle' | 'loading' | 'refreshing' | 'ready' | 'error';
  error: string | null;
  filters: AuditFilters;
  exporting: 'csv' | 'json' | 'html' | null;
  load: () => Promise<void>;
  setFilters: (patch: Partial<AuditFilters>) => void;
  exportAs: (format: 'csv' | 'json' | 'html') => Promise<ExportedFile | null>;
}

export const emptyAuditFilters: AuditFilters = { severities: [], environmentIds: [], kinds: [], text: '' };

export function filterFindings(findings: readonly Finding[], f: AuditFilters): Finding[] {
  const text = f.text.trim().toLowerCase();
  return findings.filter(
    (x) =>
      (f.severities.length === 0 || f.severities.includes(x.severity)) &&
      (f.environmentIds.length === 0 || f.environmentIds.includes(x.environmentId)) &&
      (f.kinds.length === 0 || f.kinds.includes(x.kind)) &&
      (!text || `${x.itemName} ${x.item} ${x.message} ${x.environmentName}`.toLowerCase().includes(text)),
  );
}

/** Audit findings of the current scan, with filters and exports (CSV, JSON, the HTML release report). */
export function createAuditStore(client: Client, hooks: { onExportError?: (message: string) => void } = {}) {
  return createStore<AuditState>()((set, get) => ({
    findings: [],
    status: 'idle',
    error: null,
    filters: emptyAuditFilters,
    exporting: null,
    async load() {
      set({ status: get().status === 'ready' ? 'refreshing' : 'loading', error: null });
      try {
        set({ findings: await client.call('audit:findings', {}), status: 'ready' });
      } catch (error) {
        set({ status: 'error', error: errorText(error) });
      }
    },
    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } });
    },
    async exportAs(format) {
      set({ exporting: format });
      try {
        return await client.call('audit:export', { format });
      } catch (error) {
        hooks.onExportError?.(errorText(error));
        return null;
      } finally {
        set({ exporting: null });
      }
    },
  }));
}
