/** The current-environment Dataverse connector: flows using only it can be turned on unwired (seed post). */
export const DATAVERSE_CONNECTOR = 'shared_commondataserviceforapps';

/** The connector short name from a connector id such as `/providers/Microsoft.PowerApps/apis/shared_sql`. */
export function connectorName(connectorId: string): string {
  return connectorId.split('/').filter(Boolean).pop() ?? connectorId;
}
