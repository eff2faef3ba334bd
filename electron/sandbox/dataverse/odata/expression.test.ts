import { describe, expect, it } from 'vitest';
import type { Row } from '../../model';
import { connectionReference, solution, systemUser, workflow, type EntityMeta } from '../schema';
import { ODataError } from './errors';
import { parseFilter, parseOrderBy } from './expression';
import { CR1, tables, U2, W1, W2, W3, W4, W5 } from './test-fixtures';

const data = tables();
const workflows = data['workflow'] ?? [];

function ids(filter: string, meta: EntityMeta = workflow, rows: readonly Row[] = workflows, aliases?: Map<string, string>): unknown[] {
  const test = parseFilter(meta, filter, aliases ?? null);
  return rows.filter(test).map((r) => r[meta.primaryId]);
}

function failure(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ODataError) return { status: e.status, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an ODataError');
}

const filterError = (filter: string, meta: EntityMeta = workflow): string => failure(() => parseFilter(meta, filter)).message;

describe('$filter comparison operators', () => {
  it('eq compares strings case-insensitively', () => {
    expect(ids("name eq 'APPROVE INVOICES'")).toEqual([W1]);
  });

  it('ne does not match null columns (SQL semantics)', () => {
    expect(ids("name ne 'Approve invoices'")).toEqual([W2, W3, W4]);
  });

  it('gt, ge, lt, le on numbers', () => {
    expect(ids('versionnumber gt 1003')).toEqual([W4, W5]);
    expect(ids('versionnumber ge 1003')).toEqual([W3, W4, W5]);
    expect(ids('versionnumber lt 1002')).toEqual([W1]);
    expect(ids('versionnumber le 1002')).toEqual([W1, W2]);
    expect(ids('versionnumber gt -1')).toEqual([W1, W2, W3, W4, W5]);
  });

  it('gt on strings ignores case', () => {
    expect(ids("name gt 'b'")).toEqual([W3, W4]);
  });

  it('compares date-times with ISO date-time and date literals', () => {
    expect(ids('createdon ge 2021-01-01T00:00:00Z')).toEqual([W1, W2, W5]);
    expect(ids('createdon lt 2020-01-01')).toEqual([W3]);
    expect(ids('createdon eq 2021-03-05T23:59:59Z')).toEqual([W2]);
  });

  it('compares two columns of the same row', () => {
    expect(ids('createdon eq modifiedon')).toEqual([W4]);
  });

  it('booleans: eq false, bare property, not', () => {
    expect(ids('ismanaged eq false')).toEqual([W1, W2, W3, W4, W5]);
    expect(ids('ismanaged')).toEqual([]);
    expect(ids('not ismanaged')).toEqual([W1, W2, W3, W4, W5]);
  });
});

describe('$filter logical operators and precedence', () => {
  it('and binds tighter than or', () => {
    expect(ids('statecode eq 1 or statecode eq 2 and category eq 0')).toEqual([W1]);
    expect(ids('(statecode eq 1 or statecode eq 2) and category eq 5')).toEqual([W1, W4]);
  });

  it('not negates a parenthesised expression or a function', () => {
    expect(ids('not (statecode eq 0)')).toEqual([W1, W4]);
    expect(ids("not contains(name,'flow')")).toEqual([W1, W2, W3]);
  });

  it('not binds tighter than eq, as in OData.NET', () => {
    expect(filterError("not name eq 'x'")).toBe(
      "A unary operator with an incompatible type was detected. Found operand type 'Edm.String' for operator kind 'Not'.",
    );
  });

  it('and/or need boolean operands', () => {
    expect(filterError('name and true')).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Boolean' for operator kind 'And'.",
    );
  });

  it('a filter must be boolean', () => {
    expect(filterError('name')).toBe('The $filter expression must evaluate to a single boolean value.');
  });
});

describe('$filter null comparisons', () => {
  it('eq null / ne null', () => {
    expect(ids('name eq null')).toEqual([W5]);
    expect(ids('name ne null')).toEqual([W1, W2, W3, W4]);
    expect(ids('modernflowtype eq null')).toEqual([W3]);
    expect(ids('null eq modernflowtype')).toEqual([W3]);
    expect(ids('_ownerid_value ne null')).toEqual([W1, W2, W3, W4, W5]);
  });

  it('ordering comparisons with null match nothing', () => {
    expect(ids('versionnumber gt null')).toEqual([]);
  });

  it('a navigation property may be compared with null', () => {
    expect(ids('ownerid eq null')).toEqual([]);
    expect(ids('licensee eq null')).toEqual([W1, W2, W3, W4, W5]);
  });
});

