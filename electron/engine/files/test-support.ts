import { strToU8, zipSync } from 'fflate';
import type { CloudFlow, ConnectionReference, EnvironmentVariable } from '../../../shared/domain/types';
import type { ConnectionWithShares, EnvironmentSnapshot, PrincipalRights } from '../../../shared/engine/snapshot';
import { buildClientData, type FlowTrigger } from '../../sandbox/scenarios/clientdata';
import { contosoConnectors } from '../../sandbox/scenarios/contoso';

/**
 * Fixtures for the file tests: the ContosoOperations solution of the sandbox's demo tenant (same
 * references, flows, variables and connectors), as hand-built environment snapshots (Dev wired and on,
 * Test freshly deployed: unwired, flows off) and as solution files in both layouts — an exported zip
 * and a `pac solution unpack` folder. Only for tests.
 */

type ConnectorKey = keyof typeof contosoConnectors;

export const MAKER = '5b0c6a8e-1d7f-4c3a-9e21-7a4f0c2d9b11';
export const SERVICE = '8e3d2f1a-6c4b-4d5e-8f90-1a2b3c4d5e6f';
export const FORMER = 'c7a9e5d3-2b1f-4e6d-9c8b-0f1e2d3c4b5a';

export interface RefDef {
  handle: string;
  logicalName: string;
  displayName: string;
  connector: ConnectorKey;
}

export const REFS: RefDef[] = [
  { handle: 'outlook', logicalName: 'cont_sharedoffice365_8c1f2', displayName: 'Contoso Ops – Office 365 Outlook', connector: 'outlook' },
  { handle: 'notify', logicalName: 'cont_sharedoffice365_b41e7', displayName: 'Contoso Ops – Notifications mailbox', connector: 'outlook' },
  { handle: 'sharepoint', logicalName: 'cont_sharedsharepointonline_4d9e1', displayName: 'Contoso Ops – SharePoint', connector: 'sharepoint' },
  { handle: 'teams', logicalName: 'cont_sharedteams_2b7a4', displayName: 'Contoso Ops – Microsoft Teams', connector: 'teams' },
  { handle: 'dataverse', logicalName: 'cont_sharedcommondataserviceforapps_7f3c9', displayName: 'Contoso Ops – Dataverse', connector: 'dataverse' },
  { handle: 'approvals', logicalName: 'cont_sharedapprovals_5e8d0', displayName: 'Contoso Ops – Approvals', connector: 'approvals' },
  { handle: 'sql', logicalName: 'cont_sharedsql_9a1b6', displayName: 'Contoso Ops – SQL Server', connector: 'sql' },
  { handle: 'erp', logicalName: 'cont_sharedcontosoerp_3c6f8', displayName: 'Contoso Ops – Contoso ERP', connector: 'erp' },
];

export interface FlowDef {
  id: string;
  name: string;
  trigger: FlowTrigger;
  uses: string[];
  invoker?: string[];
  calls?: string[];
}

export const FLOWS: FlowDef[] = [
  { id: '0c5e7a21-4b3d-4f6e-9a1c-2d8b7e6f5a41', name: 'Child – Post Teams notification', trigger: 'child', uses: ['teams'] },
  { id: '1d6f8b32-5c4e-4a7f-8b2d-3e9c8f7a6b52', name: 'Child – Write audit record', trigger: 'child', uses: ['dataverse'] },
  { id: '2e7a9c43-6d5f-4b8a-9c3e-4fad9a8b7c63', name: 'Child – Request manager approval', trigger: 'child', uses: ['approvals', 'outlook'], calls: ['0c5e7a21-4b3d-4f6e-9a1c-2d8b7e6f5a41'] },
  { id: '3f8bad54-7e6a-4c9b-8d4f-5abeab9c8d74', name: 'Invoice approval', trigger: 'instant', uses: ['approvals', 'sharepoint', 'outlook'], calls: ['2e7a9c43-6d5f-4b8a-9c3e-4fad9a8b7c63', '1d6f8b32-5c4e-4a7f-8b2d-3e9c8f7a6b52'] },
  { id: '4a9cbe65-8f7b-4dac-9e5a-6bcfbcad9e85', name: 'Daily SQL sync to Dataverse', trigger: 'scheduled', uses: ['sql', 'dataverse'] },
  { id: '5badcf76-9a8c-4ebd-8f6b-7cdacdbeaf96', name: 'Archive closed cases', trigger: 'scheduled', uses: ['dataverse'] },
  { id: '6cbed087-ab9d-4fce-9a7c-8debdecfbaa7', name: 'Weekly operations report', trigger: 'scheduled', uses: ['sql', 'notify'] },
  { id: '7dcfe198-bcae-4adf-8b8d-9efcefdacbb8', name: 'Request site access', trigger: 'instant', uses: ['sharepoint', 'teams'], invoker: ['teams'] },
  { id: '8ed0f2a9-cdbf-4bea-9c9e-afadfaebdcc9', name: 'New ERP customer to Dataverse', trigger: 'scheduled', uses: ['erp', 'dataverse'], calls: ['1d6f8b32-5c4e-4a7f-8b2d-3e9c8f7a6b52'] },
];

