import { describe, expect, it } from 'vitest';
import { formatIssue } from './positions';
import { exportSettings, parseSettingsFile, serializeSettings, type ParsedSettings, type SettingsIssue } from './settings';
import { DEV_CONN, devSnapshot, testSnapshot } from './test-support';

/** Deployment settings files: export from live state, and a strict parser whose every error has a position. */

const parsed = (text: string, file = 'settings.json'): ParsedSettings => {
  const result = parseSettingsFile(text, file);
  if (!result.ok) throw new Error(result.errors.map(formatIssue).join('\n'));
  return result.value;
};
const errorsOf = (text: string, file = 'settings.json'): Pick<SettingsIssue, 'line' | 'column' | 'code' | 'message'>[] => {
  const result = parseSettingsFile(text, file);
  if (result.ok) throw new Error('expected errors');
  return result.errors.map(({ line, column, code, message }) => ({ line, column, code, message }));
};

describe('exportSettings', () => {
  it('writes pac’s format from Dev’s live state: connection ids, values, connector ids, sorted, 2-space', () => {
    const { settings, text, notes } = exportSettings(devSnapshot());
    expect(Object.keys(settings)).toEqual(['EnvironmentVariables', 'ConnectionReferences']);
    expect(settings.ConnectionReferences.map((r) => r.LogicalName)).toEqual([
      'cont_sharedapprovals_5e8d0',
      'cont_sharedcommondataserviceforapps_7f3c9',
      'cont_sharedcontosoerp_3c6f8',
      'cont_sharedoffice365_8c1f2',
      'cont_sharedoffice365_b41e7',
      'cont_sharedsharepointonline_4d9e1',
      'cont_sharedsql_9a1b6',
      'cont_sharedteams_2b7a4',
    ]);
    expect(settings.ConnectionReferences[3]).toEqual({
      LogicalName: 'cont_sharedoffice365_8c1f2',
      ConnectionId: DEV_CONN.outlook,
      ConnectorId: '/providers/Microsoft.PowerApps/apis/shared_office365',
    });
    expect(settings.ConnectionReferences[2]?.ConnectorId).toBe('/providers/Microsoft.PowerApps/apis/shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04');
    expect(settings.EnvironmentVariables).toEqual([
      { SchemaName: 'cont_ApprovalThreshold', Value: '' },
      { SchemaName: 'cont_AutoEscalate', Value: 'yes' },
      { SchemaName: 'cont_ErpApiKey', Value: '' },
      { SchemaName: 'cont_ErpBaseUrl', Value: 'https://erp-dev.contoso.com/api/v2' },
      { SchemaName: 'cont_FeatureFlags', Value: '' },
      { SchemaName: 'cont_NotifyMailbox', Value: 'ops-dev@contoso.onmicrosoft.com' },
      { SchemaName: 'cont_OpsSiteUrl', Value: '' },
    ]);
    expect(notes).toEqual(['cont_ErpApiKey is a Secret environment variable: its value is never exported; set it in the target environment.']);
    expect(text.startsWith('{\n  "EnvironmentVariables": [\n    {\n      "SchemaName": "cont_ApprovalThreshold",\n      "Value": ""\n    },')).toBe(true);
    expect(text).toContain(
      `    {\n      "LogicalName": "cont_sharedoffice365_8c1f2",\n      "ConnectionId": "${DEV_CONN.outlook}",\n      "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_office365"\n    },`,
    );
    expect(text.endsWith('\n  ]\n}\n')).toBe(true);
    expect(text).not.toContain('/subscriptions/');
    // Stable: the same state gives the same bytes, whatever order the scan listed things in.
    const shuffled = devSnapshot();
    shuffled.references.reverse();
    shuffled.envVars.reverse();
    expect(exportSettings(shuffled).text).toBe(text);
  });

  it('round-trips through the parser', () => {
    const { settings, text } = exportSettings(devSnapshot());
    expect(parsed(text).settings).toEqual(settings);
    expect(serializeSettings(parsed(text).settings)).toBe(text);
  });

  it('says which references are unwired or dangling, and exports an empty file when the solution is absent', () => {
    const test = testSnapshot();
    const first = test.references[0];
    if (first) first.connectionId = 'ffffffffffffffffffffffffffffffff';
    const { notes, settings } = exportSettings(test);
    expect(settings.ConnectionReferences.find((r) => r.LogicalName === 'cont_sharedoffice365_8c1f2')?.ConnectionId).toBe('ffffffffffffffffffffffffffffffff');
    expect(notes).toContain('cont_sharedoffice365_8c1f2 points at connection ffffffffffffffffffffffffffffffff, which does not exist in Contoso Test: the exported ConnectionId is dangling.');
    expect(notes).toContain('cont_sharedteams_2b7a4 is not wired in Contoso Test: its ConnectionId is empty.');
    const none = exportSettings(testSnapshot({ solution: null, references: [], envVars: [], flows: [] }));
    expect(none.text).toBe('{\n  "EnvironmentVariables": [],\n  "ConnectionReferences": []\n}\n');
    expect(none.notes).toEqual(['The solution is not installed in Contoso Test: the file is empty.']);
  });
});

