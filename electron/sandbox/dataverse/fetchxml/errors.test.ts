/** Queries the platform refuses: status, hex code and message text. */
import { describe, expect, it } from 'vitest';
import { FetchXmlError, isFetchXmlError } from './errors';
import { executeFetchXml } from './engine';
import { SERVICE_ROOT, almTables, dataSource, meta, run, runError } from './testkit';

const ORG = '7a9a2982-93cc-4ae5-873e-da0f40b9ee50';
const DETAILS = `MetadataCacheDetails: ProviderType=Dynamic, StandardCache=True, IsLoadedInStagedContext = False, Timestamp=1000000, MinActiveRowVersion=1000000, MetadataInstanceId=1000, LastUpdated=2024-01-01 00:00:00.000, OrgId=${ORG}`;

const wf = (content: string, fetchAttributes = ''): string => `<fetch${fetchAttributes}><entity name='workflow'>${content}</entity></fetch>`;
const err = (code: string, message: string): { status: number; code: string; message: string } => ({ status: 400, code, message });

describe('malformed documents', () => {
  it.each([
    ['an unclosed element', "<fetch><entity name='workflow'></fetch>"],
    ['an empty string', ''],
    ['plain text', 'select * from workflow'],
    ['two root elements', "<fetch><entity name='workflow'/></fetch><fetch/>"],
    ['a repeated attribute', "<fetch><entity name='workflow' name='solution'/></fetch>"],
  ])('answers Invalid XML. for %s', (_, xml) => {
    expect(runError('workflow', xml)).toEqual(err('0x80040201', 'Invalid XML.'));
  });

  it('keeps the parser detail as the error cause for logs', () => {
    try {
      run('workflow', '<fetch><entity></fetch>');
      expect.unreachable();
    } catch (error) {
      expect(isFetchXmlError(error)).toBe(true);
      expect(String((error as FetchXmlError).cause)).toContain("Expected closing tag 'entity'");
    }
  });

  it('wants a fetch root element', () => {
    expect(runError('workflow', "<entity name='workflow'/>")).toEqual(err('0x8004111C', 'Invalid Element Name: entity. Expecting: fetch'));
  });

  it('rejects unknown child elements with the platform text', () => {
    expect(runError('workflow', wf("<attribute name='name'/><column name='x'/>"))).toEqual(
      err(
        '0x8004111C',
        'Invalid Child Node, valid nodes are filter, order, link-entity, attribute, all-attributes, no-attrs. NodeName = column NodeXml = <column name="x" />',
      ),
    );
  });

  it('accepts an XML declaration, comments and character references', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?><!-- flows --><fetch version='1.0' output-format='xml-platform' mapping='logical' no-lock='true'><entity name='workflow'><attribute name='name'/><filter><condition attribute='name' operator='eq' value='Send&#32;weekly&#x20;report'/></filter></entity></fetch>`;
    expect(run('workflow', xml).value.map((row) => row.name)).toEqual(['Send weekly report']);
  });
});

describe('entities and attributes', () => {
  it('needs an entity name', () => {
    const expected = err('0x80041102', 'Entity Name was not specified in FetchXml String or on EntityExpression');
    expect(runError('workflow', '<fetch/>')).toEqual(expected);
    expect(runError('workflow', '<fetch><entity/></fetch>')).toEqual(expected);
  });

  it('names an unknown entity like the metadata cache does', () => {
    expect(runError('workflow', "<fetch><entity name='flow'/></fetch>", { organizationId: ORG })).toEqual(
      err('0x80041102', `The entity with a name = 'flow' with namemapping = 'Logical' was not found in the MetadataCache. ${DETAILS}`),
    );
    expect(
      runError('workflow', wf("<link-entity name='solutioncomponents' from='objectid' to='workflowid'/>"), { organizationId: ORG }),
    ).toEqual(err('0x80041102', `The entity with a name = 'solutioncomponents' with namemapping = 'Logical' was not found in the MetadataCache. ${DETAILS}`));
  });

  it('refuses an entity that is not the one of the entity set', () => {
    expect(runError('workflow', "<fetch><entity name='connectionreference'/></fetch>")).toEqual(
      err('0x80041128', 'Entity Name specified in FetchXml does not match the entity name in the EntityExpression'),
    );
  });

  it.each([
    ['an attribute element', "<attribute name='foo'/>"],
    ['a condition', "<filter><condition attribute='foo' operator='null'/></filter>"],
    ['an order', "<order attribute='foo'/>"],
    ['a link-entity to', "<link-entity name='solutioncomponent' from='objectid' to='foo'/>"],
    ['a valueof', "<filter><condition attribute='name' operator='eq' valueof='foo'/></filter>"],
  ])('names the entity and attribute for an unknown attribute in %s', (_, content) => {
    expect(runError('workflow', wf(content), { organizationId: ORG })).toEqual(
      err('0x80041103', `'workflow' entity doesn't contain attribute with Name = 'foo' and NameMapping = 'Logical'. ${DETAILS}`),
    );
  });

  it('names the linked entity for its unknown attributes, and refuses Web API lookup names', () => {
    expect(runError('workflow', wf("<link-entity name='solutioncomponent' from='foo' to='workflowid'/>"), { organizationId: ORG })).toEqual(
      err('0x80041103', `'solutioncomponent' entity doesn't contain attribute with Name = 'foo' and NameMapping = 'Logical'. ${DETAILS}`),
    );
    expect(runError('workflow', wf("<attribute name='_ownerid_value'/>"), { organizationId: ORG })).toEqual(
      err('0x80041103', `'workflow' entity doesn't contain attribute with Name = '_ownerid_value' and NameMapping = 'Logical'. ${DETAILS}`),
    );
  });

  it('uses the zero GUID as OrgId when the caller gives none', () => {
    expect(runError('workflow', wf("<attribute name='foo'/>")).message).toMatch(/OrgId=00000000-0000-0000-0000-000000000000$/);
  });

  it('refuses more than 15 link-entity elements', () => {
    const link = "<link-entity name='systemuser' from='systemuserid' to='ownerid' link-type='outer'/>";
    expect(run('workflow', wf(link.repeat(15))).value).toHaveLength(6);
    expect(runError('workflow', wf(link.repeat(16)))).toEqual(err('0x8004430D', 'Number of link entities in query exceeded maximum limit.'));
  });

  it('requires name, from and to on link-entity', () => {
    expect(runError('workflow', wf("<link-entity name='solutioncomponent' to='workflowid'/>"))).toEqual(
      err('0x80040203', `The 'from' attribute is required on the 'link-entity' element. NodeXml = <link-entity name="solutioncomponent" to="workflowid" />`),
    );
  });
});

