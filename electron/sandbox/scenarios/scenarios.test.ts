import { describe, expect, it } from 'vitest';
import { parseClientData } from '../../../shared/flows/clientdata';
import type { CloudState, Row, SandboxEnvironment } from '../model';
import { buildContoso } from './contoso';
import { buildScale } from './scale';

/** The scenarios hold what the issue promises: the shapes every later test and the demo rely on. */

const byOrg = (state: CloudState, org: string): SandboxEnvironment => {
  const env = state.environments.find((e) => e.orgName === org);
  if (!env) throw new Error(org);
  return env;
};
const rows = (env: SandboxEnvironment, table: string): Row[] => Object.values(env.tables[table] ?? {});
const withoutKeys = (s: CloudState) => ({ ...s, entra: null, apps: s.apps.map((a) => ({ ...a, certificates: a.certificates.length })) });

describe('contoso', () => {
  const state = buildContoso(1);
  const dev = byOrg(state, 'contoso-dev');
  const test = byOrg(state, 'contoso-test');
  const prod = byOrg(state, 'contoso-prod');

  it('is deterministic by seed (keys aside) and differs across seeds', () => {
    expect(withoutKeys(buildContoso(1))).toEqual(withoutKeys(state));
    expect(buildContoso(2).tenant.id).not.toBe(state.tenant.id);
  });

  it('has Dev, Test, UAT, Prod and a default environment without the solution', () => {
    expect(state.environments.map((e) => [e.displayName, e.sku])).toEqual([
      ['Contoso Dev', 'Sandbox'],
      ['Contoso Test', 'Sandbox'],
      ['Contoso UAT', 'Sandbox'],
      ['Contoso Prod', 'Production'],
      ['Contoso (default)', 'Default'],
    ]);
    const defaultEnv = state.environments.find((e) => e.isDefault);
    expect(defaultEnv?.id).toBe(`Default-${state.tenant.id}`);
    expect(rows(defaultEnv as SandboxEnvironment, 'solution')).toEqual([]);
  });

  it('ships ≥ 12 cloud flows, ≥ 2 child flows called by parents, ≥ 8 references over ≥ 6 connectors incl. a custom one', () => {
    const flows = rows(test, 'workflow').filter((w) => w['category'] === 5);
    expect(flows.length).toBeGreaterThanOrEqual(12);
    const parsed = flows.map((f) => parseClientData(String(f['clientdata'])));
    const called = new Set(parsed.flatMap((p) => (p.ok ? p.value.childFlowIds : [])));
    expect(called.size).toBeGreaterThanOrEqual(2);
    const refs = rows(test, 'connectionreference');
    expect(refs.length).toBeGreaterThanOrEqual(8);
    const connectors = new Set(refs.map((r) => String(r['connectorid'])));
    expect(connectors.size).toBeGreaterThanOrEqual(6);
    expect([...connectors].some((c) => /shared_cont-5f/.test(c))).toBe(true);
    const dataverseOnly = parsed.filter((p) => p.ok && p.value.references.every((r) => r.apiName === 'shared_commondataserviceforapps'));
    expect(dataverseOnly.length).toBeGreaterThanOrEqual(2);
  });

  it('is just after the first deployment: Dev wired and on, the others unwired and off', () => {
    const solutionFlows = (env: SandboxEnvironment) => rows(env, 'workflow').filter((w) => w['solutionid'] !== null && w['category'] === 5);
    expect(solutionFlows(dev).every((f) => f['statecode'] === 1)).toBe(true);
    expect(rows(dev, 'connectionreference').every((r) => typeof r['connectionid'] === 'string')).toBe(true);
    for (const org of ['contoso-test', 'contoso-uat', 'contoso-prod']) {
      const env = byOrg(state, org);
      expect(solutionFlows(env).every((f) => f['statecode'] === 0)).toBe(true);
      expect(rows(env, 'connectionreference').every((r) => r['connectionid'] === null)).toBe(true);
    }
    expect(rows(dev, 'solution')[0]?.['ismanaged']).toBe(false);
    expect(rows(prod, 'solution')[0]?.['ismanaged']).toBe(true);
  });

  it('numbers the connection-reference component type differently in each environment', () => {
    const codes = state.environments.map((e) => rows(e, 'solutioncomponentdefinition').find((d) => d['primaryentityname'] === 'connectionreference')?.['objecttypecode']);
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('gives Test a healthy service-account connection for every connector, beside distractors', () => {
    const svc = state.users.find((u) => u.role === 'serviceAccount');
    const connectors = new Set(rows(test, 'connectionreference').map((r) => String(r['connectorid']).split('/').pop()));
    const inTest = state.connections.filter((c) => c.environmentId === test.id);
    for (const api of connectors) {
      expect(inTest.some((c) => c.apiName === api && c.createdBy === svc?.objectId && c.status.kind === 'Connected')).toBe(true);
    }
    expect(inTest.some((c) => c.status.kind === 'Error')).toBe(true);
    expect(inTest.some((c) => c.createdBy !== svc?.objectId)).toBe(true);
  });

  it('splits Prod between two owners and shares only some connections with the pipeline SPN', () => {
    const owners = new Set(state.connections.filter((c) => c.environmentId === prod.id && c.status.kind === 'Connected').map((c) => c.createdBy));
    expect(owners.size).toBe(2);
    const spn = state.apps.find((a) => a.isPipelineSpn)?.servicePrincipalId;
    const shared = state.connections.filter((c) => c.permissions.some((p) => p.principalId === spn));
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(state.connections.length);
  });

  it('has a disabled former employee who still owns connections, and a dangling reference in Dev', () => {
    const former = state.users.find((u) => u.disabled);
    expect(state.connections.some((c) => c.createdBy === former?.objectId)).toBe(true);
    const devConnections = new Set(state.connections.filter((c) => c.environmentId === dev.id).map((c) => c.name));
    expect(rows(dev, 'connectionreference').filter((r) => !devConnections.has(String(r['connectionid'])))).toHaveLength(1);
  });

  it('leaves environment variable values missing in Test, UAT and Prod', () => {
    for (const org of ['contoso-test', 'contoso-uat', 'contoso-prod']) {
      const env = byOrg(state, org);
      expect(rows(env, 'environmentvariablevalue').length).toBeLessThan(rows(env, 'environmentvariabledefinition').length);
    }
  });

  it('gives the pipeline SPN the Delegate privilege in Dev, Test and UAT but not Prod', () => {
    const spn = state.apps.find((a) => a.isPipelineSpn);
    const roleNames = (env: SandboxEnvironment) => {
      const user = rows(env, 'systemuser').find((u) => u['applicationid'] === spn?.clientId);
      return rows(env, 'systemuserroles').filter((r) => r['systemuserid'] === user?.['systemuserid']).map((r) => env.tables['role']?.[String(r['roleid'])]?.['name']);
    };
    expect(roleNames(dev)).toContain('Delegate');
    expect(roleNames(test)).toContain('Delegate');
    expect(roleNames(prod)).not.toContain('Delegate');
    expect(roleNames(prod)).not.toContain('System Administrator');
  });
});

describe('scale', () => {
  it('keeps the contoso shape at the requested size', () => {
    const state = buildScale(5, { envs: 3, flows: 200, refs: 40, connectors: 8 });
    expect(state.environments).toHaveLength(3);
    const [first, second] = state.environments as [SandboxEnvironment, SandboxEnvironment];
    const flows = rows(second, 'workflow');
    expect(flows).toHaveLength(200);
    expect(rows(second, 'connectionreference')).toHaveLength(40);
    expect(rows(first, 'workflow').every((f) => f['statecode'] === 1)).toBe(true);
    expect(rows(second, 'workflow').every((f) => f['statecode'] === 0)).toBe(true);
    const callers = flows.filter((f) => {
      const p = parseClientData(String(f['clientdata']));
      return p.ok && p.value.childFlowIds.length > 0;
    });
    expect(callers.length).toBeGreaterThan(5);
    expect(callers.length).toBeLessThan(40);
  });
});
