// @vitest-environment jsdom
import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Intent, Plan, PlanStep } from '../../lib/types';
import { setupDom } from '../../testing/dom-setup';
import { ME } from '../../testing/fixtures';
import { renderApp } from '../../testing/render-app';

beforeAll(() => setupDom());

/*
 * In jsdom, Fluent's focus manager (tabster) can keep a previous modal as the active one, and then marks
 * the new dialog aria-hidden until focus lands inside it (Chromium moves focus in itself; the e2e stories
 * check the real thing). So: wait for the dialog, put focus in it, wait until it is exposed.
 */
async function reviewDialog(): Promise<HTMLElement> {
  const surface = await waitFor(() => {
    const el = document.querySelector<HTMLElement>('[role="dialog"][aria-label="Review plan"]');
    if (!el) throw new Error('no Review plan dialog yet');
    return el;
  }, { timeout: 5000 });
  await waitFor(() => {
    if (surface.getAttribute('aria-hidden') === 'true') {
      act(() => surface.querySelector<HTMLElement>('button')?.focus());
      throw new Error('dialog still hidden');
    }
  }, { timeout: 5000 });
  return screen.getByRole('dialog', { name: 'Review plan' });
}
afterEach(() => cleanup());

const ENV = 'eeeeeeee-0000-4000-8000-000000000002';
const CHILD = 'cccccccc-0000-4000-8000-00000000c41d';
const identity = { mode: 'self' as const, role: 'me' as const, objectId: ME };

function step(id: string, partial: Partial<PlanStep>): PlanStep {
  return {
    id,
    environmentId: ENV,
    kind: 'activate',
    target: { type: 'flow', flowId: id, name: id },
    before: 'off',
    after: 'on',
    strategy: 'me',
    identity,
    dependsOn: [],
    verdict: { outcome: 'will-succeed', strategy: 'me', identity, blockers: [], fixes: [] },
    etag: null,
    ...partial,
  };
}

/** A plan with one step per fix kind the dialog can apply, until the intent has that fix applied. */
function planFor(intent: Intent, n: number): Plan {
  const pinned = intent.wire?.pinned?.[ENV]?.contoso_sql;
  const activates = Array.isArray(intent.activate) ? intent.activate : [];
  const strategy = typeof intent.identity === 'string' ? intent.identity : (intent.identity[ENV] ?? 'auto');
  const steps: PlanStep[] = [
    step('wire-needed', {
      target: { type: 'flow', flowId: 'f-sql', name: 'Daily SQL sync' },
      verdict: pinned
        ? { outcome: 'will-succeed', strategy: 'me', identity, blockers: [], fixes: [] }
        : {
            outcome: 'will-fail',
            strategy: 'me',
            identity,
            blockers: [{ code: 'reference-unwired', referenceId: 'r1', logicalName: 'contoso_sql', connector: 'shared_sql' }],
            fixes: [{ kind: 'wire', referenceId: 'r1', logicalName: 'contoso_sql', connectionName: 'conn-1-5-0' }],
          },
    }),
    step('parent', {
      target: { type: 'flow', flowId: 'f-parent', name: 'Invoice sync' },
      verdict: activates.includes(CHILD)
        ? { outcome: 'will-succeed', strategy: 'me', identity, blockers: [], fixes: [] }
        : {
            outcome: 'may-fail',
            strategy: 'me',
            identity,
            blockers: [{ code: 'child-off', childId: CHILD, childName: 'Order sync (child)', certain: false }],
            fixes: [{ kind: 'activate-first', flowId: CHILD, flowName: 'Order sync (child)' }],
          },
    }),
    step('not-shared', {
      target: { type: 'flow', flowId: 'f-share', name: 'Approval sync' },
      verdict:
        intent.share || strategy === 'connection-owner'
          ? { outcome: 'will-succeed', strategy: 'me', identity, blockers: [], fixes: [] }
          : {
              outcome: 'will-fail',
              strategy: 'me',
              identity,
              blockers: [{ code: 'connection-not-usable', referenceId: 'r2', logicalName: 'contoso_teams', connectionName: 'conn-1-2-1', ownerObjectId: '22222222-2222-4222-8222-222222222222', principalObjectId: ME }],
              fixes: [
                { kind: 'share', connectionName: 'conn-1-2-1', connector: 'shared_teams', principalObjectId: ME, role: 'CanView' },
                { kind: 'use-identity', strategy: 'connection-owner' },
                { kind: 'grant-delegate', objectId: ME },
              ],
            },
    }),
  ];
  return { format: 'patchbay-plan', formatVersion: 1, id: `plan-${n}`, createdAt: '2026-03-04T10:00:00Z', solution: 'ContosoOperations', environments: [{ id: ENV, displayName: 'Contoso Test', instanceUrl: null }], steps, warnings: [] };
}