export interface VarDef {
  schemaName: string;
  displayName: string;
  type: EnvironmentVariable['type'];
  typeCode: number;
  defaultValue: string | null;
  dev: string | null;
  test: string | null;
}

export const VARS: VarDef[] = [
  { schemaName: 'cont_ErpBaseUrl', displayName: 'ERP base URL', type: 'String', typeCode: 100000000, defaultValue: null, dev: 'https://erp-dev.contoso.com/api/v2', test: 'https://erp-test.contoso.com/api/v2' },
  { schemaName: 'cont_OpsSiteUrl', displayName: 'Operations SharePoint site', type: 'String', typeCode: 100000000, defaultValue: 'https://contoso.sharepoint.com/sites/ops-dev', dev: null, test: 'https://contoso.sharepoint.com/sites/ops-test' },
  { schemaName: 'cont_ApprovalThreshold', displayName: 'Approval threshold (USD)', type: 'Number', typeCode: 100000001, defaultValue: '5000', dev: null, test: null },
  { schemaName: 'cont_NotifyMailbox', displayName: 'Notifications mailbox', type: 'String', typeCode: 100000000, defaultValue: null, dev: 'ops-dev@contoso.onmicrosoft.com', test: null },
  { schemaName: 'cont_FeatureFlags', displayName: 'Feature flags', type: 'JSON', typeCode: 100000003, defaultValue: '{"newRouting":false}', dev: null, test: null },
  { schemaName: 'cont_AutoEscalate', displayName: 'Escalate automatically', type: 'Boolean', typeCode: 100000002, defaultValue: 'no', dev: 'yes', test: null },
  {
    schemaName: 'cont_ErpApiKey',
    displayName: 'ERP API key',
    type: 'Secret',
    typeCode: 100000005,
    defaultValue: null,
    dev: '/subscriptions/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b/resourceGroups/contoso-ops/providers/Microsoft.KeyVault/vaults/contoso-ops-kv/secrets/erp-api-key',
    test: null,
  },
];

const apiName = (key: ConnectorKey): string => contosoConnectors[key].apiName;

export function refDef(handle: string): RefDef {
  const def = REFS.find((r) => r.handle === handle);
  if (!def) throw new Error(`no reference ${handle}`);
  return def;
}

/** A flow's uses as the sandbox builds them: a second reference of one connector gets the `_1` key. */
export function flowUses(def: FlowDef): { key: string; apiName: string; logicalName: string; runtimeSource: 'embedded' | 'invoker' }[] {
  const perConnector = new Map<string, number>();
  return def.uses.map((handle) => {
    const ref = refDef(handle);
    const api = apiName(ref.connector);
    const n = perConnector.get(api) ?? 0;
    perConnector.set(api, n + 1);
    return { key: n === 0 ? api : `${api}_${n}`, apiName: api, logicalName: ref.logicalName, runtimeSource: def.invoker?.includes(handle) ? 'invoker' : 'embedded' };
  });
}

