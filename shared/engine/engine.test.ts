import { describe, expect, it } from 'vitest';
import type { CloudFlow, ConnectionReference } from '../domain/types';
import { audit } from './audit';
import { deriveMatrix } from './matrix';
import { buildPlan, activationOrder, PlanError } from './plan';
import { preflightActivate, preflightWire } from './preflight';
import type { ConnectionWithShares, EnvironmentSnapshot, PrincipalRights } from './snapshot';
import { rankConnections } from './suggest';

/** Pure engine logic on small hand-built snapshots: each case names the rule it checks. */

const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
const SPN = 'aaaaaaaa-0000-0000-0000-000000000002';
const OWNER = 'aaaaaaaa-0000-0000-0000-000000000003';
const OTHER = 'aaaaaaaa-0000-0000-0000-000000000004';
const GONE = 'aaaaaaaa-0000-0000-0000-000000000005';

const rights = (objectId: string, over: Partial<PrincipalRights> = {}): PrincipalRights => ({
  objectId,
  displayName: objectId.slice(-1),
  present: true,
  disabled: false,
  isApplicationUser: objectId === SPN,
  delegate: false,
  canWrite: true,
  platformAdmin: false,
  ...over,
});

const conn = (name: string, connector: string, owner: string, over: Partial<ConnectionWithShares> = {}): ConnectionWithShares => ({
  name,
  environmentId: 'env',
  connector,
  displayName: name,
  owner: { objectId: owner, displayName: owner.slice(-1), type: 'User', userPrincipalName: null },
  health: { kind: 'connected' },
  createdTime: '2026-01-01T00:00:00Z',
  shares: [],
  ...over,
});

const ref = (logicalName: string, connector: string, connectionId: string | null): ConnectionReference => ({
  id: `id-${logicalName}`,
  logicalName,
  displayName: logicalName,
  connector,
  connectorId: `/providers/Microsoft.PowerApps/apis/${connector}`,
  connectionId,
  etag: 'W/"1"',
  managed: true,
});

const flow = (id: string, uses: [string, string][], children: string[] = [], state: CloudFlow['state'] = 'off'): CloudFlow => ({
  id,
  name: `Flow ${id}`,
  state,
  ownerId: 'o',
  managed: true,
  etag: 'W/"1"',
  references: uses.map(([logicalName, connector]) => ({ key: connector, logicalName, connector, runtimeSource: 'embedded' })),
  childFlowIds: children,
  definitionError: null,
  modifiedOn: '2026-01-01T00:00:00Z',
});

function snapshot(over: Partial<EnvironmentSnapshot> = {}): EnvironmentSnapshot {
  return {
    environment: { id: 'env', displayName: 'Test', sku: 'Sandbox', region: 'us', isDefault: false, instanceUrl: 'https://t/', organizationId: 'o' },
    scannedAt: '2026-01-01T00:00:00Z',
    solution: { id: 's', uniqueName: 'Sol', friendlyName: 'Sol', version: '1.0', managed: true },
    references: [],
    flows: [],
    envVars: [],
    connections: [],
    users: [],
    rights: { [ME]: rights(ME, { delegate: true, platformAdmin: true }), [SPN]: rights(SPN), [OWNER]: rights(OWNER), [OTHER]: rights(OTHER), [GONE]: rights(GONE, { disabled: true }) },
    identities: { me: ME, spn: SPN },
    problems: [],
    ...over,
  };
}

