import { describe, expect, it } from 'vitest';
import { joinFlows, mapFlow } from './flows';

const flow = (name: string, workflowEntityId: string | undefined, state = 'Started') => ({
  name,
  properties: { displayName: `Flow ${name}`, state, ...(workflowEntityId ? { workflowEntityId } : {}), flowSuspensionReason: 'None', sharingType: 'CommonDataService', environment: { name: 'e1' } },
});

describe('Flow API mapping and join', () => {
  it('maps state, suspension and the workflow entity id', () => {
    expect(mapFlow(flow('A', '{AAAA0000-0000-0000-0000-000000000001}'), 'e0')).toEqual({
      name: 'A',
      workflowId: 'aaaa0000-0000-0000-0000-000000000001',
      displayName: 'Flow A',
      state: 'on',
      environmentId: 'e1',
      suspensionReason: null,
      solutionAware: true,
    });
    const suspended = mapFlow({ name: 'B', properties: { state: 'Suspended', flowSuspensionReason: 'CompanyDlpViolation' } }, 'e0');
    expect(suspended).toMatchObject({ state: 'suspended', suspensionReason: 'CompanyDlpViolation', workflowId: null, environmentId: 'e0', solutionAware: false });
    expect(mapFlow({ name: 'C', properties: { state: 'Stopped' } }, 'e0').state).toBe('off');
    expect(() => mapFlow({ properties: {} }, 'e0')).toThrow(/Flow returned a flow whose field 'name'/);
  });

  it('joins on workflowEntityId, not on the name, and reports what is missing', () => {
    const id1 = '11111111-0000-0000-0000-000000000001';
    const id2 = '22222222-0000-0000-0000-000000000002';
    const listed = [flow(id1, id1), flow('99999999-0000-0000-0000-000000000009', id2), flow(id2, id2), flow('personal', undefined)].map((f) => mapFlow(f, 'e1'));
    const join = joinFlows([id1, id2.toUpperCase(), '33333333-0000-0000-0000-000000000003'], listed);
    expect(join.matched.get(id1)?.name).toBe(id1);
    // The platform lists id2 twice; the first listing wins, either name works for start/stop.
    expect(join.matched.get(id2)?.name).toBe('99999999-0000-0000-0000-000000000009');
    expect(join.missing).toEqual(['33333333-0000-0000-0000-000000000003']);
  });
});