export function flowJson(def: FlowDef): string {
  return buildClientData({ trigger: def.trigger, references: flowUses(def), childWorkflowIds: def.calls ?? [] });
}

// ── snapshots

const rights = (objectId: string, displayName: string, over: Partial<PrincipalRights> = {}): PrincipalRights => ({
  objectId,
  displayName,
  present: true,
  disabled: false,
  isApplicationUser: false,
  delegate: false,
  canWrite: true,
  platformAdmin: false,
  ...over,
});

const PEOPLE: Record<string, string> = { [MAKER]: 'Nestor Wilke', [SERVICE]: 'Contoso Integration Service', [FORMER]: 'Isaiah Langer' };

export function connection(name: string, connector: string, owner: string, over: Partial<ConnectionWithShares> = {}): ConnectionWithShares {
  const api = connector in contosoConnectors ? apiName(connector as ConnectorKey) : connector;
  return {
    name,
    environmentId: 'env',
    connector: api,
    displayName: `${PEOPLE[owner] ?? owner}`,
    owner: { objectId: owner, displayName: PEOPLE[owner] ?? owner, type: 'User', userPrincipalName: null },
    health: { kind: 'connected' },
    createdTime: '2026-01-05T09:00:00Z',
    shares: [],
    ...over,
  };
}

/** Connection names: 32 hex digits, as the platform makes them. */
export const DEV_CONN: Record<ConnectorKey, string> = {
  outlook: '4a7deaf45e014a1897b64447a5bd1785',
  sharepoint: '9c1e0b7d2f3a4e5b8c6d7e8f9a0b1c2d',
  teams: '2b3c4d5e6f708192a3b4c5d6e7f80912',
  dataverse: 'shared-commondataser-114efb88-a991-40c7-b75f-2693-b1ca6a0c',
  approvals: '7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b',
  sql: '0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a',
  erp: 'eeaacf6398c44a6f8f54c9eab81b10ff-f7cedc19b6a85106',
};

export const TEST_CONN: Record<ConnectorKey, string> = {
  outlook: 'b2c3d4e5f60718293a4b5c6d7e8f9012',
  sharepoint: 'c3d4e5f60718293a4b5c6d7e8f901234',
  teams: 'd4e5f60718293a4b5c6d7e8f90123456',
  dataverse: 'e5f60718293a4b5c6d7e8f9012345678',
  approvals: 'f60718293a4b5c6d7e8f901234567890',
  sql: '0718293a4b5c6d7e8f90123456789abc',
  erp: '18293a4b5c6d7e8f90123456789abcde',
};
export const TEST_MAKER_OUTLOOK = '293a4b5c6d7e8f90123456789abcdef0';
export const TEST_BROKEN_SQL = '3a4b5c6d7e8f90123456789abcdef012';
export const TEST_FORMER_SHAREPOINT = '4b5c6d7e8f90123456789abcdef01234';

function reference(def: RefDef, connectionId: string | null): ConnectionReference {
  const api = apiName(def.connector);
  return {
    id: `ref-${def.handle}`,
    logicalName: def.logicalName,
    displayName: def.displayName,
    connector: api,
    connectorId: `/providers/Microsoft.PowerApps/apis/${api}`,
    connectionId,
    etag: 'W/"100"',
    managed: true,
  };
}

function flow(def: FlowDef, state: CloudFlow['state']): CloudFlow {
  return {
    id: def.id,
    name: def.name,
    state,
    ownerId: 'owner',
    managed: true,
    etag: 'W/"200"',
    references: flowUses(def).map((u) => ({ key: u.key, logicalName: u.logicalName, connector: u.apiName, runtimeSource: u.runtimeSource })),
    childFlowIds: def.calls ?? [],
    definitionError: null,
    modifiedOn: '2026-02-01T00:00:00Z',
  };
}

function envVar(def: VarDef, value: string | null): EnvironmentVariable {
  return {
    definitionId: `def-${def.schemaName.toLowerCase()}`,
    schemaName: def.schemaName,
    displayName: def.displayName,
    type: def.type,
    defaultValue: def.defaultValue,
    valueId: value === null ? null : `val-${def.schemaName.toLowerCase()}`,
    value,
  };
}

