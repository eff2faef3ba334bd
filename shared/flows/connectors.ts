/** The current-environment Dataverse connector: flows using only it can be turned on unwired (seed post). */
export const DATAVERSE_CONNECTOR = 'shared_commondataserviceforapps';

/** The connector short name from a connector id such as `/providers/Microsoft.PowerApps/apis/shared_sql`. */
export function connectorName(connectorId: string): string {
  return connectorId.split('/').filter(Boolean).pop() ?? connectorId;
}

const knownConnectors: Record<string, string> = {
  shared_office365: 'Office 365 Outlook',
  shared_office365users: 'Office 365 Users',
  shared_sharepointonline: 'SharePoint',
  shared_teams: 'Microsoft Teams',
  shared_commondataserviceforapps: 'Microsoft Dataverse',
  shared_commondataservice: 'Common Data Service (legacy)',
  shared_approvals: 'Approvals',
  shared_sql: 'SQL Server',
  shared_logicflows: 'Power Automate',
  shared_flowmanagement: 'Power Automate Management',
  shared_powerplatformforadmins: 'Power Platform for Admins',
  shared_uiflow: 'Desktop flows',
  shared_azureopenai: 'Azure OpenAI',
};

/** A connector's name as makers know it; custom connectors (`shared_x-5f…`) show their own name part. */
export function connectorDisplayName(apiName: string): string {
  const known = knownConnectors[apiName];
  if (known) return known;
  const custom = /^shared_[^-]+-5f(.+?)-5f[0-9a-f]+$/.exec(apiName)?.[1];
  if (custom) return custom.replace(/-20/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase()).replace(/\bErp\b/, 'ERP');
  return apiName.replace(/^shared_/, '');
}
