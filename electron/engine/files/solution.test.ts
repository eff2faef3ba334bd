import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatIssue } from './positions';
import { readSolution, type SolutionPackage, type SolutionReadResult } from './solution';
import { FLOWS, customizationsXml, flowFileName, flowJson, solutionXml, unpackedLayout, zipLayout, zipOf } from './test-support';

/** Solution files: both layouts, every way they can be wrong, each error naming its file and position. */

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'patchbay-solution-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function writeTree(root: string, files: Record<string, string | Uint8Array>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, ...path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, content);
  }
  return root;
}

const ok = (r: SolutionReadResult): SolutionPackage => {
  if (!r.ok) throw new Error(r.errors.map(formatIssue).join('\n'));
  return r.value;
};
const failures = (r: SolutionReadResult): string[] => (r.ok ? [] : r.errors.map(formatIssue));
const codes = (r: SolutionReadResult): string[] => (r.ok ? [] : r.errors.map((e) => e.code));
const read = (files: Record<string, string | Uint8Array>, name = 'ContosoOperations.zip'): Promise<SolutionReadResult> => readSolution(zipOf(files), { name });

const INVOICE = FLOWS.find((f) => f.name === 'Invoice approval');
const REQUEST_ACCESS = FLOWS.find((f) => f.name === 'Request site access');
if (!INVOICE || !REQUEST_ACCESS) throw new Error('fixtures changed');

describe('readSolution: an exported zip', () => {
  it('reads identity, references, variables and flows', async () => {
    const s = ok(await read(zipLayout({ packagedValues: { cont_ErpBaseUrl: 'https://erp.contoso.com/api/v2' }, offFlows: [INVOICE.id] }), 'ContosoOperations_1_4_3_0_managed.zip'));
    expect(s).toMatchObject({
      source: { kind: 'zip', name: 'ContosoOperations_1_4_3_0_managed.zip' },
      uniqueName: 'ContosoOperations',
      friendlyName: 'Contoso Operations',
      version: '1.4.3.0',
      packageType: 'managed',
      managed: true,
      publisher: { uniqueName: 'contoso', friendlyName: 'Contoso', prefix: 'cont' },
    });
    expect(s.connectionReferences).toHaveLength(8);
    expect(s.connectionReferences[2]).toEqual({
      logicalName: 'cont_sharedcontosoerp_3c6f8',
      displayName: 'Contoso Ops – Contoso ERP',
      connector: 'shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04',
      connectorId: '/providers/Microsoft.PowerApps/apis/shared_cont-5fcontoso-20erp-5f7d2f1a9c3e5b8a04',
    });
    expect(s.environmentVariables.map((v) => [v.schemaName, v.type, v.defaultValue, v.value])).toEqual([
      ['cont_ApprovalThreshold', 'Number', '5000', null],
      ['cont_AutoEscalate', 'Boolean', 'no', null],
      ['cont_ErpApiKey', 'Secret', null, null],
      ['cont_ErpBaseUrl', 'String', null, 'https://erp.contoso.com/api/v2'],
      ['cont_FeatureFlags', 'JSON', '{"newRouting":false}', null],
      ['cont_NotifyMailbox', 'String', null, null],
      ['cont_OpsSiteUrl', 'String', 'https://contoso.sharepoint.com/sites/ops-dev', null],
    ]);
    expect(s.environmentVariables[1]?.displayName).toBe('Escalate automatically');
    expect(s.flows).toHaveLength(9);
    expect(s.flows.find((f) => f.name === 'Invoice approval')).toEqual({
      id: '3f8bad54-7e6a-4c9b-8d4f-5abeab9c8d74',
      name: 'Invoice approval',
      category: 5,
      state: 'off',
      file: 'Workflows/Invoiceapproval-3F8BAD54-7E6A-4C9B-8D4F-5ABEAB9C8D74.json',
      references: [
        { key: 'shared_approvals', logicalName: 'cont_sharedapprovals_5e8d0', connector: 'shared_approvals', runtimeSource: 'embedded' },
        { key: 'shared_sharepointonline', logicalName: 'cont_sharedsharepointonline_4d9e1', connector: 'shared_sharepointonline', runtimeSource: 'embedded' },
        { key: 'shared_office365', logicalName: 'cont_sharedoffice365_8c1f2', connector: 'shared_office365', runtimeSource: 'embedded' },
      ],
      childFlowIds: ['2e7a9c43-6d5f-4b8a-9c3e-4fad9a8b7c63', '1d6f8b32-5c4e-4a7f-8b2d-3e9c8f7a6b52'],
    });
    expect(s.flows.find((f) => f.name === 'Request site access')?.references.map((r) => r.runtimeSource)).toEqual(['embedded', 'invoker']);
    expect(s.flows.find((f) => f.name === 'Weekly operations report')?.state).toBe('on');
  });

  it('reads the same zip from a path, and ignores classic processes (category ≠ 5)', async () => {
    const files = zipLayout();
    files['customizations.xml'] = (files['customizations.xml'] ?? '').replace(
      '  <Workflows>\n',
      '  <Workflows>\n    <Workflow WorkflowId="{aa000000-0000-4000-8000-000000000001}" Name="Account: set credit hold">\n      <XamlFileName>/Workflows/Accountsetcredithold-AA000000-0000-4000-8000-000000000001.xaml</XamlFileName>\n      <Category>0</Category>\n      <StateCode>1</StateCode>\n    </Workflow>\n',
    );
    const path = join(dir, 'ContosoOperations_1_4_3_0.zip');
    await writeFile(path, zipOf(files));
    const s = ok(await readSolution(path));
    expect(s.source).toEqual({ kind: 'zip', name: 'ContosoOperations_1_4_3_0.zip' });
    expect(s.flows).toHaveLength(9);
  });
});

