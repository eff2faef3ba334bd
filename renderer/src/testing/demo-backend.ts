import type { Account, Fix, Intent, Plan, PlanStep, ScanResult, StepResult } from '../lib/types';
import { createFakeBridge, fail, type FakeBridge } from './fake-bridge';
import { makeEnvironments, makeScan, ME, SPN, type FixtureOptions } from './fixtures';

/**
 * A stand-in back end for the preview page (renderer/preview.html) and render benchmarks: synthetic
 * data at any size, a toy planner that produces every verdict and fix kind, and runs that report
 * progress on a timer. It is not the engine (shared/engine and the main side are): only a UI harness.
 */

const strategyOf = (intent: Intent, env: string) => (typeof intent.identity === 'string' ? intent.identity : (intent.identity[env] ?? 'auto'));

export function demoPlan(scan: ScanResult, intent: Intent, id: string): Plan {
  const steps: PlanStep[] = [];
  const warnings: string[] = [];
  // Looked up by key, not searched: a select-all plan over 2,000 rows × 20 environments stays linear.
  const flowsByKey = new Map(scan.matrix.flows.map((f) => [f.key, f]));
  const refsByName = new Map(scan.matrix.references.map((r) => [r.logicalName, r]));
  const activateList = Array.isArray(intent.activate) ? new Set(intent.activate) : null;
  const deactivateList = Array.isArray(intent.deactivate) ? new Set(intent.deactivate) : null;
  const wireList = Array.isArray(intent.wire?.select) ? new Set(intent.wire.select) : null;
  for (const envId of intent.environmentIds) {
    const column = scan.matrix.columns.find((c) => c.environmentId === envId);
    if (!column) continue;
    const strategy = strategyOf(intent, envId);
    const resolved = strategy === 'auto' ? 'me' : strategy;
    const identity = resolved === 'spn' ? { mode: 'self' as const, role: 'spn' as const, objectId: SPN } : { mode: 'self' as const, role: 'me' as const, objectId: ME };
    const wired = new Set<string>();
    if (intent.wire) {
      const select = intent.wire.select;
      for (const ref of scan.matrix.references) {
        const cell = ref.cells[envId];
        if (!cell || cell.state === 'absent') continue;
        const chosen = select === 'all' || (select === 'needing' ? ['unwired', 'dangling', 'broken', 'owner-disabled'].includes(cell.state) : !!wireList?.has(ref.logicalName));
        if (!chosen) continue;
        const pinned = intent.wire.pinned?.[envId];
        const candidates = (scan.connections[envId] ?? []).filter((c) => c.connector === ref.connector && c.health.kind === 'connected');
        const after = pinned?.[ref.logicalName] ?? pinned?.[ref.connector] ?? candidates[0]?.name ?? null;
        if (!after) {
          warnings.push(`${column.displayName}: no healthy connection for ${ref.displayName}; create one in the maker portal.`);
          continue;
        }
        const view = candidates.find((c) => c.name === after);
        const usable = resolved === 'spn' ? (view?.usableBy.spn ?? false) : resolved === 'me' ? (view?.usableBy.me ?? false) : true;
        const blockers = usable || intent.share ? [] : [{ code: 'connection-not-usable' as const, referenceId: cell.referenceId ?? '', logicalName: ref.logicalName, connectionName: after, ownerObjectId: view?.owner.objectId ?? '', principalObjectId: identity.objectId }];
        const fixes: Fix[] = blockers.length ? [{ kind: 'share', connectionName: after, connector: ref.connector, principalObjectId: identity.objectId, role: 'CanView' }, { kind: 'use-identity', strategy: 'connection-owner' }] : [];
        steps.push({
          id: `${envId}:wire:${ref.key}`,
          environmentId: envId,
          kind: 'wire',
          target: { type: 'reference', referenceId: cell.referenceId ?? '', logicalName: ref.logicalName, displayName: ref.displayName, connector: ref.connector },
          before: cell.connectionId,
          after,
          strategy: resolved,
          identity,
          dependsOn: [],
          verdict: { outcome: blockers.length ? 'will-fail' : 'will-succeed', strategy: resolved, identity, blockers, fixes },
          etag: 'W/"1"',
        });
        wired.add(ref.logicalName);
      }
    }
    const activated = new Set<string>();
    if (intent.activate) {
      const list = intent.activate;
      const flows = scan.matrix.flows.filter((f) => {
        const cell = f.cells[envId];
        if (!cell || cell.state === 'absent' || cell.state === 'on') return false;
        return list === 'all' ? cell.state === 'off' || cell.state === 'blocked' : !!activateList?.has(f.flowId);
      });
      // Children first.
      flows.sort((a, b) => a.parentIds.length - b.parentIds.length).reverse();
      for (const flow of flows) {
        const cell = flow.cells[envId];
        if (!cell) continue;
        if (cell.state === 'suspended') {
          warnings.push(`${column.displayName}: ${flow.displayName} is suspended by the platform; fix its cause first.`);
          continue;
        }
        const blockers: PlanStep['verdict']['blockers'] = [];
        const fixes: Fix[] = [];
        for (const reason of cell.reasons) {
          const b = reason.blocker;
          if (reason.code === 'blocker' && b?.code === 'reference-unwired' && b.logicalName && !wired.has(b.logicalName)) {
            blockers.push(b);
            const ref = refsByName.get(b.logicalName);
            const suggestion = (scan.connections[envId] ?? []).find((c) => c.connector === ref?.connector && c.health.kind === 'connected');
            fixes.push({ kind: 'wire', referenceId: b.referenceId ?? '', logicalName: b.logicalName, connectionName: suggestion?.name ?? null });
          }
        }
        for (const childKey of flow.childIds) {
          const child = flowsByKey.get(childKey);
          const childCell = child?.cells[envId];
          if (child && childCell && childCell.state !== 'on' && !activated.has(child.flowId) && !activateList?.has(child.flowId)) {
            blockers.push({ code: 'child-off', childId: child.flowId, childName: child.displayName, certain: false });
            fixes.push({ kind: 'activate-first', flowId: child.flowId, flowName: child.displayName });
          }
        }
        const certain = blockers.some((b) => b.code !== 'child-off');
        steps.push({
          id: `${envId}:activate:${flow.key}`,
          environmentId: envId,
          kind: 'activate',
          target: { type: 'flow', flowId: flow.flowId, name: flow.displayName },
          before: 'off',
          after: 'on',
          strategy: resolved,
          identity,
          dependsOn: [],
          verdict: { outcome: blockers.length === 0 ? 'will-succeed' : certain ? 'will-fail' : 'may-fail', strategy: resolved, identity, blockers, fixes },
          etag: 'W/"2"',
        });
        activated.add(flow.flowId);
      }
    }
    if (intent.deactivate) {
      const list = intent.deactivate;
      for (const flow of scan.matrix.flows) {
        const cell = flow.cells[envId];
        if (cell?.state !== 'on' || (list !== 'all' && !deactivateList?.has(flow.flowId))) continue;
        steps.push({
          id: `${envId}:deactivate:${flow.key}`,
          environmentId: envId,
          kind: 'deactivate',
          target: { type: 'flow', flowId: flow.flowId, name: flow.displayName },
          before: 'on',
          after: 'off',
          strategy: resolved,
          identity,
          dependsOn: [],
          verdict: { outcome: 'will-succeed', strategy: resolved, identity, blockers: [], fixes: [] },
          etag: 'W/"3"',
        });
      }
    }
  }
  return { format: 'patchbay-plan', formatVersion: 1, id, createdAt: new Date().toISOString(), solution: scan.solution, environments: scan.matrix.columns.filter((c) => intent.environmentIds.includes(c.environmentId)).map((c) => ({ id: c.environmentId, displayName: c.displayName, instanceUrl: null })), steps, warnings };
}

