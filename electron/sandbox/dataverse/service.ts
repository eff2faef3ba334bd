import type { SandboxContext } from '../context';
import { orgUrl } from '../entra/resources';
import { json, type Handler, type SbRequest, type SbResponse } from '../http';
import type { SandboxEnvironment } from '../model';
import { authenticate, requirePrivilege, type DataverseCaller } from './auth';
import { executeBatchRequest } from './batch-route';
import { DataverseError, badRequest, notFound, segmentNotFound } from './errors';
import { metadataDocument } from './metadata';
import { parseJsonBody } from './payload';
import { objectTypeCodes, privilegeFor, privilegeId, rolesGrant } from './privileges';
import { parsePreferences, readCollection, readCount, readSingle, representation } from './read';
import { entities, entityBySetName } from './schema';
import { insert, remove, upsert, type WriteContext } from './writes';

/**
 * The Dataverse Web API of one sandbox org, `/orgs/{org}/api/data/v9.x/…` (reference §1): service
 * document, $metadata, WhoAmI, entity sets (OData and FetchXML queries, create, upsert, delete),
 * `$batch`, and the RetrieveUserPrivilegeByPrivilegeName function clients use to check Delegate.
 */

const API_PATH = /^\/api\/data\/(v9\.[0-2])(\/.*)?$/;
const ENTITY_KEY = /^([A-Za-z_][A-Za-z0-9_]*)\(([^)]*)\)$/;
const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const PRIVILEGE_FUNCTION = /^Microsoft\.Dynamics\.CRM\.RetrieveUserPrivilegeByPrivilegeName\(PrivilegeName='([^']*)'\)$/;

export interface DataverseRequestContext {
  ctx: SandboxContext;
  env: SandboxEnvironment;
  req: SbRequest;
  who: DataverseCaller;
  /** `https://127.0.0.1:PORT/orgs/{org}/api/data/v9.2` */
  serviceRoot: string;
}

function platformHeaders(req: SbRequest, ctx: SandboxContext): Record<string, string> {
  return {
    'odata-version': '4.0',
    'x-ms-service-request-id': req.requestId,
    'req_id': req.requestId,
    'x-ms-dop-hint': String(ctx.dopHint),
  };
}

function withHeaders(response: SbResponse, headers: Record<string, string>): SbResponse {
  return { ...response, headers: { ...headers, ...response.headers } };
}

function parseKey(raw: string): string {
  const id = GUID.exec(decodeURIComponent(raw).trim())?.[1];
  if (!id) throw badRequest('Bad Request - Error in query syntax.', '0x80060888');
  return id.toLowerCase();
}

function whoAmI(r: DataverseRequestContext): SbResponse {
  const { who, env, serviceRoot } = r;
  return json(200, {
    '@odata.context': `${serviceRoot}/$metadata#Microsoft.Dynamics.CRM.WhoAmIResponse`,
    BusinessUnitId: String(who.effective.row['businessunitid'] ?? ''),
    UserId: who.effective.systemUserId,
    OrganizationId: env.organizationId,
  });
}

function serviceDocument(serviceRoot: string): SbResponse {
  return json(200, {
    '@odata.context': `${serviceRoot}/$metadata`,
    value: entities.map((e) => ({ name: e.setName, kind: 'EntitySet', url: e.setName })),
  });
}

/** `systemusers(<id>)/Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeName(PrivilegeName='…')` */
function userPrivilege(r: DataverseRequestContext, systemUserId: string, privilege: string): SbResponse {
  const user = r.ctx.store.row(r.env, 'systemuser', systemUserId);
  if (!user) throw notFound('systemuser', systemUserId);
  const roleIds = r.ctx.store
    .rows(r.env, 'systemuserroles')
    .filter((x) => x['systemuserid'] === systemUserId)
    .map((x) => String(x['roleid']));
  const roles = roleIds.map((id) => String(r.ctx.store.row(r.env, 'role', id)?.['name'] ?? ''));
  const granted = rolesGrant(roles, privilege);
  return json(200, {
    '@odata.context': `${r.serviceRoot}/$metadata#Microsoft.Dynamics.CRM.RetrieveUserPrivilegeByPrivilegeNameResponse`,
    RolePrivileges: granted
      ? [{ Depth: 'Global', PrivilegeId: privilegeId(privilege), BusinessUnitId: String(user['businessunitid'] ?? ''), PrivilegeName: privilege, RecordFilterId: '00000000-0000-0000-0000-000000000000', RecordFilterUniqueName: null }]
      : [],
  });
}