describe('readSolution: unpacked folders', () => {
  it('reads a pac solution unpack folder (Other/, Workflows/*.json.data.xml) to the same content as the zip', async () => {
    const root = await writeTree(join(dir, 'unpacked'), unpackedLayout({ offFlows: [INVOICE.id] }));
    const folder = ok(await readSolution(root));
    const zip = ok(await read(zipLayout({ offFlows: [INVOICE.id] })));
    expect(folder.source).toEqual({ kind: 'folder', name: root });
    expect(folder.packageType).toBe('both');
    expect(folder.managed).toBe(false);
    expect(folder.connectionReferences).toEqual(zip.connectionReferences);
    expect(folder.environmentVariables).toEqual(zip.environmentVariables);
    expect(folder.flows).toEqual(zip.flows);
  });

  it('reads a .cdsproj folder (src/Other/Solution.xml) and an extracted zip (solution.xml at the root)', async () => {
    const cdsproj = join(dir, 'cdsproj');
    await writeTree(cdsproj, { 'ContosoOperations.cdsproj': '<Project />' });
    await writeTree(join(cdsproj, 'src'), unpackedLayout());
    const fromProject = ok(await readSolution(cdsproj));
    expect(fromProject.flows[0]?.file).toBe('src/Workflows/Archiveclosedcases-5BADCF76-9A8C-4EBD-8F6B-7CDACDBEAF96.json');
    const extracted = ok(await readSolution(await writeTree(join(dir, 'extracted'), zipLayout())));
    expect(extracted.flows).toHaveLength(9);
  });

  it('reads the committed fixture folder', async () => {
    const s = ok(await readSolution(join(import.meta.dirname, 'fixtures', 'ContosoOperations')));
    expect(s).toMatchObject({ uniqueName: 'ContosoOperations', version: '1.4.3.0', packageType: 'both', publisher: { prefix: 'cont' } });
    expect(s.connectionReferences.map((r) => r.logicalName)).toEqual(['cont_sharedcommondataserviceforapps_7f3c9', 'cont_sharedoffice365_8c1f2', 'cont_sharedteams_2b7a4']);
    expect(s.flows.map((f) => [f.name, f.state, f.childFlowIds])).toEqual([
      ['Child – Post Teams notification', 'on', []],
      ['Order intake – notify sales', 'on', ['0c5e7a21-4b3d-4f6e-9a1c-2d8b7e6f5a41']],
    ]);
    expect(s.environmentVariables.map((v) => [v.schemaName, v.type, v.defaultValue, v.value])).toEqual([
      ['cont_ApprovalThreshold', 'Number', '5000', null],
      ['cont_NotifyMailbox', 'String', null, 'ops@contoso.onmicrosoft.com'],
    ]);
  });

  it('refuses a path that does not exist and a folder that is not a solution', async () => {
    const missing = join(dir, 'nope.zip');
    expect(failures(await readSolution(missing))).toEqual([`${missing}: ${missing} does not exist.`]);
    const empty = join(dir, 'empty-folder');
    await mkdir(empty);
    expect(failures(await readSolution(empty))).toEqual([
      `${empty}: ${empty} is not a solution folder: expected Other/Solution.xml (a pac solution unpack folder, or its src/ in a .cdsproj project) or solution.xml (an extracted solution zip).`,
    ]);
  });
});

