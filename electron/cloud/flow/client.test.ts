import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../sandbox/test-support/harness';
import { createAdminClient } from '../admin/client';
import { readCloudFlows } from '../dataverse/readers/cloud-flows';
import { readConnectionReferences } from '../dataverse/readers/connection-references';
import { readSolution } from '../dataverse/readers/solutions';
import { startCloudTestbed, type CloudTestbed } from '../dataverse/testkit';
import { PlatformError } from '../http/platform-error';
import { createFlowClient, type FlowClient } from './client';
import { joinFlows } from './flows';

const pipeline: Identity = { app: 'pipeline' };
const maker: Identity = { user: 'maker' };

let tb: CloudTestbed;
beforeAll(async () => {
  tb = await startCloudTestbed();
});
afterAll(async () => {
  await tb.close();
});
beforeEach(async () => {
  await tb.control('POST', 'reset');
  await tb.clearLog();
});

const client = (as: Identity): FlowClient => createFlowClient({ http: tb.http(as), profile: tb.profile });

async function dataverseFlows(stage: 'dev' | 'test', as: Identity = pipeline) {
  const dv = tb.dataverse(stage, as);
  const solution = await readSolution(dv, 'ContosoOperations');
  if (!solution) throw new Error('no solution');
  return readCloudFlows(dv, { solutionId: solution.id });
}

describe('Flow client', () => {
  it('lists an environment’s flows (admin route, following nextLink) and joins every one to Dataverse by workflowEntityId', async () => {
    const c = client(pipeline);
    const env = tb.h.env('test').id;
    const listed = await c.listFlows(env);
    expect(c.mode()).toBe('admin');
    expect((await tb.log()).filter((e) => e.service === 'flow').length).toBeGreaterThan(0);
    const flows = await dataverseFlows('test');
    const join = joinFlows(
      flows.map((f) => f.id),
      listed,
    );
    expect(join.missing).toEqual([]);
    expect(join.matched.size).toBe(16);
    // The platform lists one flow under another name: joining on the name would miss it.
    const renamed = [...join.matched.entries()].filter(([id, f]) => f.name !== id);
    expect(renamed).toHaveLength(1);
    for (const f of flows) {
      const api = join.matched.get(f.id);
      expect(api).toMatchObject({ displayName: f.name, state: 'off', environmentId: env, solutionAware: true, suspensionReason: null });
    }
  });

  it('falls back to the maker route with solution flows for a non-admin', async () => {
    const c = client(maker);
    const listed = await c.listFlows(tb.h.env('dev').id);
    expect(c.mode()).toBe('maker');
    const flows = await dataverseFlows('dev');
    expect(joinFlows(flows.map((f) => f.id), listed).missing).toEqual([]);
    expect(listed.some((f) => !f.solutionAware)).toBe(true); // the maker's personal flow
    const log = (await tb.log()).filter((e) => e.service === 'flow');
    expect(log[0]).toMatchObject({ status: 403 });
    expect(log[0]?.path).toContain('/scopes/admin/');
    expect(log.slice(1).every((e) => e.status === 200 && e.path.includes('include=includeSolutionCloudFlows'))).toBe(true);
  });

  it('stops and starts a flow by its Flow API name; repeating either is harmless', async () => {
    // The flow listed under another name uses the ERP reference, dangling in Dev: the maker (who owns
    // Dev's flows and connections) first wires it to their own ERP connection.
    const env = tb.h.env('dev').id;
    const dv = tb.dataverse('dev', maker);
    const solution = await readSolution(dv, 'ContosoOperations');
    if (!solution) throw new Error('no solution');
    const erpRef = (await readConnectionReferences(dv, { solutionId: solution.id })).find((r) => r.logicalName === 'cont_sharedcontosoerp_3c6f8');
    const erpConnection = (await createAdminClient({ http: tb.http(maker), profile: tb.profile }).listConnections(env)).find((x) => x.connector === erpRef?.connector);
    if (!erpRef || !erpConnection) throw new Error('no ERP reference or connection');
    await dv.update('connectionreferences', erpRef.id, { connectionid: erpConnection.name }, { ifMatch: erpRef.etag });

    const c = client(maker);
    const flows = await dataverseFlows('dev');
    const join = joinFlows(
      flows.map((f) => f.id),
      await c.listFlows(env),
    );
    const [workflowId, renamed] = [...join.matched.entries()].find(([id, f]) => f.name !== id) ?? [];
    if (!workflowId || !renamed) throw new Error('no renamed flow');
    const stateOf = async () => (await dataverseFlows('dev')).find((f) => f.id === workflowId)?.state;

    await tb.clearLog();
    await c.stop(env, renamed.name);
    await c.stop(env, renamed.name);
    expect(await stateOf()).toBe('off');
    await c.start(env, renamed.name);
    await c.start(env, renamed.name);
    expect(await stateOf()).toBe('on');
    // Its workflowid addresses it too.
    await c.stop(env, workflowId);
    expect(await stateOf()).toBe('off');
    const calls = (await tb.log()).filter((e) => e.service === 'flow');
    expect(calls.map((e) => [e.method, e.status])).toEqual(Array.from({ length: 5 }, () => ['POST', 200]));
    expect(calls.every((e) => !e.path.includes('/scopes/admin/'))).toBe(true);
  });

  it('surfaces the platform’s reason when a flow cannot start', async () => {
    const c = client(pipeline);
    const env = tb.h.env('test').id;
    const flow = (await dataverseFlows('test')).find((f) => f.name === 'Child – Post Teams notification');
    if (!flow) throw new Error('no flow');
    const error = await c.start(env, flow.id).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformError);
    expect((error as PlatformError).status).toBe(400);
    expect((error as PlatformError).reason).toBe('XrmConnectionReferenceMissingConnection');
  });
});