describe('preflight: activation', () => {
  it('names every missing connection, and passes a Dataverse-only flow unwired', () => {
    const s = snapshot({
      references: [ref('r_mail', 'shared_office365', null), ref('r_dv', 'shared_commondataserviceforapps', null)],
      flows: [flow('f1', [['r_mail', 'shared_office365'], ['r_dv', 'shared_commondataserviceforapps']]), flow('f2', [['r_dv', 'shared_commondataserviceforapps']])],
    });
    const v = preflightActivate(s, s.flows[0] as CloudFlow, 'me');
    expect(v.outcome).toBe('will-fail');
    expect(v.blockers.map((b) => b.code)).toEqual(['reference-unwired', 'reference-unwired']);
    expect(preflightActivate(s, s.flows[1] as CloudFlow, 'me').outcome).toBe('will-succeed');
  });

  it('impersonates the owner who can use every connection, and refuses without the Delegate privilege', () => {
    const s = snapshot({
      references: [ref('a', 'x', 'c1'), ref('b', 'y', 'c2')],
      connections: [conn('c1', 'x', OWNER), conn('c2', 'y', OWNER)],
      flows: [flow('f', [['a', 'x'], ['b', 'y']])],
    });
    expect(preflightActivate(s, s.flows[0] as CloudFlow, 'me').outcome).toBe('will-fail');
    const v = preflightActivate(s, s.flows[0] as CloudFlow, 'connection-owner');
    expect(v).toMatchObject({ outcome: 'will-succeed', identity: { mode: 'impersonate', actorObjectId: ME, targetObjectId: OWNER } });
    expect(preflightActivate(s, s.flows[0] as CloudFlow, 'auto').strategy).toBe('connection-owner');
    const noDelegate = snapshot({ ...s, rights: { ...s.rights, [ME]: rights(ME) } });
    const refused = preflightActivate(noDelegate, noDelegate.flows[0] as CloudFlow, 'connection-owner');
    expect(refused.blockers).toEqual([{ code: 'no-delegate', objectId: ME }]);
    expect(refused.fixes).toContainEqual({ kind: 'grant-delegate', objectId: ME });
  });

  it('proposes a share when two owners split a flow’s connections', () => {
    const s = snapshot({
      references: [ref('a', 'x', 'c1'), ref('b', 'y', 'c2'), ref('c', 'z', 'c3')],
      connections: [conn('c1', 'x', OWNER), conn('c2', 'y', OWNER), conn('c3', 'z', OTHER)],
      flows: [flow('f', [['a', 'x'], ['b', 'y'], ['c', 'z']])],
    });
    const v = preflightActivate(s, s.flows[0] as CloudFlow, 'connection-owner');
    expect(v.outcome).toBe('will-fail');
    expect(v.fixes).toContainEqual({ kind: 'share', connectionName: 'c3', connector: 'z', principalObjectId: OWNER, role: 'CanView' });
  });

  it('treats an off child as uncertain (it may have been published before) and orders it first', () => {
    const s = snapshot({ flows: [flow('child', []), flow('parent', [], ['child'])] });
    expect(preflightActivate(s, s.flows[1] as CloudFlow, 'me').outcome).toBe('may-fail');
    expect(preflightActivate(s, s.flows[1] as CloudFlow, 'me', { onBefore: new Set(['child']) }).outcome).toBe('will-succeed');
    expect(activationOrder(s.flows).map((f) => f.id)).toEqual(['child', 'parent']);
  });

  it('refuses a cycle in the call graph with the names in it', () => {
    expect(() => activationOrder([flow('a', [], ['b']), flow('b', [], ['a'])])).toThrow(PlanError);
    expect(() => activationOrder([flow('a', [], ['b']), flow('b', [], ['a'])])).toThrow('Flow a → Flow b → Flow a');
  });
});

describe('preflight: wiring and suggestions', () => {
  it('ranks healthy, enabled, usable connections of the same owner first', () => {
    const s = snapshot({
      references: [ref('a', 'x', 'c1'), ref('b', 'y', null)],
      connections: [conn('c1', 'x', OWNER), conn('y-broken', 'y', OWNER, { health: { kind: 'error', code: 'Unauthorized', message: 'expired' } }), conn('y-gone', 'y', GONE), conn('y-other', 'y', OTHER), conn('y-owner', 'y', OWNER)],
    });
    expect(rankConnections(s, { connector: 'y' }, null).map((c) => c.connection.name)).toEqual(['y-owner', 'y-other', 'y-gone', 'y-broken']);
    expect(preflightWire(s, s.references[1] as ConnectionReference, 'y-other', 'me').outcome).toBe('will-fail');
    expect(preflightWire(s, s.references[1] as ConnectionReference, 'y-other', 'connection-owner')).toMatchObject({ outcome: 'will-succeed', identity: { targetObjectId: OTHER } });
    expect(preflightWire(s, s.references[1] as ConnectionReference, 'missing', 'me').blockers[0]?.code).toBe('reference-dangling');
  });
});

