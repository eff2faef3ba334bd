import { createStore } from 'zustand/vanilla';
import { emptyFilters, type GridFilters } from '../lib/grid-model';
import { initialSelection, type SelectionState } from '../lib/selection';

export interface GridState {
  filters: GridFilters;
  /** Selected cells, the shift-range anchor and the focused item (which the detail panel shows). */
  selection: SelectionState;
  detailOpen: boolean;
  setFilters: (patch: Partial<GridFilters>) => void;
  resetFilters: () => void;
  setSelection: (next: SelectionState) => void;
  /** Opens the detail panel (Enter, double-click). */
  showDetail: () => void;
  setDetailOpen: (open: boolean) => void;
}

/** The matrix screen's view state: filters, selection and the detail panel. No I/O. */
export function createGridStore() {
  return createStore<GridState>()((set, get) => ({
    filters: emptyFilters,
    selection: initialSelection,
    detailOpen: true,
    setFilters(patch) {
      set({ filters: { ...get().filters, ...patch } });
    },
    resetFilters() {
      set({ filters: emptyFilters });
    },
    setSelection(selection) {
      set({ selection });
    },
    showDetail() {
      set({ detailOpen: true });
    },
    setDetailOpen(detailOpen) {
      set({ detailOpen });
    },
  }));
}
