// @vitest-environment jsdom
import { act, cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../lib/types';
import { setupDom } from '../../testing/dom-setup';
import { renderApp } from '../../testing/render-app';

beforeAll(() => setupDom());
afterEach(() => cleanup());

const demo: Account = {
  id: 'demo',
  label: 'Demo tenant (sandbox)',
  tenant: 'contoso',
  cloud: 'sandbox',
  mode: 'device-code',
  clientId: '00000000-0000-0000-0000-000000000001',
  role: 'me',
  status: 'signed-out',
  username: null,
  error: null,
  isDemo: true,
  persistence: { kind: 'memory-only', reason: null },
};

describe('the Accounts screen', () => {
  it('lists the demo tenant and shows a device code with a copy button and a countdown while signing in', async () => {
    const user = userEvent.setup();
    let finish: (a: Account) => void = () => undefined;
    const { bridge } = renderApp({
      handlers: {
        'accounts:list': () => [demo],
        'accounts:sign-in': () => new Promise<Account>((resolve) => (finish = resolve)),
      },
    });
    await user.click(await screen.findByRole('tab', { name: 'Accounts' }));
    expect(await screen.findByRole('heading', { name: 'Demo tenant (sandbox)' })).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Sign in to Demo tenant (sandbox)' }));
    act(() => bridge.emit('auth:device-code', { accountId: 'demo', userCode: 'ABCD-1234', verificationUri: 'https://127.0.0.1/login/devicelogin', expiresAt: new Date(Date.now() + 125_000).toISOString(), message: 'To sign in…' }));
    const panel = await screen.findByRole('group', { name: 'Device code sign-in' });
    expect(within(panel).getByText('ABCD-1234')).toBeTruthy();
    expect(within(panel).getByRole('button', { name: 'Copy code' })).toBeTruthy();
    expect(within(panel).getByRole('timer').textContent).toMatch(/^Expires in 02:0\d$/);
    act(() => finish({ ...demo, status: 'signed-in', username: 'adele@contoso.com' }));
    expect(await screen.findByText('adele@contoso.com')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Device code sign-in' })).toBeNull();
  });

  it('validates the add-a-tenant form and sends a service principal with its secret', async () => {
    const user = userEvent.setup();
    const { bridge } = renderApp({ handlers: { 'accounts:list': () => [], 'accounts:add': (input) => ({ ...demo, id: 'new', label: input.label, isDemo: false, role: input.role, mode: input.mode }) } });
    await user.click(await screen.findByRole('tab', { name: 'Accounts' }));
    const form = await screen.findByRole('form', { name: 'Add a tenant' });
    await user.click(within(form).getByRole('button', { name: 'Add account' }));
    expect(within(form).getByText(/: a GUID\./)).toBeTruthy();
    expect(bridge.calls.some((c) => c.channel === 'accounts:add')).toBe(false);
    await user.type(within(form).getByRole('textbox', { name: /Name/ }), 'Contoso pipeline');
    await user.type(within(form).getByRole('textbox', { name: /Tenant id/ }), 'contoso.onmicrosoft.com');
    await user.type(within(form).getByRole('textbox', { name: /Client id/ }), '11111111-2222-4333-8444-555555555555');
    await user.click(within(form).getByRole('radio', { name: /^Client secret/ }));
    await user.type(form.querySelector<HTMLInputElement>('input[type="password"]') as HTMLInputElement, 'shh');
    await user.click(within(form).getByRole('button', { name: 'Add account' }));
    const call = bridge.calls.find((c) => c.channel === 'accounts:add');
    expect(call?.input).toEqual({ label: 'Contoso pipeline', tenant: 'contoso.onmicrosoft.com', cloud: 'public', mode: 'client-secret', clientId: '11111111-2222-4333-8444-555555555555', role: 'spn', clientSecret: 'shh' });
    expect(await screen.findByRole('heading', { name: 'Contoso pipeline' })).toBeTruthy();
  });
});