const VALID = `{
  "EnvironmentVariables": [
    {
      "SchemaName": "cont_ErpBaseUrl",
      "Value": "https://erp-test.contoso.com/api/v2"
    }
  ],
  "ConnectionReferences": [
    {
      "LogicalName": "cont_sharedoffice365_8c1f2",
      "ConnectionId": "b2c3d4e5f60718293a4b5c6d7e8f9012",
      "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_office365"
    }
  ]
}
`;

describe('parseSettingsFile: valid files', () => {
  it('reads entries with the position of every field', () => {
    const value = parsed(VALID, 'deploymentSettings.test.json');
    expect(value.fileName).toBe('deploymentSettings.test.json');
    expect(value.connectionReferences).toEqual([
      {
        logicalName: 'cont_sharedoffice365_8c1f2',
        connectionId: 'b2c3d4e5f60718293a4b5c6d7e8f9012',
        connectorId: '/providers/Microsoft.PowerApps/apis/shared_office365',
        connector: 'shared_office365',
        position: { line: 9, column: 5 },
        fields: { LogicalName: { line: 10, column: 22 }, ConnectionId: { line: 11, column: 23 }, ConnectorId: { line: 12, column: 22 } },
      },
    ]);
    expect(value.environmentVariables).toEqual([
      { schemaName: 'cont_ErpBaseUrl', value: 'https://erp-test.contoso.com/api/v2', position: { line: 3, column: 5 }, fields: { SchemaName: { line: 4, column: 21 }, Value: { line: 5, column: 16 } } },
    ]);
  });

  it('accepts a byte-order mark and CRLF line ends, keeping positions as editors show them', () => {
    const value = parsed(`\uFEFF${VALID.replace(/\n/g, '\r\n')}`);
    expect(value.connectionReferences[0]?.fields.ConnectionId).toEqual({ line: 11, column: 23 });
  });

  it('accepts empty arrays and an empty ConnectionId (pac create-settings output)', () => {
    const value = parsed(
      '{"EnvironmentVariables":[{"SchemaName":"cont_ErpBaseUrl","Value":""}],"ConnectionReferences":[{"LogicalName":"cont_sharedsql_9a1b6","ConnectionId":"","ConnectorId":"/providers/Microsoft.PowerApps/apis/shared_sql"}]}',
    );
    expect(value.settings.ConnectionReferences[0]?.ConnectionId).toBe('');
    expect(parsed('{"EnvironmentVariables":[],"ConnectionReferences":[]}').settings).toEqual({ EnvironmentVariables: [], ConnectionReferences: [] });
  });
});

describe('parseSettingsFile: invalid JSON names the line and column of the syntax error', () => {
  it.each([
    ['an empty file', '', 1, 1, 'The file is empty.'],
    ['a missing comma', '{\n  "EnvironmentVariables": []\n  "ConnectionReferences": []\n}', 3, 3, 'Invalid JSON: expected "," between items, found "\\"ConnectionReferences\\"".'],
    ['a trailing comma', '{\n  "EnvironmentVariables": [],\n  "ConnectionReferences": [],\n}', 3, 29, 'Invalid JSON: trailing comma before "}"; remove it.'],
    ['a trailing comma in an array', '{"EnvironmentVariables": [\n  {"SchemaName": "a", "Value": "b"},\n]}', 2, 36, 'Invalid JSON: trailing comma before "]"; remove it.'],
    ['single quotes', "{\n  'EnvironmentVariables': []\n}", 2, 3, 'Invalid JSON: strings must use double quotes, not single quotes.'],
    ['an unquoted name', '{\n  EnvironmentVariables: []\n}', 2, 3, 'Invalid JSON: unexpected "EnvironmentVariables"; names and strings need double quotes, and the only literals are true, false and null.'],
    ['a comment', '{\n  // exported from Dev\n  "EnvironmentVariables": []\n}', 2, 3, 'Invalid JSON: comments are not allowed.'],
    ['a missing colon', '{\n  "EnvironmentVariables" []\n}', 2, 26, 'Invalid JSON: expected ":" after the property name, found "[".'],
    ['an unterminated string', '{\n  "EnvironmentVariables": [{"SchemaName": "cont_x\n}', 2, 43, 'Invalid JSON: unterminated string (a string must close on the line it starts).'],
    ['a bad escape', '{"EnvironmentVariables": [{"SchemaName": "a", "Value": "C:\\Users"}], "ConnectionReferences": []}', 1, 59, 'Invalid JSON: invalid escape sequence in a string (valid: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX).'],
    ['an unclosed object', '{\n  "EnvironmentVariables": [],\n  "ConnectionReferences": []\n', 4, 1, 'Invalid JSON: expected "}" to close the object, found the end of the file.'],
    ['content after the end', '{"EnvironmentVariables": [], "ConnectionReferences": []}\n{}', 2, 1, 'Invalid JSON: unexpected "{" after the end of the document.'],
  ])('%s', (_, text, line, column, message) => {
    expect(errorsOf(text)).toEqual([{ line, column, code: 'json-syntax', message }]);
  });
});

