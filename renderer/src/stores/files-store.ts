import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import type { ExportedFile, SettingsDiff, SettingsImport, SolutionFilePreview } from '../lib/types';

type Status = 'idle' | 'working' | 'ready' | 'error';

export interface FilesState {
  exportStatus: Record<string, Status>;
  exportError: Record<string, string>;
  diff: { environmentId: string; fileName: string; result: SettingsDiff } | null;
  diffStatus: Status;
  diffError: string | null;
  importResult: { environmentId: string; fileName: string; result: SettingsImport } | null;
  importStatus: Status;
  importError: string | null;
  preview: { fileName: string; label: string; result: SolutionFilePreview } | null;
  previewStatus: Status;
  previewError: string | null;
  exportSettings: (environmentId: string) => Promise<ExportedFile | null>;
  diffSettings: (environmentId: string, fileName: string, content: string) => Promise<SettingsDiff | null>;
  importSettings: (environmentId: string, fileName: string, content: string) => Promise<SettingsImport | null>;
  /** `label` is what the person picked ("folder ContosoOperations"); `fileName` what the main side reads. */
  previewSolution: (fileName: string, contentBase64: string, environmentIds: string[], label?: string) => Promise<void>;
  reset: () => void;
}

/** Settings files (pac deployment settings: export, drift, import as a plan) and solution files (preview). */
export function createFilesStore(client: Client) {
  return createStore<FilesState>()((set, get) => ({
    exportStatus: {},
    exportError: {},
    diff: null,
    diffStatus: 'idle',
    diffError: null,
    importResult: null,
    importStatus: 'idle',
    importError: null,
    preview: null,
    previewStatus: 'idle',
    previewError: null,
    async exportSettings(environmentId) {
      set({ exportStatus: { ...get().exportStatus, [environmentId]: 'working' }, exportError: { ...get().exportError, [environmentId]: '' } });
      try {
        const file = await client.call('settings:export', { environmentId });
        set({ exportStatus: { ...get().exportStatus, [environmentId]: 'ready' } });
        return file;
      } catch (error) {
        set({ exportStatus: { ...get().exportStatus, [environmentId]: 'error' }, exportError: { ...get().exportError, [environmentId]: errorText(error) } });
        return null;
      }
    },
    async diffSettings(environmentId, fileName, content) {
      set({ diffStatus: 'working', diffError: null });
      try {
        const result = await client.call('settings:diff', { environmentId, fileName, content });
        set({ diff: { environmentId, fileName, result }, diffStatus: 'ready' });
        return result;
      } catch (error) {
        set({ diffStatus: 'error', diffError: errorText(error) });
        return null;
      }
    },
    async importSettings(environmentId, fileName, content) {
      set({ importStatus: 'working', importError: null });
      try {
        const result = await client.call('settings:import', { environmentId, fileName, content });
        set({ importResult: { environmentId, fileName, result }, importStatus: 'ready' });
        return result;
      } catch (error) {
        set({ importStatus: 'error', importError: errorText(error) });
        return null;
      }
    },
    async previewSolution(fileName, contentBase64, environmentIds, label = fileName) {
      set({ previewStatus: 'working', previewError: null });
      try {
        const result = await client.call('solution-file:preview', { fileName, contentBase64, environmentIds });
        set({ preview: { fileName, label, result }, previewStatus: 'ready' });
      } catch (error) {
        set({ previewStatus: 'error', previewError: errorText(error) });
      }
    },
    reset() {
      set({ diff: null, diffStatus: 'idle', diffError: null, importResult: null, importStatus: 'idle', importError: null, preview: null, previewStatus: 'idle', previewError: null });
    },
  }));
}