describe('the Review plan dialog', () => {
  it('opens from an action, and each fix button amends the intent and plans again', async () => {
    const user = userEvent.setup();
    const intents: Intent[] = [];
    const { bridge } = renderApp({
      handlers: {
        'plan:build': ({ intent }) => {
          intents.push(intent);
          return planFor(intent, intents.length);
        },
        'run:start': () => ({ runId: 'run-1' }),
      },
    });
    const grid = await screen.findByRole('grid', { name: 'Solution matrix' });
    await within(grid).findAllByRole('gridcell');
    await user.click(within(grid).getByRole('columnheader', { name: 'Contoso Test' }));
    await user.click(screen.getByRole('button', { name: 'Activate' }));

    const dialog = await reviewDialog();
    await within(dialog).findByText('Daily SQL sync');
    expect(intents[0]).toMatchObject({ environmentIds: [ENV], identity: 'auto', share: false });
    expect(Array.isArray(intents[0]?.activate)).toBe(true);
    // Verdicts in words: ✓ / ✗ / ? with the reason.
    expect(within(dialog).getAllByText('Will fail').length).toBe(2);
    expect(within(dialog).getByText('May fail')).toBeTruthy();
    expect(within(dialog).getByText(/connection reference contoso_sql has no connection/i)).toBeTruthy();
    // What a plan cannot do is an instruction, not a button.
    expect(within(dialog).queryByRole('button', { name: /Delegate/ })).toBeNull();
    expect(within(dialog).getByText(/Delegate security role/)).toBeTruthy();

    // wire → pin that connection
    await user.click(await within(dialog).findByRole('button', { name: /^Wire contoso_sql to / }, { timeout: 5000 }));
    await waitFor(() => expect(intents).toHaveLength(2));
    expect(intents[1]?.wire?.pinned?.[ENV]?.contoso_sql).toBe('conn-1-5-0');
    expect(intents[1]?.wire?.select).toEqual(['contoso_sql']);
    // The step the fix fixed says so; the others are unchanged.
    expect(await within(dialog).findByRole('listitem', { name: 'Turn on Daily SQL sync: Will succeed, fixed by your change' })).toBeTruthy();
    expect(within(dialog).getByRole('listitem', { name: 'Turn on Approval sync: Will fail' })).toBeTruthy();

    // activate-first → add the child
    await user.click(await within(dialog).findByRole('button', { name: 'Turn on Order sync (child) first' }));
    await waitFor(() => expect(intents).toHaveLength(3));
    expect(intents[2]?.activate).toContain(CHILD);
    expect(intents[2]?.wire?.pinned?.[ENV]?.contoso_sql).toBe('conn-1-5-0');

    // use-identity → switch identity (this environment only)
    await user.click(await within(dialog).findByRole('button', { name: 'Act as Connection owner' }));
    await waitFor(() => expect(intents).toHaveLength(4));
    expect(intents[3]?.identity).toBe('connection-owner');
    expect(intents[3]?.share).toBe(false);
    await within(dialog).findByText(/Changes you made/);

    // Back to automatic from the environment's identity picker, then share → share: true
    await user.click(await within(dialog).findByRole('combobox', { name: 'Identity in Contoso Test' }));
    await user.click(await screen.findByRole('option', { name: 'Automatic' }));
    await waitFor(() => expect(intents).toHaveLength(5));
    expect(intents[4]?.identity).toBe('auto');
    await user.click(await within(dialog).findByRole('button', { name: /^Share / }));
    await waitFor(() => expect(intents).toHaveLength(6));
    expect(intents[5]?.share).toBe(true);

    // Everything fixed: Run starts the last plan.
    await waitFor(() => expect(within(dialog).queryAllByText('Will fail')).toHaveLength(0));
    await user.click(await within(dialog).findByRole('button', { name: 'Run' }));
    await waitFor(() => expect(bridge.calls.some((c) => c.channel === 'run:start')).toBe(true));
    expect(bridge.calls.find((c) => c.channel === 'run:start')?.input).toEqual({ planId: 'plan-6' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Review plan' })).toBeNull());
    expect(screen.getByRole('region', { name: 'Results' })).toBeTruthy();
  });

  it('applies every suggested fix at once and says, in words, what that did', async () => {
    const user = userEvent.setup();
    const intents: Intent[] = [];
    renderApp({
      handlers: {
        'plan:build': ({ intent }) => {
          intents.push(intent);
          return planFor(intent, intents.length);
        },
      },
    });
    const grid = await screen.findByRole('grid', { name: 'Solution matrix' });
    await within(grid).findAllByRole('gridcell');
    await user.click(within(grid).getByRole('columnheader', { name: 'Contoso Test' }));
    await user.click(screen.getByRole('button', { name: 'Activate' }));
    const dialog = await reviewDialog();
    await user.click(await within(dialog).findByRole('button', { name: 'Apply 3 suggested fixes' }, { timeout: 5000 }));
    await waitFor(() => expect(intents).toHaveLength(2));
    expect(intents[1]).toMatchObject({ share: true, activate: expect.arrayContaining([CHILD]) as unknown, wire: { select: ['contoso_sql'], pinned: { [ENV]: { contoso_sql: 'conn-1-5-0' } } } });
    const changes = await within(dialog).findByRole('region', { name: 'Changes you made' });
    expect(changes.textContent).toContain(
      'Applied 3 suggested fixes: wire a reference to the suggested connection; turn on Order sync (child) first; share the connections each step needs with the identity that acts',
    );
    await waitFor(() => expect(within(dialog).queryAllByText('Will fail')).toHaveLength(0));
    expect(within(dialog).getAllByRole('listitem', { name: /: Will succeed, fixed by your change$/ })).toHaveLength(3);
  });

  it('shows a plan that cannot be built as an error with a way to plan again', async () => {
    const user = userEvent.setup();
    renderApp({ handlers: { 'plan:build': () => { throw new Error('These flows call each other in a cycle'); } } });
    const grid = await screen.findByRole('grid', { name: 'Solution matrix' });
    await within(grid).findAllByRole('gridcell');
    await user.click(screen.getByRole('button', { name: 'Wire' }));
    const dialog = await reviewDialog();
    expect(await within(dialog).findByText(/cycle/)).toBeTruthy();
    expect((await within(dialog).findByRole('button', { name: 'Run' }, { timeout: 5000 })).hasAttribute('disabled')).toBe(true);
    expect(await within(dialog).findByRole('button', { name: 'Plan again' })).toBeTruthy();
  });
});
