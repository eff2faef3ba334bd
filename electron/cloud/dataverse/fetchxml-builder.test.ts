import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { buildFetchXml } from './fetchxml-builder';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name, jpath, _leaf, isAttribute) => !isAttribute && ['attribute', 'condition', 'link-entity', 'order', 'filter'].includes(name) && !String(jpath).endsWith('.condition.value') });

describe('buildFetchXml', () => {
  it('writes entity, columns, orders, filters, nested link-entities and paging attributes', () => {
    const xml = buildFetchXml({
      count: 50,
      page: 2,
      entity: {
        name: 'workflow',
        attributes: ['workflowid', 'name'],
        orders: [{ attribute: 'name', descending: true }],
        filter: {
          type: 'and',
          conditions: [{ attribute: 'category', operator: 'eq', value: 5 }],
          filters: [{ type: 'or', conditions: [{ attribute: 'statecode', operator: 'eq', value: 0 }, { attribute: 'ismanaged', operator: 'eq', value: true }] }],
        },
        links: [
          {
            name: 'solutioncomponent',
            from: 'objectid',
            to: 'workflowid',
            linkType: 'exists',
            filter: { conditions: [{ attribute: 'componenttype', operator: 'eq', value: 29 }] },
            links: [{ name: 'solution', from: 'solutionid', to: 'solutionid', alias: 's', attributes: ['uniquename'] }],
          },
        ],
      },
    });
    expect(xml.startsWith('<fetch version="1.0" mapping="logical" count="50" page="2"><entity name="workflow">')).toBe(true);
    const doc = parser.parse(xml) as { fetch: { entity: Record<string, unknown> } };
    const entity = doc.fetch.entity as {
      attribute: { name: string }[];
      order: { attribute: string; descending: string }[];
      filter: { type: string; condition: unknown[]; filter: { type: string; condition: { value: string }[] }[] }[];
      'link-entity': { 'link-type': string; 'link-entity': { alias: string; 'link-type': string }[] }[];
    };
    expect(entity.attribute.map((a) => a.name)).toEqual(['workflowid', 'name']);
    expect(entity.order[0]).toEqual({ attribute: 'name', descending: 'true' });
    expect(entity.filter[0]?.filter[0]?.type).toBe('or');
    expect(entity.filter[0]?.filter[0]?.condition[1]?.value).toBe('1');
    expect(entity['link-entity'][0]?.['link-type']).toBe('exists');
    expect(entity['link-entity'][0]?.['link-entity'][0]).toMatchObject({ alias: 's', 'link-type': 'inner' });
  });

  it('escapes values so they cannot change the query', () => {
    const evil = `O'Brien" /><condition attribute="x" operator="not-null"/><x a="&`;
    const xml = buildFetchXml({ entity: { name: 'systemuser', filter: { conditions: [{ attribute: 'fullname', operator: 'eq', value: evil }] } } });
    expect(xml).not.toContain('<condition attribute="x"');
    const doc = parser.parse(xml) as { fetch: { entity: { filter: { condition: { value: string }[] }[] } } };
    const conditions = doc.fetch.entity.filter[0]?.condition ?? [];
    expect(conditions).toHaveLength(1);
    expect(conditions[0]?.value).toBe(evil);
  });

  it('writes `in` as value elements, and a paging cookie as an escaped attribute', () => {
    const cookie = '<cookie page="1"><workflowid last="{AB}" first="{CD}" /></cookie>';
    const xml = buildFetchXml({
      count: 10,
      page: 2,
      pagingCookie: cookie,
      entity: { name: 'workflow', filter: { conditions: [{ attribute: 'workflowid', operator: 'in', values: ['a&b', 'c<d'] }] } },
    });
    expect(xml).toContain('<condition attribute="workflowid" operator="in"><value>a&amp;b</value><value>c&lt;d</value></condition>');
    const doc = parser.parse(xml) as { fetch: { 'paging-cookie': string } };
    expect(doc.fetch['paging-cookie']).toBe(cookie);
  });

  it('refuses names that are not identifiers and wrong value counts', () => {
    expect(() => buildFetchXml({ entity: { name: 'work flow' } })).toThrow(/not a valid Dataverse name/);
    expect(() => buildFetchXml({ entity: { name: 'workflow', attributes: ['name"'] } })).toThrow(/not a valid Dataverse name/);
    expect(() => buildFetchXml({ entity: { name: 'workflow', filter: { conditions: [{ attribute: 'name', operator: 'in', values: [] }] } } })).toThrow(/at least one/);
    expect(() => buildFetchXml({ entity: { name: 'workflow', filter: { conditions: [{ attribute: 'name', operator: 'null', value: 'x' }] } } })).toThrow(/no value/);
    expect(() => buildFetchXml({ entity: { name: 'workflow', filter: { conditions: [{ attribute: 'n', operator: 'between', values: [1] }] } } })).toThrow(/exactly two/);
    expect(() => buildFetchXml({ entity: { name: 'workflow', filter: { conditions: [{ attribute: 'name', operator: 'eq' }] } } })).toThrow(/exactly one/);
    expect(() => buildFetchXml({ top: 5, count: 5, entity: { name: 'workflow' } })).toThrow(/top cannot be combined/);
  });

  it('writes boolean-looking attribute values in full (valid XML)', () => {
    const xml = buildFetchXml({ distinct: true, entity: { name: 'workflow', orders: [{ attribute: 'name', descending: true }] } });
    expect(xml).toContain('distinct="true"');
    expect(xml).toContain('<order attribute="name" descending="true"/>');
  });

  it('writes all-attributes and null conditions', () => {
    const xml = buildFetchXml({ top: 3, entity: { name: 'workflow', attributes: 'all', filter: { conditions: [{ attribute: 'clientdata', operator: 'not-null' }] } } });
    expect(xml).toContain('top="3"');
    expect(xml).toContain('<all-attributes/>');
    expect(xml).toContain('<condition attribute="clientdata" operator="not-null"/>');
  });
});
