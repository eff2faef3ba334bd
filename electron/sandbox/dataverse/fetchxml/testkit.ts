/** Shared fixtures for the FetchXML engine tests: a small Dataverse in memory. */
import type { Row } from '../../model';
import { entityByLogicalName, type EntityMeta } from '../schema';
import { executeFetchXml, type FetchXmlRequest, type FetchXmlResponseBody } from './engine';
import type { FetchXmlDataSource } from './evaluate';
import { canonicalGuid } from './values';

export const SERVICE_ROOT = 'https://contoso.crm.dynamics.com/api/data/v9.2';

/** `00000000-0000-0000-0000-<hex padded to 12>`. */
export const guid = (suffix: string): string => `00000000-0000-0000-0000-${suffix.padStart(12, '0')}`;

export function dataSource(tables: Record<string, Row[]>): FetchXmlDataSource {
  return {
    rowsOf: (logicalName) => tables[logicalName] ?? [],
    getRow: (logicalName, id) => {
      const meta = entityByLogicalName(logicalName);
      if (!meta) return undefined;
      const wanted = canonicalGuid(id);
      return (tables[logicalName] ?? []).find((row) => canonicalGuid(String(row[meta.primaryId])) === wanted);
    },
    entityMeta: entityByLogicalName,
  };
}

export function meta(logicalName: string): EntityMeta {
  const found = entityByLogicalName(logicalName);
  if (!found) throw new Error(`no entity ${logicalName}`);
  return found;
}

export const USERS = { ada: guid('a0a'), bob: guid('b0b') };
export const SOLUTIONS = { contoso: guid('5001'), other: guid('5002') };
export const CRS = {
  wired: guid('c1'),
  unwired: guid('c2'),
  otherSolution: guid('c3'),
  bothSolutions: guid('c4'),
  noSolution: guid('c5'),
  emptyConnection: guid('c6'),
};
export const FLOWS = {
  off: guid('f1'),
  on: guid('f2'),
  classic: guid('f3'),
  otherSolution: guid('f4'),
  noSolution: guid('f5'),
  suspended: guid('f6'),
};

const CR_TYPE = 10027;

function cr(id: string, name: string, connectionid: string | null, version: number): Row {
  return {
    connectionreferenceid: id,
    connectionreferencelogicalname: name,
    connectionreferencedisplayname: name,
    connectorid: '/providers/Microsoft.PowerApps/apis/shared_office365',
    connectionid,
    statecode: 0,
    statuscode: 1,
    ownerid: USERS.ada,
    versionnumber: version,
  };
}

function flow(id: string, name: string, category: number, statecode: number, version: number, owner: string): Row {
  return {
    workflowid: id,
    name,
    category,
    statecode,
    statuscode: statecode === 0 ? 1 : statecode === 1 ? 2 : 3,
    type: 1,
    primaryentity: 'none',
    ismanaged: false,
    ownerid: owner,
    createdon: '2024-03-05T14:07:09.123Z',
    versionnumber: version,
  };
}

function component(n: number, objectid: string, solutionid: string, componenttype: number): Row {
  return { solutioncomponentid: guid(`d${n}`), objectid, solutionid, componenttype, rootcomponentbehavior: 0, ismetadata: false };
}

export function almTables(): Record<string, Row[]> {
  return {
    systemuser: [
      { systemuserid: USERS.ada, fullname: 'Ada Admin', isdisabled: false, versionnumber: 1 },
      { systemuserid: USERS.bob, fullname: 'Bob Builder', isdisabled: false, versionnumber: 2 },
    ],
    solution: [
      { solutionid: SOLUTIONS.contoso, uniquename: 'ContosoOperations', friendlyname: 'Contoso Operations', ismanaged: true, versionnumber: 10 },
      { solutionid: SOLUTIONS.other, uniquename: 'OtherSolution', friendlyname: 'Other', ismanaged: false, versionnumber: 11 },
    ],
    connectionreference: [
      cr(CRS.wired, 'cr_sharedoffice365_wired', 'conn-1', 1001),
      cr(CRS.unwired, 'cr_sharedteams_unwired', null, 1002),
      cr(CRS.otherSolution, 'cr_other', 'conn-3', 1003),
      cr(CRS.bothSolutions, 'cr_both', 'conn-4', 1004),
      cr(CRS.noSolution, 'cr_nosolution', 'conn-5', 1005),
      cr(CRS.emptyConnection, 'cr_empty', '', 1006),
    ],
    workflow: [
      flow(FLOWS.off, 'Send weekly report', 5, 0, 2001, USERS.ada),
      flow(FLOWS.on, 'Sync orders', 5, 1, 2002, USERS.ada),
      flow(FLOWS.classic, 'Classic approval', 0, 0, 2003, USERS.bob),
      flow(FLOWS.otherSolution, 'Other flow', 5, 0, 2004, USERS.bob),
      flow(FLOWS.noSolution, 'Loose flow', 5, 0, 2005, USERS.ada),
      flow(FLOWS.suspended, 'Suspended flow', 5, 2, 2006, USERS.bob),
    ],
    solutioncomponent: [
      component(1, CRS.wired, SOLUTIONS.contoso, CR_TYPE),
      component(2, CRS.unwired, SOLUTIONS.contoso, CR_TYPE),
      component(3, CRS.otherSolution, SOLUTIONS.other, CR_TYPE),
      component(4, CRS.bothSolutions, SOLUTIONS.contoso, CR_TYPE),
      component(5, CRS.bothSolutions, SOLUTIONS.other, CR_TYPE),
      component(6, CRS.emptyConnection, SOLUTIONS.contoso, CR_TYPE),
      component(7, FLOWS.off, SOLUTIONS.contoso, 29),
      component(8, FLOWS.on, SOLUTIONS.contoso, 29),
      component(9, FLOWS.classic, SOLUTIONS.contoso, 29),
      component(10, FLOWS.otherSolution, SOLUTIONS.other, 29),
      component(11, FLOWS.suspended, SOLUTIONS.contoso, 29),
    ],
  };
}

export interface RunOptions extends Partial<Omit<FetchXmlRequest, 'fetchXml' | 'entity' | 'data'>> {
  tables?: Record<string, Row[]>;
  annotations?: boolean | readonly string[];
}

/** Runs a fetch against the set of `entity` with the ALM fixture (or the given tables). */
export function run(entity: string, fetchXml: string, options: RunOptions = {}): FetchXmlResponseBody {
  const { tables, annotations, ...rest } = options;
  const includeAnnotation =
    annotations === true
      ? (): boolean => true
      : typeof annotations === 'object'
        ? (term: string): boolean => annotations.includes(term)
        : undefined;
  return executeFetchXml({
    fetchXml,
    entity: meta(entity),
    serviceRoot: SERVICE_ROOT,
    data: dataSource(tables ?? almTables()),
    includeAnnotation,
    ...rest,
  });
}

/** Runs a fetch expected to fail and returns the error's status, code and message. */
export function runError(entity: string, fetchXml: string, options: RunOptions = {}): { status: number; code: string; message: string } {
  try {
    run(entity, fetchXml, options);
  } catch (error) {
    const { status, code, message } = error as { status: number; code: string; message: string };
    return { status, code, message };
  }
  throw new Error('expected the fetch to fail');
}

export const ids = (body: FetchXmlResponseBody, key: string): unknown[] => body.value.map((row) => row[key]);
