import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';

export type ToastLevel = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  id: number;
  level: ToastLevel;
  title?: string;
  message: string;
}

export interface NotificationsState {
  notices: Notice[];
  push: (level: ToastLevel, message: string, title?: string) => void;
  /** Subscribes to the main side's `toast` events; returns the unsubscribe. */
  start: () => () => void;
}

/** Toasts: background events from the main side and outcomes of the renderer's own actions. */
export function createNotificationsStore(client: Client) {
  let next = 1;
  return createStore<NotificationsState>()((set, get) => ({
    notices: [],
    push(level, message, title) {
      const notice: Notice = title === undefined ? { id: next++, level, message } : { id: next++, level, message, title };
      // Keep the last few; the Toaster shows each once.
      set({ notices: [...get().notices.slice(-19), notice] });
    },
    start() {
      return client.on('toast', (t) => get().push(t.level, t.message));
    },
  }));
}
