import { describe, expect, it } from 'vitest';
import { connectionReference, environmentVariableValue, solution, workflow, type EntityMeta } from '../schema';
import { ODataError } from './errors';
import { parseQueryOptions, readQueryString, type ExpandItem } from './options';

function failure(fn: () => unknown): { status: number; code: string; message: string } {
  try {
    fn();
  } catch (e) {
    if (e instanceof ODataError) return { status: e.status, code: e.code, message: e.message };
    throw e;
  }
  throw new Error('expected an ODataError');
}

const optionsError = (search: string, meta: EntityMeta = workflow): string => failure(() => parseQueryOptions(meta, search)).message;

describe('query string', () => {
  it.each(['$skip=10', '$search=contoso', '$format=json'])('refuses %s as the platform does', (search) => {
    const name = search.split('=')[0] ?? '';
    expect(failure(() => parseQueryOptions(workflow, `?${search}`))).toEqual({
      status: 400,
      code: '0x80060888',
      message: `The query parameter ${name} is not supported`,
    });
  });

  it('option names are case-sensitive', () => {
    expect(optionsError('?$SELECT=name')).toBe('The query parameter $SELECT is not supported');
    expect(optionsError("?$Filter=name eq 'x'")).toBe('The query parameter $Filter is not supported');
    expect(optionsError('?$levels=2')).toBe('The query parameter $levels is not supported');
  });

  it('$apply is refused, naming the sandbox', () => {
    expect(optionsError('?$apply=groupby((statecode))')).toBe(
      'The query parameter $apply is not supported by the Patchbay sandbox. Use $filter, $orderby and $count instead.',
    );
  });

  it('an option may appear once', () => {
    expect(optionsError('?$select=name&$select=statecode')).toBe(
      "Query option '$select' was specified more than once, but it must be specified at most once.",
    );
  });

  it('decodes names and values, + as space', () => {
    const raw = readQueryString('?%24select=name&%24filter=name+eq+%27a%2Bb%27&@p1=%27x%27&fetchXml=%3Cfetch%2F%3E');
    expect([...raw.system]).toEqual([
      ['$select', 'name'],
      ['$filter', "name eq 'a+b'"],
    ]);
    expect([...raw.aliases]).toEqual([['@p1', "'x'"]]);
    expect([...raw.custom]).toEqual([['fetchXml', '<fetch/>']]);
  });

  it('tolerates malformed escapes', () => {
    expect(readQueryString("$filter=contains(name,'100%')").system.get('$filter')).toBe("contains(name,'100%')");
  });

  it('$top must be a non-negative integer', () => {
    expect(optionsError('?$top=-1')).toBe(
      "Invalid value '-1' for $top query option found. The $top query option requires a non-negative integer value.",
    );
    expect(optionsError('?$top=ten')).toBe(
      "Invalid value 'ten' for $top query option found. The $top query option requires a non-negative integer value.",
    );
    expect(parseQueryOptions(workflow, '?$top=3').top).toBe(3);
  });

  it('$count is true or false', () => {
    expect(parseQueryOptions(workflow, '?$count=true').count).toBe(true);
    expect(parseQueryOptions(workflow, '?$count=false').count).toBe(false);
    expect(optionsError('?$count=yes')).toBe("'yes' is not a valid count option.");
  });

  it('uses aliases in $filter', () => {
    const options = parseQueryOptions(workflow, "?$filter=name eq @p1&@p1='Classic rule'");
    expect(options.filter?.({ name: 'classic RULE' })).toBe(true);
  });
});

describe('$select', () => {
  it('keeps request order, drops duplicates', () => {
    expect(parseQueryOptions(workflow, '?$select=statecode,name,_ownerid_value,name').select).toEqual(['statecode', 'name', '_ownerid_value']);
  });

  it('* or nothing means every column', () => {
    expect(parseQueryOptions(workflow, '?$select=*').select).toBeNull();
    expect(parseQueryOptions(workflow, '').select).toBeNull();
  });

  it('unknown property', () => {
    expect(failure(() => parseQueryOptions(workflow, '?$select=name,foo'))).toEqual({
      status: 400,
      code: '0x80060888',
      message: "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.",
    });
    expect(optionsError('?$select=Name')).toBe("Could not find a property named 'Name' on type 'Microsoft.Dynamics.CRM.workflow'.");
  });

  it('a lookup is selected as _x_value, never by its logical name', () => {
    expect(optionsError('?$select=customconnectorid', connectionReference)).toBe(
      "Could not find a property named 'customconnectorid' on type 'Microsoft.Dynamics.CRM.connectionreference'.",
    );
    expect(parseQueryOptions(connectionReference, '?$select=_customconnectorid_value').select).toEqual(['_customconnectorid_value']);
  });

  it('a navigation property cannot be selected', () => {
    expect(optionsError('?$select=name,ownerid')).toBe(
      "The navigation property 'ownerid' on type 'Microsoft.Dynamics.CRM.workflow' cannot be used in $select. Select '_ownerid_value' or use $expand=ownerid instead.",
    );
    expect(optionsError('?$select=CustomConnectorId', connectionReference)).toBe(
      "The navigation property 'CustomConnectorId' on type 'Microsoft.Dynamics.CRM.connectionreference' cannot be used in $select. Select '_customconnectorid_value' or use $expand=CustomConnectorId instead.",
    );
    expect(optionsError('?$select=solution_solutioncomponent', solution)).toBe(
      "The navigation property 'solution_solutioncomponent' on type 'Microsoft.Dynamics.CRM.solution' cannot be used in $select. Use $expand=solution_solutioncomponent instead.",
    );
  });
});

