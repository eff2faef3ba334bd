import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveMatrix } from '../../shared/engine/matrix';
import { audit } from '../../shared/engine/audit';
import { scan } from './scan';
import { startEngineTestbed, type EngineTestbed } from './test-support/engine-testbed';

/** Scan → matrix → audit on the contoso demo tenant, through the real clients over HTTPS. */

let t: EngineTestbed;
beforeAll(async () => {
  t = await startEngineTestbed();
});
afterAll(async () => {
  await t.close();
});

describe('scan', () => {
  it('reads every environment in parallel into snapshots the matrix and audit understand', async () => {
    const environments = await t.environments();
    const result = await scan(t.scanClients, environments, { solution: 'ContosoOperations', identities: t.identities });
    expect(result.failures).toEqual([]);
    const byName = Object.fromEntries(result.snapshots.map((s) => [s.environment.displayName, s]));
    expect(Object.keys(byName).sort()).toEqual(['Contoso (default)', 'Contoso Dev', 'Contoso Prod', 'Contoso Test', 'Contoso UAT']);
    const test = byName['Contoso Test'];
    expect(test?.references).toHaveLength(9);
    expect(test?.flows).toHaveLength(16);
    expect(test?.flows.every((f) => f.state === 'off')).toBe(true);
    expect(test?.references.every((r) => r.connectionId === null)).toBe(true);
    expect(byName['Contoso (default)']?.solution).toBeNull();

    // Rights: the SPN may impersonate in Test but not in Prod; the ex-employee is disabled in Dev.
    const spn = t.identities.spn?.objectId ?? '';
    expect(test?.rights[spn]).toMatchObject({ present: true, delegate: true, canWrite: true, isApplicationUser: true });
    expect(byName['Contoso Prod']?.rights[spn]).toMatchObject({ present: true, delegate: false, canWrite: true });
    const former = t.cloud.h.oid({ user: 'formerEmployee' });
    expect(byName['Contoso Dev']?.rights[former]).toMatchObject({ disabled: true });
    const shared = test?.connections.filter((c) => c.shares.some((s) => s.principal.objectId === spn)).map((c) => c.connector).sort();
    expect(shared).toEqual(['shared_commondataserviceforapps', 'shared_office365', 'shared_sharepointonline', 'shared_teams']);

    const matrix = deriveMatrix(result.snapshots, { identity: 'auto' });
    const dev = result.snapshots.find((s) => s.environment.displayName === 'Contoso Dev')?.environment.id ?? '';
    const devStates = Object.fromEntries(matrix.references.map((r) => [r.logicalName, r.cells[dev]?.state]));
    expect(devStates['cont_sharedcontosoerp_3c6f8']).toBe('dangling');
    expect(devStates['cont_sharedsql_9a1b6']).toBe('owner-disabled');
    const findings = audit(result.snapshots);
    expect(findings.filter((f) => f.environmentName === 'Contoso Dev').map((f) => f.kind)).toEqual(expect.arrayContaining(['dangling', 'owner-disabled']));
    expect(findings.filter((f) => f.environmentName === 'Contoso Prod' && f.kind === 'unwired')).toHaveLength(9);
  });

  it('makes a number of requests per environment that does not grow with the number of flows', async () => {
    const counts: number[] = [];
    for (const flows of [100, 400]) {
      const scale = await startEngineTestbed({ scenario: 'scale', seed: 3, scale: { envs: 1, flows, refs: 60, connectors: 8 } });
      try {
        const environments = await scale.environments();
        await scale.cloud.clearLog();
        const result = await scan(scale.scanClients, environments, { solution: 'ScaleOperations', identities: scale.identities, pageSize: 500 });
        expect(result.snapshots[0]?.flows).toHaveLength(flows);
        counts.push((await scale.cloud.log()).filter((e) => e.service === 'dataverse').length);
      } finally {
        await scale.close();
      }
    }
    expect(counts[0]).toBeGreaterThan(0);
    expect(counts[1]).toBe(counts[0]);
  });
});