function routeEntity(r: DataverseRequestContext, segments: string[]): SbResponse {
  const [first = '', second, third] = segments;
  const keyed = ENTITY_KEY.exec(first);
  const setName = keyed ? (keyed[1] ?? '') : first;
  const meta = entityBySetName(setName);
  if (!meta) throw segmentNotFound(setName);
  const { req } = r;
  const writeContext = (): WriteContext => ({ ctx: r.ctx, env: r.env, who: r.who, meta, now: new Date() });

  if (!keyed) {
    if (second === '$count' && third === undefined) {
      if (req.method !== 'GET') throw methodNotAllowed();
      requirePrivilege(r.who, privilegeFor('Read', meta.logicalName), meta.logicalName, objectTypeCodes[meta.logicalName]);
      return readCount(r, meta);
    }
    if (second !== undefined) throw segmentNotFound(second);
    if (req.method === 'GET') {
      requirePrivilege(r.who, privilegeFor('Read', meta.logicalName), meta.logicalName, objectTypeCodes[meta.logicalName]);
      return readCollection(r, meta);
    }
    if (req.method === 'POST') {
      const result = insert(writeContext(), parseJsonBody(meta, req.body));
      const id = String(result.row[meta.primaryId]);
      const entityId = `${r.serviceRoot}/${meta.setName}(${id})`;
      if (parsePreferences(req).returnRepresentation) return representation(r, meta, result.row, 201);
      return { status: 204, headers: { 'odata-entityid': entityId, location: entityId } };
    }
    throw methodNotAllowed();
  }

  const id = parseKey(keyed[2] ?? '');
  if (second !== undefined) {
    const fn = PRIVILEGE_FUNCTION.exec(decodeURIComponent(second));
    if (meta.logicalName === 'systemuser' && fn && req.method === 'GET') return userPrivilege(r, id, fn[1] ?? '');
    throw segmentNotFound(second);
  }
  switch (req.method) {
    case 'GET':
      requirePrivilege(r.who, privilegeFor('Read', meta.logicalName), meta.logicalName, objectTypeCodes[meta.logicalName]);
      return readSingle(r, meta, id);
    case 'PATCH': {
      const result = upsert(writeContext(), id, parseJsonBody(meta, req.body), req.headers['if-match'], req.headers['if-none-match']);
      const entityId = `${r.serviceRoot}/${meta.setName}(${id})`;
      if (parsePreferences(req).returnRepresentation) return representation(r, meta, result.row, result.created ? 201 : 200);
      return { status: 204, headers: { 'odata-entityid': entityId } };
    }
    case 'DELETE':
      remove(writeContext(), id, req.headers['if-match']);
      return { status: 204, headers: {} };
    default:
      throw methodNotAllowed();
  }
}

function methodNotAllowed(): DataverseError {
  return new DataverseError(405, '0x80060888', 'The requested resource does not support http method used.');
}

export function createDataverseService(ctx: SandboxContext): Handler {
  const handle: Handler = async (req) => {
    const org = /^\/orgs\/([^/]+)/.exec(req.url.pathname)?.[1] ?? '';
    const env = ctx.store.environmentByOrg(decodeURIComponent(org));
    if (!env) return json(404, { error: { code: 'OrganizationNotFound', message: `No organization '${org}' answers at this address.` } });
    const headers = platformHeaders(req, ctx);
    const match = API_PATH.exec(req.path);
    if (!match) return withHeaders(segmentNotFound(req.path.split('/').filter(Boolean).pop() ?? '').toResponse(), headers);
    const serviceRoot = `${orgUrl(ctx.baseUrl, env.orgName)}/api/data/${match[1] ?? 'v9.2'}`;

    const auth = await authenticate(ctx, env, req);
    if (!auth.ok) return withHeaders(auth.response, headers);
    const who = auth.who;
    const r: DataverseRequestContext = { ctx, env, req, who, serviceRoot };
    const note = { caller: who.caller.objectId, ...(who.impersonating ? { onBehalfOf: who.effective.objectId } : {}) };
    try {
      const rest = (match[2] ?? '/').replace(/^\//, '');
      const segments = rest === '' ? [] : rest.split('/');
      let response: SbResponse;
      if (segments.length === 0) {
        if (req.method !== 'GET') throw methodNotAllowed();
        response = serviceDocument(serviceRoot);
      } else if (segments[0] === '$metadata') response = metadataDocument(serviceRoot);
      else if (segments[0] === 'WhoAmI' || segments[0] === 'WhoAmI()') response = whoAmI(r);
      else if (segments[0] === '$batch') {
        if (req.method !== 'POST') throw methodNotAllowed();
        response = await executeBatchRequest(r, handle);
      } else response = routeEntity(r, segments);
      return { ...withHeaders(response, headers), ...note };
    } catch (error) {
      if (error instanceof DataverseError) return { ...withHeaders(error.toResponse(), headers), ...note };
      throw error;
    }
  };
  // GET URLs over 32 KB are refused before anything else (reference §1); inside a $batch the limit is
  // 64 KB, and the batch calls `handle` directly.
  return async (req) => {
    if (req.url.pathname.length + req.url.search.length > MAX_URL_LENGTH) {
      return { status: 414, headers: { 'content-type': 'text/html; charset=us-ascii' }, body: URL_TOO_LONG };
    }
    return handle(req);
  };
}

const MAX_URL_LENGTH = 32 * 1024;
/** What HTTP.sys answers in front of Dataverse. */
const URL_TOO_LONG = '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN""http://www.w3.org/TR/html4/strict.dtd">\r\n<HTML><HEAD><TITLE>Request URL Too Long</TITLE>\r\n<META HTTP-EQUIV="Content-Type" Content="text/html; charset=us-ascii"></HEAD>\r\n<BODY><h2>Request URL Too Long</h2>\r\n<hr><p>HTTP Error 414. The request URL is too long.</p>\r\n</BODY></HTML>\r\n';
