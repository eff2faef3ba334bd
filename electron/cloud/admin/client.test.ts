import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setConnectionPageSize } from '../../sandbox/powerapps/settings';
import type { Identity } from '../../sandbox/test-support/harness';
import { startCloudTestbed, type CloudTestbed } from '../dataverse/testkit';
import { createAdminClient, type AdminClient } from './client';

const admin: Identity = { user: 'releaseManager' };
const maker: Identity = { user: 'maker' };
const owner: Identity = { user: 'serviceAccount' };
const pipeline: Identity = { app: 'pipeline' };

let tb: CloudTestbed;
beforeAll(async () => {
  tb = await startCloudTestbed();
});
afterAll(async () => {
  await tb.close();
});
beforeEach(async () => {
  await tb.control('POST', 'reset');
  await tb.clearLog();
});

const client = (as: Identity): AdminClient => createAdminClient({ http: tb.http(as), profile: tb.profile });
const connectionsIn = (stage: 'test' | 'prod' | 'dev') => tb.h.sb.ctx.store.state.connections.filter((c) => c.environmentId === tb.h.env(stage).id);

describe('admin client: environments', () => {
  it('lists every environment on the admin route, mapped with instance URL and organization', async () => {
    const c = client(admin);
    const envs = await c.listEnvironments();
    expect(c.mode()).toBe('admin');
    expect(envs).toHaveLength(5);
    const test = envs.find((e) => e.id === tb.h.env('test').id);
    expect(test).toEqual({
      id: tb.h.env('test').id,
      displayName: 'Contoso Test',
      sku: 'Sandbox',
      region: 'westus',
      isDefault: false,
      instanceUrl: `${tb.h.base}/orgs/contoso-test/`,
      organizationId: tb.h.env('test').organizationId,
    });
    expect(envs.filter((e) => e.isDefault)).toHaveLength(1);
    expect((await tb.log()).filter((e) => e.service === 'bap').every((e) => e.path.includes('/scopes/admin/'))).toBe(true);
  });

  it('falls back to the non-admin list once when the caller is not an admin', async () => {
    const c = client(maker);
    const envs = await c.listEnvironments();
    expect(c.mode()).toBe('maker');
    expect(envs.map((e) => e.displayName)).toContain('Contoso Test');
    await c.listEnvironments();
    const log = (await tb.log()).filter((e) => e.service === 'bap');
    expect(log.map((e) => [e.status, e.path.includes('/scopes/admin/')])).toEqual([
      [403, true],
      [200, false],
      [200, false],
    ]);
  });

  it('reads one environment, ~default, and null for an unknown one', async () => {
    const c = client(pipeline);
    expect((await c.getEnvironment(tb.h.env('prod').id))?.displayName).toBe('Contoso Prod');
    expect((await c.getEnvironment('~default'))?.isDefault).toBe(true);
    expect(await c.getEnvironment('00000000-0000-0000-0000-00000000dead')).toBeNull();
    await expect(c.getEnvironment('../x')).rejects.toThrow(/not a valid environment name/);
  });
});