describe('$filter GUIDs', () => {
  it('accepts bare GUIDs, upper or lower case, starting with a digit or a letter', () => {
    expect(ids(`_ownerid_value eq ${U2}`)).toEqual([W2, W5]);
    expect(ids(`workflowid eq ${W3.toUpperCase()}`)).toEqual([W3]);
    expect(ids('workflowid eq a0000000-0000-0000-0000-000000000004')).toEqual([W4]);
  });

  it('accepts quoted GUIDs, with or without braces', () => {
    expect(ids(`_ownerid_value eq '${U2}'`)).toEqual([W2, W5]);
    expect(ids(`_ownerid_value eq '{${U2.toUpperCase()}}'`)).toEqual([W2, W5]);
    expect(ids(`'${U2}' eq _ownerid_value`)).toEqual([W2, W5]);
  });

  it('refuses a quoted non-GUID against a GUID property', () => {
    expect(filterError("_ownerid_value eq 'abc'")).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Edm.Guid' and 'Edm.String' for operator kind 'Equal'.",
    );
  });

  it('refuses the navigation property where _x_value is meant', () => {
    expect(filterError(`ownerid eq ${U2}`)).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Microsoft.Dynamics.CRM.principal' and 'Edm.Guid' for operator kind 'Equal'.",
    );
    expect(filterError(`createdby eq ${U2}`)).toBe(
      "A binary operator with incompatible types was detected. Found operand types 'Microsoft.Dynamics.CRM.systemuser' and 'Edm.Guid' for operator kind 'Equal'.",
    );
  });
});

describe('$filter type mismatches', () => {
  it.each([
    ["statecode eq '1'", 'Edm.Int32', 'Edm.String', 'Equal'],
    ['statecode ne true', 'Edm.Int32', 'Edm.Boolean', 'NotEqual'],
    ['name eq 1', 'Edm.String', 'Edm.Int32', 'Equal'],
    ['name lt 1.5', 'Edm.String', 'Edm.Single', 'LessThan'],
    ['name le 5000000000', 'Edm.String', 'Edm.Int64', 'LessThanOrEqual'],
    ['name ge 2m', 'Edm.String', 'Edm.Decimal', 'GreaterThanOrEqual'],
    ["createdon gt '2020-01-01'", 'Edm.DateTimeOffset', 'Edm.String', 'GreaterThan'],
  ])('%s', (filter, left, right, kind) => {
    const err = failure(() => parseFilter(workflow, filter));
    expect(err).toEqual({
      status: 400,
      code: '0x80060888',
      message: `A binary operator with incompatible types was detected. Found operand types '${left}' and '${right}' for operator kind '${kind}'.`,
    });
  });

  it('a collection-valued navigation property is not a single value', () => {
    expect(filterError('solution_solutioncomponent eq null', solution)).toBe(
      "The operand for a binary operator 'Equal' is not a single value. Binary operators require both operands to be single values.",
    );
  });
});

describe('$filter string functions', () => {
  it('contains, startswith, endswith ignore case', () => {
    expect(ids("contains(name,'FLOW')")).toEqual([W4]);
    expect(ids("startswith(name,'AP')")).toEqual([W1]);
    expect(ids("endswith(name,'MAIL')")).toEqual([W2]);
    expect(ids("contains(description,'50%')")).toEqual([W4]);
  });

  it('handles doubled single quotes', () => {
    expect(ids("lastname eq 'O''Bryan'", systemUser, data['systemuser'])).toEqual([U2]);
    expect(ids("contains(fullname,'o''b')", systemUser, data['systemuser'])).toEqual([U2]);
  });

  it('refuses non-string arguments', () => {
    expect(filterError("contains(statecode,'1')")).toBe(
      "No function signature for the function with name 'contains' matches the specified arguments. The function signatures considered are: contains(Edm.String Nullable=true, Edm.String Nullable=true).",
    );
    expect(filterError('startswith(name)')).toBe(
      "No function signature for the function with name 'startswith' matches the specified arguments. The function signatures considered are: startswith(Edm.String Nullable=true, Edm.String Nullable=true).",
    );
  });

  it('function names are case-sensitive', () => {
    expect(filterError("Contains(name,'a')")).toBe(
      "An unknown function with name 'Contains' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.",
    );
  });
});