describe('fetch attributes', () => {
  it('refuses aggregate queries, which the sandbox does not implement', () => {
    const expected = err('0x80040203', 'The sandbox does not support aggregate FetchXML queries (aggregate, groupby and dategrouping).');
    expect(runError('workflow', wf("<attribute name='workflowid' alias='n' aggregate='count'/>", " aggregate='true'"))).toEqual(expected);
    expect(runError('workflow', wf("<attribute name='category' groupby='true' alias='c'/>"))).toEqual(expected);
  });

  it.each([
    ["top='5' page='1'", 'page'],
    ["top='5' count='10'", 'count'],
    ["top='5' returntotalrecordcount='true'", 'returntotalrecordcount'],
  ])('refuses top with paging (%s)', (attributes, named) => {
    expect(runError('workflow', wf("<attribute name='name'/>", ` ${attributes}`))).toEqual(
      err('0x80040203', `The top attribute can't be specified with paging attribute ${named}`),
    );
  });

  it('refuses top with $count=true', () => {
    expect(runError('workflow', wf('', " top='5'"), { countRequested: true })).toEqual(
      err('0x80040203', "The top attribute can't be specified with paging attribute returntotalrecordcount"),
    );
  });

  it('checks numbers and booleans', () => {
    expect(runError('workflow', wf('', " top='5001'"))).toEqual(err('0x80040203', "The 'top' attribute value must be between 0 and 5000. Value = 5001"));
    expect(runError('workflow', wf('', " count='0'"))).toEqual(err('0x80040203', "The 'count' attribute value must be greater than 0. Value = 0"));
    expect(runError('workflow', wf('', " page='two'"))).toEqual(
      err('0x80040203', "Invalid value 'two' for the 'page' attribute of the 'fetch' element. Expected an integer."),
    );
    expect(runError('workflow', wf('', " distinct='yes'"))).toEqual(
      err('0x80041115', "Invalid value 'yes' for the 'distinct' attribute of the 'fetch' element. Expected 'true' or 'false'."),
    );
    expect(runError('workflow', wf('', " mapping='physical'"))).toEqual(
      err('0x80041116', "The only valid values for mapping are 'logical' or 'internal'. Value = 'physical'"),
    );
    expect(runError('workflow', wf("<order attribute='name' descending='down'/>")).code).toBe('0x80041119');
  });
});

