import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';

/**
 * One TLS context per extra CA (the sandbox's), trusting the public roots beside it, shared by every
 * HTTP core and sign-in request in the process: building one from ~150 root certificates costs tens of
 * milliseconds, and `ca` on each request builds one per request.
 */

const contexts = new Map<string, SecureContext>();

export function secureContextTrusting(caPem: string): SecureContext {
  let context = contexts.get(caPem);
  if (!context) contexts.set(caPem, (context = createSecureContext({ ca: [...rootCertificates, caPem] })));
  return context;
}
