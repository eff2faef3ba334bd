import { connectorDisplayName } from '../../../shared/flows/connectors';
import type { Environment, EnvVarCell, FlowCell, Matrix, ReferenceCell, ScanResult } from '../lib/types';

/**
 * Synthetic workspaces for renderer tests, the preview page and render benchmarks: a Contoso-like
 * release train at any size (rows × environments), deterministic by seed. Not the sandbox: the real
 * app talks to the main side; this only feeds the UI.
 */

export interface FixtureOptions {
  environments?: number;
  references?: number;
  flows?: number;
  variables?: number;
  seed?: number;
}

const CONNECTORS = ['shared_office365', 'shared_sharepointonline', 'shared_teams', 'shared_commondataserviceforapps', 'shared_approvals', 'shared_sql', 'shared_cr4c1-5fcontoso-20erp-5f1a2b3c4d'];
const ENV_NAMES = ['Contoso Dev', 'Contoso Test', 'Contoso UAT', 'Contoso Prod'];
const SKUS = ['Sandbox', 'Sandbox', 'Sandbox', 'Production'];
const FLOW_WORDS = ['Invoice', 'Order', 'Customer', 'Shipment', 'Approval', 'Expense', 'Vendor', 'Ticket', 'Contract', 'Asset', 'Payroll', 'Lead'];
const FLOW_VERBS = ['sync', 'approval', 'notification', 'archive', 'escalation', 'digest', 'import', 'export', 'cleanup', 'reminder'];
const PEOPLE = [
  { id: '11111111-1111-4111-8111-111111111111', name: 'Nestor Wilke' },
  { id: '22222222-2222-4222-8222-222222222222', name: 'Contoso Integration Service' },
  { id: '33333333-3333-4333-8333-333333333333', name: 'Lee Gu' },
  { id: '44444444-4444-4444-8444-444444444444', name: 'Isaiah Langer' },
];
export const ME = '55555555-5555-4555-8555-555555555555';
export const SPN = '66666666-6666-4666-8666-666666666666';

function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

const guid = (n: number, prefix = 'a'): string => {
  const hex = n.toString(16).padStart(12, '0');
  return `${prefix.repeat(8)}-0000-4000-8000-${hex}`;
};

export function makeEnvironments(count: number): Environment[] {
  return Array.from({ length: count }, (_, i) => ({
    id: guid(i + 1, 'e'),
    displayName: ENV_NAMES[i] ?? `Contoso Region ${i - ENV_NAMES.length + 1}`,
    sku: SKUS[i] ?? (i % 3 === 0 ? 'Production' : 'Sandbox'),
    region: ['unitedstates', 'europe', 'asia'][i % 3] ?? 'unitedstates',
    isDefault: false,
    instanceUrl: `https://org${i + 1}.crm.dynamics.com/`,
    organizationId: guid(i + 1, 'f'),
  }));
}

