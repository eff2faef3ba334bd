import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../../shared/engine/plan';
import { formatIssue } from './positions';
import { exportSettings, parseSettingsFile, serializeSettings, type ParsedSettings, type SettingsConnectionReference, type SettingsEnvironmentVariable } from './settings';
import { environmentVariableValueProblem, intentFromSettings, validateSettingsAgainst, type SettingsValidation } from './settings-validate';
import { DEV_CONN, REFS, TEST_BROKEN_SQL, TEST_CONN, TEST_FORMER_SHAREPOINT, TEST_MAKER_OUTLOOK, devSnapshot, testSnapshot } from './test-support';

/**
 * Validation against a target environment, before any write. Files are written with the exporter's
 * layout, so positions follow from it: with no variables, reference k (0-based) has its LogicalName on
 * line 5+5k (column 22), ConnectionId on 6+5k (column 23), ConnectorId on 7+5k (column 22); with n > 0
 * variables the references start 4n+1 lines lower, and variable k has SchemaName on line 4+4k (column
 * 21) and Value on 5+4k (column 16).
 */

const API = '/providers/Microsoft.PowerApps/apis/';
const ref = (LogicalName: string, ConnectionId: string, connector: string): SettingsConnectionReference => ({ LogicalName, ConnectionId, ConnectorId: `${API}${connector}` });
const file = (refs: SettingsConnectionReference[], vars: SettingsEnvironmentVariable[] = [], name = 'deploymentSettings.test.json'): ParsedSettings => {
  const result = parseSettingsFile(serializeSettings({ EnvironmentVariables: vars, ConnectionReferences: refs }), name);
  if (!result.ok) throw new Error(result.errors.map(formatIssue).join('\n'));
  return result.value;
};
const errors = (v: SettingsValidation): string[] => (v.ok ? [] : v.errors.map(formatIssue));
const warnings = (v: SettingsValidation): string[] => v.warnings.map(formatIssue);