function baseSnapshot(id: string, displayName: string, over: Partial<EnvironmentSnapshot>): EnvironmentSnapshot {
  return {
    environment: { id, displayName, sku: 'Sandbox', region: 'unitedstates', isDefault: false, instanceUrl: `https://${id}.crm.dynamics.com/`, organizationId: `org-${id}` },
    scannedAt: '2026-03-01T08:00:00Z',
    solution: { id: 'sol', uniqueName: 'ContosoOperations', friendlyName: 'Contoso Operations', version: '1.4.2.0', managed: true },
    references: [],
    flows: [],
    envVars: [],
    connections: [],
    users: [],
    rights: {
      [MAKER]: rights(MAKER, PEOPLE[MAKER] ?? ''),
      [SERVICE]: rights(SERVICE, PEOPLE[SERVICE] ?? ''),
      [FORMER]: rights(FORMER, PEOPLE[FORMER] ?? '', { disabled: true }),
    },
    identities: { me: MAKER },
    problems: [],
    ...over,
  };
}

/** Dev: the maker's connections, every reference wired, every flow on. */
export function devSnapshot(over: Partial<EnvironmentSnapshot> = {}): EnvironmentSnapshot {
  const keys = Object.keys(DEV_CONN) as ConnectorKey[];
  return baseSnapshot('contoso-dev', 'Contoso Dev', {
    solution: { id: 'sol', uniqueName: 'ContosoOperations', friendlyName: 'Contoso Operations', version: '1.4.3.0', managed: false },
    references: REFS.map((r) => reference(r, DEV_CONN[r.connector])),
    flows: FLOWS.map((f) => flow(f, 'on')),
    envVars: VARS.map((v) => envVar(v, v.dev)),
    connections: keys.map((k) => connection(DEV_CONN[k], k, MAKER)),
    ...over,
  });
}

/**
 * Test, just after the pipeline deployment: nothing wired, every flow off. The integration service
 * account has a healthy connection per connector; distractors: the maker's Outlook connection, an
 * expired SQL connection, the former employee's SharePoint connection.
 */
export function testSnapshot(over: Partial<EnvironmentSnapshot> = {}): EnvironmentSnapshot {
  const keys = Object.keys(TEST_CONN) as ConnectorKey[];
  return baseSnapshot('contoso-test', 'Contoso Test', {
    references: REFS.map((r) => reference(r, null)),
    flows: FLOWS.map((f) => flow(f, 'off')),
    envVars: VARS.map((v) => envVar(v, v.test)),
    connections: [
      ...keys.map((k) => connection(TEST_CONN[k], k, SERVICE)),
      connection(TEST_MAKER_OUTLOOK, 'outlook', MAKER, { createdTime: '2026-01-02T09:00:00Z' }),
      connection(TEST_BROKEN_SQL, 'sql', SERVICE, {
        createdTime: '2025-11-01T09:00:00Z',
        health: { kind: 'error', code: 'Unauthenticated', message: 'The refresh token has expired due to inactivity.' },
      }),
      connection(TEST_FORMER_SHAREPOINT, 'sharepoint', FORMER, { createdTime: '2025-10-01T09:00:00Z' }),
    ],
    ...over,
  });
}

// ── solution files

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const flowFileName = (def: FlowDef): string => `Workflows/${def.name.replace(/[^A-Za-z0-9]/g, '')}-${def.id.toUpperCase()}.json`;

export interface SolutionFixture {
  version?: string;
  managed?: 0 | 1 | 2;
  refs?: RefDef[];
  flows?: FlowDef[];
  vars?: VarDef[];
  /** Flow ids packaged off (StateCode 0); default: all on. */
  offFlows?: string[];
  /** Schema names whose value ships in environmentvariablevalues.json. */
  packagedValues?: Record<string, string>;
}

