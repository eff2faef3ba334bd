/** Links into the maker and admin portals, per cloud (reference/platform-apis.md §7). */

type Cloud = 'public' | 'gcc' | 'gcchigh' | 'dod' | 'china' | 'sandbox';

const HOSTS: Record<Cloud, { apps: string; flow: string; admin: string }> = {
  public: { apps: 'https://make.powerapps.com', flow: 'https://make.powerautomate.com', admin: 'https://admin.powerplatform.microsoft.com' },
  sandbox: { apps: 'https://make.powerapps.com', flow: 'https://make.powerautomate.com', admin: 'https://admin.powerplatform.microsoft.com' },
  gcc: { apps: 'https://make.gov.powerapps.us', flow: 'https://make.gov.powerautomate.us', admin: 'https://gcc.admin.powerplatform.microsoft.us' },
  gcchigh: { apps: 'https://make.high.powerapps.us', flow: 'https://make.high.powerautomate.us', admin: 'https://high.admin.powerplatform.microsoft.us' },
  dod: { apps: 'https://make.apps.appsplatform.us', flow: 'https://make.powerautomate.appsplatform.us', admin: 'https://admin.appsplatform.us' },
  china: { apps: 'https://make.powerapps.cn', flow: 'https://make.powerautomate.cn', admin: 'https://admin.powerplatform.azure.cn' },
};

const enc = encodeURIComponent;

export function portalLinks(cloud: Cloud = 'public') {
  const h = HOSTS[cloud];
  return {
    solutions: (envId: string) => `${h.apps}/environments/${enc(envId)}/solutions`,
    connections: (envId: string) => `${h.apps}/environments/${enc(envId)}/connections`,
    connection: (envId: string, connector: string, connectionName: string) => `${h.apps}/environments/${enc(envId)}/connections/${enc(connector)}/${enc(connectionName)}/details`,
    flow: (envId: string, flowId: string) => `${h.flow}/environments/${enc(envId)}/flows/${enc(flowId)}/details`,
    environment: (envId: string) => `${h.admin}/environments/environment/${enc(envId)}/hub`,
  };
}
