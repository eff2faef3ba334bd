import type { Connection, ConnectionPermission, PrincipalType } from '../model';
import type { SandboxStore } from '../store';
import { ownerOf } from './access';

/**
 * `POST …/connections/{conn}/modifyPermissions` (reference §2.4):
 * `{"put":[{"properties":{"roleName","principal":{"id","type"?,"tenantId"?}}}],"delete":[{"id"}]}`.
 * The whole body is checked before anything changes: roles CanView, CanViewWithShare, CanEdit
 * (tenant-wide only CanView); principals must exist in the directory (their type is resolved, a given
 * type must agree); the Owner entry can be neither changed nor deleted. Deleting a share that is not
 * there is a no-op, so a script can re-run.
 */

export type ShareRole = 'CanView' | 'CanViewWithShare' | 'CanEdit';

export interface PutItem {
  principalId: string;
  principalType: PrincipalType;
  roleName: ShareRole;
}

export interface ModifyPlan {
  put: PutItem[];
  /** Principal ids (tenant id for the tenant-wide share) whose entries go. */
  delete: string[];
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

export type PlanResult = { ok: true; plan: ModifyPlan } | { ok: false; refusal: Refusal };

const ROLES: readonly ShareRole[] = ['CanView', 'CanViewWithShare', 'CanEdit'];
const TYPES: readonly PrincipalType[] = ['User', 'ServicePrincipal', 'Group', 'Tenant'];

const bad = (code: string, message: string): { ok: false; refusal: Refusal } => ({ ok: false, refusal: { status: 400, code, message } });
const invalidContent = (detail: string) => bad('InvalidRequestContent', `The request content was invalid and could not be deserialized: ${detail}`);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function ownerRefusal(c: Connection, what: string): { ok: false; refusal: Refusal } {
  return bad(
    'CannotModifyOwnerRoleAssignment',
    `${what} is the Owner role assignment of connection '${c.name}'. Owner role assignments can't be changed or deleted without deleting the connection resource.`,
  );
}

function planPut(store: SandboxStore, c: Connection, item: unknown, index: number): { ok: true; item: PutItem } | { ok: false; refusal: Refusal } {
  const at = `put[${index}]`;
  const properties = isObject(item) ? item['properties'] : undefined;
  if (!isObject(properties)) return invalidContent(`'${at}.properties' must be an object.`);
  const roleRaw = properties['roleName'];
  if (typeof roleRaw !== 'string' || roleRaw === '') return bad('InvalidRequestContent', `The 'roleName' of '${at}' is required.`);
  const roleName = ROLES.find((r) => r.toLowerCase() === roleRaw.toLowerCase());
  if (!roleName) {
    return bad('InvalidRoleName', `The role name '${roleRaw}' is not valid for a connection permission. Valid role names are 'CanView', 'CanViewWithShare' and 'CanEdit'.`);
  }
  const principal = properties['principal'];
  if (!isObject(principal)) return invalidContent(`'${at}.properties.principal' must be an object.`);
  const id = principal['id'];
  if (typeof id !== 'string' || id.trim() === '') return bad('InvalidRequestContent', `The principal 'id' of '${at}' is required.`);
  const typeRaw = principal['type'];
  let given: PrincipalType | undefined;
  if (typeRaw !== undefined && typeRaw !== null) {
    given = TYPES.find((t) => typeof typeRaw === 'string' && t.toLowerCase() === typeRaw.toLowerCase());
    if (!given) return bad('InvalidPrincipalType', `The principal type '${typeof typeRaw === 'string' ? typeRaw : JSON.stringify(typeRaw)}' is not valid. Valid principal types are 'User', 'ServicePrincipal', 'Group' and 'Tenant'.`);
  }
  const tenantId = store.state.tenant.id;
  if (given === 'Tenant' || id.toLowerCase() === tenantId) {
    if (id.toLowerCase() !== tenantId) return bad('PrincipalNotFound', `The tenant '${id}' is not this connection's tenant '${tenantId}'.`);
    if (roleName !== 'CanView') return bad('InvalidTenantPermission', 'Sharing with the entire tenant is only supported for CanView.');
    return { ok: true, item: { principalId: tenantId, principalType: 'Tenant', roleName } };
  }
  const found = store.principal(id);
  if (!found) return bad('PrincipalNotFound', `The principal with object id '${id}' could not be found in the directory of tenant '${tenantId}'.`);
  const actual: PrincipalType = found.kind === 'user' ? 'User' : 'ServicePrincipal';
  if (given && given !== actual) return bad('PrincipalTypeMismatch', `The principal '${id}' is of type '${actual}', not '${given}'.`);
  if (found.objectId === ownerOf(c).toLowerCase()) return ownerRefusal(c, `The principal '${id}'`);
  return { ok: true, item: { principalId: found.objectId, principalType: actual, roleName } };
}

function planDelete(store: SandboxStore, c: Connection, item: unknown, index: number): { ok: true; principalId: string } | { ok: false; refusal: Refusal } {
  const id = isObject(item) ? item['id'] : undefined;
  if (typeof id !== 'string' || id === '') return bad('InvalidRequestContent', `The 'id' of 'delete[${index}]' is required.`);
  const match = /\/apis\/([^/]+)\/connections\/([^/]+)\/permissions\/([^/]+)$/i.exec(id);
  const [, api, conn, name] = match ?? [];
  if (!api || !conn || !name || api.toLowerCase() !== c.apiName.toLowerCase() || conn.toLowerCase() !== c.name.toLowerCase()) {
    return bad('InvalidPermissionId', `The permission id '${id}' does not name a permission of connection '${c.name}' for API '${c.apiName}'.`);
  }
  const tenantId = store.state.tenant.id;
  const principalId = name.toLowerCase() === `tenant-${tenantId}` ? tenantId : name.toLowerCase();
  if (principalId === ownerOf(c).toLowerCase()) return ownerRefusal(c, `The permission '${id}'`);
  return { ok: true, principalId };
}

export function planModifyPermissions(store: SandboxStore, c: Connection, body: Buffer): PlanResult {
  const text = body.toString('utf8').trim();
  if (text === '') return invalidContent('the request body is empty.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return invalidContent(error instanceof Error ? error.message : 'the body is not JSON.');
  }
  if (!isObject(parsed)) return invalidContent('the body must be a JSON object with \'put\' and \'delete\' arrays.');
  const puts = parsed['put'] ?? [];
  const deletes = parsed['delete'] ?? [];
  if (!Array.isArray(puts)) return invalidContent("'put' must be an array.");
  if (!Array.isArray(deletes)) return invalidContent("'delete' must be an array.");
  const plan: ModifyPlan = { put: [], delete: [] };
  for (const [i, item] of puts.entries()) {
    const r = planPut(store, c, item, i);
    if (!r.ok) return r;
    plan.put.push(r.item);
  }
  for (const [i, item] of deletes.entries()) {
    const r = planDelete(store, c, item, i);
    if (!r.ok) return r;
    plan.delete.push(r.principalId);
  }
  return { ok: true, plan };
}

/** Applies a checked plan to the connection's permissions: deletes first, then puts (add or change role). */
export function applyModifyPermissions(c: Connection, plan: ModifyPlan): void {
  const key = (p: { principalId: string }) => p.principalId.toLowerCase();
  const removed = new Set(plan.delete);
  const kept = c.permissions.filter((p) => p.roleName === 'Owner' || !removed.has(key(p)));
  for (const item of plan.put) {
    const existing = kept.find((p) => p.roleName !== 'Owner' && key(p) === key(item));
    if (existing) {
      existing.roleName = item.roleName;
      existing.principalType = item.principalType;
    } else {
      const entry: ConnectionPermission = { principalId: item.principalId, principalType: item.principalType, roleName: item.roleName };
      kept.push(entry);
    }
  }
  c.permissions = kept;
}