export function solutionXml(f: SolutionFixture = {}): string {
  const flows = f.flows ?? FLOWS;
  const vars = f.vars ?? VARS;
  return `<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml version="9.2.26014.164" SolutionPackageVersion="9.2" languagecode="1033" generatedBy="CrmLive" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" OrganizationVersion="9.2.26014.164" OrganizationSchemaType="Standard" CRMServerServiceabilityVersion="9.2.26014.00164">
  <SolutionManifest>
    <UniqueName>ContosoOperations</UniqueName>
    <LocalizedNames>
      <LocalizedName description="Contoso Operations" languagecode="1033" />
    </LocalizedNames>
    <Descriptions />
    <Version>${f.version ?? '1.4.3.0'}</Version>
    <Managed>${f.managed ?? 1}</Managed>
    <Publisher>
      <UniqueName>contoso</UniqueName>
      <LocalizedNames>
        <LocalizedName description="Contoso" languagecode="1033" />
      </LocalizedNames>
      <Descriptions />
      <EMailAddress xsi:nil="true"></EMailAddress>
      <SupportingWebsiteUrl xsi:nil="true"></SupportingWebsiteUrl>
      <CustomizationPrefix>cont</CustomizationPrefix>
      <CustomizationOptionValuePrefix>41207</CustomizationOptionValuePrefix>
      <Addresses />
    </Publisher>
    <RootComponents>
${flows.map((d) => `      <RootComponent type="29" id="{${d.id}}" behavior="0" />`).join('\n')}
${vars.map((v) => `      <RootComponent type="380" schemaName="${v.schemaName}" behavior="0" />`).join('\n')}
    </RootComponents>
    <MissingDependencies />
  </SolutionManifest>
</ImportExportXml>
`;
}

export function workflowXml(def: FlowDef, on: boolean, indent = '    '): string {
  const lines = [
    `<Workflow WorkflowId="{${def.id}}" Name="${esc(def.name)}">`,
    `  <JsonFileName>/${flowFileName(def)}</JsonFileName>`,
    '  <Type>1</Type>',
    '  <Subprocess>0</Subprocess>',
    '  <Category>5</Category>',
    '  <Mode>0</Mode>',
    '  <Scope>4</Scope>',
    '  <OnDemand>0</OnDemand>',
    '  <TriggerOnCreate>0</TriggerOnCreate>',
    '  <TriggerOnDelete>0</TriggerOnDelete>',
    '  <AsyncAutodelete>0</AsyncAutodelete>',
    '  <SyncWorkflowLogOnFailure>0</SyncWorkflowLogOnFailure>',
    `  <StateCode>${on ? 1 : 0}</StateCode>`,
    `  <StatusCode>${on ? 2 : 1}</StatusCode>`,
    '  <RunAs>1</RunAs>',
    '  <IsTransacted>1</IsTransacted>',
    '  <IntroducedVersion>1.0.0.0</IntroducedVersion>',
    '  <IsCustomizable>0</IsCustomizable>',
    '  <BusinessProcessType>0</BusinessProcessType>',
    '  <IsCustomProcessingStepAllowedForOtherPublishers>1</IsCustomProcessingStepAllowedForOtherPublishers>',
    '  <ModernFlowType>0</ModernFlowType>',
    '  <PrimaryEntity>none</PrimaryEntity>',
    '  <LocalizedNames>',
    `    <LocalizedName languagecode="1033" description="${esc(def.name)}" />`,
    '  </LocalizedNames>',
    '</Workflow>',
  ];
  return lines.map((l) => indent + l).join('\n');
}

