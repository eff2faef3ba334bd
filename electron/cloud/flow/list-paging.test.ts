import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient } from '../dataverse/client';
import { readCloudFlows } from '../dataverse/readers/cloud-flows';
import { readSolution } from '../dataverse/readers/solutions';
import { startCloudTestbed, type CloudTestbed } from '../dataverse/testkit';
import { createFlowClient } from './client';
import { joinFlows } from './flows';

const pipeline = { app: 'pipeline' } as const;

let tb: CloudTestbed;
beforeAll(async () => {
  tb = await startCloudTestbed();
  await tb.control('POST', 'scenario', { name: 'scale', parameters: { envs: 2, flows: 120, refs: 20, connectors: 6 } });
});
afterAll(async () => {
  await tb.close();
});

describe('Flow list paging', () => {
  it('follows nextLink over several pages and joins all 120 flows to Dataverse', async () => {
    const env = tb.h.sb.ctx.store.state.environments.find((e) => !e.isDefault);
    if (!env) throw new Error('no environment');
    const dv = createDataverseClient({ http: tb.http(pipeline), profile: tb.profile, instanceUrl: `${tb.h.base}/orgs/${env.orgName}/` });
    const solution = await readSolution(dv, 'ScaleOperations');
    if (!solution) throw new Error('no solution');
    const flows = await readCloudFlows(dv, { solutionId: solution.id });
    await tb.clearLog();
    const listed = await createFlowClient({ http: tb.http(pipeline), profile: tb.profile }).listFlows(env.id);
    const requests = (await tb.log()).filter((e) => e.service === 'flow');
    expect(requests.length).toBe(Math.ceil(listed.length / 50));
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.slice(1).every((e) => e.path.includes('skiptoken'))).toBe(true);
    const join = joinFlows(
      flows.map((f) => f.id),
      listed,
    );
    expect(flows).toHaveLength(120);
    expect(join.missing).toEqual([]);
    expect(join.matched.size).toBe(120);
  });
});
