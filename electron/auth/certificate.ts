import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import forge from 'node-forge';
import { registerSecret } from '../log/redact';

/**
 * The credential of a certificate-mode account: the RSA key msal signs its client assertion with, the
 * SHA-256 thumbprint Entra looks the registered key up by (`x5t#S256`), and the certificate chain msal
 * sends as `x5c`. Read from a PEM file holding the certificate and its private key (encrypted keys
 * take a password), or from a PKCS#12 (.pfx/.p12) file: node:crypto cannot read PKCS#12, so those go
 * through node-forge (already a dependency for the sandbox's TLS) and are handed to node:crypto as PEM.
 */

export interface CertificateCredential {
  /** Hex, lower case, no separators: what msal's `thumbprintSha256` takes. */
  thumbprintSha256: string;
  /** Unencrypted PKCS#8 PEM; never logged, never persisted by Patchbay. */
  privateKeyPem: string;
  /** The certificate whose key this is, then the rest of the chain, as PEM (msal's `x5c`). */
  certificatePem: string;
  subject: string;
  notAfter: Date;
}

export class CertificateError extends Error {
  constructor(message: string, options?: { cause: unknown }) {
    super(message, options);
    this.name = 'CertificateError';
  }
}

/** Environment variable a PFX (or encrypted PEM key) password may come from, as client secrets may. */
export const CERTIFICATE_PASSWORD_ENV = 'PATCHBAY_CERTIFICATE_PASSWORD';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

function isPfxPath(path: string): boolean {
  const ext = extname(path).toLowerCase();
  return ext === '.pfx' || ext === '.p12';
}

function looksLikePem(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).toString('latin1').includes('-----BEGIN ');
}

export interface LoadCertificateOptions {
  /** Unlocks a PFX or an encrypted PEM key. */
  password?: string;
  /** A separate PEM file holding the private key (the certificate file then holds the certificate). */
  privateKeyPath?: string;
}

async function readOrExplain(path: string, what: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new CertificateError(`The ${what} '${path}' cannot be read: ${describeFsError(error)}.`, { cause: error });
  }
}

/** Reads and checks a certificate (and its key) fully. */
export async function loadCertificate(path: string, options: LoadCertificateOptions = {}): Promise<CertificateCredential> {
  const bytes = await readOrExplain(path, 'certificate file');
  if (options.password !== undefined) registerSecret(options.password);
  if (options.privateKeyPath !== undefined) {
    const key = await readOrExplain(options.privateKeyPath, 'private key file');
    if (!looksLikePem(bytes) || !looksLikePem(key)) throw new CertificateError(`With a separate key file, '${path}' and '${options.privateKeyPath}' must both be PEM.`);
    return fromPem(`${bytes.toString('utf8')}\n${key.toString('utf8')}`, path, options.password);
  }
  if (looksLikePem(bytes)) return fromPem(bytes.toString('utf8'), path, options.password);
  if (isPfxPath(path) || bytes[0] === 0x30) return fromPem(pfxToPem(bytes, path, options.password), path, undefined);
  throw new CertificateError(`'${path}' is neither a PEM file (certificate + private key) nor a PKCS#12 (.pfx) file.`);
}

/**
 * The cheap check the account registry repeats on every load: the file is there and looks like a
 * certificate with its key (PEM blocks, or a DER PKCS#12), without needing a password.
 */
export async function inspectCertificateFile(path: string, privateKeyPath?: string): Promise<string | null> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return `The certificate path '${path}' is not a file.`;
    let bytes = await readFile(path);
    if (privateKeyPath !== undefined) {
      try {
        bytes = Buffer.concat([bytes, Buffer.from('\n'), await readFile(privateKeyPath)]);
      } catch (error) {
        return `The private key file '${privateKeyPath}' cannot be read: ${describeFsError(error)}.`;
      }
    }
    if (looksLikePem(bytes)) {
      const kinds = [...bytes.toString('utf8').matchAll(PEM_BLOCK)].map((m) => m[1] ?? '');
      if (!kinds.includes('CERTIFICATE')) return `'${path}' holds no certificate (no BEGIN CERTIFICATE block).`;
      if (!kinds.some((k) => k.endsWith('PRIVATE KEY'))) return `'${path}' holds no private key; put the certificate and its private key in one PEM file.`;
      return null;
    }
    if (bytes[0] === 0x30) return null;
    return `'${path}' is neither a PEM file (certificate + private key) nor a PKCS#12 (.pfx) file.`;
  } catch (error) {
    return `The certificate file '${path}' cannot be read: ${describeFsError(error)}.`;
  }
}