export function customizationsXml(f: SolutionFixture = {}, withWorkflows = true): string {
  const flows = f.flows ?? FLOWS;
  const refs = f.refs ?? REFS;
  const workflows = withWorkflows ? `  <Workflows>\n${flows.map((d) => workflowXml(d, !(f.offFlows ?? []).includes(d.id))).join('\n')}\n  </Workflows>` : '  <Workflows />';
  return `<?xml version="1.0" encoding="utf-8"?>
<ImportExportXml xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" OrganizationVersion="9.2.26014.164" OrganizationSchemaType="Standard" CRMServerServiceabilityVersion="9.2.26014.00164">
  <Entities />
  <Roles />
${workflows}
  <FieldSecurityProfiles />
  <Templates />
  <EntityMaps />
  <EntityRelationships />
  <OrganizationSettings />
  <optionsets />
  <CustomControls />
  <EntityDataProviders />
  <connectionreferences>
${refs
  .map(
    (r) => `    <connectionreference connectionreferencelogicalname="${r.logicalName}">
      <connectionreferencedisplayname>${esc(r.displayName)}</connectionreferencedisplayname>
      <connectorid>/providers/Microsoft.PowerApps/apis/${apiName(r.connector)}</connectorid>
      <iscustomizable>0</iscustomizable>
      <promptingbehavior>0</promptingbehavior>
      <statecode>0</statecode>
      <statuscode>1</statuscode>
    </connectionreference>`,
  )
  .join('\n')}
  </connectionreferences>
  <Languages>
    <Language>1033</Language>
  </Languages>
</ImportExportXml>
`;
}

export function envVarXml(v: VarDef): string {
  return `<environmentvariabledefinition schemaname="${v.schemaName}">
${v.defaultValue === null ? '' : `  <defaultvalue>${esc(v.defaultValue)}</defaultvalue>\n`}  <description default="" />
  <displayname default="${esc(v.displayName)}">
    <label description="${esc(v.displayName)}" languagecode="1033" />
  </displayname>
  <introducedversion>1.0.0.0</introducedversion>
  <iscustomizable>1</iscustomizable>
  <isrequired>0</isrequired>
  <secretstore>${v.type === 'Secret' ? 1 : 0}</secretstore>
  <type>${v.typeCode}</type>
</environmentvariabledefinition>
`;
}

export function envVarValuesJson(schemaName: string, value: string): string {
  return `${JSON.stringify(
    { environmentvariablevalues: { environmentvariablevalue: { environmentvariablevalueid: '{6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d}', iscustomizable: '1', schemaname: schemaName, statecode: '0', statuscode: '1', value } } },
    null,
    2,
  )}\n`;
}

/** The files of an exported solution zip: solution.xml, customizations.xml at the root. */
export function zipLayout(f: SolutionFixture = {}): Record<string, string> {
  const files: Record<string, string> = {
    '[Content_Types].xml': '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/octet-stream" /><Default Extension="json" ContentType="application/octet-stream" /></Types>',
    'solution.xml': solutionXml(f),
    'customizations.xml': customizationsXml(f),
  };
  for (const d of f.flows ?? FLOWS) files[flowFileName(d)] = flowJson(d);
  for (const v of f.vars ?? VARS) {
    files[`environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`] = envVarXml(v);
    const packaged = f.packagedValues?.[v.schemaName];
    if (packaged !== undefined) files[`environmentvariabledefinitions/${v.schemaName}/environmentvariablevalues.json`] = envVarValuesJson(v.schemaName, packaged);
  }
  return files;
}

/** The same solution as `pac solution unpack` lays it out: Other/, Workflows/*.json(.data.xml). */
export function unpackedLayout(f: SolutionFixture = {}): Record<string, string> {
  const files: Record<string, string> = {
    'Other/Solution.xml': solutionXml({ managed: 2, ...f }),
    'Other/Customizations.xml': customizationsXml(f, false),
  };
  for (const d of f.flows ?? FLOWS) {
    files[flowFileName(d)] = `${JSON.stringify(JSON.parse(flowJson(d)), null, 2)}\n`;
    files[`${flowFileName(d)}.data.xml`] = `<?xml version="1.0" encoding="utf-8"?>\n${workflowXml(d, !(f.offFlows ?? []).includes(d.id), '')}\n`;
  }
  for (const v of f.vars ?? VARS) {
    files[`environmentvariabledefinitions/${v.schemaName}/environmentvariabledefinition.xml`] = envVarXml(v);
    const packaged = f.packagedValues?.[v.schemaName];
    if (packaged !== undefined) files[`environmentvariabledefinitions/${v.schemaName}/environmentvariablevalues.json`] = envVarValuesJson(v.schemaName, packaged);
  }
  return files;
}

export function zipOf(files: Record<string, string | Uint8Array>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, content]) => [name, typeof content === 'string' ? strToU8(content) : content])));
}
