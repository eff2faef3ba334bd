import { readFileSync } from 'node:fs';
import type { Intent } from '../../shared/engine/plan';
import type { IntentDto } from '../../shared/ipc/schemas';
import type { SecretProtector } from '../auth/protector';
import { listSolutions } from '../cloud/dataverse/readers/solutions';
import { planUndo } from '../engine/apply/undo';
import { ApplyError } from '../engine/apply/apply-error';
import { exportSettings, parseSettingsFile } from '../engine/files/settings';
import { diffSettings } from '../engine/files/settings-diff';
import { intentFromSettings, validateSettingsAgainst } from '../engine/files/settings-validate';
import { previewImport } from '../engine/files/preview-import';
import { readSolution } from '../engine/files/solution';
import { repreflight } from '../engine/repreflight';
import { auditToCsv, auditToJson, formatFindings } from '../cli/output/audit-formats';
import { HandlerError } from '../ipc/dispatch';
import type { EventSink, Handlers } from '../ipc/types';
import { AccountPool } from './account-pool';
import { startDemo, type Demo } from './demo';
import { isAllowedLink } from './external-links';
import { stepDto, Workspace } from './workspace';

/**
 * Everything the renderer can ask for, behind the contract (design §2): accounts and sign-in,
 * environments and solutions, scan → matrix, plans, runs with progress events, audit and exports,
 * history and undo, settings files, solution-file previews, and the demo tenant. Nothing here knows
 * Electron: the app and the web host pass what differs (the protector, how to open a link).
 */

export interface AppServicesOptions {
  dataDir: string;
  /** true: always the demo tenant; 'auto': the demo when no account is configured. */
  demo: boolean | 'auto';
  protector: SecretProtector | null;
  openExternal(url: string): Promise<void>;
  sink: EventSink;
  transport: 'electron' | 'web';
}

