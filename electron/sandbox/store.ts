import type {
  AppRegistration,
  CloudState,
  Connection,
  DirectoryUser,
  Row,
  SandboxEnvironment,
} from './model';

/** A principal as the directory knows it: a user, or an app's service principal. */
export type Principal =
  | { kind: 'user'; objectId: string; user: DirectoryUser }
  | { kind: 'app'; objectId: string; app: AppRegistration };

/**
 * The one mutable place of the sandbox. Services read and write the cloud state through it so that
 * versioning (`versionnumber`, ETags), change notification (persistence) and transactions (batch
 * change sets) happen in one way.
 */
export class SandboxStore {
  #state: CloudState;
  readonly #listeners = new Set<() => void>();

  constructor(state: CloudState) {
    this.#state = state;
  }

  get state(): CloudState {
    return this.#state;
  }

  /** Swaps the whole state (reset, scenario switch); listeners hear about it. */
  replace(state: CloudState): void {
    this.#state = state;
    this.changed();
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.#listeners) listener();
  }

  // ── directory ──────────────────────────────────────────────────────────────────────────────

  userByObjectId(objectId: string): DirectoryUser | undefined {
    const id = objectId.toLowerCase();
    return this.#state.users.find((u) => u.objectId === id);
  }

  userByUpn(upn: string): DirectoryUser | undefined {
    const wanted = upn.toLowerCase();
    return this.#state.users.find((u) => u.userPrincipalName.toLowerCase() === wanted);
  }

  userByRole(role: string): DirectoryUser | undefined {
    return this.#state.users.find((u) => u.role === role);
  }

  appByClientId(clientId: string): AppRegistration | undefined {
    const id = clientId.toLowerCase();
    return this.#state.apps.find((a) => a.clientId === id);
  }

  appByName(name: string): AppRegistration | undefined {
    return this.#state.apps.find((a) => a.name === name);
  }

  principal(objectId: string): Principal | undefined {
    const id = objectId.toLowerCase();
    const user = this.#state.users.find((u) => u.objectId === id);
    if (user) return { kind: 'user', objectId: id, user };
    const app = this.#state.apps.find((a) => a.servicePrincipalId === id);
    return app ? { kind: 'app', objectId: id, app } : undefined;
  }

  /** A readable label for logs: a UPN, or the app's display name. */
  principalLabel(objectId: string): string {
    const p = this.principal(objectId);
    if (!p) return objectId;
    return p.kind === 'user' ? p.user.userPrincipalName : p.app.displayName;
  }

  /** The tenant id, or its verified domain, as an authority path segment may carry it. */
  isThisTenant(segment: string): boolean {
    const s = segment.toLowerCase();
    return s === this.#state.tenant.id || s === this.#state.tenant.defaultDomain.toLowerCase();
  }

  // ── environments and tables ───────────────────────────────────────────────────────────────

  environmentById(id: string): SandboxEnvironment | undefined {
    const wanted = id.toLowerCase();
    return this.#state.environments.find((e) => e.id.toLowerCase() === wanted);
  }

  environmentByOrg(orgName: string): SandboxEnvironment | undefined {
    const wanted = orgName.toLowerCase();
    return this.#state.environments.find((e) => e.orgName === wanted);
  }

  environmentByDisplayName(name: string): SandboxEnvironment | undefined {
    const wanted = name.toLowerCase();
    return this.#state.environments.find((e) => e.displayName.toLowerCase() === wanted);
  }

  table(env: SandboxEnvironment, logicalName: string): Record<string, Row> {
    return (env.tables[logicalName] ??= {});
  }

  rows(env: SandboxEnvironment, logicalName: string): Row[] {
    return Object.values(env.tables[logicalName] ?? {});
  }

  row(env: SandboxEnvironment, logicalName: string, id: string): Row | undefined {
    return env.tables[logicalName]?.[id.toLowerCase()];
  }

  nextVersion(env: SandboxEnvironment): number {
    env.internals.nextVersion += 1;
    return env.internals.nextVersion;
  }

  /** Inserts a row under its primary key, stamping `versionnumber`. */
  insert(env: SandboxEnvironment, logicalName: string, primaryId: string, row: Row): Row {
    const id = String(row[primaryId]).toLowerCase();
    const stored: Row = { ...row, [primaryId]: id, versionnumber: this.nextVersion(env) };
    this.table(env, logicalName)[id] = stored;
    this.changed();
    return stored;
  }

  /** Applies changed columns in place and bumps `versionnumber` (so the ETag changes). */
  update(env: SandboxEnvironment, logicalName: string, id: string, changes: Row, when = new Date()): Row {
    const row = this.row(env, logicalName, id);
    if (!row) throw new Error(`No ${logicalName} row ${id} in ${env.displayName}.`);
    Object.assign(row, changes);
    if ('modifiedon' in row) row['modifiedon'] = when.toISOString();
    row['versionnumber'] = this.nextVersion(env);
    this.changed();
    return row;
  }

  delete(env: SandboxEnvironment, logicalName: string, id: string): boolean {
    const table = env.tables[logicalName];
    const key = id.toLowerCase();
    if (!table?.[key]) return false;
    delete table[key];
    this.changed();
    return true;
  }

  // ── connections ───────────────────────────────────────────────────────────────────────────

  connectionsIn(environmentId: string): Connection[] {
    const env = environmentId.toLowerCase();
    return this.#state.connections.filter((c) => c.environmentId.toLowerCase() === env);
  }

  connection(environmentId: string, name: string): Connection | undefined {
    const env = environmentId.toLowerCase();
    return this.#state.connections.find((c) => c.environmentId.toLowerCase() === env && c.name === name);
  }

  /** Whether a principal may use a connection: it owns it or holds any share on it. */
  canUseConnection(connection: Connection, objectId: string): boolean {
    const id = objectId.toLowerCase();
    return connection.permissions.some((p) => p.principalId.toLowerCase() === id || p.principalType === 'Tenant');
  }

  // ── transactions ──────────────────────────────────────────────────────────────────────────

  /**
   * A change-set transaction: snapshot now, put the snapshot back on rollback. Deep copies are fine
   * at sandbox sizes and keep the rule code free of undo logic.
   */
  begin(): { commit(): void; rollback(): void } {
    const state = this.#state;
    const saved = structuredClone({
      environments: state.environments.map((e) => ({ tables: e.tables, internals: e.internals })),
      connections: state.connections,
    });
    return {
      commit: () => undefined,
      rollback: () => {
        // Restored in place, so code holding an environment object keeps seeing the live one.
        state.environments.forEach((env, i) => {
          const copy = saved.environments[i];
          if (!copy) return;
          env.tables = copy.tables;
          env.internals = copy.internals;
        });
        state.connections.splice(0, state.connections.length, ...saved.connections);
        this.changed();
      },
    };
  }
}
