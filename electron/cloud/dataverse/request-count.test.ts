import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataverseClient } from './client';
import { readCloudFlows } from './readers/cloud-flows';
import { readConnectionReferences } from './readers/connection-references';
import { readEnvironmentVariables } from './readers/environment-variables';
import { readSolution } from './readers/solutions';
import { startCloudTestbed, type CloudTestbed } from './testkit';

/**
 * Reading one environment's references, flows and environment variables costs a fixed number of
 * Dataverse requests plus pages: four times the flows may only add the extra flow pages.
 */

const PAGE = 50;
const pipeline = { app: 'pipeline' } as const;

let tb: CloudTestbed;
beforeAll(async () => {
  tb = await startCloudTestbed();
});
afterAll(async () => {
  await tb.close();
});

async function scan(flows: number): Promise<{ requests: number; counts: { refs: number; flows: number; vars: number } }> {
  await tb.control('POST', 'scenario', { name: 'scale', parameters: { envs: 2, flows, refs: 120, connectors: 12 } });
  const env = tb.h.sb.ctx.store.state.environments.find((e) => !e.isDefault && e.displayName.endsWith('2')) ?? tb.h.sb.ctx.store.state.environments[1];
  if (!env) throw new Error('no environment');
  // A new client per scenario: the component-type cache belongs to a client, and the org was rebuilt.
  const dv = createDataverseClient({ http: tb.http(pipeline), profile: tb.profile, instanceUrl: `${tb.h.base}/orgs/${env.orgName}/` });
  await tb.clearLog();
  const solution = await readSolution(dv, 'ScaleOperations');
  if (!solution) throw new Error('no solution');
  const scope = { solutionId: solution.id, pageSize: PAGE };
  const [refs, cloudFlows, vars] = await Promise.all([readConnectionReferences(dv, scope), readCloudFlows(dv, scope), readEnvironmentVariables(dv, scope)]);
  const requests = (await tb.log()).filter((e) => e.service === 'dataverse');
  expect(requests.every((e) => e.status === 200)).toBe(true);
  return { requests: requests.length, counts: { refs: refs.length, flows: cloudFlows.length, vars: vars.length } };
}

describe('requests per environment scan', () => {
  it('do not grow with the number of flows beyond paging', async () => {
    const small = await scan(100);
    const large = await scan(400);
    expect(small.counts.flows).toBe(100);
    expect(large.counts.flows).toBe(400);
    expect(large.counts.refs).toBe(small.counts.refs);
    expect(large.counts.vars).toBe(small.counts.vars);

    const pages = (n: number): number => Math.max(1, Math.ceil(n / PAGE));
    // solution + reference component type + reference pages + flow pages + variable pages
    const expected = (flows: number): number => 1 + 1 + pages(small.counts.refs) + pages(flows) + pages(small.counts.vars);
    expect(small.requests).toBe(expected(100));
    expect(large.requests).toBe(expected(400));
    expect(large.requests - small.requests).toBe(pages(400) - pages(100));
  });
});