describe('validateSettingsAgainst', () => {
  it('refuses a file exported from Dev applied to Test, naming every connection that does not exist there', () => {
    const exported = parseSettingsFile(exportSettings(devSnapshot()).text, 'dev.json');
    if (!exported.ok) throw new Error('export must parse');
    const v = validateSettingsAgainst(exported.value, testSnapshot());
    expect(v.ok).toBe(false);
    const lines = errors(v);
    expect(lines).toHaveLength(8);
    expect(lines[0]).toBe(
      `dev.json(35,23): Connection ${DEV_CONN.approvals} (for cont_sharedapprovals_5e8d0) does not exist in Contoso Test. Connection ids differ between environments: was this file exported from another one? Approvals connections in Contoso Test: ${TEST_CONN.approvals} (Contoso Integration Service).`,
    );
    expect(lines[3]).toBe(
      `dev.json(50,23): Connection ${DEV_CONN.outlook} (for cont_sharedoffice365_8c1f2) does not exist in Contoso Test. Connection ids differ between environments: was this file exported from another one? Office 365 Outlook connections in Contoso Test: ${TEST_CONN.outlook} (Contoso Integration Service), ${TEST_MAKER_OUTLOOK} (Nestor Wilke).`,
    );
    expect(lines[6]).toBe(
      `dev.json(65,23): Connection ${DEV_CONN.sql} (for cont_sharedsql_9a1b6) does not exist in Contoso Test. Connection ids differ between environments: was this file exported from another one? SQL Server connections in Contoso Test: ${TEST_CONN.sql} (Contoso Integration Service).`,
    );
    // Every reference's Dev connection is named (Outlook's twice: two references share it in Dev).
    const named = lines.map((l) => /Connection (\S+) \(for/.exec(l)?.[1]);
    expect(named.sort()).toEqual(REFS.map((r) => DEV_CONN[r.connector]).sort());
    expect(v.ok ? [] : v.errors.map((e) => e.code)).toEqual(Array(8).fill('connection-not-found'));
  });

  it('turns a valid file into the wiring map and values, and the engine plans exactly that wiring', () => {
    const settings = file(
      [ref('cont_sharedoffice365_8c1f2', TEST_CONN.outlook, 'shared_office365'), ref('CONT_SHAREDSQL_9A1B6', TEST_CONN.sql.toUpperCase(), 'shared_sql')],
      [
        { SchemaName: 'cont_ErpBaseUrl', Value: 'https://erp-test.contoso.com/api/v2' },
        { SchemaName: 'cont_ApprovalThreshold', Value: '25000' },
        { SchemaName: 'cont_NotifyMailbox', Value: '' },
      ],
    );
    const test = testSnapshot();
    const v = validateSettingsAgainst(settings, test);
    expect(v).toEqual({
      ok: true,
      value: {
        environmentId: 'contoso-test',
        wiring: { 'contoso-test': { cont_sharedoffice365_8c1f2: TEST_CONN.outlook, cont_sharedsql_9a1b6: TEST_CONN.sql } },
        environmentVariables: { cont_ErpBaseUrl: 'https://erp-test.contoso.com/api/v2', cont_ApprovalThreshold: '25000' },
        unchanged: { references: [], environmentVariables: ['cont_ErpBaseUrl'] },
      },
      warnings: [],
    });
    if (!v.ok) return;
    const intent = intentFromSettings(v.value, 'ContosoOperations');
    expect(intent).toEqual({
      solution: 'ContosoOperations',
      environmentIds: ['contoso-test'],
      wire: { select: ['cont_sharedoffice365_8c1f2', 'cont_sharedsql_9a1b6'], pinned: v.value.wiring },
      variables: { 'contoso-test': v.value.environmentVariables },
      identity: 'auto',
      share: false,
    });
    const plan = buildPlan([test], intent, new Date('2026-03-01T09:00:00Z'), 'plan-1');
    // The variable already at its value (cont_ErpBaseUrl) gets no step.
    expect(plan.steps.map((s) => [s.kind, s.target.type === 'reference' ? s.target.logicalName : s.target.type === 'variable' ? s.target.schemaName : '', s.before, s.after])).toEqual([
      ['wire', 'cont_sharedoffice365_8c1f2', null, TEST_CONN.outlook],
      ['wire', 'cont_sharedsql_9a1b6', null, TEST_CONN.sql],
      ['set-variable', 'cont_ApprovalThreshold', null, '25000'],
    ]);
  });

  it('lists what is already so, and the plan skips it', () => {
    const test = testSnapshot();
    const outlook = test.references.find((r) => r.logicalName === 'cont_sharedoffice365_8c1f2');
    if (outlook) outlook.connectionId = TEST_CONN.outlook;
    const v = validateSettingsAgainst(file([ref('cont_sharedoffice365_8c1f2', TEST_CONN.outlook, 'shared_office365')]), test);
    expect(v.ok && v.value.unchanged.references).toEqual(['cont_sharedoffice365_8c1f2']);
    if (v.ok) expect(buildPlan([test], intentFromSettings(v.value, 'ContosoOperations')).steps).toEqual([]);
  });

  it('refuses unknown references and variables, suggesting close names', () => {
    const v = validateSettingsAgainst(
      file([ref('cont_sharedoffice365_8c1f3', TEST_CONN.outlook, 'shared_office365'), ref('cont_sharedyammer_1a2b3', '', 'shared_yammer')], [{ SchemaName: 'cont_ErpBaseURI', Value: 'x' }]),
      testSnapshot(),
    );
    expect(errors(v)).toEqual([
      'deploymentSettings.test.json(4,21): Environment variable "cont_ErpBaseURI" is not part of ContosoOperations in Contoso Test. Did you mean "cont_ErpBaseUrl"?',
      'deploymentSettings.test.json(10,22): Connection reference "cont_sharedoffice365_8c1f3" is not part of ContosoOperations in Contoso Test. Did you mean "cont_sharedoffice365_8c1f2" or "cont_sharedoffice365_b41e7"?',
      'deploymentSettings.test.json(15,22): Connection reference "cont_sharedyammer_1a2b3" is not part of ContosoOperations in Contoso Test.',
    ]);
  });

  it('refuses a ConnectorId that does not match the reference, and a connection of another connector', () => {
    const v = validateSettingsAgainst(
      file([ref('cont_sharedteams_2b7a4', TEST_CONN.teams, 'shared_office365'), ref('cont_sharedoffice365_b41e7', TEST_CONN.teams, 'shared_office365')]),
      testSnapshot(),
    );
    expect(errors(v)).toEqual([
      'deploymentSettings.test.json(7,22): ConnectorId names Office 365 Outlook (shared_office365), but cont_sharedteams_2b7a4 in Contoso Test uses Microsoft Teams (shared_teams).',
      `deploymentSettings.test.json(11,23): Connection ${TEST_CONN.teams} is a Microsoft Teams connection, but cont_sharedoffice365_b41e7 needs Office 365 Outlook (shared_office365).`,
    ]);
  });

  it('refuses a broken connection by default, and only warns when asked to', () => {
    const settings = file([ref('cont_sharedsql_9a1b6', TEST_BROKEN_SQL, 'shared_sql')]);
    const message = `deploymentSettings.test.json(6,23): Connection ${TEST_BROKEN_SQL} (SQL Server, owned by Contoso Integration Service) is in error in Contoso Test: The refresh token has expired due to inactivity. Re-authenticate it in the maker portal or choose another connection.`;
    const strict = validateSettingsAgainst(settings, testSnapshot());
    expect(errors(strict)).toEqual([message]);
    expect(strict.ok ? '' : strict.errors[0]?.code).toBe('connection-broken');
    const lenient = validateSettingsAgainst(settings, testSnapshot(), { brokenConnections: 'warning' });
    expect(lenient.ok).toBe(true);
    expect(warnings(lenient)).toEqual([message]);
    expect(lenient.ok && lenient.value.wiring['contoso-test']).toEqual({ cont_sharedsql_9a1b6: TEST_BROKEN_SQL });
  });

  it('warns about a connection whose owner is disabled, and a reference the file leaves unwired', () => {
    const v = validateSettingsAgainst(
      file([ref('cont_sharedsharepointonline_4d9e1', TEST_FORMER_SHAREPOINT, 'shared_sharepointonline'), ref('cont_sharedteams_2b7a4', '', 'shared_teams')]),
      testSnapshot(),
    );
    expect(v.ok).toBe(true);
    expect(warnings(v)).toEqual([
      `deploymentSettings.test.json(6,23): Connection ${TEST_FORMER_SHAREPOINT} is owned by Isaiah Langer, whose account is disabled in Contoso Test: flows using it will fail once its sign-in expires.`,
      'deploymentSettings.test.json(11,23): cont_sharedteams_2b7a4 has no ConnectionId in the file and is not wired in Contoso Test: flows that use it cannot be turned on.',
    ]);
    expect(v.ok && v.value.wiring).toEqual({ 'contoso-test': { cont_sharedsharepointonline_4d9e1: TEST_FORMER_SHAREPOINT } });
  });

  it('checks each value against its variable’s type', () => {
    const v = validateSettingsAgainst(
      file(
        [],
        [
          { SchemaName: 'cont_ApprovalThreshold', Value: '25k' },
          { SchemaName: 'cont_AutoEscalate', Value: '1' },
          { SchemaName: 'cont_FeatureFlags', Value: '{"newRouting":tru}' },
          { SchemaName: 'cont_ErpApiKey', Value: 'hunter2' },
          { SchemaName: 'cont_OpsSiteUrl', Value: 'https://contoso.sharepoint.com/sites/ops-test' },
        ],
      ),
      testSnapshot(),
    );
    expect(errors(v)).toEqual([
      'deploymentSettings.test.json(5,16): cont_ApprovalThreshold is a Number environment variable, but "25k" is not a number.',
      'deploymentSettings.test.json(9,16): cont_AutoEscalate is a Boolean environment variable, but "1" is neither true nor false.',
      'deploymentSettings.test.json(13,16): cont_FeatureFlags is a JSON environment variable, but its Value is not valid JSON: unexpected "tru"; names and strings need double quotes, and the only literals are true, false and null (character 15 of the value).',
      'deploymentSettings.test.json(17,16): cont_ErpApiKey is a Secret environment variable: its Value must be an Azure Key Vault secret reference such as /subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.KeyVault/vaults/{vault}/secrets/{secret}.',
    ]);
    expect(v.ok ? '' : v.errors.map((e) => e.code)).toEqual(['invalid-value', 'invalid-value', 'invalid-value', 'invalid-value']);
  });

  it('accepts values that fit', () => {
    const kv = '/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/contoso-ops/providers/Microsoft.KeyVault/vaults/contoso-ops-kv/secrets/erp-api-key';
    const v = validateSettingsAgainst(
      file(
        [],
        [
          { SchemaName: 'cont_ApprovalThreshold', Value: '-1250.75' },
          { SchemaName: 'cont_AutoEscalate', Value: 'false' },
          { SchemaName: 'cont_FeatureFlags', Value: '{"newRouting":true,"regions":["emea","amer"]}' },
          { SchemaName: 'cont_ErpApiKey', Value: kv },
        ],
      ),
      testSnapshot(),
    );
    expect(v.ok && v.value.environmentVariables).toEqual({
      cont_ApprovalThreshold: '-1250.75',
      cont_AutoEscalate: 'false',
      cont_FeatureFlags: '{"newRouting":true,"regions":["emea","amer"]}',
      cont_ErpApiKey: kv,
    });
  });

  it('refuses when the solution is not installed in the environment', () => {
    const v = validateSettingsAgainst(file([ref('cont_sharedsql_9a1b6', TEST_CONN.sql, 'shared_sql')]), testSnapshot({ solution: null, references: [], flows: [], envVars: [] }));
    expect(errors(v)).toEqual(['deploymentSettings.test.json(1,1): The solution is not installed in Contoso Test, so there is nothing to apply this file to.']);
  });
});

describe('environmentVariableValueProblem', () => {
  it.each([
    ['Number', '42', null],
    ['Number', '1e3', null],
    ['Number', ' 42', 'x is a Number environment variable, but " 42" is not a number.'],
    ['Number', '0x10', 'x is a Number environment variable, but "0x10" is not a number.'],
    ['Boolean', 'TRUE', null],
    ['Boolean', 'yes', null],
    ['Boolean', 'on', 'x is a Boolean environment variable, but "on" is neither true nor false.'],
    ['JSON', '[1,2]', null],
    ['JSON', '{"a":1,}', 'x is a JSON environment variable, but its Value is not valid JSON: trailing comma before "}"; remove it (character 7 of the value).'],
    ['String', 'anything at all', null],
    ['DataSource', 'https://contoso.sharepoint.com/sites/ops', null],
  ] as const)('%s %j', (type, value, problem) => {
    expect(environmentVariableValueProblem('x', type, value)).toBe(problem);
  });
});
