import { connectionByName, referenceByLogicalName, rightsOf, type EnvironmentSnapshot } from './snapshot';

/**
 * How engine messages name things. Blockers and findings carry ids (object ids, connection names that
 * are GUIDs, reference logical names) because plans and exports need exact keys; people reading a
 * message need the names the maker portal shows. Unknown ids fall back to the id itself, so a message
 * never loses the thing it is about.
 */
export interface NameLookup {
  /** A person or service principal: its display name. */
  principal: (objectId: string) => string;
  /** A connection reference: its display name ("Contoso Ops – Microsoft Teams"). */
  reference: (logicalName: string) => string;
  /** A connection: its display name (for a real connection, usually its owner's sign-in name). */
  connection: (connectionName: string) => string;
}

/** Names nothing: every id as is (for callers with no snapshot at hand). */
export const RAW_NAMES: NameLookup = { principal: (id) => id, reference: (name) => name, connection: (name) => name };

/** Names from one environment's scan. */
export function namesFromSnapshot(snapshot: EnvironmentSnapshot | undefined): NameLookup {
  if (!snapshot) return RAW_NAMES;
  return {
    principal: (id) => rightsOf(snapshot, id)?.displayName ?? id,
    reference: (name) => referenceByLogicalName(snapshot, name)?.displayName ?? name,
    connection: (name) => connectionByName(snapshot, name)?.displayName ?? name,
  };
}
