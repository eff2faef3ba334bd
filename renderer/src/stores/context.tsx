import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { StoreApi } from 'zustand/vanilla';
import type { Stores } from './index';

const StoresContext = createContext<Stores | null>(null);

export function StoresProvider({ stores, children }: { stores: Stores; children: ReactNode }) {
  return <StoresContext.Provider value={stores}>{children}</StoresContext.Provider>;
}

export function useStores(): Stores {
  const stores = useContext(StoresContext);
  if (!stores) throw new Error('useStores outside <StoresProvider>');
  return stores;
}

/** Reads one store with a selector (features only; components take props). */
type StateOf<S> = S extends StoreApi<infer T> ? T : never;

export function useSlice<K extends keyof Stores, T>(name: K, selector: (state: StateOf<Stores[K]>) => T): T {
  const store = useStores()[name] as unknown as StoreApi<unknown>;
  return useStore(store, selector as (state: unknown) => T);
}