describe('matrix', () => {
  it('derives each reference, flow and variable state with its reasons', () => {
    const dev = snapshot({
      environment: { id: 'dev', displayName: 'Dev', sku: 'Sandbox', region: 'us', isDefault: false, instanceUrl: 'https://d/', organizationId: 'o' },
      references: [ref('ok', 'x', 'c1'), ref('none', 'y', null), ref('dangling', 'y', 'gone'), ref('broken', 'x', 'c2'), ref('left', 'x', 'c3')],
      connections: [conn('c1', 'x', ME), conn('c2', 'x', ME, { health: { kind: 'error', code: 'E', message: 'expired' } }), conn('c3', 'x', GONE)],
      flows: [flow('f-on', [], [], 'on'), flow('f-off', [['ok', 'x']]), flow('f-blocked', [['none', 'y']]), flow('f-susp', [], [], 'suspended')],
      envVars: [
        { definitionId: '1', schemaName: 'v_set', displayName: 'Set', type: 'String', defaultValue: null, valueId: 'x', value: 'a' },
        { definitionId: '2', schemaName: 'v_def', displayName: 'Default', type: 'String', defaultValue: 'd', valueId: null, value: null },
        { definitionId: '3', schemaName: 'v_miss', displayName: 'Missing', type: 'String', defaultValue: null, valueId: null, value: null },
      ],
    });
    const prod = snapshot({ environment: { ...dev.environment, id: 'prod', displayName: 'Prod' }, solution: null });
    const m = deriveMatrix([dev, prod], { identity: 'me', settingsValues: { dev: { v_set: 'b' } } });
    const refState = Object.fromEntries(m.references.map((r) => [r.logicalName, r.cells['dev']?.state]));
    expect(refState).toEqual({ ok: 'wired', none: 'unwired', dangling: 'dangling', broken: 'broken', left: 'owner-disabled' });
    const flowState = Object.fromEntries(m.flows.map((r) => [r.flowId, r.cells['dev']?.state]));
    expect(flowState).toEqual({ 'f-on': 'on', 'f-off': 'off', 'f-blocked': 'blocked', 'f-susp': 'suspended' });
    expect(Object.fromEntries(m.envVars.map((r) => [r.schemaName, r.cells['dev']?.state]))).toEqual({ v_set: 'differs', v_def: 'default', v_miss: 'missing' });
    expect(m.references.every((r) => r.cells['prod']?.state === 'absent')).toBe(true);
    expect(m.counts['dev']).toMatchObject({ wired: 1, unwired: 1, on: 1, blocked: 1 });
    expect(m.references.find((r) => r.logicalName === 'ok')?.cells['dev']?.reasons).toEqual([{ code: 'not-shared-with-spn', connectionName: 'c1', spnObjectId: SPN }]);
  });
});

