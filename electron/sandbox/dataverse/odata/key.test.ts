import { describe, expect, it } from 'vitest';
import { workflow } from '../schema';
import { ODataError } from './errors';
import { parseEntityKey, parseEntitySetSegment } from './key';

const W = 'a0000000-0000-0000-0000-00000000000a';

function failure(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ODataError) return { status: e.status, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an ODataError');
}

const SYNTAX = { status: 400, code: '0x80060888', message: 'Bad Request - Error in query syntax.' };

describe('parseEntitySetSegment', () => {
  it('splits set name and key', () => {
    expect(parseEntitySetSegment(`workflows(${W})`)).toEqual({ setName: 'workflows', keyText: W });
    expect(parseEntitySetSegment('workflows')).toEqual({ setName: 'workflows', keyText: null });
  });

  it('refuses unbalanced parentheses', () => {
    expect(failure(() => parseEntitySetSegment(`workflows(${W}`))).toEqual(SYNTAX);
    expect(failure(() => parseEntitySetSegment(`(${W})`))).toEqual(SYNTAX);
  });
});

describe('parseEntityKey', () => {
  it('accepts a bare GUID in any case, with braces, or named by the primary key', () => {
    expect(parseEntityKey(workflow, W.toUpperCase())).toBe(W);
    expect(parseEntityKey(workflow, `{${W}}`)).toBe(W);
    expect(parseEntityKey(workflow, `%7B${W}%7D`)).toBe(W);
    expect(parseEntityKey(workflow, `workflowid=${W}`)).toBe(W);
  });

  it('refuses anything else with the platform text', () => {
    expect(failure(() => parseEntityKey(workflow, 'abc'))).toEqual(SYNTAX);
    expect(failure(() => parseEntityKey(workflow, `'${W}'`))).toEqual(SYNTAX);
    expect(failure(() => parseEntityKey(workflow, "name='x'"))).toEqual(SYNTAX);
    expect(failure(() => parseEntityKey(workflow, ''))).toEqual(SYNTAX);
  });
});
