import type { CloudId } from '../../shared/domain/types';

/**
 * Where each cloud's services live and which token audiences they take (platform-apis.md §0, §7;
 * design §3). Every URL and scope the app builds comes from a profile. Where two Microsoft sources
 * disagree on an audience (GCC, GCC High), the PowerShell module's value is used and the other noted.
 */

export interface CloudProfile {
  id: CloudId;
  displayName: string;
  /** Entra authority host base, without tenant: `https://login.microsoftonline.com`. */
  authorityBase: string;
  /** Hosts msal must trust for this cloud (knownAuthorities); empty for Microsoft's own hosts. */
  knownAuthorities: string[];
  bapBaseUrl: string;
  powerAppsBaseUrl: string;
  flowBaseUrl: string;
  /** Audience for BAP and the Power Apps API. */
  powerAppsAudience: string;
  flowAudience: string;
  /** Dataverse host suffixes of this cloud (instance URLs must end in one of them). */
  dataverseDomains: string[];
  makerPortal: string;
  adminCenter: string;
  /** PEM of an extra CA to trust (the sandbox's). */
  caPem?: string;
}

const publicCloud: CloudProfile = {
  id: 'public',
  displayName: 'Commercial (public)',
  authorityBase: 'https://login.microsoftonline.com',
  knownAuthorities: [],
  bapBaseUrl: 'https://api.bap.microsoft.com',
  powerAppsBaseUrl: 'https://api.powerapps.com',
  flowBaseUrl: 'https://api.flow.microsoft.com',
  powerAppsAudience: 'https://service.powerapps.com/',
  flowAudience: 'https://service.flow.microsoft.com/',
  dataverseDomains: ['dynamics.com'],
  makerPortal: 'https://make.powerapps.com',
  adminCenter: 'https://admin.powerplatform.microsoft.com',
};

export const cloudProfiles: Readonly<Record<Exclude<CloudId, 'sandbox'>, CloudProfile>> = {
  public: publicCloud,
  // GCC signs in with public Entra; its services and audiences are the US government ones.
  gcc: {
    id: 'gcc',
    displayName: 'US Government (GCC)',
    authorityBase: 'https://login.microsoftonline.com',
    knownAuthorities: [],
    bapBaseUrl: 'https://gov.api.bap.microsoft.us',
    powerAppsBaseUrl: 'https://gov.api.powerapps.us',
    flowBaseUrl: 'https://gov.api.flow.microsoft.us',
    powerAppsAudience: 'https://gov.service.powerapps.us/',
    flowAudience: 'https://gov.service.flow.microsoft.us/',
    dataverseDomains: ['crm9.dynamics.com'],
    makerPortal: 'https://make.gov.powerapps.us',
    adminCenter: 'https://gcc.admin.powerplatform.microsoft.us',
  },
  gcchigh: {
    id: 'gcchigh',
    displayName: 'US Government (GCC High)',
    authorityBase: 'https://login.microsoftonline.us',
    knownAuthorities: [],
    bapBaseUrl: 'https://high.api.bap.microsoft.us',
    powerAppsBaseUrl: 'https://high.api.powerapps.us',
    flowBaseUrl: 'https://high.api.flow.microsoft.us',
    powerAppsAudience: 'https://high.service.powerapps.us/',
    flowAudience: 'https://high.service.flow.microsoft.us/',
    dataverseDomains: ['crm.microsoftdynamics.us'],
    makerPortal: 'https://make.high.powerapps.us',
    adminCenter: 'https://high.admin.powerplatform.microsoft.us',
  },
  dod: {
    id: 'dod',
    displayName: 'US Government (DoD)',
    authorityBase: 'https://login.microsoftonline.us',
    knownAuthorities: [],
    bapBaseUrl: 'https://api.bap.appsplatform.us',
    powerAppsBaseUrl: 'https://api.apps.appsplatform.us',
    flowBaseUrl: 'https://api.flow.appsplatform.us',
    powerAppsAudience: 'https://service.apps.appsplatform.us/',
    flowAudience: 'https://service.flow.appsplatform.us/',
    dataverseDomains: ['crm.appsplatform.us'],
    makerPortal: 'https://make.apps.appsplatform.us',
    adminCenter: 'https://admin.appsplatform.us',
  },
  china: {
    id: 'china',
    displayName: 'China (21Vianet)',
    authorityBase: 'https://login.chinacloudapi.cn',
    knownAuthorities: [],
    bapBaseUrl: 'https://api.bap.partner.microsoftonline.cn',
    powerAppsBaseUrl: 'https://api.powerapps.cn',
    flowBaseUrl: 'https://api.powerautomate.cn',
    powerAppsAudience: 'https://service.powerapps.cn/',
    // UNCONFIRMED in the references; the pattern of the other clouds.
    flowAudience: 'https://service.powerautomate.cn/',
    dataverseDomains: ['crm.dynamics.cn'],
    makerPortal: 'https://make.powerapps.cn',
    adminCenter: 'https://admin.powerplatform.azure.cn',
  },
};

