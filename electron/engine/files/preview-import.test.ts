import { describe, expect, it } from 'vitest';
import { compareVersions, previewImport } from './preview-import';
import { readSolution, type SolutionPackage } from './solution';
import {
  DEV_CONN,
  FLOWS,
  MAKER,
  SERVICE,
  TEST_BROKEN_SQL,
  TEST_CONN,
  TEST_FORMER_SHAREPOINT,
  TEST_MAKER_OUTLOOK,
  connection,
  devSnapshot,
  testSnapshot,
  zipLayout,
  zipOf,
  type FlowDef,
  type SolutionFixture,
} from './test-support';

/** What an import will need in a target environment, from the solution file and the target's scan. */

async function solution(f: SolutionFixture = {}): Promise<SolutionPackage> {
  const r = await readSolution(zipOf(zipLayout(f)), { name: 'ContosoOperations_1_4_3_0_managed.zip' });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join('\n'));
  return r.value;
}
const flowId = (name: string): string => FLOWS.find((f) => f.name === name)?.id ?? '';

describe('previewImport into Test (installed 1.4.2.0, nothing wired)', () => {
  it('lists every reference to wire with the target’s candidates, best first', async () => {
    const p = previewImport(await solution(), testSnapshot());
    expect(p.installation).toEqual({ kind: 'upgrade', installedVersion: '1.4.2.0', message: 'Upgrades Contoso Test from 1.4.2.0 to 1.4.3.0.' });
    expect(p.toWire).toHaveLength(8);
    expect(p.connectorGaps).toEqual([]);
    const outlook = p.references.find((r) => r.logicalName === 'cont_sharedoffice365_8c1f2');
    expect(outlook).toMatchObject({
      connector: 'shared_office365',
      connectorName: 'Office 365 Outlook',
      readiness: 'unwired',
      currentConnectionId: null,
      needsWiring: true,
      usedBy: ['Child – Request manager approval', 'Invoice approval'],
      message: 'Not wired in Contoso Test: it needs an Office 365 Outlook connection.',
    });
    expect(outlook?.candidates).toEqual([
      { connectionName: TEST_CONN.outlook, displayName: 'Contoso Integration Service', ownerName: 'Contoso Integration Service', ownerObjectId: SERVICE, healthy: true, healthMessage: null, ownerDisabled: false, suggested: true },
      { connectionName: TEST_MAKER_OUTLOOK, displayName: 'Nestor Wilke', ownerName: 'Nestor Wilke', ownerObjectId: MAKER, healthy: true, healthMessage: null, ownerDisabled: false, suggested: false },
    ]);
    const sql = p.references.find((r) => r.logicalName === 'cont_sharedsql_9a1b6');
    expect(sql?.candidates.map((c) => [c.connectionName, c.healthy, c.healthMessage, c.suggested])).toEqual([
      [TEST_CONN.sql, true, null, true],
      [TEST_BROKEN_SQL, false, 'The refresh token has expired due to inactivity.', false],
    ]);
    const sharepoint = p.references.find((r) => r.logicalName === 'cont_sharedsharepointonline_4d9e1');
    expect(sharepoint?.candidates.map((c) => [c.connectionName, c.ownerDisabled])).toEqual([
      [TEST_CONN.sharepoint, false],
      [TEST_FORMER_SHAREPOINT, true],
    ]);
  });

  it('says which flows will arrive off and why, children first into parents', async () => {
    const p = previewImport(await solution(), testSnapshot());
    const invoice = p.flows.find((f) => f.name === 'Invoice approval');
    expect(invoice).toEqual({
      id: flowId('Invoice approval'),
      name: 'Invoice approval',
      packagedState: 'on',
      currentState: 'off',
      arrivesOff: true,
      reasons: [
        'It uses cont_sharedapprovals_5e8d0 (Approvals), which is not wired in Contoso Test.',
        'It uses cont_sharedsharepointonline_4d9e1 (SharePoint), which is not wired in Contoso Test.',
        'It uses cont_sharedoffice365_8c1f2 (Office 365 Outlook), which is not wired in Contoso Test.',
        'It calls Child – Request manager approval, which will arrive off.',
      ],
    });
    // Dataverse-only flows turn on unwired; an invoker reference does not block.
    expect(p.alreadyFine.flows.sort()).toEqual([flowId('Archive closed cases'), flowId('Child – Write audit record')].sort());
    expect(p.flows.find((f) => f.name === 'Request site access')?.reasons).toEqual(['It uses cont_sharedsharepointonline_4d9e1 (SharePoint), which is not wired in Contoso Test.']);
    expect(p.flowsArrivingOff).toHaveLength(7);
    expect(p.warnings).toEqual(['Flows packaged on may still arrive off: the platform does not reliably turn cloud flows on after an import. Patchbay can turn them on afterwards.']);
  });

  it('lists variables without a value, and those already fine', async () => {
    const p = previewImport(await solution(), testSnapshot());
    expect(p.environmentVariables.map((v) => [v.schemaName, v.source, v.needsValue, v.message])).toEqual([
      ['cont_ApprovalThreshold', 'default', false, 'No value in Contoso Test; its default "5000" applies.'],
      ['cont_AutoEscalate', 'default', false, 'No value in Contoso Test; its default "no" applies.'],
      ['cont_ErpApiKey', 'none', true, 'No value in Contoso Test: set its Azure Key Vault secret reference.'],
      ['cont_ErpBaseUrl', 'target-value', false, 'Has a value in Contoso Test.'],
      ['cont_FeatureFlags', 'default', false, 'No value in Contoso Test; its default "{\\"newRouting\\":false}" applies.'],
      ['cont_NotifyMailbox', 'none', true, 'No value and no default in Contoso Test: set one.'],
      ['cont_OpsSiteUrl', 'target-value', false, 'Has a value in Contoso Test.'],
    ]);
    expect(p.variablesNeedingValue).toEqual(['cont_ErpApiKey', 'cont_NotifyMailbox']);
    expect(p.summary).toEqual([
      'Upgrades Contoso Test from 1.4.2.0 to 1.4.3.0.',
      '8 connection references to wire in Contoso Test.',
      '7 flows of 9 will arrive off.',
      '2 environment variables without a value: cont_ErpApiKey, cont_NotifyMailbox.',
    ]);
  });

  it('takes a value carried by the package', async () => {
    const p = previewImport(await solution({ packagedValues: { cont_NotifyMailbox: 'ops-test@contoso.onmicrosoft.com' } }), testSnapshot());
    expect(p.environmentVariables.find((v) => v.schemaName === 'cont_NotifyMailbox')).toMatchObject({
      source: 'package-value',
      needsValue: false,
      message: 'The package carries a value; the import sets it in Contoso Test.',
    });
  });
});

