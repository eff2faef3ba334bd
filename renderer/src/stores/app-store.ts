import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import { KEYS, type KeyValueStorage } from '../lib/storage';
import type { AppInfo } from '../lib/types';

export type Screen = 'matrix' | 'audit' | 'history' | 'settings-files' | 'solution-file' | 'environments' | 'accounts';
export type ThemePreference = 'system' | 'light' | 'dark';

export interface AppState {
  info: AppInfo | null;
  infoError: string | null;
  screen: Screen;
  theme: ThemePreference;
  load: () => Promise<void>;
  go: (screen: Screen) => void;
  setTheme: (theme: ThemePreference) => void;
  /** Opens a maker-portal link in the system browser (`external:open`). */
  openExternal: (url: string) => Promise<void>;
}

const isTheme = (v: unknown): v is ThemePreference => v === 'system' || v === 'light' || v === 'dark';

export function createAppStore(client: Client, storage: KeyValueStorage, hooks: { onError?: (message: string) => void } = {}) {
  const saved = storage.getItem(KEYS.theme);
  return createStore<AppState>()((set) => ({
    info: null,
    infoError: null,
    screen: 'matrix',
    theme: isTheme(saved) ? saved : 'system',
    async load() {
      try {
        set({ info: await client.call('app:info', {}), infoError: null });
      } catch (error) {
        set({ infoError: errorText(error) });
      }
    },
    go(screen) {
      set({ screen });
    },
    setTheme(theme) {
      storage.setItem(KEYS.theme, theme);
      set({ theme });
    },
    async openExternal(url) {
      try {
        await client.call('external:open', { url });
      } catch (error) {
        hooks.onError?.(errorText(error));
      }
    },
  }));
}
