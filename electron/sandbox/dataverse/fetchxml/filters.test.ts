/** filter/condition: every operator, typed comparisons and SQL NULL semantics. */
import { describe, expect, it } from 'vitest';
import type { Row } from '../../model';
import { USERS, guid, run } from './testkit';

const W = { w1: guid('1'), w2: guid('2'), w3: guid('3'), w4: guid('4'), w5: guid('5') };

const tables = (): Record<string, Row[]> => ({
  systemuser: [
    { systemuserid: USERS.ada, fullname: 'Ada Admin' },
    { systemuserid: USERS.bob, fullname: 'Bob Builder' },
  ],
  workflow: [
    { workflowid: W.w1, name: 'Alpha report', category: 5, statecode: 0, ismanaged: false, createdon: '2024-01-01T00:00:00Z', ownerid: USERS.ada },
    { workflowid: W.w2, name: 'beta Sync', category: 5, statecode: 1, ismanaged: true, createdon: '2024-02-01T00:00:00Z', ownerid: USERS.bob },
    { workflowid: W.w3, name: 'Gamma_approval', category: 0, statecode: 0, ismanaged: false, createdon: '2024-03-01T00:00:00Z', ownerid: USERS.bob },
    { workflowid: W.w4, name: 'Délta 100%', category: 3, statecode: 1, ismanaged: true, createdon: null, ownerid: null },
    { workflowid: W.w5, name: null, category: null, statecode: 0, ismanaged: null },
  ],
});

const labelOf = new Map(Object.entries(W).map(([label, id]) => [id, label]));

/** Runs `<filter>` (or any entity content) against the workflows and returns the labels of the matches. */
function where(content: string): (string | undefined)[] {
  const body = run('workflow', `<fetch><entity name='workflow'><attribute name='workflowid'/>${content}</entity></fetch>`, { tables: tables() });
  return body.value.map((row) => labelOf.get(String(row.workflowid)));
}

const cond = (attribute: string, operator: string, value?: string): string =>
  `<filter><condition attribute='${attribute}' operator='${operator}'${value === undefined ? '' : ` value='${value}'`}/></filter>`;

const condValues = (attribute: string, operator: string, values: string[]): string =>
  `<filter><condition attribute='${attribute}' operator='${operator}'>${values.map((v) => `<value>${v}</value>`).join('')}</condition></filter>`;

describe('strings', () => {
  it('eq is case-, accent- and trailing-space-insensitive', () => {
    expect(where(cond('name', 'eq', 'ALPHA REPORT'))).toEqual(['w1']);
    expect(where(cond('name', 'eq', 'Alpha report  '))).toEqual(['w1']);
    expect(where(cond('name', 'eq', 'delta 100%'))).toEqual(['w4']);
  });

  it('like uses % and _ (and [ ] classes), case-insensitively', () => {
    expect(where(cond('name', 'like', '%SYNC'))).toEqual(['w2']);
    expect(where(cond('name', 'like', 'a%'))).toEqual(['w1']);
    expect(where(cond('name', 'like', '_amma%'))).toEqual(['w3']);
    expect(where(cond('name', 'like', '%[_]%'))).toEqual(['w3']);
    expect(where(cond('name', 'like', '%100[%]'))).toEqual(['w4']);
    expect(where(cond('name', 'like', '[ab]%'))).toEqual(['w1', 'w2']);
  });

  it('not-like excludes matches and NULLs', () => {
    expect(where(cond('name', 'not-like', 'a%'))).toEqual(['w2', 'w3', 'w4']);
  });

  it('begins-with / ends-with compare literally (wildcards in the value are plain characters)', () => {
    expect(where(cond('name', 'begins-with', 'gam'))).toEqual(['w3']);
    expect(where(cond('name', 'begins-with', 'Délta 100%'))).toEqual(['w4']);
    expect(where(cond('name', 'begins-with', 'Delta 1%'))).toEqual([]);
    expect(where(cond('name', 'begins-with', 'Gamma_'))).toEqual(['w3']);
    expect(where(cond('name', 'ends-with', 'REPORT'))).toEqual(['w1']);
    expect(where(cond('name', 'ends-with', '_approval'))).toEqual(['w3']);
  });

  it('not-begin-with / not-end-with exclude matches and NULLs', () => {
    expect(where(cond('name', 'not-begin-with', 'a'))).toEqual(['w2', 'w3', 'w4']);
    expect(where(cond('name', 'not-end-with', 'report'))).toEqual(['w2', 'w3', 'w4']);
  });
});