export function makeScan(options: FixtureOptions = {}): ScanResult {
  const envCount = options.environments ?? 4;
  const refCount = options.references ?? 9;
  const flowCount = options.flows ?? 16;
  const varCount = options.variables ?? 5;
  const random = rng(options.seed ?? 7);
  const environments = makeEnvironments(envCount);
  const columns = environments.map((e, i) => ({ environmentId: e.id, displayName: e.displayName, sku: e.sku, solutionVersion: i === 0 ? '1.4.0.12' : '1.4.0.11', problems: [] }));
  const principals: Record<string, string> = Object.fromEntries(PEOPLE.map((p) => [p.id, p.name]));
  principals[ME] = 'Adele Vance';
  principals[SPN] = 'Contoso Release Pipeline';

  const connections: ScanResult['connections'] = {};
  environments.forEach((env, e) => {
    connections[env.id] = CONNECTORS.flatMap((connector, c) =>
      PEOPLE.slice(0, 3).map((person, p) => ({
        name: `conn-${e}-${c}-${p}`,
        connector,
        displayName: `${connectorDisplayName(connector)} (${person.name.split(' ')[0] ?? ''})`,
        owner: { objectId: person.id, displayName: person.name, type: 'User' as const, userPrincipalName: `${(person.name.split(' ')[0] ?? 'x').toLowerCase()}@contoso.com` },
        ownerDisabled: false,
        health: p === 2 && c === 1 ? { kind: 'error' as const, code: 'Unauthorized', message: 'The credentials have expired. Sign in again.' } : { kind: 'connected' as const },
        shares: p === 1 ? [{ principal: { objectId: SPN, displayName: 'Contoso Release Pipeline', type: 'ServicePrincipal' as const, userPrincipalName: null }, role: 'CanView' as const, id: `perm-${e}-${c}` }] : [],
        usableBy: { me: p === 0, spn: p === 1 },
        createdTime: `2025-0${(p % 9) + 1}-1${c % 9}T10:00:00Z`,
      })),
    );
  });

  const references: Matrix['references'] = Array.from({ length: refCount }, (_, i) => {
    const connector = CONNECTORS[i % CONNECTORS.length] as string;
    const logicalName = `contoso_${connector.replace(/^shared_/, '').replace(/[^a-z0-9]/g, '').slice(0, 12)}${i >= CONNECTORS.length ? `_${i}` : ''}`;
    const cells: Record<string, ReferenceCell> = {};
    environments.forEach((env, e) => {
      const roll = random();
      const conn = connections[env.id]?.find((c) => c.connector === connector);
      if (e === 0) {
        const state = i === 2 ? 'dangling' : i === 4 ? 'owner-disabled' : 'wired';
        cells[env.id] = {
          kind: 'reference',
          state,
          referenceId: guid(i * 100 + e, 'c'),
          connection: state === 'dangling' || !conn ? null : { name: conn.name, displayName: conn.displayName, owner: state === 'owner-disabled' ? { objectId: PEOPLE[3]?.id ?? '', displayName: 'Isaiah Langer', type: 'User', userPrincipalName: 'isaiah@contoso.com' } : conn.owner, health: conn.health, shares: conn.shares },
          connectionId: state === 'dangling' ? 'conn-removed-0001' : (conn?.name ?? null),
          reasons: state === 'owner-disabled' ? [{ code: 'owner-disabled', ownerObjectId: PEOPLE[3]?.id ?? '', ownerName: 'Isaiah Langer' }] : [],
        };
      } else {
        const state = roll < 0.6 ? 'unwired' : roll < 0.85 ? 'wired' : roll < 0.93 ? 'broken' : 'not-usable';
        cells[env.id] = {
          kind: 'reference',
          state,
          referenceId: guid(i * 100 + e, 'c'),
          connection: state === 'unwired' || !conn ? null : { name: conn.name, displayName: conn.displayName, owner: conn.owner, health: state === 'broken' ? { kind: 'error', code: 'Unauthorized', message: 'The credentials have expired.' } : conn.health, shares: conn.shares },
          connectionId: state === 'unwired' ? null : (conn?.name ?? null),
          reasons: state === 'broken' ? [{ code: 'connection-error', message: 'The credentials have expired.' }] : [],
        };
      }
    });
    return { kind: 'reference', key: logicalName.toLowerCase(), displayName: `${connectorDisplayName(connector)}${i >= CONNECTORS.length ? ` ${Math.floor(i / CONNECTORS.length) + 1}` : ''}`, logicalName, connector, connectorName: connectorDisplayName(connector), cells };
  });

  const envVars: Matrix['envVars'] = Array.from({ length: varCount }, (_, i) => {
    const schemaName = `contoso_${['ApiBaseUrl', 'SharePointSite', 'ApprovalTeam', 'ErpCompany', 'RetryCount'][i % 5] ?? 'Var'}${i >= 5 ? i : ''}`;
    const cells: Record<string, EnvVarCell> = {};
    environments.forEach((env, e) => {
      const state = e === 0 ? 'set' : i % 3 === 0 ? 'default' : 'missing';
      cells[env.id] = { kind: 'envvar', state, value: state === 'set' ? `https://dev.contoso.com/${i}` : null, defaultValue: state === 'default' ? '3' : null, reasons: [] };
    });
    return { kind: 'envvar', key: schemaName.toLowerCase(), displayName: schemaName.replace(/^contoso_/, '').replace(/([a-z])([A-Z])/g, '$1 $2'), schemaName, type: i % 5 === 4 ? 'Number' : 'String', cells };
  });

  const flows: Matrix['flows'] = Array.from({ length: flowCount }, (_, i) => {
    const flowId = guid(i + 1, 'b');
    const name = `${FLOW_WORDS[i % FLOW_WORDS.length] ?? 'Flow'} ${FLOW_VERBS[Math.floor(i / FLOW_WORDS.length) % FLOW_VERBS.length] ?? ''}${i >= FLOW_WORDS.length * FLOW_VERBS.length ? ` ${i}` : ''}`;
    const cells: Record<string, FlowCell> = {};
    environments.forEach((env, e) => {
      const roll = random();
      const state = e === 0 ? (i === 5 ? 'suspended' : 'on') : roll < 0.5 ? 'blocked' : roll < 0.9 ? 'off' : 'on';
      const ref = references[i % Math.max(1, references.length)];
      cells[env.id] = {
        kind: 'flow',
        state,
        flowId,
        reasons:
          state === 'blocked' && ref
            ? [{ code: 'blocker', blocker: { code: 'reference-unwired', referenceId: ref.cells[env.id]?.referenceId ?? '', logicalName: ref.logicalName, connector: ref.connector } }]
            : [],
      };
    });
    return { kind: 'flow', key: flowId, displayName: name, flowId, childIds: [], parentIds: [], cells };
  });
  // Every tenth flow calls the next one as a child.
  for (let i = 0; i + 1 < flows.length; i += 10) {
    const parent = flows[i];
    const child = flows[i + 1];
    if (parent && child) {
      parent.childIds.push(child.key);
      child.parentIds.push(parent.key);
      child.displayName = `${child.displayName} (child)`;
    }
  }

  const matrix: Matrix = { columns, references, envVars, flows, counts: {} };
  return { solution: 'ContosoOperations', scannedAt: '2026-03-04T10:15:00.000Z', matrix, connections, principals, identities: { me: ME, spn: SPN }, failures: [] };
}