describe('readSolution: bad input', () => {
  it.each([
    ['a settings file', new TextEncoder().encode('{\n  "EnvironmentVariables": []\n}'), 'x.zip is not a zip archive (it starts with bytes 7B 0A 20 20, not "PK"). It looks like JSON — a deployment settings file? Export the solution with pac solution export or from the maker portal.'],
    ['an XML file', new TextEncoder().encode('\uFEFF<?xml version="1.0"?><ImportExportXml />'), 'x.zip is not a zip archive (it starts with bytes EF BB BF 3C, not "PK"). It looks like XML — pass the solution zip or the unpacked folder, not one of its files. Export the solution with pac solution export or from the maker portal.'],
    ['random bytes', new Uint8Array([0x1f, 0x8b, 0x08, 0x00, 0x00]), 'x.zip is not a zip archive (it starts with bytes 1F 8B 08 00, not "PK"). Export the solution with pac solution export or from the maker portal.'],
    ['an empty file', new Uint8Array(), 'x.zip is empty, not a solution zip.'],
  ])('refuses %s by its magic bytes', async (_, bytes, message) => {
    const r = await readSolution(bytes, { name: 'x.zip' });
    expect(r.ok ? [] : r.errors).toEqual([{ file: 'x.zip', line: null, column: null, code: 'not-a-zip', message }]);
  });

  it('refuses a damaged zip', async () => {
    const bytes = zipOf(zipLayout());
    const r = await readSolution(bytes.slice(0, bytes.length - 30), { name: 'x.zip' });
    expect(failures(r)).toEqual(['x.zip: x.zip is a damaged zip archive (invalid zip data); export the solution again.']);
    expect(codes(r)).toEqual(['zip-corrupt']);
  });

  it('refuses a zip re-packed with a compression method it cannot read (Deflate64)', async () => {
    const bytes = zipOf({ 'solution.xml': solutionXml() });
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < bytes.length - 4; i++) {
      const signature = view.getUint32(i, true);
      if (signature === 0x04034b50) view.setUint16(i + 8, 9, true);
      if (signature === 0x02014b50) view.setUint16(i + 10, 9, true);
    }
    expect(failures(await readSolution(bytes, { name: 'x.zip' }))).toEqual([
      'x.zip: x.zip uses a compression method Patchbay cannot read (unknown compression type 9); export the solution again instead of re-zipping it.',
    ]);
  });

  it('refuses a zip without solution.xml and customizations.xml', async () => {
    const r = await read({ 'readme.txt': 'hello' }, 'notes.zip');
    expect(failures(r)).toEqual([
      'notes.zip: notes.zip has no solution.xml: a solution has solution.xml and customizations.xml at its root. Is this a solution export?',
      'notes.zip: notes.zip has no customizations.xml: a solution has solution.xml and customizations.xml at its root. Is this a solution export?',
    ]);
    expect(codes(await read({ 'solution.xml': solutionXml() }))).toEqual(['missing-customizations-xml']);
  });

  it('refuses a zip whose solution files would inflate past the limit', async () => {
    const bytes = zipOf(zipLayout());
    // Claim 2 GiB uncompressed for customizations.xml in the central directory (a zip bomb's signature).
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const name = new TextEncoder().encode('customizations.xml');
    for (let i = 0; i < bytes.length - 46; i++) {
      if (view.getUint32(i, true) !== 0x02014b50) continue;
      const nameLength = view.getUint16(i + 28, true);
      if (nameLength === name.length && name.every((b, j) => bytes[i + 46 + j] === b)) view.setUint32(i + 24, 0x7fffffff, true);
    }
    const r = await readSolution(bytes, { name: 'bomb.zip' });
    expect(failures(r)).toEqual(['bomb.zip: bomb.zip is too large to be read as a solution (over 50000 entries or 512 MiB uncompressed).']);
    expect(codes(r)).toEqual(['zip-too-large']);
  });

  it('refuses zips with path-traversal entries, naming each', async () => {
    const r = await read({ ...zipLayout(), '../../.bashrc': 'echo owned', '/etc/cron.d/x': '* * * * * root x', 'C:\\Windows\\evil.dll': 'MZ', 'Workflows/..\\..\\x.json': '{}' }, 'evil.zip');
    expect(failures(r)).toEqual([
      'evil.zip: evil.zip contains an entry that points outside the archive: "../../.bashrc" climbs out with "..". Patchbay refuses solution files with such entries.',
      'evil.zip: evil.zip contains an entry that points outside the archive: "/etc/cron.d/x" is an absolute path. Patchbay refuses solution files with such entries.',
      'evil.zip: evil.zip contains an entry that points outside the archive: "C:\\Windows\\evil.dll" names a drive. Patchbay refuses solution files with such entries.',
      'evil.zip: evil.zip contains an entry that points outside the archive: "Workflows/..\\..\\x.json" climbs out with "..". Patchbay refuses solution files with such entries.',
    ]);
    expect(new Set(codes(r))).toEqual(new Set(['path-traversal']));
  });

  it('refuses a JsonFileName that climbs out of the solution', async () => {
    const files = zipLayout({ flows: [INVOICE] });
    files['customizations.xml'] = (files['customizations.xml'] ?? '').replace(`/${flowFileName(INVOICE)}`, '/Workflows/../../../etc/passwd');
    expect(failures(await read(files))).toEqual([
      'customizations.xml(7,21): JsonFileName "/Workflows/../../../etc/passwd" of flow "Invoice approval" climbs out with "..": it points outside the solution; refused.',
    ]);
  });

  it('names the line and column of malformed XML', async () => {
    const files = zipLayout();
    files['customizations.xml'] = (files['customizations.xml'] ?? '').replace('</connectorid>\n      <iscustomizable>0</iscustomizable>', '</connectorId>\n      <iscustomizable>0</iscustomizable>');
    expect(failures(await read(files))).toEqual([
      "customizations.xml(252,72): Not well-formed XML: Expected closing tag 'connectorid' (opened in line 252, col 7) instead of closing tag 'connectorId'.",
    ]);
    const broken = { ...zipLayout(), 'solution.xml': '<?xml version="1.0" encoding="utf-8"?>\n<ImportExportXml>\n  <SolutionManifest>\n    <UniqueName>Contoso & Co</UniqueName>\n' };
    expect(failures(await read(broken))).toEqual(["solution.xml(4,25): Not well-formed XML: char '&' is not expected."]);
  });

  it('refuses DOCTYPE declarations (entity expansion) and empty XML', async () => {
    const files = { ...zipLayout(), 'solution.xml': '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">]>\n<ImportExportXml />' };
    expect(failures(await read(files))).toEqual(['solution.xml(2,1): The file has a DOCTYPE declaration, which solution files never have; refused.']);
    expect(failures(await read({ ...zipLayout(), 'customizations.xml': '\n' }))).toEqual(['customizations.xml(1,1): The file is empty; expected XML.']);
  });

  it('refuses a manifest without identity', async () => {
    expect(failures(await read({ ...zipLayout(), 'solution.xml': '<ImportExportXml><Entities /></ImportExportXml>' }))).toEqual([
      'solution.xml(1,1): No <ImportExportXml><SolutionManifest> element: this is not a solution manifest.',
    ]);
    const noVersion = solutionXml().replace(/ {4}<Version>.*<\/Version>\n/, '');
    expect(failures(await read({ ...zipLayout(), 'solution.xml': noVersion }))).toEqual(['solution.xml(3,3): The solution manifest has no <Version>.']);
  });

  it('names the file and position of a broken flow definition', async () => {
    const files = zipLayout();
    const path = flowFileName(INVOICE);
    files[path] = `${JSON.stringify(JSON.parse(flowJson(INVOICE)), null, 2)}`.replace('"runtimeSource": "embedded",\n', '"runtimeSource": "embedded"\n');
    const r = await read(files);
    expect(r.ok ? [] : r.errors).toEqual([
      { file: path, line: 6, column: 9, code: 'flow-json-syntax', message: 'Invalid JSON: expected "," between items, found "\\"connection\\"".' },
    ]);
    files[path] = '{"schemaVersion":"1.0.0.0"}';
    expect(failures(await read(files))).toEqual([`${path}: Flow "Invoice approval" cannot be read: The flow clientdata has no properties object.`]);
  });

  it('refuses a flow whose definition file is missing or whose id is not a GUID', async () => {
    const files = zipLayout();
    delete files[flowFileName(INVOICE)];
    expect(failures(await read(files))).toEqual([
      `customizations.xml(85,21): Flow "Invoice approval" (${INVOICE.id}) has no definition in the solution: /${flowFileName(INVOICE)} is missing.`,
    ]);
    const badId = zipLayout({ flows: [INVOICE] });
    badId['customizations.xml'] = (badId['customizations.xml'] ?? '').replace(`{${INVOICE.id}}`, '{not-a-guid}');
    expect(failures(await read(badId))).toEqual(['customizations.xml(6,27): Flow "Invoice approval" has an invalid WorkflowId "{not-a-guid}".']);
  });

  it('refuses connection references and variables it cannot understand', async () => {
    const files = zipLayout();
    files['customizations.xml'] = (files['customizations.xml'] ?? '').replace('      <connectorid>/providers/Microsoft.PowerApps/apis/shared_teams</connectorid>\n', '');
    files['environmentvariabledefinitions/cont_FeatureFlags/environmentvariabledefinition.xml'] = (
      files['environmentvariabledefinitions/cont_FeatureFlags/environmentvariabledefinition.xml'] ?? ''
    ).replace('<type>100000003</type>', '<type>100000009</type>');
    files['environmentvariabledefinitions/cont_OpsSiteUrl/environmentvariablevalues.json'] = '{ "environmentvariablevalues": { "environmentvariablevalue": { "value": "x", } } }';
    expect(failures(await read(files))).toEqual([
      'customizations.xml(274,57): Connection reference cont_sharedteams_2b7a4 has no <connectorid>.',
      'environmentvariabledefinitions/cont_FeatureFlags/environmentvariabledefinition.xml(11,3): Environment variable cont_FeatureFlags has an unknown <type> 100000009 (expected 100000000–100000005).',
      'environmentvariabledefinitions/cont_OpsSiteUrl/environmentvariablevalues.json(1,76): Invalid JSON: trailing comma before "}"; remove it.',
    ]);
  });

  it('warns about a flow definition no <Workflow> row declares', async () => {
    const r = await read({ ...zipLayout({ flows: [INVOICE] }), 'Workflows/Orphan-11111111-2222-4333-8444-555555555555.json': flowJson(REQUEST_ACCESS) });
    expect(r.ok).toBe(true);
    expect(r.warnings.map(formatIssue)).toEqual(['Workflows/Orphan-11111111-2222-4333-8444-555555555555.json: No <Workflow> row in the solution names this file, so the import ignores it.']);
  });

  it('accepts attribute-style workflow rows and a missing JsonFileName (found by its id)', async () => {
    const files = zipLayout({ flows: [INVOICE] });
    files['customizations.xml'] = customizationsXml({ flows: [] }, false).replace(
      '  <Workflows />',
      `  <Workflows>\n    <Workflow WorkflowId="{${INVOICE.id.toUpperCase()}}" Name="Invoice approval" Category="5" StateCode="1" />\n  </Workflows>`,
    );
    const s = ok(await read(files));
    expect(s.flows.map((f) => [f.id, f.state, f.file])).toEqual([[INVOICE.id, 'on', flowFileName(INVOICE)]]);
  });
});
