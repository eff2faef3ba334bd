import { describe, expect, it } from 'vitest';
import { makeScan } from '../testing/fixtures';
import type { Intent, Plan } from './types';
import { wireChoices } from './wire-choices';

const scan = makeScan();
const dev = scan.matrix.columns[0]?.environmentId ?? '';
// Dev's first reference (Office 365 Outlook) is wired in the fixture.
const wiredRef = scan.matrix.references[0];
const emptyPlan: Plan = { format: 'patchbay-plan', formatVersion: 1, id: 'p1', createdAt: '2026-03-04T10:00:00Z', solution: 'ContosoOperations', environments: [{ id: dev, displayName: 'Contoso Dev', instanceUrl: null }], steps: [], warnings: [] };

describe('wireChoices', () => {
  it('offers a choice for a selected reference the plan leaves alone, on the connection it uses now', () => {
    if (!wiredRef) throw new Error('fixture without references');
    const intent: Intent = { environmentIds: [dev], identity: 'auto', share: false, wire: { select: [wiredRef.logicalName] } };
    const choices = wireChoices(emptyPlan, emptyPlan, intent, scan);
    const current = wiredRef.cells[dev]?.connectionId ?? null;
    expect(current).not.toBeNull();
    expect(choices).toHaveLength(1);
    expect(choices[0]).toMatchObject({ envId: dev, connector: wiredRef.connector, chosen: current, current, suggested: null, pinned: null, references: [{ logicalName: wiredRef.logicalName, displayName: wiredRef.displayName }] });
    expect(choices[0]?.options.map((o) => o.connection.connector)).toEqual(expect.arrayContaining([wiredRef.connector]));
  });

  it('offers no choice before there is a plan (being built, or refused)', () => {
    if (!wiredRef) throw new Error('fixture without references');
    const intent: Intent = { environmentIds: [dev], identity: 'auto', share: false, wire: { select: [wiredRef.logicalName] } };
    expect(wireChoices(null, null, intent, scan)).toEqual([]);
  });

  it('adds nothing when the selection is "whatever needs wiring"', () => {
    const intent: Intent = { environmentIds: [dev], identity: 'auto', share: false, wire: { select: 'needing' } };
    expect(wireChoices(emptyPlan, emptyPlan, intent, scan)).toEqual([]);
  });

  it('shows the pinned connection once the person picks another one', () => {
    if (!wiredRef) throw new Error('fixture without references');
    const other = scan.connections[dev]?.find((c) => c.connector === wiredRef.connector && c.name !== wiredRef.cells[dev]?.connectionId);
    if (!other) throw new Error('fixture without a second connection');
    const intent: Intent = { environmentIds: [dev], identity: 'auto', share: false, wire: { select: [wiredRef.logicalName], pinned: { [dev]: { [wiredRef.connector]: other.name } } } };
    const [choice] = wireChoices(emptyPlan, emptyPlan, intent, scan);
    expect(choice).toMatchObject({ chosen: other.name, pinned: other.name, current: wiredRef.cells[dev]?.connectionId });
  });

  it('says "usable" about the identity the plan resolved, not about Automatic', () => {
    if (!wiredRef) throw new Error('fixture without references');
    const connections = scan.connections[dev]?.filter((c) => c.connector === wiredRef.connector) ?? [];
    const notMine = connections.find((c) => !c.usableBy.me);
    if (!notMine) throw new Error('fixture without a connection the signed-in account cannot use');
    const intent: Intent = { environmentIds: [dev], identity: 'auto', share: false, wire: { select: [wiredRef.logicalName] } };
    const step = {
      id: `${dev}:wire:${wiredRef.logicalName}`,
      environmentId: dev,
      kind: 'wire',
      target: { type: 'reference', referenceId: 'r', logicalName: wiredRef.logicalName, displayName: wiredRef.displayName, connector: wiredRef.connector },
      before: null,
      after: notMine.name,
      strategy: 'me',
      identity: null,
      dependsOn: [],
      verdict: { outcome: 'will-fail', strategy: 'me', identity: null, blockers: [], fixes: [] },
      etag: null,
    } as unknown as Plan['steps'][number];
    const plan: Plan = { ...emptyPlan, steps: [step] };
    const [choice] = wireChoices(plan, plan, intent, scan);
    expect(choice?.options.find((o) => o.connection.name === notMine.name)?.usable).toBe(false);
  });
});
