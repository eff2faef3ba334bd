import { randomUUID } from 'node:crypto';
import type { SandboxContext } from '../context';
import type { Row, SandboxEnvironment } from '../model';
import { requirePrivilege, type DataverseCaller } from './auth';
import { DataverseError, badRequest, concurrencyMismatch, duplicateRecord, notFound } from './errors';
import { readChanges } from './payload';
import { objectTypeCodes, privilegeFor } from './privileges';
import { activationError, subjectOf } from './rules/activation';
import { wiringError } from './rules/wiring';
import type { EntityMeta } from './schema';

/**
 * Create, update (PATCH is an upsert) and delete with the platform's rules: privileges, ETags,
 * state/status pairs, flow activation, reference wiring, and the audit columns impersonation sets.
 */

/** Valid statecode → statuscode pairs and each state's default status (reference §3.2). */
const workflowStates: Record<number, { name: string; statuses: number[]; defaultStatus: number }> = {
  0: { name: 'Draft', statuses: [1], defaultStatus: 1 },
  1: { name: 'Activated', statuses: [2], defaultStatus: 2 },
  2: { name: 'Suspended', statuses: [3], defaultStatus: 3 },
};
const activeInactive: Record<number, { name: string; statuses: number[]; defaultStatus: number }> = {
  0: { name: 'Active', statuses: [1], defaultStatus: 1 },
  1: { name: 'Inactive', statuses: [2], defaultStatus: 2 },
};

function stateModel(meta: EntityMeta): typeof workflowStates | null {
  if (!meta.attributes['statecode']) return null;
  return meta.logicalName === 'workflow' ? workflowStates : activeInactive;
}

function stateEnumName(meta: EntityMeta): string {
  const names: Record<string, string> = {
    workflow: 'WorkflowState',
    connectionreference: 'ConnectionReferenceState',
    environmentvariabledefinition: 'EnvironmentVariableDefinitionState',
    environmentvariablevalue: 'EnvironmentVariableValueState',
  };
  return names[meta.logicalName] ?? `${meta.logicalName}State`;
}

/** Fills in the default status for a lone statecode and refuses inconsistent pairs (0x80048408). */
function normalizeState(meta: EntityMeta, id: string, current: Row | undefined, changes: Row): void {
  const model = stateModel(meta);
  if (!model || (!('statecode' in changes) && !('statuscode' in changes))) return;
  const state = Number(changes['statecode'] ?? current?.['statecode'] ?? 0);
  const entry = model[state];
  if (!entry) throw badRequest(`${state} is not a valid state code on ${meta.logicalName} with Id ${id}.`, '0x80048408');
  if (!('statuscode' in changes) || changes['statuscode'] === null) {
    changes['statuscode'] = entry.defaultStatus;
    return;
  }
  const status = Number(changes['statuscode']);
  if (!entry.statuses.includes(status)) {
    throw badRequest(`${status} is not a valid status code for state code ${stateEnumName(meta)}.${entry.name} on ${meta.logicalName} with Id ${id}.`, '0x80048408');
  }
}

export interface WriteContext {
  ctx: SandboxContext;
  env: SandboxEnvironment;
  who: DataverseCaller;
  meta: EntityMeta;
  now: Date;
}

function auditColumns(w: WriteContext, creating: boolean): Row {
  const onBehalf = w.who.impersonating ? w.who.caller.systemUserId : null;
  const out: Row = {};
  const has = (c: string): boolean => c in w.meta.attributes;
  if (has('modifiedby')) out['modifiedby'] = w.who.effective.systemUserId;
  if (has('modifiedon')) out['modifiedon'] = w.now.toISOString();
  if (has('modifiedonbehalfby')) out['modifiedonbehalfby'] = onBehalf;
  if (creating) {
    if (has('createdby')) out['createdby'] = w.who.effective.systemUserId;
    if (has('createdon')) out['createdon'] = w.now.toISOString();
    if (has('createdonbehalfby')) out['createdonbehalfby'] = onBehalf;
  }
  return out;
}

function etagOf(row: Row): string {
  return `W/"${String(row['versionnumber'])}"`;
}

/** If-Match / If-None-Match on a write (reference §8). */
function checkPreconditions(w: WriteContext, existing: Row | undefined, ifMatch: string | undefined, ifNoneMatch: string | undefined, id: string): void {
  if (ifMatch !== undefined) {
    if (!existing) throw notFound(w.meta.logicalName, id);
    const tags = ifMatch.split(',').map((t) => t.trim());
    if (!tags.includes('*') && w.meta.optimisticConcurrency && !tags.includes(etagOf(existing))) throw concurrencyMismatch();
  }
  if (ifNoneMatch !== undefined && ifNoneMatch.trim() === '*' && existing) throw duplicateRecord();
}

function newRowDefaults(w: WriteContext, id: string): Row {
  const row: Row = {};
  for (const attr of Object.values(w.meta.attributes)) row[attr.logicalName] = null;
  row[w.meta.primaryId] = id;
  const owner = w.who.effective.systemUserId;
  if ('ownerid' in w.meta.attributes) Object.assign(row, { ownerid: owner, owninguser: owner, owningbusinessunit: w.who.effective.row['businessunitid'] ?? null });
  if ('statecode' in w.meta.attributes) Object.assign(row, { statecode: 0, statuscode: 1 });
  if ('ismanaged' in w.meta.attributes) row['ismanaged'] = false;
  if ('componentstate' in w.meta.attributes) row['componentstate'] = 0;
  if (w.meta.logicalName === 'workflow') Object.assign(row, { type: 1, category: 5, primaryentity: 'none', modernflowtype: 0, workflowidunique: randomUUID() });
  return row;
}

