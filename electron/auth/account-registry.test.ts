import { mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, type KeyAndCertificate } from '../sandbox/tls';
import { AccountRegistry, REGISTRY_FILE, RegistryError } from './account-registry';
import type { NewAccount } from './accounts';

let dir: string;
let cert: KeyAndCertificate;
beforeAll(() => {
  cert = createSelfSignedCertificate('registry-test');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-registry-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const CLIENT = '51f81489-12ee-4a9e-aaae-a2591f45987d';
const user: NewAccount = { label: 'Contoso prod (me)', tenant: TENANT, cloud: 'public', mode: 'interactive', clientId: CLIENT };

async function invalid(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('AccountRegistry', () => {
  it('starts empty, adds, selects the first account, lists and persists as 0600 JSON without temp files', async () => {
    const registry = await AccountRegistry.open(dir);
    expect(registry.list()).toEqual([]);
    expect(registry.selected()).toBeNull();
    const a = await registry.add(user);
    const b = await registry.add({ ...user, label: 'Fabrikam', tenant: 'Fabrikam.OnMicrosoft.com', mode: 'device-code' });
    expect(a.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(b.tenant).toBe('fabrikam.onmicrosoft.com');
    expect(registry.selected()?.id).toBe(a.id);
    const file = join(dir, REGISTRY_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readdir(dir)).toEqual([REGISTRY_FILE]);
    const reopened = await AccountRegistry.open(dir);
    expect(reopened.list()).toEqual([a, b]);
    expect(reopened.selected()?.id).toBe(a.id);
  });

  it('selects, records a sign-in, clears it, and removes (unselecting the removed account)', async () => {
    const registry = await AccountRegistry.open(dir);
    const a = await registry.add(user);
    const b = await registry.add({ ...user, label: 'second' });
    await registry.select(b.id);
    const signed = await registry.recordSignIn(b.id, { homeAccountId: 'oid.tid', username: 'adele@contoso.com' });
    expect(signed).toMatchObject({ homeAccountId: 'oid.tid', username: 'adele@contoso.com' });
    expect((await AccountRegistry.open(dir)).get(b.id)).toMatchObject({ homeAccountId: 'oid.tid' });
    expect(await registry.clearSignIn(b.id)).not.toHaveProperty('homeAccountId');
    await registry.remove(b.id);
    expect(registry.selected()).toBeNull();
    expect((await AccountRegistry.open(dir)).list().map((x) => x.id)).toEqual([a.id]);
    expect((await invalid(registry.select('nope'))).code).toBe('not_found');
    expect((await invalid(registry.remove('nope'))).code).toBe('not_found');
  });

  it('keeps concurrent changes, in order', async () => {
    const registry = await AccountRegistry.open(dir);
    await Promise.all(Array.from({ length: 8 }, (_v, i) => registry.add({ ...user, label: `n${i}` })));
    expect((await AccountRegistry.open(dir)).list().map((a) => a.label)).toEqual(['n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7']);
  });

  it('refuses bad GUIDs, bad tenants, unknown clouds and modes, and says which field is wrong', async () => {
    const registry = await AccountRegistry.open(dir);
    const e1 = await invalid(registry.add({ ...user, clientId: 'my-app', tenant: 'contoso' }));
    expect(e1.code).toBe('invalid');
    expect(e1.issues).toEqual([
      'tenant must be a tenant id (a GUID) or a verified domain such as contoso.onmicrosoft.com',
      "clientId must be the app's Application (client) ID, a GUID such as 00000000-0000-0000-0000-000000000000",
    ]);
    const e2 = await invalid(registry.add({ ...user, tenant: '72f988bf-86f1-41af-91ab-2d7cd011db4', clientId: `${CLIENT}x` }));
    expect(e2.issues.map((i) => i.split(' ')[0])).toEqual(['tenant', 'clientId']);
    const e3 = await invalid(registry.add({ ...user, cloud: 'mars', mode: 'password' } as unknown as NewAccount));
    expect(e3.issues.map((i) => i.split(' ')[0])).toEqual(['cloud', 'mode']);
    expect((await invalid(registry.add({ ...user, label: '  ' }))).issues).toEqual(['label must not be empty']);
    expect(registry.list()).toEqual([]);
  });

  it('refuses anything that looks like a secret: unknown keys are not stored', async () => {
    const registry = await AccountRegistry.open(dir);
    const error = await invalid(registry.add({ ...user, mode: 'client-secret', clientSecret: 'abc' } as unknown as NewAccount));
    expect(error.issues.join()).toContain('clientSecret');
    expect(error.message).not.toContain('abc');
  });

  it('requires an https sandbox URL for sandbox accounts only, stored as its origin', async () => {
    const registry = await AccountRegistry.open(dir);
    const base = { ...user, cloud: 'sandbox' as const };
    expect((await invalid(registry.add(base))).issues).toEqual(['sandboxUrl is required for the sandbox cloud']);
    expect((await invalid(registry.add({ ...base, sandboxUrl: 'http://127.0.0.1:8443' }))).issues[0]).toContain('must use https');
    expect((await invalid(registry.add({ ...base, sandboxUrl: 'https://127.0.0.1:8443/login' }))).issues[0]).toContain("must be the sandbox's base URL");
    expect((await invalid(registry.add({ ...base, sandboxUrl: 'not a url' }))).issues[0]).toContain('is not a URL');
    expect((await invalid(registry.add({ ...user, sandboxUrl: 'https://127.0.0.1:8443' }))).issues[0]).toContain('applies to the sandbox cloud only');
    const ok = await registry.add({ ...base, sandboxUrl: 'https://127.0.0.1:8443/' });
    expect(ok.sandboxUrl).toBe('https://127.0.0.1:8443');
  });

  it('checks the certificate file on add: it must exist and hold a certificate with its key', async () => {
    const registry = await AccountRegistry.open(dir);
    const spn = { ...user, mode: 'certificate' as const };
    expect((await invalid(registry.add(spn))).issues).toEqual(['certificatePath is required in certificate mode']);
    expect((await invalid(registry.add({ ...spn, certificatePath: 'relative/cert.pem' }))).issues).toEqual(['certificatePath must be an absolute path']);
    expect((await invalid(registry.add({ ...spn, certificatePath: join(dir, 'missing.pem') }))).issues[0]).toContain('does not exist');
    const certOnly = join(dir, 'cert-only.pem');
    await writeFile(certOnly, cert.certificatePem);
    expect((await invalid(registry.add({ ...spn, certificatePath: certOnly }))).issues[0]).toContain('holds no private key');
    expect((await invalid(registry.add({ ...user, certificatePath: certOnly }))).issues[0]).toContain('applies to certificate mode only');
    const both = join(dir, 'both.pem');
    await writeFile(both, `${cert.certificatePem}\n${cert.privateKeyPem}`);
    const ok = await registry.add({ ...spn, certificatePath: both });
    expect(ok.certificatePath).toBe(both);
    expect(await readFile(join(dir, REGISTRY_FILE), 'utf8')).not.toContain('PRIVATE KEY');
  });

  it('reports a certificate file that went missing after it was added, without refusing to load', async () => {
    const registry = await AccountRegistry.open(dir);
    const both = join(dir, 'both.pem');
    await writeFile(both, `${cert.certificatePem}\n${cert.privateKeyPem}`);
    const spn = await registry.add({ ...user, mode: 'certificate', certificatePath: both });
    await unlink(both);
    const reopened = await AccountRegistry.open(dir);
    expect(reopened.list()).toHaveLength(1);
    expect(reopened.problems()).toEqual([{ accountId: spn.id, message: expect.stringContaining('does not exist') as string }]);
  });

  it('refuses recording a sign-in on an app account', async () => {
    const registry = await AccountRegistry.open(dir);
    const app = await registry.add({ ...user, mode: 'client-secret' });
    expect((await invalid(registry.recordSignIn(app.id, { homeAccountId: 'x.y', username: 'u' }))).message).toContain('app account');
  });
});

describe('a corrupt or invalid registry file', () => {
  it('stops open with a clear error and is left untouched', async () => {
    const file = join(dir, REGISTRY_FILE);
    await writeFile(file, '{"version":1,"selectedId":null,"accounts":[');
    const error = await invalid(AccountRegistry.open(dir));
    expect(error.code).toBe('corrupt');
    expect(error.message).toContain(file);
    expect(error.message).toContain('not valid JSON');
    expect(await readFile(file, 'utf8')).toBe('{"version":1,"selectedId":null,"accounts":[');
  });

  it('names each invalid field, including a secret smuggled into the file', async () => {
    const file = join(dir, REGISTRY_FILE);
    const content = JSON.stringify({
      version: 1,
      selectedId: 'd6f1c3f4-0000-4000-8000-000000000000',
      accounts: [
        { id: 'b0f18192-c070-4fd2-b490-b0fb8d0c4cf7', label: 'x', tenant: TENANT, cloud: 'public', mode: 'client-secret', clientId: CLIENT, createdAt: '2026-01-01T00:00:00Z', clientSecret: 's' },
        { id: 'b0f18192-c070-4fd2-b490-b0fb8d0c4cf8', label: 'y', tenant: TENANT, cloud: 'sandbox', sandboxUrl: 'http://127.0.0.1:1', mode: 'interactive', clientId: 'nope', createdAt: 'yesterday' },
      ],
    });
    await writeFile(file, content);
    const error = await invalid(AccountRegistry.open(dir));
    expect(error.code).toBe('corrupt');
    expect(error.issues).toEqual([
      expect.stringContaining('accounts[0]') as string,
      expect.stringMatching(/^accounts\[1\]\.sandboxUrl must use https/) as string,
      expect.stringMatching(/^accounts\[1\]\.clientId must be/) as string,
      expect.stringMatching(/^accounts\[1\]\.createdAt must be an ISO date-time/) as string,
    ]);
    expect(error.issues[0]).toContain('clientSecret');
    expect(await readFile(file, 'utf8')).toBe(content);
  });

  it('refuses a selection that names no account and a future version', async () => {
    const file = join(dir, REGISTRY_FILE);
    await writeFile(file, JSON.stringify({ version: 1, selectedId: 'ghost', accounts: [] }));
    expect((await invalid(AccountRegistry.open(dir))).issues).toEqual(['selectedId names no account (ghost)']);
    await writeFile(file, JSON.stringify({ version: 2, selectedId: null, accounts: [] }));
    expect((await invalid(AccountRegistry.open(dir))).issues).toEqual(['version must be 1']);
  });
});
