import { LogLevel, type Configuration, type ICachePlugin, type INetworkModule, type NodeSystemOptions } from '@azure/msal-node';
import type { Logger } from '../log/logger';
import { authorityFor, type CloudProfile } from '../cloud/profiles';
import type { CertificateCredential } from './certificate';

/**
 * msal configuration from a cloud profile: the tenant's authority, the hosts msal must trust
 * (the sandbox's), our network module (it trusts the profile's extra CA), the token cache plugin, and
 * msal's logger routed into ours with PII logging off — every line still passes through redact().
 */

export type AppCredential = { clientSecret: string } | { certificate: CertificateCredential };

export interface MsalConfigInput {
  profile: CloudProfile;
  tenant: string;
  clientId: string;
  networkClient: INetworkModule;
  log: Logger;
  cachePlugin?: ICachePlugin;
  credential?: AppCredential;
}

type LoggerOptions = NonNullable<NodeSystemOptions['loggerOptions']>;

export function msalLoggerOptions(log: Logger): LoggerOptions {
  return {
    piiLoggingEnabled: false,
    // msal's Info level narrates every cache lookup; only ask for it when we log at debug.
    logLevel: log.isEnabled('debug') ? LogLevel.Info : LogLevel.Warning,
    loggerCallback: (level: LogLevel, message: string, containsPii: boolean) => {
      if (containsPii) return;
      const text = `msal: ${message}`;
      if (level === LogLevel.Error) log.error(text);
      else if (level === LogLevel.Warning) log.warn(text);
      else log.debug(text);
    },
  };
}

export function msalConfiguration(input: MsalConfigInput): Configuration {
  const auth: Configuration['auth'] = {
    clientId: input.clientId,
    authority: authorityFor(input.profile, input.tenant),
    knownAuthorities: input.profile.knownAuthorities,
  };
  if (input.credential && 'clientSecret' in input.credential) auth.clientSecret = input.credential.clientSecret;
  if (input.credential && 'certificate' in input.credential) {
    const cert = input.credential.certificate;
    // thumbprintSha256 makes msal sign PS256 with `x5t#S256`; x5c sends the chain (subject name + issuer auth).
    auth.clientCertificate = { thumbprintSha256: cert.thumbprintSha256, privateKey: cert.privateKeyPem, x5c: cert.certificatePem };
  }
  return {
    auth,
    ...(input.cachePlugin ? { cache: { cachePlugin: input.cachePlugin } } : {}),
    system: { networkClient: input.networkClient, loggerOptions: msalLoggerOptions(input.log) },
  };
}
