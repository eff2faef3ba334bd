import { describe, expect, it } from 'vitest';
import type { CloudFlow, ConnectionReference } from '../domain/types';
import { buildPlan } from './plan';
import type { ConnectionWithShares, EnvironmentSnapshot, PrincipalRights } from './snapshot';
import { dominantOwner, rankConnections, suggestConnection } from './suggest';

/**
 * The suggestion ranking: healthy, then usable by the acting identity, then an owner who can act, then
 * the environment's preferred owner — each tier above all the ones after it. The tenant below is the
 * shape chaos seed 1 found: a Basic User (no write privilege) whose object id sorts first holds working
 * connections for every connector, and so does the integration service.
 */

const ME = 'aaaaaaaa-0000-0000-0000-000000000001';
const BASIC = 'aaaaaaaa-0000-0000-0000-000000000002';
const SERVICE = 'aaaaaaaa-0000-0000-0000-000000000003';
const LEFT = 'aaaaaaaa-0000-0000-0000-000000000004';
const OUTSIDER = 'aaaaaaaa-0000-0000-0000-000000000005';

const rights = (objectId: string, over: Partial<PrincipalRights> = {}): PrincipalRights => ({
  objectId,
  displayName: objectId.slice(-1),
  present: true,
  disabled: false,
  isApplicationUser: false,
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

const ref = (logicalName: string, connector: string, connectionId: string | null = null): ConnectionReference => ({
  id: `id-${logicalName}`,
  logicalName,
  displayName: logicalName,
  connector,
  connectorId: `/providers/Microsoft.PowerApps/apis/${connector}`,
  connectionId,
  etag: 'W/"1"',
  managed: true,
});

const flow = (id: string, uses: readonly string[]): CloudFlow => ({
  id,
  name: `Flow ${id}`,
  state: 'off',
  ownerId: 'o',
  managed: true,
  etag: 'W/"1"',
  references: uses.map((connector) => ({ key: connector, logicalName: `r_${connector}`, connector, runtimeSource: 'embedded' })),
  childFlowIds: [],
  definitionError: null,
  modifiedOn: '2026-01-01T00:00:00Z',
});

const CONNECTORS = ['x', 'y', 'z'] as const;

/** Shared with ME (Can use). */
const sharedWithMe: Pick<ConnectionWithShares, 'shares'> = { shares: [{ principal: { objectId: ME, displayName: 'me', type: 'User', userPrincipalName: null }, role: 'CanView', id: 'p-me' }] };

/** Nothing wired; BASIC and SERVICE each own a working connection for every connector. */
function tenant(over: Partial<EnvironmentSnapshot> = {}): EnvironmentSnapshot {
  return {
    environment: { id: 'env', displayName: 'Stage', sku: 'Sandbox', region: 'us', isDefault: false, instanceUrl: 'https://s/', organizationId: 'o' },
    scannedAt: '2026-01-01T00:00:00Z',
    solution: { id: 's', uniqueName: 'Sol', friendlyName: 'Sol', version: '1.0', managed: true },
    references: CONNECTORS.map((c) => ref(`r_${c}`, c)),
    flows: [flow('f', CONNECTORS)],
    envVars: [],
    connections: CONNECTORS.flatMap((c) => [conn(`${c}-basic`, c, BASIC), conn(`${c}-service`, c, SERVICE)]),
    users: [],
    rights: {
      [ME]: rights(ME, { delegate: true }),
      [BASIC]: rights(BASIC, { canWrite: false }),
      [SERVICE]: rights(SERVICE, { isApplicationUser: true }),
      [LEFT]: rights(LEFT, { disabled: true }),
      [OUTSIDER]: rights(OUTSIDER, { present: false }),
    },
    identities: { me: ME },
    problems: [],
    ...over,
  };
}

const names = (s: EnvironmentSnapshot, connector: string, acting: string | null, preferred?: string | null): string[] =>
  rankConnections(s, { connector }, acting, preferred).map((c) => c.connection.name);

describe('dominantOwner', () => {
  it('prefers, when nothing is wired, an owner who can act over one whose id sorts first', () => {
    expect(dominantOwner(tenant())).toBe(SERVICE);
  });

  it('counts only the wired references whose connections would work', () => {
    // Two references wired to the Basic User's connections, one to the service's: the service still wins.
    const s = tenant({ references: [ref('r_x', 'x', 'x-basic'), ref('r_y', 'y', 'y-basic'), ref('r_z', 'z', 'z-service')] });
    expect(dominantOwner(s)).toBe(SERVICE);
  });

  it('asks, with an acting identity, whether it may use the connections, not whether their owner may write', () => {
    const s = tenant({ connections: CONNECTORS.flatMap((c) => [conn(`${c}-basic`, c, BASIC, sharedWithMe), conn(`${c}-service`, c, SERVICE)]) });
    expect(dominantOwner(s, ME)).toBe(BASIC);
    expect(dominantOwner(s, null)).toBe(SERVICE);
  });

  it('is null when no connection would work', () => {
    expect(dominantOwner(tenant({ connections: [conn('x-left', 'x', LEFT), conn('x-outsider', 'x', OUTSIDER)] }))).toBeNull();
  });
});

describe('rankConnections', () => {
  it('puts an owner who can act above the preferred owner when owners are impersonated', () => {
    const s = tenant();
    expect(names(s, 'x', null)).toEqual(['x-service', 'x-basic']);
    // Even told to prefer the Basic User, the ranking does not wire to an owner who cannot turn flows on.
    expect(names(s, 'x', null, BASIC)).toEqual(['x-service', 'x-basic']);
    const basic = rankConnections(s, { connector: 'x' }, null).find((c) => c.connection.owner.objectId === BASIC);
    expect(basic).toMatchObject({ healthy: true, usable: true, ownerDisabled: false, ownerCanAct: false });
    expect(basic?.reasons).toContain('owner may not turn flows on here (no write privilege)');
  });

  it('names an owner who is not a user of the environment', () => {
    const s = tenant({ connections: [conn('x-outsider', 'x', OUTSIDER), conn('x-service', 'x', SERVICE)] });
    const [first, second] = rankConnections(s, { connector: 'x' }, null);
    expect([first?.connection.name, second?.connection.name]).toEqual(['x-service', 'x-outsider']);
    expect(second?.reasons).toContain('owner is not a user of this environment');
  });

  it('puts usable by the acting identity above an owner who can act, and the preferred owner last', () => {
    const s = tenant({ connections: [conn('x-basic', 'x', BASIC, sharedWithMe), conn('x-service', 'x', SERVICE), conn('x-mine', 'x', ME)] });
    // As ME: both connections ME may use come first; the Basic User's write privilege does not matter
    // (ME turns the flows on); between them the preferred owner decides.
    expect(names(s, 'x', ME, BASIC)).toEqual(['x-basic', 'x-mine', 'x-service']);
    expect(names(s, 'x', ME, ME)).toEqual(['x-mine', 'x-basic', 'x-service']);
  });

  it('puts healthy above everything, and never suggests a broken connection or a disabled owner’s', () => {
    const broken = { health: { kind: 'error' as const, code: 'Unauthorized', message: 'expired' } };
    const s = tenant({ connections: [conn('x-left', 'x', LEFT), conn('x-broken', 'x', SERVICE, broken), conn('x-basic', 'x', BASIC)] });
    expect(names(s, 'x', null, SERVICE)).toEqual(['x-basic', 'x-left', 'x-broken']);
    expect(suggestConnection(s, { connector: 'x' }, null)?.connection.name).toBe('x-basic');
    expect(suggestConnection(tenant({ connections: [conn('x-left', 'x', LEFT), conn('x-broken', 'x', SERVICE, broken)] }), { connector: 'x' }, null)).toBeNull();
  });
});

describe('planning on the suggestions', () => {
  it('wires every reference to the service’s connections and refuses no step, impersonating owners', () => {
    const s = tenant({ identities: { me: ME, spn: SERVICE } });
    const plan = buildPlan([s], { solution: 'Sol', environmentIds: ['env'], wire: { select: 'needing' }, activate: 'all', identity: 'connection-owner', share: false });
    expect(plan.steps.filter((p) => p.kind === 'wire').map((p) => p.after)).toEqual(['x-service', 'y-service', 'z-service']);
    expect(plan.steps.filter((p) => p.verdict.outcome === 'will-fail')).toEqual([]);
  });
});