describe('parseSettingsFile: shape errors point at the offending token', () => {
  it('refuses a top level that is not an object', () => {
    expect(errorsOf('\n  [ {"LogicalName": "x"} ]')).toEqual([
      {
        line: 2,
        column: 3,
        code: 'not-an-object',
        message: 'A deployment settings file is a JSON object with "EnvironmentVariables" and "ConnectionReferences" arrays; this file holds an array.',
      },
    ]);
  });

  it('reports missing, unknown, miscased and repeated top-level keys', () => {
    const text = `{
  "EnvironmentVariable": [],
  "connectionReferences": [],
  "Solution": "ContosoOperations"
}`;
    expect(errorsOf(text)).toEqual([
      { line: 1, column: 1, code: 'missing-key', message: 'The settings file has no "EnvironmentVariables" array; write "EnvironmentVariables": [] if there are none.' },
      { line: 2, column: 3, code: 'unknown-key', message: 'Unknown key "EnvironmentVariable" in the settings file; expected "EnvironmentVariables" and "ConnectionReferences". Did you mean "EnvironmentVariables"?' },
      { line: 3, column: 3, code: 'unknown-key', message: 'Key "connectionReferences" must be spelled "ConnectionReferences".' },
      { line: 4, column: 3, code: 'unknown-key', message: 'Unknown key "Solution" in the settings file; expected "EnvironmentVariables" and "ConnectionReferences".' },
    ]);
    expect(errorsOf('{\n  "EnvironmentVariables": [],\n  "ConnectionReferences": [],\n  "EnvironmentVariables": []\n}')).toEqual([
      { line: 4, column: 3, code: 'duplicate-key', message: '"EnvironmentVariables" appears twice in the settings file (first at line 2).' },
    ]);
  });

  it('refuses arrays that are not arrays and entries that are not objects', () => {
    const text = `{
  "EnvironmentVariables": {},
  "ConnectionReferences": [
    "cont_sharedoffice365_8c1f2"
  ]
}`;
    expect(errorsOf(text)).toEqual([
      { line: 2, column: 27, code: 'wrong-type', message: '"EnvironmentVariables" must be an array, found an object.' },
      {
        line: 4,
        column: 5,
        code: 'wrong-type',
        message: 'Entry 1 of "ConnectionReferences" must be an object with "LogicalName", "ConnectionId" and "ConnectorId", found a string.',
      },
    ]);
  });

  it('reports missing and extra keys in entries', () => {
    const text = `{
  "EnvironmentVariables": [
    { "SchemaName": "cont_ErpBaseUrl" },
    { "SchemaName": "cont_OpsSiteUrl", "Value": "x", "Type": "String" }
  ],
  "ConnectionReferences": [
    {
      "LogicalName": "cont_sharedoffice365_8c1f2",
      "ConnectionID": "b2c3d4e5f60718293a4b5c6d7e8f9012",
      "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_office365"
    },
    {
      "LogicalName": "cont_sharedteams_2b7a4",
      "ConnectionName": "d4e5f60718293a4b5c6d7e8f90123456"
    }
  ]
}`;
    expect(errorsOf(text)).toEqual([
      { line: 3, column: 5, code: 'missing-key', message: 'The environment variable "cont_ErpBaseUrl" has no "Value".' },
      { line: 4, column: 54, code: 'unknown-key', message: 'Unknown key "Type" in an environment variable entry; expected "SchemaName" and "Value".' },
      { line: 9, column: 7, code: 'unknown-key', message: 'Key "ConnectionID" must be spelled "ConnectionId".' },
      { line: 12, column: 5, code: 'missing-key', message: 'The connection reference "cont_sharedteams_2b7a4" has no "ConnectionId" and "ConnectorId".' },
      {
        line: 14,
        column: 7,
        code: 'unknown-key',
        message: 'Unknown key "ConnectionName" in a connection reference entry; expected "LogicalName", "ConnectionId" and "ConnectorId". Did you mean "ConnectionId"?',
      },
    ]);
  });

  it('requires string values: pac stores every value as text', () => {
    const text = `{
  "EnvironmentVariables": [
    { "SchemaName": "cont_ApprovalThreshold", "Value": 25000.50 },
    { "SchemaName": "cont_AutoEscalate", "Value": true },
    { "SchemaName": "cont_FeatureFlags", "Value": { "newRouting": true } },
    { "SchemaName": "cont_NotifyMailbox", "Value": null },
    { "SchemaName": 42, "Value": "x" }
  ],
  "ConnectionReferences": [
    { "LogicalName": "cont_sharedsql_9a1b6", "ConnectionId": null, "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sql" },
    { "LogicalName": ["cont_sharedteams_2b7a4"], "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_teams" }
  ]
}`;
    expect(errorsOf(text)).toEqual([
      { line: 3, column: 56, code: 'wrong-type', message: 'Value of cont_ApprovalThreshold must be a string, found a number: pac stores every value as text, so write "25000.50".' },
      { line: 4, column: 51, code: 'wrong-type', message: 'Value of cont_AutoEscalate must be a string, found a boolean: pac stores every value as text, so write "true".' },
      {
        line: 5,
        column: 51,
        code: 'wrong-type',
        message: 'Value of cont_FeatureFlags must be a string, found an object: pac stores every value as text, so write "{\\"newRouting\\":true}".',
      },
      { line: 6, column: 52, code: 'wrong-type', message: 'Value of cont_NotifyMailbox must be a string, found null; use "" for no value.' },
      { line: 7, column: 21, code: 'wrong-type', message: 'SchemaName of environment variable entry 5 must be a string, found a number.' },
      {
        line: 10,
        column: 62,
        code: 'wrong-type',
        message: 'ConnectionId of connection reference "cont_sharedsql_9a1b6" must be a string, found null; use "" to leave the reference as it is.',
      },
      { line: 11, column: 22, code: 'wrong-type', message: 'LogicalName of connection reference entry 2 must be a string, found an array.' },
    ]);
  });

  it('refuses empty and duplicate names (case-insensitive) and malformed connector ids', () => {
    const text = `{
  "EnvironmentVariables": [
    { "SchemaName": "cont_ErpBaseUrl", "Value": "a" },
    { "SchemaName": "CONT_ERPBASEURL", "Value": "b" },
    { "SchemaName": " ", "Value": "c" }
  ],
  "ConnectionReferences": [
    { "LogicalName": "cont_sharedsql_9a1b6", "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sql" },
    { "LogicalName": "", "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sql" },
    { "LogicalName": "cont_sharedsql_9a1b6", "ConnectionId": "", "ConnectorId": "/providers/Microsoft.PowerApps/apis/shared_sql" },
    { "LogicalName": "cont_sharedteams_2b7a4", "ConnectionId": "", "ConnectorId": "shared_teams" },
    { "LogicalName": "cont_sharedapprovals_5e8d0", "ConnectionId": "", "ConnectorId": "" }
  ]
}`;
    expect(errorsOf(text)).toEqual([
      { line: 4, column: 21, code: 'duplicate-name', message: 'Environment variable "CONT_ERPBASEURL" is listed twice (first at line 3); list each variable once.' },
      { line: 5, column: 21, code: 'empty-name', message: 'SchemaName of environment variable entry 3 is empty; name the environment variable to set.' },
      { line: 9, column: 22, code: 'empty-name', message: 'LogicalName of connection reference entry 2 is empty; name the connection reference to wire.' },
      { line: 10, column: 22, code: 'duplicate-name', message: 'Connection reference "cont_sharedsql_9a1b6" is listed twice (first at line 8); list each reference once.' },
      {
        line: 11,
        column: 83,
        code: 'bad-connector-id',
        message: 'ConnectorId "shared_teams" of connection reference "cont_sharedteams_2b7a4" must look like "/providers/Microsoft.PowerApps/apis/shared_teams".',
      },
      {
        line: 12,
        column: 87,
        code: 'bad-connector-id',
        message: 'ConnectorId of connection reference "cont_sharedapprovals_5e8d0" is empty; it must look like "/providers/Microsoft.PowerApps/apis/shared_office365".',
      },
    ]);
  });

  it('survives pathological nesting', () => {
    expect(errorsOf(`${'['.repeat(200_000)}${']'.repeat(200_000)}`)).toEqual([{ line: 1, column: 1, code: 'json-syntax', message: 'Invalid JSON: nested too deeply to read.' }]);
  });

  it('formats issues the way CI log parsers read them', () => {
    const result = parseSettingsFile('{\n  "EnvironmentVariables": []\n}', 'deploy/test.json');
    expect(result.ok ? [] : result.errors.map(formatIssue)).toEqual([
      'deploy/test.json(1,1): The settings file has no "ConnectionReferences" array; write "ConnectionReferences": [] if there are none.',
    ]);
  });
});
