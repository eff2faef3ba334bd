// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildGridModel } from '../lib/grid-model';
import { initialSelection } from '../lib/selection';
import { setupDom } from '../testing/dom-setup';
import { makeScan } from '../testing/fixtures';
import { renderApp } from '../testing/render-app';
import { COLUMN_WIDTH, MatrixGrid, MIN_ROW_HEADER_WIDTH, ROW_HEADER_WIDTH } from './matrix-grid';

beforeAll(() => setupDom());
afterEach(() => cleanup());

async function openMatrix() {
  const app = renderApp();
  const grid = await screen.findByRole('grid', { name: 'Solution matrix' });
  await within(grid).findAllByRole('gridcell');
  return { ...app, grid };
}

const selectedCells = (grid: HTMLElement) => within(grid).getAllByRole('gridcell').filter((c) => c.getAttribute('aria-selected') === 'true');
const cell = (name: string) => screen.getByRole('gridcell', { name });

describe('the matrix grid', () => {
  it('renders every cell with its accessible name "<row> in <environment>: <state>", headers for rows and environments', async () => {
    const { grid, scan } = await openMatrix();
    const envs = scan.matrix.columns.map((c) => c.displayName);
    const rows = scan.matrix.references.length + scan.matrix.envVars.length + scan.matrix.flows.length;
    expect(within(grid).getAllByRole('gridcell')).toHaveLength(rows * envs.length);
    for (const env of envs) expect(within(grid).getByRole('columnheader', { name: env })).toBeTruthy();
    expect(within(grid).getByRole('columnheader', { name: 'Select all' })).toBeTruthy();
    const teams = scan.matrix.references.find((r) => r.connector === 'shared_teams');
    expect(teams).toBeTruthy();
    expect(cell(`${teams?.displayName ?? ''} in Contoso Dev: Dangling`)).toBeTruthy();
    expect(within(grid).getByRole('rowheader', { name: teams?.displayName ?? '' })).toBeTruthy();
    const flow = scan.matrix.flows[0];
    const state = flow?.cells[scan.matrix.columns[0]?.environmentId ?? '']?.state;
    expect(state).toBe('on');
    expect(cell(`${flow?.displayName ?? ''} in Contoso Dev: On`)).toBeTruthy();
    // Icon + label, never colour alone: the label is text in the cell.
    expect(cell(`${flow?.displayName ?? ''} in Contoso Dev: On`).textContent).toContain('On');
    // Groups: by connector, variables, flows (children under their parents).
    expect(within(grid).getByRole('rowheader', { name: /^Connection references/ })).toBeTruthy();
    expect(within(grid).getByRole('rowheader', { name: /^Environment variables/ })).toBeTruthy();
    expect(within(grid).getByRole('rowheader', { name: /^Flows/ })).toBeTruthy();
    expect(grid.getAttribute('aria-multiselectable')).toBe('true');
  });

  it('selects by click, Ctrl-click, Shift-range, row header, column header and Select all, with a visible count', async () => {
    const user = userEvent.setup();
    const { grid, scan } = await openMatrix();
    const r1 = scan.matrix.references[1];
    const first = within(grid).getAllByRole('gridcell')[0] as HTMLElement;
    await user.click(first);
    expect(first.getAttribute('aria-selected')).toBe('true');
    expect(selectedCells(grid)).toHaveLength(1);
    expect(screen.getByText(/cell selected in 1 environment/)).toBeTruthy();

    const other = within(grid).getAllByRole('gridcell')[4] as HTMLElement; // second reference row, second environment
    await user.keyboard('{Control>}');
    await user.click(other);
    await user.keyboard('{/Control}');
    expect(selectedCells(grid)).toHaveLength(2);
    await user.keyboard('{Control>}');
    await user.click(other);
    await user.keyboard('{/Control}');
    expect(selectedCells(grid)).toHaveLength(1);

    // Shift-click: the rectangle from the anchor (the first cell, clicked again) to the third environment of the second row.
    await user.click(first);
    const corner = within(grid).getAllByRole('gridcell')[5] as HTMLElement;
    await user.keyboard('{Shift>}');
    await user.click(corner);
    await user.keyboard('{/Shift}');
    expect(selectedCells(grid)).toHaveLength(6);
    expect(screen.getByText(/cells selected in 3 environments/)).toBeTruthy();

    await user.click(within(grid).getByRole('rowheader', { name: r1?.displayName ?? '' }));
    expect(selectedCells(grid)).toHaveLength(3);
    expect(selectedCells(grid).every((c) => c.getAttribute('aria-label')?.startsWith(`${r1?.displayName ?? ''} in`))).toBe(true);

    await user.click(within(grid).getByRole('columnheader', { name: 'Contoso Test' }));
    const rows = scan.matrix.references.length + scan.matrix.envVars.length + scan.matrix.flows.length;
    expect(selectedCells(grid)).toHaveLength(rows);
    expect(selectedCells(grid).every((c) => c.getAttribute('aria-label')?.includes(' in Contoso Test: '))).toBe(true);

    await user.click(within(grid).getByRole('columnheader', { name: 'Select all' }));
    expect(selectedCells(grid)).toHaveLength(rows * 3);
    await user.click(within(grid).getByRole('columnheader', { name: 'Select all' }));
    expect(selectedCells(grid)).toHaveLength(0);
  });

  it('moves with the arrow keys, toggles with Space, extends with Shift+arrows, Ctrl+A and Escape', async () => {
    const user = userEvent.setup();
    const { grid, scan } = await openMatrix();
    const cells = within(grid).getAllByRole('gridcell');
    await user.click(cells[0] as HTMLElement);
    expect(document.activeElement).toBe(cells[0]);
    await user.keyboard('{ArrowRight}');
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toBe(cells[1]?.getAttribute('aria-label')));
    // Only one tab stop in the grid: the focused cell.
    expect(grid.querySelectorAll('[tabindex="0"]')).toHaveLength(1);
    await user.keyboard(' ');
    expect(selectedCells(grid)).toHaveLength(2);
    await user.keyboard(' ');
    expect(selectedCells(grid)).toHaveLength(1);
    // Down crosses the next connector's group header, then lands on the next reference, same environment.
    await user.keyboard('{ArrowDown}');
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('rowheader'));
    await user.keyboard('{ArrowDown}');
    const second = scan.matrix.references[1];
    await waitFor(() => expect(document.activeElement?.getAttribute('aria-label')).toMatch(new RegExp(`^${second?.displayName ?? ''} in Contoso Test: `)));
    await user.keyboard('{Shift>}{ArrowRight}{/Shift}');
    expect(selectedCells(grid).length).toBeGreaterThanOrEqual(4);
    await user.keyboard('{Control>}a{/Control}');
    const rows = scan.matrix.references.length + scan.matrix.envVars.length + scan.matrix.flows.length;
    expect(selectedCells(grid)).toHaveLength(rows * 3);
    await user.keyboard('{Escape}');
    expect(selectedCells(grid)).toHaveLength(0);
    // Home goes to the row header; Space there selects the row.
    await user.keyboard('{Home}');
    await waitFor(() => expect(document.activeElement?.getAttribute('role')).toBe('rowheader'));
    await user.keyboard(' ');
    expect(selectedCells(grid)).toHaveLength(3);
  });

  it('shows the focused cell’s reasons in the detail panel', async () => {
    const { grid, scan } = await openMatrix();
    const blockedFlow = scan.matrix.flows.find((f) => Object.values(f.cells).some((c) => c.state === 'blocked'));
    const env = scan.matrix.columns.find((c) => blockedFlow?.cells[c.environmentId]?.state === 'blocked');
    const target = within(grid).getByRole('gridcell', { name: `${blockedFlow?.displayName ?? ''} in ${env?.displayName ?? ''}: Blocked` });
    act(() => {
      fireEvent.click(target);
    });
    const details = screen.getByRole('complementary', { name: 'Details' });
    expect(within(details).getByText(/has no connection/)).toBeTruthy();
  });

  it('narrows the row headers (not below their minimum) before four environments need a horizontal scroll', () => {
    const model = buildGridModel(makeScan({ environments: 4 }).matrix);
    const templateAt = (width: number): string => {
      // The grid measures its own clientWidth: give it this viewport, then the suite's usual one back.
      setupDom({ width });
      try {
        const { container, unmount } = render(<MatrixGrid model={model} selection={initialSelection} onSelectionChange={() => {}} />);
        const template = container.querySelector<HTMLElement>('[role="row"][aria-rowindex="1"]')?.style.gridTemplateColumns ?? '';
        unmount();
        return template;
      } finally {
        setupDom();
      }
    };
    // A laptop with the detail panel open: the names give up width so all four environments fit.
    expect(templateAt(900)).toBe(`${900 - 2 - 4 * COLUMN_WIDTH}px repeat(4, ${COLUMN_WIDTH}px)`);
    // Room to spare: full-width names, wider environments.
    expect(templateAt(1400)).toBe(`${ROW_HEADER_WIDTH}px repeat(4, ${Math.floor((1400 - ROW_HEADER_WIDTH - 2) / 4)}px)`);
    // Too narrow even then: names keep their minimum and the grid scrolls sideways.
    expect(templateAt(700)).toBe(`${MIN_ROW_HEADER_WIDTH}px repeat(4, ${COLUMN_WIDTH}px)`);
  });
});
