import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deploySolution } from '../sandbox/control/deploy';
import { buildScenario } from '../sandbox/scenarios';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import type { AccountPool } from './account-pool';
import { demoBrowser } from './demo-browser';

/**
 * The demo tenant (design §3): with no account configured, the app starts the embedded sandbox
 * (scenario contoso), signs in as its release manager and configures its pipeline service principal,
 * both labelled as the demo. Its state persists in the data folder across restarts and can be reset.
 */

export const DEMO_LABEL = 'Demo tenant (sandbox)';
export const DEMO_SPN_LABEL = 'Demo pipeline service principal (sandbox)';

export interface Demo {
  sandbox: RunningSandbox;
  reset(): Promise<void>;
  deploy(environmentId: string, solution: string): void;
  close(): Promise<void>;
}

export async function startDemo(dataDir: string, pool: AccountPool): Promise<Demo> {
  const folder = join(dataDir, 'demo');
  await mkdir(folder, { recursive: true });
  const sandbox = await startSandbox({ port: 0, scenario: 'contoso', stateFile: join(folder, 'sandbox-state.json') });
  const ready = sandbox.ready();
  const desktop = ready.apps.find((a) => a.name === 'desktop');
  const pipeline = ready.apps.find((a) => a.isPipelineSpn);
  const releaseManager = sandbox.ctx.store.userByRole('releaseManager');
  if (!desktop || !pipeline?.clientSecret || !releaseManager) throw new Error('The demo scenario lacks its desktop app, pipeline SPN or release manager.');

  const base = { tenant: sandbox.tenantId, cloud: 'sandbox' as const, sandboxUrl: sandbox.baseUrl };
  const me = await pool.addDemo({ ...base, label: DEMO_LABEL, mode: 'interactive', clientId: desktop.clientId }, 'me', {
    caPem: sandbox.caCertPem,
    openBrowser: demoBrowser(sandbox.baseUrl, sandbox.caCertPem),
    loginHint: releaseManager.userPrincipalName,
  });
  const spn = await pool.addDemo({ ...base, label: DEMO_SPN_LABEL, mode: 'client-secret', clientId: pipeline.clientId }, 'spn', { caPem: sandbox.caCertPem, secret: pipeline.clientSecret });
  await pool.signIn(me);
  await pool.signIn(spn);

  return {
    sandbox,
    reset: async () => {
      const { name, seed, parameters } = sandbox.ctx.store.state.scenario;
      const next = buildScenario(name === 'scale' ? 'scale' : 'contoso', seed, parameters);
      // Same tenant, same signing key: the demo accounts stay signed in.
      next.entra.signingKey = sandbox.ctx.store.state.entra.signingKey;
      await sandbox.ctx.replaceState(next);
    },
    deploy: (environmentId, solution) => {
      deploySolution(sandbox.ctx.store, environmentId, solution);
    },
    close: () => sandbox.close(),
  };
}