describe('$orderby', () => {
  it('unknown property', () => {
    expect(optionsError('?$orderby=foo')).toBe("Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.");
  });

  it('lookups via _x_value', () => {
    expect(parseQueryOptions(workflow, '?$orderby=_ownerid_value desc,name').orderBy.map((o) => [o.attr.logicalName, o.descending])).toEqual([
      ['ownerid', true],
      ['name', false],
    ]);
  });
});

function describeExpand(items: readonly ExpandItem[]): unknown[] {
  return items.map((i) =>
    i.kind === 'single'
      ? { single: i.navigation, ref: i.ref, targets: i.targets.map((t) => t.logicalName), select: i.options.select, expand: describeExpand(i.options.expand) }
      : { collection: i.navigation, target: i.target.logicalName, select: i.options.select, top: i.top, orderBy: i.orderBy.map((o) => o.attr.logicalName), filter: i.filter !== null },
  );
}

describe('$expand', () => {
  it('single-valued with nested $select and $expand', () => {
    const options = parseQueryOptions(workflow, '?$expand=ownerid($select=fullname;$expand=businessunitid($select=name)),createdby,modifiedby/$ref');
    expect(describeExpand(options.expand)).toEqual([
      { single: 'ownerid', ref: false, targets: ['systemuser'], select: ['fullname'], expand: [{ single: 'businessunitid', ref: false, targets: ['businessunit'], select: ['name'], expand: [] }] },
      { single: 'createdby', ref: false, targets: ['systemuser'], select: null, expand: [] },
      { single: 'modifiedby', ref: true, targets: ['systemuser'], select: null, expand: [] },
    ]);
  });

  it('navigation names as schema.ts declares them (case-sensitive)', () => {
    const options = parseQueryOptions(environmentVariableValue, '?$expand=EnvironmentVariableDefinitionId($select=schemaname)');
    expect(describeExpand(options.expand)).toEqual([
      { single: 'EnvironmentVariableDefinitionId', ref: false, targets: ['environmentvariabledefinition'], select: ['schemaname'], expand: [] },
    ]);
    expect(optionsError('?$expand=environmentvariabledefinitionid', environmentVariableValue)).toBe(
      "Could not find a property named 'environmentvariabledefinitionid' on type 'Microsoft.Dynamics.CRM.environmentvariablevalue'.",
    );
  });

  it('collection-valued with $select, $filter, $orderby, $top', () => {
    const options = parseQueryOptions(
      solution,
      "?$expand=solution_solutioncomponent($select=objectid,componenttype;$filter=componenttype eq 29 and (rootcomponentbehavior eq 0 or objectid eq null);$orderby=objectid desc;$top=5)",
    );
    expect(describeExpand(options.expand)).toEqual([
      { collection: 'solution_solutioncomponent', target: 'solutioncomponent', select: ['objectid', 'componenttype'], top: 5, orderBy: ['objectid'], filter: true },
    ]);
  });

  it('unknown navigation property', () => {
    expect(failure(() => parseQueryOptions(workflow, '?$expand=foo'))).toEqual({
      status: 400,
      code: '0x80060888',
      message: "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.workflow'.",
    });
  });

  it('a column is not a navigation property', () => {
    expect(optionsError('?$expand=name')).toBe(
      "Property 'name' on type 'Microsoft.Dynamics.CRM.workflow' is not a navigation property or complex property. Only navigation properties can be expanded.",
    );
    expect(optionsError('?$expand=_ownerid_value')).toBe(
      "Property '_ownerid_value' on type 'Microsoft.Dynamics.CRM.workflow' is not a navigation property or complex property. Only navigation properties can be expanded.",
    );
  });

  it('unknown property inside the nested $select names the target type', () => {
    expect(optionsError('?$expand=createdby($select=foo)')).toBe("Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.systemuser'.");
    expect(optionsError('?$expand=ownerid($select=foo)')).toBe("Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.principal'.");
    expect(optionsError("?$expand=solution_solutioncomponent($filter=foo eq 1)", solution)).toBe(
      "Could not find a property named 'foo' on type 'Microsoft.Dynamics.CRM.solutioncomponent'.",
    );
  });

  it('$ref only on single-valued navigation properties', () => {
    expect(failure(() => parseQueryOptions(solution, '?$expand=solution_solutioncomponent/$ref'))).toEqual({
      status: 400,
      code: '0x80060888',
      message: 'Expand with $ref is only supported on lookup type navigation property.',
    });
  });

  it('refuses $skip/$count inside $expand, and collection options on a lookup', () => {
    expect(optionsError('?$expand=solution_solutioncomponent($skip=1)', solution)).toBe('The query parameter $skip is not supported');
    expect(optionsError('?$expand=solution_solutioncomponent($count=true)', solution)).toBe('The query parameter $count is not supported');
    expect(optionsError('?$expand=ownerid($top=1)')).toBe("The query option $top is not supported inside $expand (navigation property 'ownerid').");
  });

  it('unbalanced parentheses', () => {
    expect(optionsError('?$expand=ownerid($select=fullname')).toBe('Found an unbalanced bracket expression.');
  });

  it('a lookup to a table the sandbox does not simulate', () => {
    expect(optionsError('?$expand=CustomConnectorId', connectionReference)).toBe(
      "The navigation property 'CustomConnectorId' cannot be expanded in the Patchbay sandbox: table 'connector' is not simulated.",
    );
  });
});
