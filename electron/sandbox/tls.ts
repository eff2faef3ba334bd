import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

/**
 * Certificates the sandbox needs: a CA and a loopback leaf for HTTPS (made fresh at every start), and
 * plain self-signed certificates for the token signing key and the pipeline app's client credential.
 * Keys come from node:crypto (fast, native); node-forge only assembles and signs the X.509 structures.
 */

export interface KeyAndCertificate {
  privateKeyPem: string;
  certificatePem: string;
}

export interface LoopbackTls {
  ca: KeyAndCertificate;
  leaf: KeyAndCertificate;
}

function rsaKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

interface CertSpec {
  subjectCn: string;
  publicKeyPem: string;
  signingKeyPem: string;
  issuerAttrs?: forge.pki.CertificateField[];
  extensions: object[];
  days: number;
}

function buildCertificate(spec: CertSpec): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(spec.publicKeyPem);
  // Positive, random 16-byte serial (a leading 0x00-0x7f byte keeps the DER integer positive).
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + spec.days * 24 * 60 * 60 * 1000);
  const subject = [{ name: 'commonName', value: spec.subjectCn }, { name: 'organizationName', value: 'Patchbay sandbox' }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuerAttrs ?? subject);
  cert.setExtensions(spec.extensions);
  cert.sign(forge.pki.privateKeyFromPem(spec.signingKeyPem), forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}

/** A CA plus a leaf for 127.0.0.1 and localhost; clients trust the CA (NODE_EXTRA_CA_CERTS or connect.ca). */
export function createLoopbackTls(): LoopbackTls {
  const caKeys = rsaKeyPair();
  const caCertPem = buildCertificate({
    subjectCn: 'Patchbay Sandbox Root CA',
    publicKeyPem: caKeys.publicKeyPem,
    signingKeyPem: caKeys.privateKeyPem,
    days: 825,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
  const leafKeys = rsaKeyPair();
  const leafCertPem = buildCertificate({
    subjectCn: '127.0.0.1',
    publicKeyPem: leafKeys.publicKeyPem,
    signingKeyPem: caKeys.privateKeyPem,
    issuerAttrs: forge.pki.certificateFromPem(caCertPem).subject.attributes,
    days: 397,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return {
    ca: { privateKeyPem: caKeys.privateKeyPem, certificatePem: caCertPem },
    leaf: { privateKeyPem: leafKeys.privateKeyPem, certificatePem: leafCertPem },
  };
}

/** A self-signed certificate for a signing or client-credential key. */
export function createSelfSignedCertificate(commonName: string, days = 730): KeyAndCertificate {
  const keys = rsaKeyPair();
  const certificatePem = buildCertificate({
    subjectCn: commonName,
    publicKeyPem: keys.publicKeyPem,
    signingKeyPem: keys.privateKeyPem,
    days,
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, critical: true },
    ],
  });
  return { privateKeyPem: keys.privateKeyPem, certificatePem };
}

/** DER bytes of the first certificate in a PEM string. */
export function certificateDer(certificatePem: string): Buffer {
  const body = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(certificatePem)?.[1];
  if (!body) throw new Error('Not a PEM certificate.');
  return Buffer.from(body.replace(/\s+/g, ''), 'base64');
}

/** Base64url thumbprints as they appear in JOSE headers (`x5t` is SHA-1, `x5t#S256` SHA-256). */
export function thumbprints(certificatePem: string): { x5t: string; x5tS256: string } {
  const der = certificateDer(certificatePem);
  return {
    x5t: createHash('sha1').update(der).digest('base64url'),
    x5tS256: createHash('sha256').update(der).digest('base64url'),
  };
}
