import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, generateKeyPairSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate, thumbprints, type KeyAndCertificate } from '../sandbox/tls';
import { redactText } from '../log/redact';
import { CertificateError, inspectCertificateFile, loadCertificate } from './certificate';

let dir: string;
let main: KeyAndCertificate;
let other: KeyAndCertificate;
const hex = (b64url: string) => Buffer.from(b64url, 'base64url').toString('hex');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-cert-'));
  main = createSelfSignedCertificate('patchbay-test');
  other = createSelfSignedCertificate('patchbay-other');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, content: string | Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

async function rejection(promise: Promise<unknown>): Promise<CertificateError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CertificateError);
  return error as CertificateError;
}

function pfx(key: KeyAndCertificate, password: string, algorithm: 'aes256' | '3des'): Buffer {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forge.pki.privateKeyFromPem(key.privateKeyPem), [forge.pki.certificateFromPem(key.certificatePem)], password, { algorithm });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

describe('loadCertificate (PEM)', () => {
  it('reads a certificate and its key from one file: SHA-256 thumbprint, PKCS#8 key, x5c', async () => {
    const cred = await loadCertificate(await file('both.pem', `${main.certificatePem}\n${main.privateKeyPem}`));
    expect(cred.thumbprintSha256).toBe(hex(thumbprints(main.certificatePem).x5tS256));
    expect(cred.thumbprintSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(cred.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(new X509Certificate(cred.certificatePem).fingerprint256).toBe(new X509Certificate(main.certificatePem).fingerprint256);
    expect(cred.subject).toContain('patchbay-test');
    expect(cred.notAfter.getTime()).toBeGreaterThan(Date.now());
    // The key never survives redaction, whole or JSON-escaped inside a larger text.
    const line = cred.privateKeyPem.split('\n')[1] ?? 'missing';
    expect(redactText(`key ${cred.privateKeyPem} end`)).not.toContain(line);
    expect(redactText(JSON.stringify({ pem: cred.privateKeyPem }))).not.toContain(line);
  });

  it('reads the key from a separate file', async () => {
    const cred = await loadCertificate(await file('c.pem', main.certificatePem), { privateKeyPath: await file('k.pem', main.privateKeyPem) });
    expect(cred.thumbprintSha256).toBe(hex(thumbprints(main.certificatePem).x5tS256));
  });

  it('finds the certificate the key belongs to in a chain and sends it first', async () => {
    const cred = await loadCertificate(await file('chain.pem', `${other.certificatePem}\n${main.certificatePem}\n${main.privateKeyPem}`));
    expect(cred.thumbprintSha256).toBe(hex(thumbprints(main.certificatePem).x5tS256));
    expect(cred.certificatePem.indexOf(main.certificatePem.trim())).toBe(0);
    expect(cred.certificatePem).toContain(other.certificatePem.trim());
  });

  it('unlocks an encrypted key with its password, and says when it is missing or wrong', async () => {
    const encrypted = createPrivateKey(main.privateKeyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw-123456' }).toString();
    const path = await file('enc.pem', `${main.certificatePem}\n${encrypted}`);
    expect((await loadCertificate(path, { password: 'pw-123456' })).thumbprintSha256).toBe(hex(thumbprints(main.certificatePem).x5tS256));
    expect((await rejection(loadCertificate(path))).message).toContain('is encrypted: give its password');
    expect((await rejection(loadCertificate(path, { password: 'nope-nope' }))).message).toContain('is wrong');
  });

  it('refuses a key that belongs to no certificate, a missing key or certificate, and non-RSA keys', async () => {
    expect((await rejection(loadCertificate(await file('mismatch.pem', `${main.certificatePem}\n${other.privateKeyPem}`)))).message).toContain('does not belong');
    expect((await rejection(loadCertificate(await file('nokey.pem', main.certificatePem)))).message).toContain('holds no private key');
    expect((await rejection(loadCertificate(await file('nocert.pem', main.privateKeyPem)))).message).toContain('holds no certificate');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect((await rejection(loadCertificate(await file('ec.pem', `${main.certificatePem}\n${ec}`)))).message).toContain('must be RSA');
    expect((await rejection(loadCertificate(join(dir, 'absent.pem')))).message).toContain('does not exist');
    expect((await rejection(loadCertificate(await file('junk.txt', 'hello')))).message).toContain('neither a PEM file');
  });
});

describe('loadCertificate (PFX)', () => {
  it('reads a PKCS#12 file (AES-256 and legacy 3DES) with its password', async () => {
    for (const algorithm of ['aes256', '3des'] as const) {
      const path = await file(`cert-${algorithm}.pfx`, pfx(main, 'pfx-pass', algorithm));
      const cred = await loadCertificate(path, { password: 'pfx-pass' });
      expect(cred.thumbprintSha256).toBe(hex(thumbprints(main.certificatePem).x5tS256));
      expect(createPrivateKey(cred.privateKeyPem).asymmetricKeyType).toBe('rsa');
    }
  });

  it('says when the password is missing or wrong', async () => {
    const path = await file('locked.pfx', pfx(main, 'pfx-pass', 'aes256'));
    expect((await rejection(loadCertificate(path))).message).toContain('password protected');
    expect((await rejection(loadCertificate(path, { password: 'wrong-pass' }))).message).toContain('is wrong');
  });

  const hasOpenssl = (() => {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(!hasOpenssl)('reads a PFX exported by OpenSSL with its defaults', async () => {
    const cert = await file('o-cert.pem', main.certificatePem);
    const key = await file('o-key.pem', main.privateKeyPem);
    const out = join(dir, 'openssl.pfx');
    execFileSync('openssl', ['pkcs12', '-export', '-in', cert, '-inkey', key, '-out', out, '-passout', 'pass:os-pass'], { stdio: 'ignore' });
    expect((await loadCertificate(out, { password: 'os-pass' })).thumbprintSha256).toBe(hex(thumbprints(main.certificatePem).x5tS256));
  });
});

describe('inspectCertificateFile', () => {
  it('passes a PEM with certificate and key, a DER PFX, and a split cert/key pair', async () => {
    expect(await inspectCertificateFile(await file('i-both.pem', `${main.certificatePem}\n${main.privateKeyPem}`))).toBeNull();
    expect(await inspectCertificateFile(await file('i.pfx', pfx(main, 'x', 'aes256')))).toBeNull();
    expect(await inspectCertificateFile(await file('i-c.pem', main.certificatePem), await file('i-k.pem', main.privateKeyPem))).toBeNull();
  });

  it('names what is wrong', async () => {
    expect(await inspectCertificateFile(join(dir, 'gone.pem'))).toContain('does not exist');
    expect(await inspectCertificateFile(dir)).toContain('is not a file');
    expect(await inspectCertificateFile(await file('i-nokey.pem', main.certificatePem))).toContain('holds no private key');
    expect(await inspectCertificateFile(await file('i-c2.pem', main.certificatePem), join(dir, 'gone-key.pem'))).toContain('does not exist');
    expect(await inspectCertificateFile(await file('i-junk', 'junk'))).toContain('neither a PEM');
  });
});