describe('conditions, filters and links', () => {
  it('refuses unknown operators and names the ones the sandbox does not evaluate', () => {
    expect(runError('workflow', wf("<filter><condition attribute='name' operator='equals' value='x'/></filter>"))).toEqual(
      err('0x80041120', "'equals' is not a valid condition operator."),
    );
    expect(runError('workflow', wf("<filter><condition attribute='createdon' operator='last-x-days' value='3'/></filter>"))).toEqual(
      err('0x80040203', "The sandbox does not support the FetchXML condition operator 'last-x-days'."),
    );
  });

  it('reports values that do not convert to the column type like the platform', () => {
    expect(runError('workflow', wf("<filter><condition attribute='ownerid' operator='eq' value='a%'/></filter>"))).toEqual(
      err(
        '0x80040203',
        "An exception System.FormatException was thrown while trying to convert input value 'a%' to attribute 'workflow.ownerid'. Expected type of attribute value: System.Guid. Exception raised: Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).",
      ),
    );
    expect(runError('workflow', wf("<filter><condition attribute='category' operator='in'><value>5</value><value>five</value></condition></filter>"))).toEqual(
      err(
        '0x80040203',
        "An exception System.FormatException was thrown while trying to convert input value 'five' to attribute 'workflow.category'. Expected type of attribute value: System.Int32. Exception raised: Input string was not in a correct format.",
      ),
    );
    expect(runError('workflow', wf("<filter><condition attribute='ismanaged' operator='eq' value='yes'/></filter>")).message).toContain(
      'Expected type of attribute value: System.Boolean. Exception raised: String was not recognized as a valid Boolean.',
    );
    expect(runError('workflow', wf("<filter><condition attribute='createdon' operator='gt' value='soon'/></filter>")).message).toContain(
      'Expected type of attribute value: System.DateTime. Exception raised: String was not recognized as a valid DateTime.',
    );
  });

  it('needs values where the operator takes them', () => {
    expect(runError('workflow', wf("<filter><condition attribute='name' operator='eq'/></filter>"))).toEqual(
      err('0x80040203', "Condition for attribute 'workflow.name': null is not a valid value for an equality operator. Use Null or NotNull operators instead."),
    );
    expect(runError('workflow', wf("<filter><condition attribute='category' operator='in'/></filter>"))).toEqual(
      err('0x80040203', "Condition for attribute 'workflow.category': the 'in' operator requires at least one value."),
    );
    expect(runError('workflow', wf("<filter><condition attribute='category' operator='between' value='1'/></filter>"))).toEqual(
      err('0x80040203', "Condition for attribute 'workflow.category': the 'between' operator requires exactly two values."),
    );
  });

  it('checks filter types, link types and entityname references', () => {
    expect(runError('workflow', wf("<filter type='xor'/>"))).toEqual(err('0x80041122', "Invalid filter type 'xor'. Valid values are 'and' and 'or'."));
    expect(runError('workflow', wf("<link-entity name='solutioncomponent' from='objectid' to='workflowid' link-type='left'/>")).code).toBe('0x80041117');
    expect(runError('workflow', wf("<link-entity name='solutioncomponent' from='objectid' to='workflowid' link-type='any'/>"))).toEqual(
      err('0x80040203', "The sandbox does not support link-entity elements with link-type 'any'."),
    );
    expect(runError('workflow', wf("<filter><condition entityname='sc' attribute='objectid' operator='null'/></filter>"))).toEqual(
      err('0x80040203', "No link-entity with the alias or name 'sc' exists in the query."),
    );
    expect(
      runError('workflow', wf("<link-entity name='solutioncomponent' from='objectid' to='workflowid' alias='sc'><filter><condition entityname='sc' attribute='objectid' operator='null'/></filter></link-entity>")),
    ).toEqual(err('0x80041108', 'The entityname attribute is not a valid attribute for link-entity.'));
  });
});

describe('FetchXmlError', () => {
  it('carries the Web API error envelope', () => {
    try {
      executeFetchXml({ fetchXml: '<nope', entity: meta('workflow'), serviceRoot: SERVICE_ROOT, data: dataSource(almTables()) });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(FetchXmlError);
      expect((error as FetchXmlError).toBody()).toEqual({ error: { code: '0x80040201', message: 'Invalid XML.' } });
    }
  });
});
