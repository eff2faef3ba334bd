/**
 * Security roles as the sandbox models them: each role grants a set of privileges by name (the names
 * Dataverse uses, e.g. prvWriteWorkflow). Only the privileges our tables and rules touch are listed.
 */

export const DELEGATE_PRIVILEGE = 'prvActOnBehalfOfAnotherUser';

/** Privilege name per table and access, e.g. prvReadWorkflow, prvWriteconnectionreference. */
const privilegeEntityNames: Record<string, string> = {
  workflow: 'Workflow',
  connectionreference: 'connectionreference',
  solution: 'Solution',
  publisher: 'Publisher',
  solutioncomponent: 'SolutionComponent',
  solutioncomponentdefinition: 'SolutionComponent',
  systemuser: 'User',
  businessunit: 'BusinessUnit',
  organization: 'Organization',
  role: 'Role',
  systemuserroles: 'Role',
  environmentvariabledefinition: 'environmentvariabledefinition',
  environmentvariablevalue: 'environmentvariablevalue',
};

/** Entity object type codes, for the PrivilegeDenied message (`on OTC=4703 for entity 'workflow'`). */
export const objectTypeCodes: Record<string, number> = {
  workflow: 4703,
  solution: 7100,
  publisher: 7101,
  solutioncomponent: 7103,
  systemuser: 8,
  businessunit: 10,
  organization: 1019,
  role: 1036,
  systemuserroles: 15,
};

export type Access = 'Read' | 'Write' | 'Create' | 'Delete';

export function privilegeFor(access: Access, entityLogicalName: string): string {
  return `prv${access}${privilegeEntityNames[entityLogicalName] ?? entityLogicalName}`;
}

const customizationTables = ['workflow', 'connectionreference', 'environmentvariabledefinition', 'environmentvariablevalue'];
const readableTables = Object.keys(privilegeEntityNames);

const read = readableTables.map((t) => privilegeFor('Read', t));
const customize = customizationTables.flatMap((t) => (['Write', 'Create', 'Delete'] as const).map((a) => privilegeFor(a, t)));

/** Role name → privileges; `*` grants everything (System Administrator). */
export const rolePrivileges: Readonly<Record<string, readonly string[]>> = {
  'System Administrator': ['*'],
  'System Customizer': [...read, ...customize],
  'Environment Maker': [...read, ...customize],
  'Basic User': read,
  Delegate: [DELEGATE_PRIVILEGE],
};

export const roleNames = Object.keys(rolePrivileges);

/** Stable privilege ids, so RetrieveUserPrivilegeByPrivilegeName answers the same id every time. */
export function privilegeId(name: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of name) {
    h1 = Math.imul(h1 ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ ch.charCodeAt(0), 0x5bd1e995) >>> 0;
  }
  const hex = (h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0')).repeat(2);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function rolesGrant(roles: readonly string[], privilege: string): boolean {
  return roles.some((r) => {
    const granted = rolePrivileges[r];
    return granted?.includes('*') || granted?.includes(privilege);
  });
}

export function privilegeCount(roles: readonly string[]): number {
  if (roles.some((r) => rolePrivileges[r]?.includes('*'))) return 1024;
  return new Set(roles.flatMap((r) => rolePrivileges[r] ?? [])).size;
}
