import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloudTestbed, type CloudTestbed } from '../testkit';
import { readCloudFlows } from './cloud-flows';
import { connectionReferenceComponentType, readSolutionComponents, WORKFLOW_COMPONENT } from './components';
import { readConnectionReferences } from './connection-references';
import { readEnvironmentVariables } from './environment-variables';
import { listSolutions, readSolution } from './solutions';
import { readSystemUsersByIds, readSystemUsersByObjectIds } from './system-users';

const pipeline = { app: 'pipeline' } as const;
const stages = ['dev', 'test', 'uat', 'prod'] as const;

let tb: CloudTestbed;
beforeAll(async () => {
  tb = await startCloudTestbed();
});
afterAll(async () => {
  await tb.close();
});

async function solutionIn(stage: (typeof stages)[number]) {
  const dv = tb.dataverse(stage, pipeline);
  const solution = await readSolution(dv, 'ContosoOperations');
  if (!solution) throw new Error(`no solution in ${stage}`);
  return { dv, solution };
}

describe('typed readers against contoso', () => {
  it('reads the solution by unique name, and lists visible solutions', async () => {
    const { dv, solution } = await solutionIn('test');
    expect(solution).toMatchObject({ uniqueName: 'ContosoOperations', friendlyName: 'Contoso Operations', version: '1.4.2.0', managed: true });
    expect((await solutionIn('dev')).solution.managed).toBe(false);
    expect(await readSolution(dv, "No'Such")).toBeNull();
    const all = await listSolutions(dv);
    expect(all.map((s) => s.uniqueName)).toContain('ContosoOperations');
  });

  it('looks the connection-reference component type up per environment (it differs)', async () => {
    const types = await Promise.all(stages.map((s) => connectionReferenceComponentType(tb.dataverse(s, pipeline))));
    expect(types).toEqual([10091, 10163, 10150, 10437]);
    const { dv, solution } = await solutionIn('uat');
    const components = await readSolutionComponents(dv, solution.id, await connectionReferenceComponentType(dv));
    expect(components).toHaveLength(9);
    expect(await readSolutionComponents(dv, solution.id, WORKFLOW_COMPONENT)).toHaveLength(16);
  });

  it('Test: 9 references all unwired, 16 flows all off, 3 child flows called', async () => {
    const { dv, solution } = await solutionIn('test');
    const refs = await readConnectionReferences(dv, { solutionId: solution.id });
    expect(refs).toHaveLength(9);
    expect(refs.every((r) => r.connectionId === null && r.managed)).toBe(true);
    expect(refs.every((r) => /^W\/"\d+"$/.test(r.etag))).toBe(true);
    expect(new Set(refs.map((r) => r.connector)).size).toBe(7);
    const outlook = refs.find((r) => r.logicalName === 'cont_sharedoffice365_8c1f2');
    expect(outlook).toMatchObject({ connector: 'shared_office365', connectorId: '/providers/Microsoft.PowerApps/apis/shared_office365' });

    const flows = await readCloudFlows(dv, { solutionId: solution.id });
    expect(flows).toHaveLength(16);
    expect(flows.every((f) => f.state === 'off' && f.definitionError === null)).toBe(true);
    const children = new Set(flows.flatMap((f) => f.childFlowIds));
    expect(children.size).toBe(3);
    for (const child of children) expect(flows.some((f) => f.id === child)).toBe(true);

    const triage = flows.find((f) => f.name === 'Shared mailbox triage');
    expect(triage?.references.map((r) => r.key).sort()).toEqual(['shared_office365', 'shared_office365_1']);
    const site = flows.find((f) => f.name === 'Request site access');
    expect(site?.references.find((r) => r.connector === 'shared_teams')?.runtimeSource).toBe('invoker');
    // Every reference a flow uses is one of the solution's references.
    const logicalNames = new Set(refs.map((r) => r.logicalName));
    expect(flows.flatMap((f) => f.references).every((r) => r.logicalName !== null && logicalNames.has(r.logicalName))).toBe(true);
  });

  it('Dev: references wired and flows on; classic processes and personal flows are not in the solution', async () => {
    const { dv, solution } = await solutionIn('dev');
    const refs = await readConnectionReferences(dv, { solutionId: solution.id });
    expect(refs.every((r) => r.connectionId !== null && !r.managed)).toBe(true);
    const flows = await readCloudFlows(dv, { solutionId: solution.id });
    expect(flows).toHaveLength(16);
    expect(flows.every((f) => f.state === 'on')).toBe(true);
  });

  it('UAT and Prod: the same solution, unwired and off', async () => {
    for (const stage of ['uat', 'prod'] as const) {
      const { dv, solution } = await solutionIn(stage);
      const [refs, flows] = await Promise.all([readConnectionReferences(dv, { solutionId: solution.id }), readCloudFlows(dv, { solutionId: solution.id })]);
      expect(refs.filter((r) => r.connectionId === null)).toHaveLength(9);
      expect(flows.filter((f) => f.state === 'off')).toHaveLength(16);
    }
  });

  it('environment variables with this environment’s values', async () => {
    const test = await solutionIn('test');
    const vars = await readEnvironmentVariables(test.dv, { solutionId: test.solution.id });
    expect(vars).toHaveLength(5);
    const bySchema = Object.fromEntries(vars.map((v) => [v.schemaName, v]));
    expect(bySchema['cont_ErpBaseUrl']).toMatchObject({ type: 'String', value: 'https://erp-test.contoso.com/api/v2', defaultValue: null });
    expect(bySchema['cont_ApprovalThreshold']).toMatchObject({ type: 'Number', value: null, valueId: null, defaultValue: '5000' });
    expect(bySchema['cont_FeatureFlags']?.type).toBe('JSON');
    const prod = await solutionIn('prod');
    const prodVars = await readEnvironmentVariables(prod.dv, { solutionId: prod.solution.id });
    expect(prodVars.filter((v) => v.value !== null).map((v) => [v.schemaName, v.value])).toEqual([['cont_ApprovalThreshold', '25000']]);
  });

  it('system users by object ids and by ids: disabled people and application users', async () => {
    const dv = tb.dataverse('test', pipeline);
    const former = tb.h.oid({ user: 'formerEmployee' });
    const spn = tb.h.oid(pipeline);
    const users = await readSystemUsersByObjectIds(dv, [former, spn, former.toUpperCase()]);
    expect(users).toHaveLength(2);
    const byOid = new Map(users.map((u) => [u.objectId, u]));
    expect(byOid.get(former)).toMatchObject({ disabled: true, isApplicationUser: false, fullName: 'Isaiah Langer' });
    expect(byOid.get(spn)).toMatchObject({ disabled: false, isApplicationUser: true });
    expect(byOid.get(spn)?.applicationId).not.toBeNull();
    const again = await readSystemUsersByIds(dv, users.map((u) => u.id));
    expect(again.map((u) => u.id).sort()).toEqual(users.map((u) => u.id).sort());
    expect(await readSystemUsersByObjectIds(dv, [])).toEqual([]);
  });
});