describe('$filter Microsoft.Dynamics.CRM functions', () => {
  it('In and NotIn, with double- or single-quoted values', () => {
    expect(ids('Microsoft.Dynamics.CRM.In(PropertyName=\'statecode\',PropertyValues=["1","2"])')).toEqual([W1, W4]);
    expect(ids("Microsoft.Dynamics.CRM.In(PropertyName='statecode',PropertyValues=['1','2'])")).toEqual([W1, W4]);
    expect(ids(`Microsoft.Dynamics.CRM.In(PropertyName='workflowid',PropertyValues=["${W2}","{${W5.toUpperCase()}}"])`)).toEqual([W2, W5]);
    expect(ids('Microsoft.Dynamics.CRM.NotIn(PropertyName=\'name\',PropertyValues=["approve invoices"])')).toEqual([W2, W3, W4]);
  });

  it('In on a lookup by logical name or by _x_value', () => {
    expect(ids(`Microsoft.Dynamics.CRM.In(PropertyName='ownerid',PropertyValues=["${U2}"])`)).toEqual([W2, W5]);
    expect(ids(`Microsoft.Dynamics.CRM.In(PropertyName='_ownerid_value',PropertyValues=["${U2}"])`)).toEqual([W2, W5]);
  });

  it('Null and NotNull', () => {
    expect(ids("Microsoft.Dynamics.CRM.Null(PropertyName='modernflowtype')")).toEqual([W3]);
    expect(ids("Microsoft.Dynamics.CRM.NotNull(PropertyName='modernflowtype')")).toEqual([W1, W2, W4, W5]);
  });

  it('Between and NotBetween', () => {
    expect(ids('Microsoft.Dynamics.CRM.Between(PropertyName=\'versionnumber\',PropertyValues=["1002","1004"])')).toEqual([W2, W3, W4]);
    expect(ids('Microsoft.Dynamics.CRM.NotBetween(PropertyName=\'versionnumber\',PropertyValues=["1002","1004"])')).toEqual([W1, W5]);
  });

  it('On, OnOrAfter, OnOrBefore (UTC days)', () => {
    expect(ids("Microsoft.Dynamics.CRM.On(PropertyName='createdon',PropertyValue='2021-03-05')")).toEqual([W2]);
    expect(ids("Microsoft.Dynamics.CRM.OnOrAfter(PropertyName='createdon',PropertyValue='2021-03-05')")).toEqual([W2, W5]);
    expect(ids("Microsoft.Dynamics.CRM.OnOrBefore(PropertyName='createdon',PropertyValue='2019-12-31')")).toEqual([W3]);
  });

  it('combines with and/not', () => {
    expect(ids("not Microsoft.Dynamics.CRM.Null(PropertyName='name') and statecode eq 0")).toEqual([W2, W3]);
  });

  it('unknown attribute', () => {
    expect(failure(() => parseFilter(workflow, 'Microsoft.Dynamics.CRM.In(PropertyName=\'foo\',PropertyValues=["1"])'))).toEqual({
      status: 400,
      code: '0x80041103',
      message: "'workflow' entity doesn't contain attribute with Name = 'foo' and NameMapping = 'Logical'.",
    });
  });

  it('value of the wrong type', () => {
    expect(failure(() => parseFilter(workflow, 'Microsoft.Dynamics.CRM.In(PropertyName=\'statecode\',PropertyValues=["x"])'))).toEqual({
      status: 400,
      code: '0x80040203',
      message: "Condition for attribute 'workflow.statecode': expected argument(s) of type 'System.Int32' but received 'System.String'.",
    });
  });

  it('missing parameter, wrong count, unknown function', () => {
    expect(filterError("Microsoft.Dynamics.CRM.In(PropertyName='name')")).toBe(
      "The function 'Microsoft.Dynamics.CRM.In' requires the parameter 'PropertyValues'.",
    );
    expect(filterError('Microsoft.Dynamics.CRM.Between(PropertyName=\'versionnumber\',PropertyValues=["1"])')).toBe(
      "The function 'Microsoft.Dynamics.CRM.Between' requires exactly 2 values in PropertyValues.",
    );
    expect(filterError("Microsoft.Dynamics.CRM.LastXDays(PropertyName='createdon',PropertyValue=3)")).toBe(
      "An unknown function with name 'Microsoft.Dynamics.CRM.LastXDays' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.",
    );
  });
});