/**
 * A running sandbox as a cloud: every service under its base URL, the public audiences kept (they are
 * identifiers, not hosts), its CA trusted, its host a known authority for msal.
 */
export function sandboxProfile(baseUrl: string, caPem: string): CloudProfile {
  const base = new URL(baseUrl);
  if (base.protocol !== 'https:') throw new TypeError(`The sandbox URL must be https, got '${baseUrl}'.`);
  const origin = base.origin;
  return {
    id: 'sandbox',
    displayName: 'Demo tenant (sandbox)',
    authorityBase: `${origin}/login`,
    knownAuthorities: [base.host],
    bapBaseUrl: `${origin}/bap`,
    powerAppsBaseUrl: `${origin}/powerapps`,
    flowBaseUrl: `${origin}/flow`,
    powerAppsAudience: publicCloud.powerAppsAudience,
    flowAudience: publicCloud.flowAudience,
    dataverseDomains: [base.host],
    makerPortal: publicCloud.makerPortal,
    adminCenter: publicCloud.adminCenter,
    caPem,
  };
}

export function profileFor(id: CloudId, sandbox?: { baseUrl: string; caPem: string }): CloudProfile {
  if (id === 'sandbox') {
    if (!sandbox) throw new TypeError('The sandbox cloud needs its base URL and CA.');
    return sandboxProfile(sandbox.baseUrl, sandbox.caPem);
  }
  return cloudProfiles[id];
}

export function authorityFor(profile: CloudProfile, tenant: string): string {
  return `${profile.authorityBase}/${tenant}`;
}

/** `{resource}/.default`; the audience's trailing slash is dropped (Entra accepts both). */
export function defaultScope(resource: string): string {
  return `${resource.replace(/\/+$/, '')}/.default`;
}

/**
 * A Dataverse instance URL checked against the profile: https, a host of this cloud, no path beyond
 * the sandbox's `/orgs/{org}`. Returns the token resource (no trailing slash) and the API root.
 */
export function dataverseEndpoint(profile: CloudProfile, instanceUrl: string): { resource: string; apiRoot: string } {
  let url: URL;
  try {
    url = new URL(instanceUrl);
  } catch {
    throw new TypeError(`'${instanceUrl}' is not a URL. A Dataverse environment URL looks like https://contoso.crm.dynamics.com/.`);
  }
  if (url.protocol !== 'https:') throw new TypeError(`The environment URL must use https: '${instanceUrl}'.`);
  if (url.search || url.hash) throw new TypeError(`The environment URL must not carry a query or fragment: '${instanceUrl}'.`);
  const host = profile.id === 'sandbox' ? url.host : url.hostname;
  const ok = profile.dataverseDomains.some((d) => host === d || host.endsWith(`.${d}`));
  if (!ok) throw new TypeError(`'${url.host}' is not a Dataverse host of the ${profile.displayName} cloud (expected *.${profile.dataverseDomains.join(' or *.')}).`);
  const path = url.pathname.replace(/\/+$/, '');
  if (profile.id === 'sandbox' ? !/^\/orgs\/[^/]+$/.test(path) : path !== '') {
    throw new TypeError(`The environment URL should be the organization root, not '${url.pathname}': '${instanceUrl}'.`);
  }
  const resource = `${url.origin}${path}`;
  return { resource, apiRoot: `${resource}/api/data/v9.2` };
}
