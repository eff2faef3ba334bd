/** order: direction, several orders, Dataverse's label/name ordering, NULLs and uniqueidentifier order. */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../model';
import { USERS, guid, run } from './testkit';

const W = { w1: guid('1'), w2: guid('2'), w3: guid('3'), w4: guid('4'), w5: guid('5') };
const labelOf = new Map(Object.entries(W).map(([label, id]) => [id, label]));

const tables = (): Record<string, Row[]> => ({
  systemuser: [
    { systemuserid: USERS.ada, fullname: 'Ada Admin' },
    { systemuserid: USERS.bob, fullname: 'Bob Builder' },
  ],
  // Stored in an order unrelated to any sort.
  workflow: [
    { workflowid: W.w3, name: 'Gamma_approval', category: 0, statecode: 0, ownerid: USERS.bob },
    { workflowid: W.w5, name: null, category: null, statecode: 0 },
    { workflowid: W.w1, name: 'Alpha report', category: 5, statecode: 0, ownerid: USERS.ada },
    { workflowid: W.w4, name: 'Délta 100%', category: 3, statecode: 1, ownerid: null },
    { workflowid: W.w2, name: 'beta Sync', category: 5, statecode: 1, ownerid: USERS.bob },
  ],
});

function order(content: string, fetchAttributes = ''): (string | undefined)[] {
  const body = run('workflow', `<fetch${fetchAttributes}><entity name='workflow'><attribute name='workflowid'/>${content}</entity></fetch>`, {
    tables: tables(),
  });
  return body.value.map((row) => labelOf.get(String(row.workflowid)));
}

describe('order', () => {
  it('defaults to the primary key when there is no order', () => {
    expect(order('')).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
  });

  it('sorts strings case- and accent-insensitively, NULL first ascending and last descending', () => {
    expect(order(`<order attribute='name'/>`)).toEqual(['w5', 'w1', 'w2', 'w4', 'w3']);
    expect(order(`<order attribute='name' descending='true'/>`)).toEqual(['w3', 'w4', 'w2', 'w1', 'w5']);
    expect(order(`<order attribute='name' descending='false'/>`)).toEqual(['w5', 'w1', 'w2', 'w4', 'w3']);
  });

  it('sorts choice columns by label, or by value with useraworderby', () => {
    // Labels: 0 Workflow, 3 Action, 5 Modern Flow.
    expect(order(`<order attribute='category'/>`)).toEqual(['w5', 'w4', 'w1', 'w2', 'w3']);
    expect(order(`<order attribute='category'/>`, " useraworderby='true'")).toEqual(['w5', 'w3', 'w4', 'w1', 'w2']);
  });

  it('applies orders in sequence (statecode labels: Activated before Draft)', () => {
    expect(order(`<order attribute='statecode'/><order attribute='name' descending='true'/>`)).toEqual(['w4', 'w2', 'w3', 'w1', 'w5']);
  });

  it('sorts lookups by the related row primary name', () => {
    expect(order(`<order attribute='ownerid'/>`)).toEqual(['w4', 'w5', 'w1', 'w2', 'w3']);
    expect(order(`<order attribute='ownerid' descending='true'/>`)).toEqual(['w2', 'w3', 'w1', 'w4', 'w5']);
  });

  it('applies link-entity orders after the entity orders', () => {
    const link = `<link-entity name='systemuser' from='systemuserid' to='ownerid' alias='owner'><order attribute='fullname' descending='true'/></link-entity>`;
    expect(order(`${link}<order attribute='statecode'/>`)).toEqual(['w2', 'w3', 'w1']);
  });

  it('orders by a link column first through entityname on the entity', () => {
    const link = `<link-entity name='systemuser' from='systemuserid' to='ownerid' alias='owner'/>`;
    expect(order(`${link}<order entityname='owner' attribute='fullname'/><order attribute='statecode'/>`)).toEqual(['w1', 'w2', 'w3']);
  });

  it('orders uniqueidentifiers like SQL Server: last byte group first', () => {
    const a = '00000000-0000-0000-0001-000000000001';
    const b = '00000000-0000-0000-0000-000000000002';
    const c = '00000000-0000-0000-0002-000000000001';
    const d = 'ffffffff-0000-0000-0000-000000000001';
    const body = run('workflow', `<fetch><entity name='workflow'><attribute name='workflowid'/><order attribute='workflowid'/></entity></fetch>`, {
      tables: { workflow: [a, b, c, d].map((workflowid) => ({ workflowid })) },
    });
    expect(body.value.map((row) => row.workflowid)).toEqual([d, a, c, b]);
  });
});
