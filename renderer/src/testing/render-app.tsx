import { render } from '@testing-library/react';
import { createClient } from '../bridge/client';
import { App } from '../features/shell/app';
import { memoryStorage } from '../lib/storage';
import type { Plan, ScanResult } from '../lib/types';
import { createStores } from '../stores';
import { createFakeBridge, type FakeHandlers } from './fake-bridge';
import { makeEnvironments, makeScan, type FixtureOptions } from './fixtures';

/** The whole app over `createClient(fakeBridge)`, with a scanned workspace, for component tests. */
export function renderApp(options: { fixture?: FixtureOptions; handlers?: FakeHandlers; scan?: ScanResult } = {}) {
  const scan = options.scan ?? makeScan(options.fixture ?? { environments: 3, references: 4, flows: 4, variables: 1 });
  const environments = makeEnvironments(scan.matrix.columns.length);
  const emptyPlan = (id: string): Plan => ({ format: 'patchbay-plan', formatVersion: 1, id, createdAt: '2026-03-04T10:00:00Z', solution: scan.solution, environments: [], steps: [], warnings: [] });
  const bridge = createFakeBridge({
    'app:info': () => ({ version: '0.1.0', demo: true, transport: 'web', dataDir: '/tmp' }),
    'accounts:list': () => [],
    'environments:list': () => environments,
    'solutions:list': () => [{ id: 's', uniqueName: scan.solution, friendlyName: 'Contoso Operations', version: '1.0.0.0', managed: false }],
    'workspace:scan': () => scan,
    'history:list': () => [],
    'plan:build': () => emptyPlan('plan-1'),
    ...options.handlers,
  });
  const client = createClient(bridge);
  const { stores, start } = createStores(client, memoryStorage({ 'patchbay.solution': scan.solution }));
  const stop = start();
  const view = render(<App stores={stores} />);
  return { ...view, bridge, stores, scan, stop };
}