describe('$filter property resolution', () => {
  it('unknown property', () => {
    expect(failure(() => parseFilter(workflow, 'foo eq 1'))).toEqual({
      status: 400,
      code: '0x80060888',
      message: "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.",
    });
  });

  it('property names are case-sensitive and lookups need _x_value', () => {
    expect(filterError("Name eq 'x'")).toBe("Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.workflow'.");
    expect(filterError('customconnectorid eq null', connectionReference)).toBe(
      "Could not find a property named 'customconnectorid' on type 'Microsoft.Dynamics.CRM.connectionreference'.",
    );
    expect(ids('_customconnectorid_value eq null', connectionReference, data['connectionreference'])).toEqual([CR1]);
  });
});

describe('$filter syntax errors (OData.NET texts and positions)', () => {
  it('unterminated literal after a doubled-quote mistake', () => {
    expect(filterError("lastname eq 'O'Bryan'", systemUser)).toBe("There is an unterminated literal at position 21 in 'lastname eq 'O'Bryan''.");
  });

  it('unterminated string literal', () => {
    expect(filterError("name eq 'abc")).toBe("There is an unterminated string literal at position 12 in 'name eq 'abc'.");
  });

  it('reports a lexical error before the unknown property', () => {
    expect(filterError("foo eq 'abc")).toBe("There is an unterminated string literal at position 11 in 'foo eq 'abc'.");
  });

  it('unknown operator: position after the offending token', () => {
    expect(filterError("name eqq 'x'")).toBe("Syntax error at position 8 in 'name eqq 'x''.");
    expect(filterError("name EQ 'x'")).toBe("Syntax error at position 7 in 'name EQ 'x''.");
  });

  it('missing operand', () => {
    expect(filterError('name eq')).toBe("Expression expected at position 7 in 'name eq'.");
    expect(filterError("name eq 'a' and")).toBe("Expression expected at position 15 in 'name eq 'a' and'.");
    // As in OData.NET, a keyword where an operand belongs is read as a property name.
    expect(filterError('and')).toBe("Could not find a property named 'and' on type 'Microsoft.Dynamics.CRM.workflow'.");
  });

  it('missing close parenthesis', () => {
    expect(filterError("(name eq 'x'")).toBe("')' or operator expected at position 12 in '(name eq 'x''.");
    expect(filterError("contains(name 'x')")).toBe("')' or ',' expected at position 14 in 'contains(name 'x')'.");
  });

  it('invalid character', () => {
    expect(filterError('name eq "x"')).toBe(`Syntax error: character '"' is not valid at position 8 in 'name eq "x"'.`);
  });

  it('digit expected', () => {
    expect(filterError('statecode eq 1.')).toBe("Digit expected at position 15 in 'statecode eq 1.'.");
  });

  it('navigation paths are not simulated', () => {
    expect(filterError("ownerid/fullname eq 'x'")).toBe(
      "Navigation paths and lambda operators are not supported by the Patchbay sandbox (position 7 in 'ownerid/fullname eq 'x'').",
    );
  });

  it('errors are ODataError 400 0x80060888', () => {
    expect(failure(() => parseFilter(workflow, "name eqq 'x'"))).toMatchObject({ status: 400, code: '0x80060888' });
  });
});

describe('parameter aliases', () => {
  it('substitutes values and property names', () => {
    expect(ids('name eq @p1', workflow, workflows, new Map([['@p1', "'Classic rule'"]]))).toEqual([W3]);
    expect(ids("contains(@p1,'RULE')", workflow, workflows, new Map([['@p1', 'name']]))).toEqual([W3]);
  });

  it('an alias without a value is null', () => {
    expect(ids('name eq @p2', workflow, workflows, new Map())).toEqual([W5]);
  });
});

describe('$orderby', () => {
  it('binds properties and directions', () => {
    const items = parseOrderBy(workflow, 'name desc,_ownerid_value, createdon asc');
    expect(items.map((i) => [i.attr.logicalName, i.descending])).toEqual([
      ['name', true],
      ['ownerid', false],
      ['createdon', false],
    ]);
  });

  it('unknown property', () => {
    expect(failure(() => parseOrderBy(workflow, 'foo desc')).message).toBe(
      "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.",
    );
  });

  it('navigation property', () => {
    expect(failure(() => parseOrderBy(workflow, 'ownerid')).message).toBe('The $orderby expression must evaluate to a single value of primitive type.');
  });

  it('bad direction', () => {
    expect(failure(() => parseOrderBy(workflow, 'name up')).message).toBe("Syntax error at position 7 in 'name up'.");
  });

  it('aliases', () => {
    expect(parseOrderBy(workflow, '@p1 desc', new Map([['@p1', 'name']])).map((i) => i.attr.logicalName)).toEqual(['name']);
  });
});