describe('plan', () => {
  it('orders share → wire → children → parents, with dependencies and verdicts', () => {
    const s = snapshot({
      references: [ref('a', 'x', null), ref('b', 'y', null)],
      connections: [conn('cx', 'x', OWNER), conn('cy', 'y', OTHER)],
      flows: [flow('child', [['a', 'x']]), flow('parent', [['a', 'x'], ['b', 'y']], ['child'])],
    });
    const plan = buildPlan([s], { solution: 'Sol', environmentIds: ['env'], wire: { select: 'needing' }, activate: 'all', identity: 'connection-owner', share: true }, new Date('2026-01-01T00:00:00Z'), 'p1');
    expect(plan.steps.map((x) => `${x.kind}:${x.target.type === 'flow' ? x.target.flowId : x.target.type === 'reference' ? x.target.logicalName : x.target.type === 'connection' ? x.target.connectionName : x.target.schemaName}`)).toEqual([
      'share:cy',
      'wire:a',
      'wire:b',
      'activate:child',
      'activate:parent',
    ]);
    const parent = plan.steps.find((x) => x.id === 'env:activate:parent');
    expect(parent?.dependsOn.sort()).toEqual(['env:activate:child', 'env:share:cy|aaaaaaaa-0000-0000-0000-000000000003', 'env:wire:a', 'env:wire:b'].sort());
    expect(plan.steps.every((x) => x.verdict.outcome === 'will-succeed')).toBe(true);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
  });

  it('makes every flow that needs a share wait for it, not only the flow that asked for it first', () => {
    const s = snapshot({
      references: [ref('a', 'x', null), ref('b', 'y', null)],
      connections: [conn('cx', 'x', OWNER), conn('cy', 'y', OTHER)],
      flows: [flow('first', [['a', 'x'], ['b', 'y']]), flow('second', [['a', 'x'], ['b', 'y']])],
    });
    const plan = buildPlan([s], { solution: 'Sol', environmentIds: ['env'], wire: { select: 'needing' }, activate: 'all', identity: 'connection-owner', share: true }, new Date('2026-01-01T00:00:00Z'), 'p1');
    const share = plan.steps.filter((x) => x.kind === 'share').map((x) => x.id);
    expect(share).toHaveLength(1);
    for (const id of ['env:activate:first', 'env:activate:second']) {
      expect(plan.steps.find((x) => x.id === id)?.dependsOn).toContain(share[0]);
    }
  });

  it('plans the share a wire step needs once its share fix is taken, and activation reuses that share', () => {
    const s = snapshot({
      references: [ref('a', 'x', null)],
      connections: [conn('cx', 'x', OTHER)],
      flows: [flow('f', [['a', 'x']])],
    });
    const base = { solution: 'Sol', environmentIds: ['env'], wire: { select: 'needing' as const }, activate: 'all' as const, identity: 'me' as const };
    const before = buildPlan([s], { ...base, share: false });
    const wire = before.steps.find((x) => x.kind === 'wire');
    expect(wire?.verdict.outcome).toBe('will-fail');
    expect(wire?.verdict.fixes).toContainEqual({ kind: 'share', connectionName: 'cx', connector: 'x', principalObjectId: ME, role: 'CanView' });
    // The renderer's fix amends the intent with share: true; the amended plan must carry it out.
    const after = buildPlan([s], { ...base, share: true });
    const shareId = `env:share:cx|${ME}`;
    expect(after.steps.map((x) => x.id)).toEqual([shareId, 'env:wire:a', 'env:activate:f']);
    expect(after.steps.find((x) => x.kind === 'wire')).toMatchObject({ dependsOn: [shareId], verdict: { outcome: 'will-succeed', fixes: [] } });
    expect(after.steps.find((x) => x.kind === 'activate')?.dependsOn.sort()).toEqual([shareId, 'env:wire:a'].sort());
    expect(after.steps.every((x) => x.verdict.outcome === 'will-succeed')).toBe(true);
  });

  it('warns instead of planning when there is no healthy connection to wire to', () => {
    const s = snapshot({ references: [ref('a', 'x', null)], connections: [conn('bad', 'x', OWNER, { health: { kind: 'error', code: 'E', message: 'm' } })] });
    const plan = buildPlan([s], { solution: 'Sol', environmentIds: ['env'], wire: { select: 'needing' }, identity: 'auto', share: false });
    expect(plan.steps).toEqual([]);
    expect(plan.warnings[0]).toContain('no healthy connection for a (x)');
  });
});

describe('audit', () => {
  it('names references and connections by their display names, keeping ids only where no name exists', () => {
    const GUID = 'de12d524-0000-4000-8000-000000000001';
    const s = snapshot({
      references: [
        { ...ref('cont_teams_2b7a4', 'teams', null), displayName: 'Contoso Ops – Microsoft Teams' },
        { ...ref('cont_mail_8c1f2', 'mail', GUID), displayName: 'Contoso Ops – Outlook' },
        { ...ref('cont_sql_9a1b6', 'sql', 'gone-connection'), displayName: 'Contoso Ops – SQL' },
      ],
      connections: [conn(GUID, 'mail', OWNER, { displayName: 'lee.gu@contoso.com', owner: { objectId: OWNER, displayName: 'Lee Gu', type: 'User', userPrincipalName: null }, health: { kind: 'error', code: 'E', message: 'expired' } })],
      flows: [flow('f', [['cont_teams_2b7a4', 'teams']])],
    });
    const findings = audit([s], { identity: 'me' });
    const message = (kind: string): string => findings.find((f) => f.kind === kind)?.message ?? '';
    expect(message('flow-blocked')).toBe('Flow f is off and cannot be turned on: connection reference Contoso Ops – Microsoft Teams has no connection.');
    expect(message('broken')).toBe('Contoso Ops – Outlook (mail) uses connection lee.gu@contoso.com (Lee Gu), which is in error: expired');
    expect(message('not-shared-with-spn')).toBe(`Contoso Ops – Outlook (mail): connection lee.gu@contoso.com (Lee Gu) is not shared with the deploying service principal (${SPN.slice(-1)}).`);
    // A dangling id has no name to show: it stays, as a detail, since it is what to look for.
    expect(message('dangling')).toBe('Contoso Ops – SQL (sql) points at a connection which does not exist in this environment (gone-connection).');
    expect(findings.map((f) => f.message).join('\n')).not.toMatch(new RegExp(`${GUID}|cont_teams_2b7a4`));
  });
});
