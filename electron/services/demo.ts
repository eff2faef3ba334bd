import { mkdir, rm, writeFile } from 'node:fs/promises';
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

/**
 * Test-only: PATCHBAY_E2E_SANDBOX_CONTROL=<file> makes the demo write where its sandbox listens and its
 * control key (plus the CA to trust) to that file, readable by this user only, so end-to-end tests can
 * drive the control API (a pipeline `deploy`) of the very sandbox the app uses. Never printed or logged.
 */
export const SANDBOX_CONTROL_ENV = 'PATCHBAY_E2E_SANDBOX_CONTROL';

async function writeControlFile(file: string, sandbox: RunningSandbox): Promise<void> {
  const info = { baseUrl: sandbox.baseUrl, controlKey: sandbox.controlKey, caCertPem: sandbox.caCertPem };
  await writeFile(file, `${JSON.stringify(info)}\n`, { mode: 0o600 });
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
  const controlFile = process.env[SANDBOX_CONTROL_ENV];
  if (controlFile) await writeControlFile(controlFile, sandbox);

  return {
    sandbox,
    reset: async () => {
      const { name, seed, parameters } = sandbox.ctx.store.state.scenario;
      // Same tenant, same keys: the demo accounts stay signed in.
      const next = buildScenario(name === 'scale' ? 'scale' : 'contoso', seed, parameters, sandbox.ctx.store.state);
      await sandbox.ctx.replaceState(next);
    },
    deploy: (environmentId, solution) => {
      deploySolution(sandbox.ctx.store, environmentId, solution);
    },
    close: async () => {
      if (controlFile) await rm(controlFile, { force: true });
      await sandbox.close();
    },
  };
}