describe('admin client: connections', () => {
  it('lists all connections of an environment on the admin route, following nextLink', async () => {
    setConnectionPageSize(tb.h.sb.ctx, 3);
    try {
      const c = client(pipeline);
      const connections = await c.listConnections(tb.h.env('test').id);
      const expected = connectionsIn('test');
      expect(connections.map((x) => x.name).sort()).toEqual(expected.map((x) => x.name).sort());
      expect((await tb.log()).filter((e) => e.service === 'powerapps')).toHaveLength(Math.ceil(expected.length / 3));

      const svc = tb.h.oid(owner);
      const expired = connections.find((x) => x.health.kind === 'error');
      expect(expired?.health).toMatchObject({ kind: 'error', code: 'Unauthorized' });
      expect(expired?.owner.objectId).toBe(svc);
      const outlook = connections.find((x) => x.connector === 'shared_office365' && x.owner.objectId === svc);
      expect(outlook).toMatchObject({ environmentId: tb.h.env('test').id, health: { kind: 'connected' } });
      expect(outlook?.owner).toMatchObject({ type: 'User', displayName: 'Contoso Integration Service' });
      expect(outlook?.owner.userPrincipalName).toMatch(/^svc-integration@/);
    } finally {
      setConnectionPageSize(tb.h.sb.ctx, 250);
    }
  });

  it('a maker sees only the connections they own or hold a share on', async () => {
    const c = client(maker);
    const connections = await c.listConnections(tb.h.env('test').id);
    expect(c.mode()).toBe('maker');
    expect(connections.length).toBeGreaterThan(0);
    expect(connections.every((x) => x.owner.objectId === tb.h.oid(maker))).toBe(true);
    const single = connections[0];
    if (!single) throw new Error('none');
    expect(await c.getConnection(single.environmentId, single.connector, single.name)).toEqual(single);
    expect(await c.getConnection(single.environmentId, single.connector, 'ffffffffffffffffffffffffffffffff')).toBeNull();
  });

  it('lists permissions: the owner first, then shares with their principal types', async () => {
    const c = client(pipeline);
    const env = tb.h.env('test').id;
    const outlook = (await c.listConnections(env)).find((x) => x.connector === 'shared_office365' && x.owner.objectId === tb.h.oid(owner));
    if (!outlook) throw new Error('no connection');
    const shares = await c.listPermissions(env, outlook.connector, outlook.name);
    expect(shares[0]).toMatchObject({ role: 'Owner', principal: { objectId: tb.h.oid(owner), type: 'User' } });
    expect(shares.find((s) => s.principal.objectId === tb.h.oid(pipeline))).toMatchObject({ role: 'CanView', principal: { type: 'ServicePrincipal' } });
    expect(shares.every((s) => s.id.endsWith(`/connections/${outlook.name}/permissions/${s.principal.objectId}`))).toBe(true);
  });

  it('shares then unshares (admin route), and an owner shares on the maker route', async () => {
    const env = tb.h.env('test').id;
    const c = client(admin);
    const sql = (await c.listConnections(env)).find((x) => x.connector === 'shared_sql' && x.health.kind === 'connected');
    if (!sql) throw new Error('no connection');
    const nestor = tb.h.oid(maker);
    await c.share(env, sql.connector, sql.name, { objectId: nestor, type: 'User' }, 'CanView');
    await c.share(env, sql.connector, sql.name, { objectId: nestor }, 'CanView'); // again: no change
    const shared = (await c.listPermissions(env, sql.connector, sql.name)).filter((s) => s.principal.objectId === nestor);
    expect(shared).toHaveLength(1);
    expect(shared[0]?.role).toBe('CanView');
    // The maker can now see it on the maker route.
    expect(await client(maker).getConnection(env, sql.connector, sql.name)).not.toBeNull();

    await c.unshare(env, sql.connector, sql.name, shared[0]?.id ?? '');
    await c.unshare(env, sql.connector, sql.name, shared[0]?.id ?? ''); // gone already: no-op
    expect((await c.listPermissions(env, sql.connector, sql.name)).some((s) => s.principal.objectId === nestor)).toBe(false);

    const asOwner = client(owner);
    await asOwner.share(env, sql.connector, sql.name, { objectId: tb.h.oid(pipeline), type: 'ServicePrincipal' }, 'CanViewWithShare');
    expect(asOwner.mode()).toBe('maker');
    const after = await asOwner.listPermissions(env, sql.connector, sql.name);
    expect(after.find((s) => s.principal.objectId === tb.h.oid(pipeline))?.role).toBe('CanViewWithShare');
    const modify = (await tb.log()).filter((e) => e.path.includes('modifyPermissions'));
    expect(modify.map((e) => [e.status, e.path.includes('/scopes/admin/')])).toEqual([
      [200, true],
      [200, true],
      [200, true],
      [200, true],
      [403, true],
      [200, false],
    ]);
  });
});
