import { contosoConnectors } from '../scenarios/contoso';

/**
 * What the Flow API says about a connector inside a flow (`connectionReferences.*`, `apiDefinition`):
 * display name, icon, brand colour and licensing tier. Known connectors carry their public values
 * (Approvals and SharePoint colours and the icon URL form from cli-m365's flow-get mock; tiers from
 * CoE Starter Kit captures: Dataverse and SQL Server are Premium); the other colours are the sandbox's
 * choice. Custom connectors look as in cli-m365's flow-list docs: the default icon, `#007ee5`, tier
 * `NotSpecified`.
 */

export interface ConnectorInfo {
  name: string;
  displayName: string;
  iconUri: string;
  brandColor: string;
  tier: 'Standard' | 'Premium' | 'NotSpecified';
  isCustomApi: boolean;
}

const ICON_RELEASE = 'https://connectoricons-prod.azureedge.net/releases/v1.0.1682/1.0.1682.3671';
const CUSTOM_ICON = 'https://az787822.vo.msecnd.net/defaulticons/api-dedicated.png';

const known: Record<string, { displayName: string; brandColor: string; tier: ConnectorInfo['tier'] }> = {
  shared_office365: { displayName: 'Office 365 Outlook', brandColor: '#0078D4', tier: 'Standard' },
  shared_sharepointonline: { displayName: 'SharePoint', brandColor: '#036C70', tier: 'Standard' },
  shared_teams: { displayName: 'Microsoft Teams', brandColor: '#4B53BC', tier: 'Standard' },
  shared_commondataserviceforapps: { displayName: 'Microsoft Dataverse', brandColor: '#637080', tier: 'Premium' },
  shared_approvals: { displayName: 'Approvals', brandColor: '#6464F5', tier: 'Standard' },
  shared_sql: { displayName: 'SQL Server', brandColor: '#BA141A', tier: 'Premium' },
  shared_logicflows: { displayName: 'Logic flows', brandColor: '#0066FF', tier: 'Standard' },
};

/** Display names the scenarios give their custom connectors. */
const scenarioNames = new Map<string, string>(Object.values(contosoConnectors).map((c) => [c.apiName, c.displayName]));

/**
 * A custom connector's name encodes its title: `shared_{prefix}-5f{title}-5f{hash}` where `-5f` is `_`
 * and `-20` a space (e.g. `shared_cont-5fcontoso-20erp-5f7d2f…` → "contoso erp").
 */
function titleOfCustom(apiName: string): string {
  const decoded = apiName.replace(/^shared_/, '').replace(/-5f/g, '_').replace(/-20/g, ' ');
  const parts = decoded.split('_');
  const title = parts.length >= 3 ? parts.slice(1, -1).join('_') : decoded;
  return title.replace(/\b\w/g, (c) => c.toUpperCase());
}

export function connectorInfo(apiName: string): ConnectorInfo {
  const entry = known[apiName];
  const short = apiName.replace(/^shared_/, '');
  if (entry) return { name: apiName, ...entry, iconUri: `${ICON_RELEASE}/${short}/icon.png`, isCustomApi: false };
  return {
    name: apiName,
    displayName: scenarioNames.get(apiName) ?? titleOfCustom(apiName),
    iconUri: CUSTOM_ICON,
    brandColor: '#007ee5',
    tier: 'NotSpecified',
    isCustomApi: true,
  };
}

export const connectorId = (apiName: string): string => `/providers/Microsoft.PowerApps/apis/${apiName}`;