describe('null handling', () => {
  it('null / not-null', () => {
    expect(where(cond('name', 'null'))).toEqual(['w5']);
    expect(where(cond('name', 'not-null'))).toEqual(['w1', 'w2', 'w3', 'w4']);
    expect(where(cond('ownerid', 'null'))).toEqual(['w4', 'w5']);
  });

  it('ne and not-in never match NULL', () => {
    expect(where(cond('category', 'ne', '5'))).toEqual(['w3', 'w4']);
    expect(where(cond('category', 'neq', '5'))).toEqual(['w3', 'w4']);
    expect(where(condValues('category', 'not-in', ['5']))).toEqual(['w3', 'w4']);
  });
});

describe('numbers, choices and dates', () => {
  it('eq, in and the ordering operators compare numbers', () => {
    expect(where(cond('category', 'eq', '5'))).toEqual(['w1', 'w2']);
    expect(where(condValues('category', 'in', ['0', ' 3 ']))).toEqual(['w3', 'w4']);
    expect(where(cond('category', 'in', '0'))).toEqual(['w3']);
    expect(where(cond('category', 'gt', '3'))).toEqual(['w1', 'w2']);
    expect(where(cond('category', 'ge', '3'))).toEqual(['w1', 'w2', 'w4']);
    expect(where(cond('category', 'lt', '3'))).toEqual(['w3']);
    expect(where(cond('category', 'le', '3'))).toEqual(['w3', 'w4']);
  });

  it('between / not-between take two values', () => {
    expect(where(condValues('category', 'between', ['1', '5']))).toEqual(['w1', 'w2', 'w4']);
    expect(where(condValues('category', 'not-between', ['1', '4']))).toEqual(['w1', 'w2', 'w3']);
  });

  it('dates compare as instants', () => {
    expect(where(cond('createdon', 'ge', '2024-02-01'))).toEqual(['w2', 'w3']);
    expect(where(cond('createdon', 'lt', '2024-02-01T00:00:00Z'))).toEqual(['w1']);
    expect(where(cond('createdon', 'eq', '2024-03-01T00:00:00.000Z'))).toEqual(['w3']);
  });

  it('booleans accept 1/0/true/false', () => {
    expect(where(cond('ismanaged', 'eq', '1'))).toEqual(['w2', 'w4']);
    expect(where(cond('ismanaged', 'eq', 'true'))).toEqual(['w2', 'w4']);
    expect(where(cond('ismanaged', 'eq', 'False'))).toEqual(['w1', 'w3']);
    expect(where(cond('ismanaged', 'ne', '0'))).toEqual(['w2', 'w4']);
  });
});

describe('GUIDs and lookups', () => {
  it('compare GUIDs case-insensitively, with or without braces and dashes', () => {
    expect(where(cond('workflowid', 'eq', `{${W.w2.toUpperCase()}}`))).toEqual(['w2']);
    expect(where(cond('workflowid', 'eq', W.w3.replace(/-/g, '')))).toEqual(['w3']);
    expect(where(condValues('workflowid', 'in', [W.w1, `{${W.w4}}`]))).toEqual(['w1', 'w4']);
  });

  it('filter lookups by the target GUID', () => {
    expect(where(cond('ownerid', 'eq', USERS.bob.toUpperCase()))).toEqual(['w2', 'w3']);
    expect(where(condValues('ownerid', 'in', [USERS.ada, USERS.bob]))).toEqual(['w1', 'w2', 'w3']);
    expect(where(cond('ownerid', 'ne', USERS.ada))).toEqual(['w2', 'w3']);
  });
});

describe('filter structure', () => {
  it('nests and/or filters', () => {
    const filter = `<filter type='or'>
      <condition attribute='category' operator='eq' value='0'/>
      <filter type='and'><condition attribute='statecode' operator='eq' value='1'/><condition attribute='ismanaged' operator='eq' value='1'/></filter>
    </filter>`;
    expect(where(filter)).toEqual(['w2', 'w3', 'w4']);
  });

  it('ands several filter elements and bare conditions of one entity', () => {
    expect(where(`${cond('category', 'eq', '5')}<condition attribute='statecode' operator='eq' value='1'/>`)).toEqual(['w2']);
  });

  it('treats an empty filter as no filter', () => {
    expect(where(`<filter/><filter type='or'/>`)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5']);
  });

  it('compares with another column of the row through valueof', () => {
    expect(where(`<filter><condition attribute='statecode' operator='eq' valueof='category'/></filter>`)).toEqual(['w3']);
    expect(where(`<filter><condition attribute='category' operator='gt' valueof='statecode'/></filter>`)).toEqual(['w1', 'w2', 'w4']);
  });
});