/** The rule checks that depend on what is being changed. */
function applyRules(w: WriteContext, row: Row, changes: Row): void {
  const { ctx, env, who } = w;
  if (w.meta.logicalName === 'workflow' && changes['statecode'] === 1 && row['statecode'] !== 1 && row['category'] === 5) {
    const candidate = { ...row, ...changes };
    const error = activationError(ctx.store, env, candidate, subjectOf(who.effective), ctx.switches);
    if (error) throw error;
  }
  if (w.meta.logicalName === 'workflow' && changes['statecode'] === 2 && row['statecode'] !== 2) {
    throw badRequest('Cloud flows are suspended by the platform (for example by a data policy), not by a client request.', '0x80048408');
  }
  if (w.meta.logicalName === 'connectionreference' && 'connectionid' in changes && changes['connectionid'] !== row['connectionid']) {
    const error = wiringError(ctx.store, env, row, (changes['connectionid'] as string | null) ?? null, subjectOf(who.effective), ctx.switches);
    if (error) throw error;
  }
}

export interface WriteResult {
  row: Row;
  created: boolean;
}

/** PATCH `set(id)`: update, or create when missing and not forbidden by If-Match. */
export function upsert(w: WriteContext, id: string, body: Record<string, unknown>, ifMatch: string | undefined, ifNoneMatch: string | undefined): WriteResult {
  const { ctx, env, meta } = w;
  const existing = ctx.store.row(env, meta.logicalName, id);
  checkPreconditions(w, existing, ifMatch, ifNoneMatch, id);
  const changes = readChanges(ctx.store, env, meta, body);
  delete changes[meta.primaryId];
  normalizeState(meta, id, existing, changes);
  const otc = objectTypeCodes[meta.logicalName];
  if (existing) {
    requirePrivilege(w.who, privilegeFor('Write', meta.logicalName), meta.logicalName, otc);
    applyRules(w, existing, changes);
    return { row: commitUpdate(w, id, changes), created: false };
  }
  return create(w, id, changes);
}

/** POST `set`: create with a client-chosen or new id. */
export function insert(w: WriteContext, body: Record<string, unknown>): WriteResult {
  const { ctx, env, meta } = w;
  const changes = readChanges(ctx.store, env, meta, body);
  const chosen = changes[meta.primaryId];
  const id = typeof chosen === 'string' ? chosen : randomUUID();
  if (ctx.store.row(env, meta.logicalName, id)) throw duplicateRecord();
  delete changes[meta.primaryId];
  normalizeState(meta, id, undefined, changes);
  return create(w, id, changes);
}

function create(w: WriteContext, id: string, changes: Row): WriteResult {
  const { ctx, env, meta } = w;
  requirePrivilege(w.who, privilegeFor('Create', meta.logicalName), meta.logicalName, objectTypeCodes[meta.logicalName]);
  if (meta.ownership === 'None' || meta.logicalName === 'systemuser' || meta.logicalName === 'organization') {
    throw new DataverseError(405, '0x80040315', 'This action is not supported.');
  }
  const base = newRowDefaults(w, id);
  // A new flow always starts off; turning it on is a separate, checked step (reference §3.2).
  const initial = meta.logicalName === 'workflow' ? { ...changes, statecode: 0, statuscode: 1 } : changes;
  const row = ctx.store.insert(env, meta.logicalName, meta.primaryId, { ...base, ...initial, ...auditColumns(w, true) });
  return { row, created: true };
}

/**
 * Writes checked changes to an existing row as every update does: the audit columns (`modifiedby`,
 * `modifiedon`, `modifiedonbehalfby`), a new `versionnumber` (so a new ETag), and what follows from the
 * change (a flow turned on counts as published). Privileges and rules are the caller's to check first:
 * `upsert` here, and the Flow API's start/stop, which must change a flow row exactly as a PATCH does.
 */
export function commitUpdate(w: WriteContext, id: string, changes: Row): Row {
  const row = w.ctx.store.update(w.env, w.meta.logicalName, id, { ...changes, ...auditColumns(w, false) }, w.now);
  afterWrite(w, row, changes);
  return row;
}

/** The columns a cloud flow has when on (Activated/Activated) or off (Draft/Draft), as the maker UI sends them. */
export function flowStateChanges(on: boolean): Row {
  return on ? { statecode: 1, statuscode: 2 } : { statecode: 0, statuscode: 1 };
}

function afterWrite(w: WriteContext, row: Row, changes: Row): void {
  if (w.meta.logicalName === 'workflow' && changes['statecode'] === 1) {
    const id = String(row['workflowid']);
    if (!w.env.internals.publishedFlowIds.includes(id)) w.env.internals.publishedFlowIds.push(id);
  }
}

export function remove(w: WriteContext, id: string, ifMatch: string | undefined): void {
  const { ctx, env, meta } = w;
  const existing = ctx.store.row(env, meta.logicalName, id);
  if (!existing) throw notFound(meta.logicalName, id);
  checkPreconditions(w, existing, ifMatch, undefined, id);
  requirePrivilege(w.who, privilegeFor('Delete', meta.logicalName), meta.logicalName, objectTypeCodes[meta.logicalName]);
  if (meta.ownership === 'None' || meta.logicalName === 'systemuser' || meta.logicalName === 'organization') {
    throw new DataverseError(405, '0x80040315', 'This action is not supported.');
  }
  if (meta.logicalName === 'workflow' && existing['statecode'] === 1) {
    throw badRequest('Cannot delete an active workflow definition.', '0x80045003');
  }
  ctx.store.delete(env, meta.logicalName, id);
}