describe('previewImport: other targets', () => {
  it('into an environment without the solution and with few connections: says which connections to create', async () => {
    const fresh = testSnapshot({
      solution: null,
      references: [],
      flows: [],
      envVars: [],
      connections: [
        connection(TEST_CONN.outlook, 'outlook', SERVICE),
        connection(TEST_BROKEN_SQL, 'sql', SERVICE, { health: { kind: 'error', code: 'Unauthenticated', message: 'The refresh token has expired due to inactivity.' } }),
        connection(TEST_FORMER_SHAREPOINT, 'sharepoint', '00000000-0000-0000-0000-00000000dead'),
      ],
      rights: { ...testSnapshot().rights, '00000000-0000-0000-0000-00000000dead': { ...testSnapshot().rights[MAKER]!, objectId: '00000000-0000-0000-0000-00000000dead', disabled: true } },
    });
    const p = previewImport(await solution(), fresh);
    expect(p.installation).toEqual({ kind: 'new', installedVersion: null, message: 'ContosoOperations is not installed in Contoso Test: this is a first import.' });
    expect(new Set(p.references.map((r) => r.readiness))).toEqual(new Set(['new']));
    expect(p.references.find((r) => r.logicalName === 'cont_sharedteams_2b7a4')?.message).toBe('New in Contoso Test: it arrives unwired and needs a Microsoft Teams connection.');
    expect(p.connectorGaps.map((g) => [g.kind, g.message])).toEqual([
      ['no-connection', 'Create an Approvals connection in Contoso Test (needed by cont_sharedapprovals_5e8d0).'],
      ['no-connection', 'Create a Contoso ERP connection in Contoso Test (needed by cont_sharedcontosoerp_3c6f8).'],
      ['no-connection', 'Create a Microsoft Dataverse connection in Contoso Test (needed by cont_sharedcommondataserviceforapps_7f3c9).'],
      ['no-connection', 'Create a Microsoft Teams connection in Contoso Test (needed by cont_sharedteams_2b7a4).'],
      [
        'no-healthy-connection',
        'Contoso Test has 1 SharePoint connection, but none is healthy with an active owner: re-authenticate one or create a new one (needed by cont_sharedsharepointonline_4d9e1).',
      ],
      [
        'no-healthy-connection',
        'Contoso Test has 1 SQL Server connection, but none is healthy with an active owner: re-authenticate one or create a new one (needed by cont_sharedsql_9a1b6).',
      ],
    ]);
    expect(p.flows.find((f) => f.name === 'Archive closed cases')).toMatchObject({ currentState: null, arrivesOff: false });
    expect(p.flows.find((f) => f.name === 'Child – Post Teams notification')?.reasons).toEqual(['It uses cont_sharedteams_2b7a4 (Microsoft Teams), which arrives unwired.']);
    expect(p.environmentVariables.find((v) => v.schemaName === 'cont_OpsSiteUrl')?.source).toBe('default');
    expect(p.summary).toContain('Create an Approvals connection in Contoso Test (needed by cont_sharedapprovals_5e8d0).');
  });

  it('back into Dev: everything ready, same version, and a managed package over an unmanaged install is flagged', async () => {
    const p = previewImport(await solution(), devSnapshot());
    expect(p.installation).toEqual({ kind: 'same-version', installedVersion: '1.4.3.0', message: 'Contoso Dev already has version 1.4.3.0.' });
    expect(p.toWire).toEqual([]);
    expect(p.flowsArrivingOff).toEqual([]);
    expect(p.alreadyFine.references).toHaveLength(8);
    expect(p.references[0]?.message).toBe(`Wired in Contoso Dev to ${DEV_CONN.approvals} (Nestor Wilke), healthy.`);
    expect(p.warnings).toContain('ContosoOperations is installed unmanaged in Contoso Dev, but this package is managed: the import will be refused.');
    expect(p.summary).toContain('Every connection reference is wired in Contoso Dev.');
    expect(p.summary).toContain('No flow is expected to arrive off.');
  });

  it('names references that are dangling, wired to another connector, broken, or owned by a disabled user', async () => {
    const test = testSnapshot();
    const wire = (logicalName: string, connectionId: string): void => {
      const r = test.references.find((x) => x.logicalName === logicalName);
      if (r) r.connectionId = connectionId;
    };
    wire('cont_sharedoffice365_8c1f2', 'ffffffffffffffffffffffffffffffff');
    wire('cont_sharedoffice365_b41e7', TEST_CONN.teams);
    wire('cont_sharedsql_9a1b6', TEST_BROKEN_SQL);
    wire('cont_sharedsharepointonline_4d9e1', TEST_FORMER_SHAREPOINT);
    wire('cont_sharedteams_2b7a4', TEST_CONN.teams);
    const p = previewImport(await solution(), test);
    const byName = Object.fromEntries(p.references.map((r) => [r.logicalName, [r.readiness, r.message]]));
    expect(byName['cont_sharedoffice365_8c1f2']).toEqual(['dangling', 'Wired in Contoso Test to ffffffffffffffffffffffffffffffff, which no longer exists: wire it again.']);
    expect(byName['cont_sharedoffice365_b41e7']).toEqual(['wrong-connector', 'Wired in Contoso Test to a Microsoft Teams connection; it needs Office 365 Outlook.']);
    expect(byName['cont_sharedsql_9a1b6']).toEqual(['broken', `Wired in Contoso Test to ${TEST_BROKEN_SQL}, which is in error: The refresh token has expired due to inactivity.`]);
    expect(byName['cont_sharedsharepointonline_4d9e1']).toEqual(['owner-disabled', `Wired in Contoso Test to ${TEST_FORMER_SHAREPOINT}, owned by Isaiah Langer, whose account is disabled.`]);
    expect(byName['cont_sharedteams_2b7a4']).toEqual(['ready', `Wired in Contoso Test to ${TEST_CONN.teams} (Contoso Integration Service), healthy.`]);
    expect(p.toWire).not.toContain('cont_sharedteams_2b7a4');
    expect(p.toWire).toContain('cont_sharedsharepointonline_4d9e1');
    // A disabled owner's connection needs rewiring, but does not by itself stop a flow from turning on.
    expect(p.flows.find((f) => f.name === 'Child – Post Teams notification')?.arrivesOff).toBe(false);
    expect(p.flows.find((f) => f.name === 'Request site access')).toMatchObject({ arrivesOff: false, reasons: [] });
    expect(p.flows.find((f) => f.name === 'Weekly operations report')?.reasons).toEqual([
      'It uses cont_sharedsql_9a1b6 (SQL Server), whose connection is in error.',
      'It uses cont_sharedoffice365_b41e7 (Office 365 Outlook), which is wired to a connection of another connector.',
    ]);
    expect(p.flows.find((f) => f.name === 'Child – Request manager approval')?.reasons).toEqual([
      'It uses cont_sharedapprovals_5e8d0 (Approvals), which is not wired in Contoso Test.',
      'It uses cont_sharedoffice365_8c1f2 (Office 365 Outlook), whose connection no longer exists in Contoso Test.',
    ]);
  });

  it('propagates a child packaged off to every parent, and names missing references and children', async () => {
    const child = FLOWS.find((f) => f.name === 'Child – Request manager approval');
    const invoice = FLOWS.find((f) => f.name === 'Invoice approval');
    if (!child || !invoice) throw new Error('fixtures changed');
    const stray: FlowDef = { ...invoice, id: 'abcdefab-0000-4000-8000-000000000001', name: 'Stray', calls: ['abcdefab-0000-4000-8000-0000000000ff'] };
    const pkg = await solution({ flows: [child, invoice, stray], offFlows: [child.id] });
    const p = previewImport(pkg, devSnapshot({ references: devSnapshot().references.filter((r) => r.logicalName !== 'cont_sharedapprovals_5e8d0') }));
    expect(p.flows.map((f) => [f.name, f.arrivesOff, f.reasons])).toEqual([
      ['Child – Request manager approval', true, ['It is off in the package.', 'It uses cont_sharedapprovals_5e8d0 (Approvals), which arrives unwired.']],
      ['Invoice approval', true, ['It uses cont_sharedapprovals_5e8d0 (Approvals), which arrives unwired.', 'It calls Child – Request manager approval, which will arrive off.']],
      [
        'Stray',
        true,
        ['It uses cont_sharedapprovals_5e8d0 (Approvals), which arrives unwired.', 'It calls a child flow (abcdefab-0000-4000-8000-0000000000ff) that is neither in the solution nor in Contoso Dev.'],
      ],
    ]);
    const noRefs = { ...pkg, connectionReferences: pkg.connectionReferences.filter((r) => r.logicalName !== 'cont_sharedsharepointonline_4d9e1') };
    const q = previewImport(noRefs, devSnapshot({ references: [] }));
    expect(q.flows.find((f) => f.name === 'Invoice approval')?.reasons).toContain('It uses cont_sharedsharepointonline_4d9e1, which is neither in the solution nor in Contoso Dev.');
  });

  it('warns about a downgrade and a scan of another solution', async () => {
    const p = previewImport(await solution({ version: '1.4.1.9' }), testSnapshot({ solution: { id: 's', uniqueName: 'ContosoHR', friendlyName: 'HR', version: '1.4.2.0', managed: true } }));
    expect(p.installation.kind).toBe('downgrade');
    expect(p.warnings.slice(0, 2)).toEqual([
      'The scan of Contoso Test is of ContosoHR, not ContosoOperations: rescan Contoso Test for ContosoOperations for an exact preview.',
      "Contoso Test has 1.4.2.0, newer than this package's 1.4.1.9: the import will be refused unless it is forced.",
    ]);
  });
});

describe('compareVersions', () => {
  it.each([
    ['1.4.3.0', '1.4.2.0', 1],
    ['1.4.2.0', '1.4.10.0', -1],
    ['1.4', '1.4.0.0', 0],
    ['2.0.0.0', '10.0.0.0', -1],
  ] as const)('%s vs %s', (a, b, want) => {
    expect(compareVersions(a, b)).toBe(want);
  });
});