/** The contract's parsed intent (optional keys may hold undefined) as the engine's Intent. */
function intentFromDto(dto: IntentDto): Omit<Intent, 'solution'> {
  return {
    environmentIds: dto.environmentIds,
    identity: dto.identity,
    share: dto.share,
    ...(dto.wire ? { wire: { select: dto.wire.select, ...(dto.wire.pinned ? { pinned: dto.wire.pinned } : {}) } } : {}),
    ...(dto.activate ? { activate: dto.activate } : {}),
    ...(dto.deactivate ? { deactivate: dto.deactivate } : {}),
    ...(dto.variables ? { variables: dto.variables } : {}),
  };
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function createAppServices(options: AppServicesOptions): Promise<{ handlers: Handlers; close(): Promise<void> }> {
  const { sink } = options;
  let pool: AccountPool | null = null;
  pool = await AccountPool.open({
    dataDir: options.dataDir,
    protector: options.protector,
    openBrowser: (url) => options.openExternal(url),
    onDeviceCode: (accountId, prompt) =>
      sink.emit('auth:device-code', { accountId, userCode: prompt.userCode, verificationUri: prompt.verificationUri, expiresAt: prompt.expiresAt.toISOString(), message: prompt.message }),
    onChange: () => {
      if (pool) sink.emit('accounts:changed', pool.list());
    },
  });
  const accounts = pool;
  const demo: Demo | null = options.demo === true || (options.demo === 'auto' && !accounts.hasRealAccounts) ? await startDemo(options.dataDir, accounts) : null;
  const workspace = new Workspace(accounts, sink, options.dataDir);

  const snapshotFor = (environmentId: string) => {
    const snapshot = workspace.snapshots().find((s) => s.environment.id.toLowerCase() === environmentId.toLowerCase());
    if (!snapshot) throw new HandlerError('NOT_SCANNED', 'That environment is not in the current scan.', 'Add it to the matrix and refresh.');
    return snapshot;
  };
  const requireDemo = (): Demo => {
    if (!demo) throw new HandlerError('NO_DEMO', 'The demo tenant is not running.', 'Start the app without accounts, or with --sandbox.');
    return demo;
  };

  const handlers: Handlers = {
    'app:info': () => Promise.resolve({ version: VERSION, demo: demo !== null, transport: options.transport, dataDir: options.dataDir }),
    'accounts:list': () => Promise.resolve(accounts.list()),
    'accounts:add': (input) => accounts.add(input),
    'accounts:remove': async ({ id }) => {
      await accounts.remove(id);
      return null;
    },
    'accounts:sign-in': ({ id }) => accounts.signIn(id),
    'accounts:sign-out': ({ id }) => accounts.signOut(id),
    'environments:list': () => workspace.environments(),
    'solutions:list': async ({ environmentId }) => {
      const env = (await workspace.environments()).find((e) => e.id === environmentId);
      if (!env) throw new HandlerError('UNKNOWN_ENVIRONMENT', `The signed-in account cannot see environment ${environmentId}.`, 'Refresh the environment list.');
      if (!env.instanceUrl) throw new HandlerError('NO_DATAVERSE', 'That environment has no Dataverse database, so it has no solutions.');
      return listSolutions(workspace.reader().clients.dataverse(env.instanceUrl));
    },
    'workspace:scan': ({ solution, environmentIds, identity }) => workspace.scan(solution, environmentIds, identity ?? 'auto'),
    'plan:build': ({ intent }) => Promise.resolve(workspace.plan(intentFromDto(intent))),
    'run:start': async ({ planId }) => ({ runId: await workspace.start(planId) }),
    'run:cancel': ({ runId }) => {
      workspace.cancel(runId);
      return Promise.resolve(null);
    },
    'audit:findings': () => Promise.resolve(workspace.findings()),
    'audit:export': async ({ format, runId }) => {
      const findings = workspace.findings();
      const solution = workspace.solution();
      const stamp = new Date().toISOString().slice(0, 10);
      if (format === 'csv') return { fileName: `${solution}-audit-${stamp}.csv`, mimeType: 'text/csv', content: auditToCsv(findings) };
      const matrix = workspace.matrix();
      if (format === 'json') {
        const environments = workspace.snapshots().map((s) => ({ id: s.environment.id, displayName: s.environment.displayName }));
        return { fileName: `${solution}-audit-${stamp}.json`, mimeType: 'application/json', content: auditToJson({ solution, generatedAt: new Date(), environments, findings, ...(matrix ? { matrix } : {}) }) };
      }
      const reader = workspace.reader();
      const run = runId ? (await (await workspace.journal()).readRun(runId)).state : null;
      void run;
      return {
        fileName: `${solution}-release-report-${stamp}.html`,
        mimeType: 'text/html',
        content: formatFindings('html', findings, { solution, ...(matrix ? { matrix } : {}), account: reader.label, identity: 'auto', generatedAt: new Date() }),
      };
    },
    'history:list': async () => (await (await workspace.journal()).listRuns()).sort((a, b) => b.startedAt.localeCompare(a.startedAt)),
    'history:get': async ({ runId }) => {
      const journal = await workspace.journal();
      const listing = (await journal.listRuns()).find((r) => r.runId === runId);
      const run = await journal.readRun(runId).catch(() => null);
      if (!listing || !run?.state.plan) throw new HandlerError('UNKNOWN_RUN', `There is no run ${runId} in the journal.`);
      return { listing, plan: run.state.plan, results: [...run.state.results.values()].map(stepDto) };
    },
    'history:undo-plan': async ({ runId }) => {
      try {
        const plan = await planUndo(await workspace.journal(), runId);
        return workspace.remember(repreflight(plan, workspace.snapshots()));
      } catch (error) {
        if (error instanceof ApplyError) throw new HandlerError('NOT_UNDOABLE', error.message);
        throw error;
      }
    },
    'settings:export': ({ environmentId }) => {
      const snapshot = snapshotFor(environmentId);
      const exported = exportSettings(snapshot);
      const name = snapshot.environment.displayName.replace(/[^\w.-]+/g, '-');
      return Promise.resolve({ fileName: `${workspace.solution()}-${name}.settings.json`, mimeType: 'application/json', content: exported.text });
    },
    'settings:import': ({ environmentId, fileName, content }) => {
      const snapshot = snapshotFor(environmentId);
      const parsed = parseSettingsFile(content, fileName);
      if (!parsed.ok) return Promise.resolve({ ok: false as const, errors: parsed.errors, warnings: [] });
      const checked = validateSettingsAgainst(parsed.value, snapshot);
      if (!checked.ok) return Promise.resolve({ ok: false as const, errors: checked.errors, warnings: checked.warnings });
      const intent = intentFromSettings(checked.value, workspace.solution());
      return Promise.resolve({ ok: true as const, plan: workspace.plan(intent), warnings: checked.warnings });
    },
    'settings:diff': ({ environmentId, fileName, content }) => {
      const snapshot = snapshotFor(environmentId);
      const parsed = parseSettingsFile(content, fileName);
      if (!parsed.ok) return Promise.resolve({ ok: false, errors: parsed.errors, items: [], hasDrift: false });
      const diff = diffSettings(parsed.value, snapshot);
      const items = [
        ...diff.references.map((d) => ({ kind: d.kind, item: d.logicalName, message: d.message })),
        ...diff.environmentVariables.map((d) => ({ kind: d.kind, item: d.schemaName, message: d.message })),
      ];
      return Promise.resolve({ ok: true, errors: [], items, hasDrift: diff.hasDrift });
    },
    'solution-file:preview': async ({ fileName, contentBase64, environmentIds }) => {
      const read = await readSolution(Buffer.from(contentBase64, 'base64'), { name: fileName });
      if (!read.ok) return { ok: false as const, errors: read.errors };
      const solution = read.value;
      return {
        ok: true as const,
        solution: { uniqueName: solution.uniqueName, version: solution.version, references: solution.connectionReferences.length, flows: solution.flows.length, variables: solution.environmentVariables.length },
        environments: environmentIds.map((id) => {
          const snapshot = snapshotFor(id);
          const preview = previewImport(solution, snapshot);
          return { environmentId: id, displayName: snapshot.environment.displayName, summary: preview.summary };
        }),
      };
    },
    'external:open': async ({ url }) => {
      if (!isAllowedLink(url)) throw new HandlerError('LINK_NOT_ALLOWED', 'Only https links to the Power Apps and Power Automate maker portals, the Power Platform admin center and Microsoft Learn open from Patchbay.');
      await options.openExternal(url);
      return null;
    },
    'demo:reset': async () => {
      await requireDemo().reset();
      return null;
    },
    'demo:deploy': ({ environmentId }) => {
      requireDemo().deploy(environmentId, workspace.solution());
      return Promise.resolve(null);
    },
  };

  return {
    handlers,
    close: async () => {
      workspace.close();
      await accounts.close();
      await demo?.close();
    },
  };
}