function describeFsError(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder';
  return error instanceof Error ? error.message : String(error);
}

function pfxToPem(bytes: Buffer, path: string, password: string | undefined): string {
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytes.toString('binary')));
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password ?? '');
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/mac could not be verified|invalid password|decrypt/i.test(text)) {
      throw new CertificateError(
        password === undefined
          ? `'${path}' is password protected: give its password (or set ${CERTIFICATE_PASSWORD_ENV}).`
          : `The password for '${path}' is wrong.`,
        { cause: error },
      );
    }
    throw new CertificateError(`'${path}' is not a readable PKCS#12 (.pfx) file: ${text}`, { cause: error });
  }
  const bags = (bagType: string): forge.pkcs12.Bag[] => p12.getBags({ bagType })[bagType] ?? [];
  const { certBag, pkcs8ShroudedKeyBag, keyBag } = forge.pki.oids as Record<string, string>;
  const certs = bags(certBag ?? '').flatMap((bag) => (bag.cert ? [forge.pki.certificateToPem(bag.cert)] : []));
  const keys = [...bags(pkcs8ShroudedKeyBag ?? ''), ...bags(keyBag ?? '')].flatMap((bag) => (bag.key ? [forge.pki.privateKeyToPem(bag.key)] : []));
  if (certs.length === 0) throw new CertificateError(`'${path}' holds no RSA certificate.`);
  if (keys.length === 0) throw new CertificateError(`'${path}' holds no RSA private key; export the certificate with its private key.`);
  return [...certs, ...keys].join('\n');
}

function fromPem(text: string, path: string, password: string | undefined): CertificateCredential {
  const blocks = [...text.matchAll(PEM_BLOCK)].map((m) => ({ kind: m[1] ?? '', pem: m[0] }));
  const certPems = blocks.filter((b) => b.kind === 'CERTIFICATE').map((b) => b.pem);
  const keyBlock = blocks.find((b) => b.kind.endsWith('PRIVATE KEY'));
  if (certPems.length === 0) throw new CertificateError(`'${path}' holds no certificate (no BEGIN CERTIFICATE block).`);
  if (!keyBlock) throw new CertificateError(`'${path}' holds no private key; put the certificate and its private key in one PEM file.`);

  let key: KeyObject;
  try {
    key = createPrivateKey(password === undefined ? { key: keyBlock.pem } : { key: keyBlock.pem, passphrase: password });
  } catch (error) {
    const encrypted = keyBlock.kind.startsWith('ENCRYPTED') || keyBlock.pem.includes('Proc-Type: 4,ENCRYPTED');
    if (encrypted) {
      throw new CertificateError(
        password === undefined ? `The private key in '${path}' is encrypted: give its password (or set ${CERTIFICATE_PASSWORD_ENV}).` : `The password for the private key in '${path}' is wrong.`,
        { cause: error },
      );
    }
    throw new CertificateError(`The private key in '${path}' cannot be read.`, { cause: error });
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new CertificateError(`The key in '${path}' is ${key.asymmetricKeyType ?? 'of an unknown type'}; Entra ID client certificates must be RSA.`);
  }

  let certs: X509Certificate[];
  try {
    certs = certPems.map((pem) => new X509Certificate(pem));
  } catch (error) {
    throw new CertificateError(`A certificate in '${path}' cannot be parsed.`, { cause: error });
  }
  const leafIndex = certs.findIndex((c) => c.checkPrivateKey(key));
  const leaf = certs[leafIndex];
  if (!leaf) throw new CertificateError(`The private key in '${path}' does not belong to any certificate in the file.`);

  const privateKeyPem = key.export({ type: 'pkcs8', format: 'pem' }).toString();
  registerSecret(privateKeyPem);
  const chain = [certPems[leafIndex] ?? '', ...certPems.filter((_p, i) => i !== leafIndex)];
  return {
    thumbprintSha256: leaf.fingerprint256.replace(/:/g, '').toLowerCase(),
    privateKeyPem,
    certificatePem: chain.join('\n'),
    subject: leaf.subject.replace(/\n/g, ', '),
    notAfter: new Date(leaf.validTo),
  };
}
