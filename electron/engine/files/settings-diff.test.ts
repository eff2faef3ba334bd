import { describe, expect, it } from 'vitest';
import { exportSettings, parseSettingsFile, type ParsedSettings } from './settings';
import { diffSettings } from './settings-diff';
import { DEV_CONN, TEST_CONN, devSnapshot, testSnapshot } from './test-support';

/** Drift between a settings file and live state, both ways, with the file's positions. */

const parse = (text: string, name = 'settings.json'): ParsedSettings => {
  const r = parseSettingsFile(text, name);
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value;
};

describe('diffSettings', () => {
  it('finds no drift between an environment and its own export (secrets are skipped, not drift)', () => {
    const d = diffSettings(parse(exportSettings(devSnapshot()).text), devSnapshot());
    expect(d.hasDrift).toBe(false);
    expect(d.references).toEqual([]);
    expect(d.environmentVariables).toEqual([]);
    expect(d.inSync.references).toHaveLength(8);
    expect(d.inSync.environmentVariables).toEqual(['cont_ApprovalThreshold', 'cont_AutoEscalate', 'cont_ErpBaseUrl', 'cont_FeatureFlags', 'cont_NotifyMailbox', 'cont_OpsSiteUrl']);
    expect(d.skipped).toEqual([{ schemaName: 'cont_ErpApiKey', reason: 'Secret values are never exported.' }]);
  });

  it('reports every kind of drift of Dev’s file against Test', () => {
    const d = diffSettings(parse(exportSettings(devSnapshot()).text, 'dev.json'), testSnapshot());
    expect(d.hasDrift).toBe(true);
    expect(d.references.map((r) => r.kind)).toEqual(Array(8).fill('unwired-live'));
    expect(d.references[0]).toEqual({
      kind: 'unwired-live',
      logicalName: 'cont_sharedapprovals_5e8d0',
      fileConnectionId: DEV_CONN.approvals,
      liveConnectionId: null,
      position: { line: 34, column: 22 },
      message: `cont_sharedapprovals_5e8d0 is not wired in Contoso Test; the file says ${DEV_CONN.approvals}.`,
    });
    expect(d.environmentVariables).toEqual([
      {
        kind: 'missing-live',
        schemaName: 'cont_AutoEscalate',
        fileValue: 'yes',
        liveValue: null,
        position: { line: 9, column: 16 },
        message: 'cont_AutoEscalate has no value in Contoso Test (its default "no" applies); the file says "yes".',
      },
      {
        kind: 'value-differs',
        schemaName: 'cont_ErpBaseUrl',
        fileValue: 'https://erp-dev.contoso.com/api/v2',
        liveValue: 'https://erp-test.contoso.com/api/v2',
        position: { line: 17, column: 16 },
        message: 'cont_ErpBaseUrl is "https://erp-test.contoso.com/api/v2" in Contoso Test; the file says "https://erp-dev.contoso.com/api/v2".',
      },
      {
        kind: 'missing-live',
        schemaName: 'cont_NotifyMailbox',
        fileValue: 'ops-dev@contoso.onmicrosoft.com',
        liveValue: null,
        position: { line: 25, column: 16 },
        message: 'cont_NotifyMailbox has no value in Contoso Test; the file says "ops-dev@contoso.onmicrosoft.com".',
      },
      {
        kind: 'empty-in-file',
        schemaName: 'cont_OpsSiteUrl',
        fileValue: '',
        liveValue: 'https://contoso.sharepoint.com/sites/ops-test',
        position: { line: 29, column: 16 },
        message: 'cont_OpsSiteUrl is "https://contoso.sharepoint.com/sites/ops-test" in Contoso Test; the file leaves it empty.',
      },
    ]);
    expect(d.inSync.environmentVariables).toEqual(['cont_ApprovalThreshold', 'cont_FeatureFlags']);
  });

  it('reports references wired differently or unwired in the file, and items on one side only', () => {
    const test = testSnapshot();
    for (const r of test.references) {
      if (r.logicalName === 'cont_sharedteams_2b7a4') r.connectionId = TEST_CONN.teams;
      if (r.logicalName === 'cont_sharedsql_9a1b6') r.connectionId = TEST_CONN.sql;
      if (r.logicalName === 'cont_sharedapprovals_5e8d0') r.connectionId = TEST_CONN.approvals;
    }
    const text = `{
  "EnvironmentVariables": [
    { "SchemaName": "cont_ErpBaseUrl", "Value": "https://erp-test.contoso.com/api/v2" },
    { "SchemaName": "cont_Retired", "Value": "1" }
  ],
  "ConnectionReferences": [
    { "LogicalName": "cont_sharedteams_2b7a4", "ConnectionId": "${TEST_CONN.outlook}", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_teams" },
    { "LogicalName": "cont_sharedsql_9a1b6", "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sql" },
    { "LogicalName": "cont_sharedapprovals_5e8d0", "ConnectionId": "${TEST_CONN.approvals.toUpperCase()}", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_approvals" },
    { "LogicalName": "cont_sharedlegacy_00000", "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sql" }
  ]
}`;
    const d = diffSettings(parse(text), test);
    expect(d.references.filter((r) => r.kind !== 'not-in-file')).toEqual([
      {
        kind: 'wired-differently',
        logicalName: 'cont_sharedteams_2b7a4',
        fileConnectionId: TEST_CONN.outlook,
        liveConnectionId: TEST_CONN.teams,
        position: { line: 7, column: 22 },
        message: `cont_sharedteams_2b7a4 is wired to ${TEST_CONN.teams} in Contoso Test; the file says ${TEST_CONN.outlook}.`,
      },
      {
        kind: 'unwired-in-file',
        logicalName: 'cont_sharedsql_9a1b6',
        fileConnectionId: null,
        liveConnectionId: TEST_CONN.sql,
        position: { line: 8, column: 22 },
        message: `cont_sharedsql_9a1b6 is wired to ${TEST_CONN.sql} in Contoso Test; the file leaves it empty.`,
      },
      {
        kind: 'not-in-environment',
        logicalName: 'cont_sharedlegacy_00000',
        fileConnectionId: null,
        liveConnectionId: null,
        position: { line: 10, column: 22 },
        message: 'cont_sharedlegacy_00000 is in the file but not in Contoso Test.',
      },
    ]);
    expect(d.inSync.references).toEqual(['cont_sharedapprovals_5e8d0']);
    expect(d.references.filter((r) => r.kind === 'not-in-file').map((r) => r.message)).toEqual([
      'cont_sharedoffice365_8c1f2 (unwired in Contoso Test) is not in the file.',
      'cont_sharedoffice365_b41e7 (unwired in Contoso Test) is not in the file.',
      'cont_sharedsharepointonline_4d9e1 (unwired in Contoso Test) is not in the file.',
      'cont_sharedcommondataserviceforapps_7f3c9 (unwired in Contoso Test) is not in the file.',
      'cont_sharedcontosoerp_3c6f8 (unwired in Contoso Test) is not in the file.',
    ]);
    expect(d.environmentVariables.find((v) => v.kind === 'not-in-environment')).toEqual({
      kind: 'not-in-environment',
      schemaName: 'cont_Retired',
      fileValue: '1',
      liveValue: null,
      position: { line: 4, column: 21 },
      message: 'cont_Retired is in the file but not in Contoso Test.',
    });
    expect(d.environmentVariables.filter((v) => v.kind === 'not-in-file').map((v) => v.message)).toEqual([
      'cont_OpsSiteUrl ("https://contoso.sharepoint.com/sites/ops-test" in Contoso Test) is not in the file.',
      'cont_ApprovalThreshold (no value in Contoso Test) is not in the file.',
      'cont_NotifyMailbox (no value in Contoso Test) is not in the file.',
      'cont_FeatureFlags (no value in Contoso Test) is not in the file.',
      'cont_AutoEscalate (no value in Contoso Test) is not in the file.',
      'cont_ErpApiKey (no value in Contoso Test) is not in the file.',
    ]);
    expect(d.inSync.environmentVariables).toEqual(['cont_ErpBaseUrl']);
  });

  it('never spells out a Secret’s Key Vault reference in a message', () => {
    const d = diffSettings(parse('{"EnvironmentVariables":[],"ConnectionReferences":[]}'), devSnapshot());
    expect(d.environmentVariables.find((v) => v.schemaName === 'cont_ErpApiKey')?.message).toBe('cont_ErpApiKey (a secret value in Contoso Dev) is not in the file.');
    const other = '/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/contoso-ops/providers/Microsoft.KeyVault/vaults/contoso-ops-kv/secrets/erp-api-key-2';
    const changed = diffSettings(parse(`{"EnvironmentVariables":[{"SchemaName":"cont_ErpApiKey","Value":"${other}"}],"ConnectionReferences":[]}`), devSnapshot());
    expect(changed.environmentVariables[0]?.message).toBe('cont_ErpApiKey references a different Key Vault secret in Contoso Dev than the file.');
  });
});
