import { describe, expect, it } from 'vitest';
import { connectorInfo } from './connectors';

describe('connectorInfo', () => {
  it('knows the standard connectors', () => {
    expect(connectorInfo('shared_approvals')).toEqual({
      name: 'shared_approvals',
      displayName: 'Approvals',
      iconUri: 'https://connectoricons-prod.azureedge.net/releases/v1.0.1682/1.0.1682.3671/approvals/icon.png',
      brandColor: '#6464F5',
      tier: 'Standard',
      isCustomApi: false,
    });
    expect(connectorInfo('shared_commondataserviceforapps').tier).toBe('Premium');
  });

  it('shows custom connectors as the platform does, named by the scenario or by their encoded title', () => {
    expect(connectorInfo('shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04')).toMatchObject({ displayName: 'Contoso ERP', tier: 'NotSpecified', brandColor: '#007ee5', isCustomApi: true });
    expect(connectorInfo('shared_scale-5fconnector7-5f5f3a9c').displayName).toBe('Connector7');
    expect(connectorInfo('shared_fab-5finvoice-20hub-5fabc').displayName).toBe('Invoice Hub');
  });
});
