import { createStore } from 'zustand/vanilla';
import type { Client } from '../bridge/client';
import { errorText } from '../bridge/client';
import type { Account, AddAccountInput, DeviceCode } from '../lib/types';

export interface AccountsState {
  accounts: Account[];
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  /** Per account: an action in flight. */
  busy: Record<string, 'signing-in' | 'signing-out' | 'removing'>;
  /** Per account: the last action's error. */
  errors: Record<string, string>;
  deviceCodes: Record<string, DeviceCode>;
  load: () => Promise<void>;
  add: (input: AddAccountInput) => Promise<Account>;
  remove: (id: string) => Promise<void>;
  signIn: (id: string) => Promise<void>;
  signOut: (id: string) => Promise<void>;
  dismissDeviceCode: (id: string) => void;
  start: () => () => void;
}

export function createAccountsStore(client: Client, hooks: { onSignedIn?: () => void } = {}) {
  return createStore<AccountsState>()((set, get) => {
    const setBusy = (id: string, value: AccountsState['busy'][string] | null): void => {
      const busy = { ...get().busy };
      if (value) busy[id] = value;
      else delete busy[id];
      set({ busy });
    };
    const setError = (id: string, message: string | null): void => {
      const errors = { ...get().errors };
      if (message) errors[id] = message;
      else delete errors[id];
      set({ errors });
    };
    const replace = (account: Account): void => set({ accounts: get().accounts.map((a) => (a.id === account.id ? account : a)) });
    return {
      accounts: [],
      status: 'idle',
      error: null,
      busy: {},
      errors: {},
      deviceCodes: {},
      async load() {
        set({ status: get().accounts.length ? 'ready' : 'loading', error: null });
        try {
          set({ accounts: await client.call('accounts:list', {}), status: 'ready' });
        } catch (error) {
          set({ status: 'error', error: errorText(error) });
        }
      },
      async add(input) {
        const account = await client.call('accounts:add', input);
        if (!get().accounts.some((a) => a.id === account.id)) set({ accounts: [...get().accounts, account] });
        else replace(account);
        return account;
      },
      async remove(id) {
        setBusy(id, 'removing');
        setError(id, null);
        try {
          await client.call('accounts:remove', { id });
          set({ accounts: get().accounts.filter((a) => a.id !== id) });
        } catch (error) {
          setError(id, errorText(error));
        } finally {
          setBusy(id, null);
        }
      },
      async signIn(id) {
        setBusy(id, 'signing-in');
        setError(id, null);
        try {
          replace(await client.call('accounts:sign-in', { id }));
          hooks.onSignedIn?.();
        } catch (error) {
          setError(id, errorText(error));
        } finally {
          setBusy(id, null);
          get().dismissDeviceCode(id);
        }
      },
      async signOut(id) {
        setBusy(id, 'signing-out');
        setError(id, null);
        try {
          replace(await client.call('accounts:sign-out', { id }));
        } catch (error) {
          setError(id, errorText(error));
        } finally {
          setBusy(id, null);
        }
      },
      dismissDeviceCode(id) {
        const deviceCodes = { ...get().deviceCodes };
        delete deviceCodes[id];
        set({ deviceCodes });
      },
      start() {
        const offChanged = client.on('accounts:changed', (accounts) => set({ accounts, status: 'ready' }));
        const offCode = client.on('auth:device-code', (code) => set({ deviceCodes: { ...get().deviceCodes, [code.accountId]: code } }));
        return () => {
          offChanged();
          offCode();
        };
      },
    };
  });
}