export interface DemoBackendOptions extends FixtureOptions {
  /** Milliseconds per step of a run. */
  stepMs?: number;
}

export function createDemoBridge(options: DemoBackendOptions = {}): FakeBridge {
  const scan = makeScan(options);
  const environments = makeEnvironments(options.environments ?? 4);
  const plans = new Map<string, Plan>();
  let planSeq = 1;
  let runSeq = 1;
  const accounts: Account[] = [
    { id: 'demo-me', label: 'Demo tenant (sandbox)', tenant: 'contoso.onmicrosoft.com', cloud: 'sandbox', mode: 'interactive', clientId: '00000000-0000-0000-0000-000000000001', role: 'me', status: 'signed-in', username: 'adele@contoso.com', error: null, isDemo: true, persistence: { kind: 'memory-only', reason: 'The demo tenant needs no stored tokens.' } },
  ];
  const bridge: FakeBridge = createFakeBridge({
    'app:info': () => ({ version: '0.1.0', demo: true, transport: 'web', dataDir: '/tmp/patchbay' }),
    'accounts:list': () => accounts,
    'accounts:sign-in': ({ id }) => accounts.find((a) => a.id === id) ?? fail('unknown-account', 'No such account'),
    'accounts:sign-out': ({ id }) => ({ ...(accounts.find((a) => a.id === id) ?? fail('unknown-account', 'No such account')), status: 'signed-out' as const }),
    'environments:list': () => [...environments, { id: 'Default-contoso', displayName: 'Contoso (default)', sku: 'Default', region: 'unitedstates', isDefault: true, instanceUrl: null, organizationId: null }],
    'solutions:list': () => [{ id: 's1', uniqueName: 'ContosoOperations', friendlyName: 'Contoso Operations', version: '1.4.0.12', managed: false }],
    'workspace:scan': () => scan,
    'plan:build': ({ intent }) => {
      const plan = demoPlan(scan, intent, `plan-${planSeq++}`);
      plans.set(plan.id, plan);
      return plan;
    },
    'run:start': ({ planId }) => {
      const plan = plans.get(planId) ?? fail('unknown-plan', 'This plan has expired; plan again.');
      const runId = `run-${runSeq++}`;
      const total = plan.steps.length;
      const counts = { total, done: 0, skipped: 0, failed: 0, conflicts: 0, cancelled: 0, running: 0, pending: total };
      const results: StepResult[] = [];
      let i = 0;
      const tick = (): void => {
        const step = plan.steps[i];
        if (!step) {
          bridge.emit('run:finished', { runId, result: { runId, planId, steps: results, summary: { done: counts.done, skipped: counts.skipped, failed: counts.failed, cancelled: 0, conflicts: 0 }, cancelled: false }, error: null });
          return;
        }
        counts.running = 1;
        counts.pending -= 1;
        bridge.emit('run:progress', { runId, stepId: step.id, type: 'step-started', result: null, counts: { ...counts } });
        setTimeout(() => {
          const failed = step.verdict.outcome === 'will-fail';
          const result: StepResult = {
            stepId: step.id,
            environmentId: step.environmentId,
            kind: step.kind,
            label: step.target.type === 'flow' ? step.target.name : step.target.type === 'reference' ? step.target.displayName : step.id,
            status: failed ? 'failed' : 'done',
            reason: null,
            before: step.before,
            after: failed ? step.before : step.after,
            error: failed ? { message: 'The flow cannot be turned on: connection reference contoso_sql has no connection.', kind: 'platform', code: 'XrmConnectionReferenceMissingConnection', status: 400, platformMessage: null, correlationId: 'corr-1' } : null,
          };
          results.push(result);
          if (failed) counts.failed += 1;
          else counts.done += 1;
          counts.running = 0;
          bridge.emit('run:progress', { runId, stepId: step.id, type: 'step-finished', result, counts: { ...counts } });
          i += 1;
          tick();
        }, options.stepMs ?? 120);
      };
      setTimeout(tick, 50);
      return { runId };
    },
    'run:cancel': () => null,
    'audit:findings': () => [
      { kind: 'unwired', severity: 'error', environmentId: environments[1]?.id ?? '', environmentName: 'Contoso Test', item: 'contoso_sql', itemName: 'SQL Server (SQL Server)', message: 'SQL Server (SQL Server) has no connection.', fix: 'Wire it to a healthy connection.' },
      { kind: 'owner-disabled', severity: 'warning', environmentId: environments[0]?.id ?? '', environmentName: 'Contoso Dev', item: 'contoso_teams', itemName: 'Microsoft Teams', message: 'Microsoft Teams uses a connection owned by Isaiah Langer, whose account is disabled.', fix: 'Wire it to a connection owned by an active account or service account.' },
      { kind: 'flow-off', severity: 'warning', environmentId: environments[2]?.id ?? '', environmentName: 'Contoso UAT', item: scan.matrix.flows[0]?.flowId ?? '', itemName: scan.matrix.flows[0]?.displayName ?? '', message: 'Invoice sync is off.', fix: 'Activate it.' },
      { kind: 'not-shared-with-spn', severity: 'info', environmentId: environments[3]?.id ?? '', environmentName: 'Contoso Prod', item: 'contoso_office365', itemName: 'Office 365 Outlook', message: 'Office 365 Outlook: connection is not shared with the deploying service principal.', fix: 'Share it with the service principal (Share), or turn flows on as the connection owner.' },
    ],
    'audit:export': ({ format }) => ({ fileName: `audit.${format}`, mimeType: format === 'html' ? 'text/html' : format === 'csv' ? 'text/csv' : 'application/json', content: format === 'json' ? '[]' : 'kind,severity\n' }),
    'history:list': () => [],
    'history:undo-plan': () => fail('nothing-to-undo', 'There is no run to undo yet.'),
    'external:open': () => null,
    'settings:export': ({ environmentId }) => ({ fileName: `settings-${environmentId}.json`, mimeType: 'application/json', content: '{"EnvironmentVariables":[],"ConnectionReferences":[]}' }),
  });
  return bridge;
}
