/**
 * Entity metadata for the Dataverse tables the sandbox serves (reference: dataverse-web-api.md §3).
 * Rows store lookups under the attribute's logical name (`ownerid`); the Web API shows them as
 * `_ownerid_value` and expands them through the navigation property. FetchXML uses logical names.
 */

export type AttributeType =
  | 'uniqueidentifier'
  | 'string'
  | 'memo'
  | 'integer'
  | 'bigint'
  | 'decimal'
  | 'boolean'
  | 'datetime'
  | 'picklist'
  | 'state'
  | 'status'
  | 'lookup'
  | 'owner';

export interface AttributeMeta {
  logicalName: string;
  type: AttributeType;
  /** For lookups and owner: entity logical names the value may point at. */
  targets?: readonly string[];
  /** For lookups: the single-valued navigation property name used by $expand and @odata.bind. */
  navigation?: string;
  /** Labels for picklist/state/status values and for booleans (true/false keys "1"/"0"). */
  options?: Readonly<Record<string, string>>;
  maxLength?: number;
  /** Not settable through create or update. */
  readOnly?: boolean;
}

/** One-to-many relationship from this entity, e.g. a definition's values. */
export interface CollectionNavigationMeta {
  name: string;
  /** Entity logical name of the related rows. */
  entity: string;
  /** Lookup attribute on the related entity that points back here. */
  referencingAttribute: string;
}

export interface EntityMeta {
  logicalName: string;
  setName: string;
  primaryId: string;
  primaryName: string;
  ownership: 'UserOwned' | 'OrganizationOwned' | 'BusinessOwned' | 'None';
  /** Whether rows carry `versionnumber` / `@odata.etag` and honour If-Match/If-None-Match. */
  optimisticConcurrency: boolean;
  attributes: Readonly<Record<string, AttributeMeta>>;
  collectionNavigations: readonly CollectionNavigationMeta[];
}

type AttrSpec = Omit<AttributeMeta, 'logicalName'>;

const yesNo = (yes: string, no: string): Record<string, string> => ({ '1': yes, '0': no });
const managed = yesNo('Managed', 'Unmanaged');
const componentState = { '0': 'Published', '1': 'Unpublished', '2': 'Deleted', '3': 'Deleted Unpublished' };

const str = (maxLength: number, extra: Partial<AttrSpec> = {}): AttrSpec => ({ type: 'string', maxLength, ...extra });
const memo = (maxLength: number): AttrSpec => ({ type: 'memo', maxLength });
const userLookup = (navigation: string): AttrSpec => ({ type: 'lookup', targets: ['systemuser'], navigation, readOnly: true });

/** Audit and ownership columns every user-owned customization table has. */
const audited: Record<string, AttrSpec> = {
  createdby: userLookup('createdby'),
  createdon: { type: 'datetime', readOnly: true },
  createdonbehalfby: userLookup('createdonbehalfby'),
  modifiedby: userLookup('modifiedby'),
  modifiedon: { type: 'datetime', readOnly: true },
  modifiedonbehalfby: userLookup('modifiedonbehalfby'),
  versionnumber: { type: 'bigint', readOnly: true },
};

const owned: Record<string, AttrSpec> = {
  ownerid: { type: 'owner', targets: ['systemuser', 'team'], navigation: 'ownerid' },
  owninguser: userLookup('owninguser'),
  owningbusinessunit: { type: 'lookup', targets: ['businessunit'], navigation: 'owningbusinessunit', readOnly: true },
};

/** Columns of solution-aware components. */
const component: Record<string, AttrSpec> = {
  ismanaged: { type: 'boolean', options: managed, readOnly: true },
  solutionid: { type: 'uniqueidentifier', readOnly: true },
  supportingsolutionid: { type: 'uniqueidentifier', readOnly: true },
  componentstate: { type: 'picklist', options: componentState, readOnly: true },
  overwritetime: { type: 'datetime', readOnly: true },
};

function entity(
  spec: Omit<EntityMeta, 'attributes' | 'collectionNavigations'> & {
    attributes: Record<string, AttrSpec>;
    collectionNavigations?: CollectionNavigationMeta[];
  },
): EntityMeta {
  const attributes: Record<string, AttributeMeta> = {};
  for (const [logicalName, attr] of Object.entries(spec.attributes)) attributes[logicalName] = { logicalName, ...attr };
  return { ...spec, attributes, collectionNavigations: spec.collectionNavigations ?? [] };
}

export const connectionReference = entity({
  logicalName: 'connectionreference',
  setName: 'connectionreferences',
  primaryId: 'connectionreferenceid',
  primaryName: 'connectionreferencedisplayname',
  ownership: 'UserOwned',
  optimisticConcurrency: true,
  attributes: {
    connectionreferenceid: { type: 'uniqueidentifier' },
    connectionreferencelogicalname: str(200),
    connectionreferencedisplayname: str(200),
    connectorid: str(1000),
    connectionid: str(1000),
    customconnectorid: { type: 'lookup', targets: ['connector'], navigation: 'CustomConnectorId' },
    description: memo(2000),
    promptingbehavior: { type: 'picklist', options: { '0': 'Prompt on import', '1': 'Skip' } },
    statecode: { type: 'state', options: { '0': 'Active', '1': 'Inactive' } },
    statuscode: { type: 'status', options: { '1': 'Active', '2': 'Inactive' } },
    componentidunique: { type: 'uniqueidentifier', readOnly: true },
    importsequencenumber: { type: 'integer' },
    ...component,
    ...owned,
    ...audited,
  },
});

export const workflow = entity({
  logicalName: 'workflow',
  setName: 'workflows',
  primaryId: 'workflowid',
  primaryName: 'name',
  ownership: 'UserOwned',
  optimisticConcurrency: true,
  attributes: {
    workflowid: { type: 'uniqueidentifier' },
    workflowidunique: { type: 'uniqueidentifier', readOnly: true },
    name: str(100),
    uniquename: str(256),
    description: memo(100000),
    category: {
      type: 'picklist',
      options: {
        '0': 'Workflow',
        '1': 'Dialog',
        '2': 'Business Rule',
        '3': 'Action',
        '4': 'Business Process Flow',
        '5': 'Modern Flow',
        '6': 'Desktop Flow',
        '7': 'AI Flow',
      },
    },
    type: { type: 'picklist', options: { '1': 'Definition', '2': 'Activation', '3': 'Template' } },
    statecode: { type: 'state', options: { '0': 'Draft', '1': 'Activated', '2': 'Suspended' } },
    statuscode: { type: 'status', options: { '1': 'Draft', '2': 'Activated', '3': 'CompanyDLPViolation' } },
    modernflowtype: {
      type: 'picklist',
      options: { '0': 'PowerAutomateFlow', '1': 'CopilotStudioFlow', '2': 'M365CopilotAgentFlow' },
    },
    clientdata: memo(1073741823),
    clientdataiscompressed: { type: 'boolean', options: yesNo('Yes', 'No'), readOnly: true },
    connectionreferences: memo(100000),
    definition: memo(16777216),
    primaryentity: str(100),
    runas: { type: 'picklist', options: { '0': 'Owner', '1': 'Calling User' } },
    scope: {
      type: 'picklist',
      options: { '1': 'User', '2': 'Business Unit', '3': 'Parent: Child Business Units', '4': 'Organization' },
    },
    mode: { type: 'picklist', options: { '0': 'Background', '1': 'Real-time' } },
    suspensionreasondetails: memo(500),
    throttlingbehavior: { type: 'picklist', options: { '0': 'None', '1': 'TenantPool', '2': 'CopilotStudio' } },
    licensee: { type: 'lookup', targets: ['systemuser'], navigation: 'licensee' },
    activeworkflowid: { type: 'lookup', targets: ['workflow'], navigation: 'activeworkflowid', readOnly: true },
    parentworkflowid: { type: 'lookup', targets: ['workflow'], navigation: 'parentworkflowid', readOnly: true },
    resourceid: { type: 'uniqueidentifier' },
    schemaversion: str(100),
    ...component,
    ...owned,
    ...audited,
  },
});

export const solution = entity({
  logicalName: 'solution',
  setName: 'solutions',
  primaryId: 'solutionid',
  primaryName: 'friendlyname',
  ownership: 'OrganizationOwned',
  optimisticConcurrency: true,
  attributes: {
    solutionid: { type: 'uniqueidentifier' },
    uniquename: str(65),
    friendlyname: str(256),
    version: str(256),
    description: memo(2000),
    ismanaged: { type: 'boolean', options: managed, readOnly: true },
    isvisible: { type: 'boolean', options: yesNo('Yes', 'No'), readOnly: true },
    isapimanaged: { type: 'boolean', options: yesNo('Yes', 'No'), readOnly: true },
    installedon: { type: 'datetime', readOnly: true },
    solutiontype: { type: 'picklist', options: { '0': 'None', '1': 'Snapshot', '2': 'Internal' } },
    publisherid: { type: 'lookup', targets: ['publisher'], navigation: 'publisherid' },
    parentsolutionid: { type: 'lookup', targets: ['solution'], navigation: 'parentsolutionid', readOnly: true },
    organizationid: { type: 'lookup', targets: ['organization'], navigation: 'organizationid', readOnly: true },
    ...audited,
  },
  collectionNavigations: [{ name: 'solution_solutioncomponent', entity: 'solutioncomponent', referencingAttribute: 'solutionid' }],
});

export const publisher = entity({
  logicalName: 'publisher',
  setName: 'publishers',
  primaryId: 'publisherid',
  primaryName: 'friendlyname',
  ownership: 'OrganizationOwned',
  optimisticConcurrency: true,
  attributes: {
    publisherid: { type: 'uniqueidentifier' },
    uniquename: str(256),
    friendlyname: str(256),
    customizationprefix: str(8),
    customizationoptionvalueprefix: { type: 'integer' },
    ...audited,
  },
});

/** Fixed component types (solutioncomponent.md); connection references get their environment's own number. */
export const fixedComponentTypeLabels: Readonly<Record<string, string>> = {
  '1': 'Entity',
  '2': 'Attribute',
  '9': 'Option Set',
  '20': 'Role',
  '24': 'Form',
  '26': 'Saved Query',
  '29': 'Workflow',
  '60': 'System Form',
  '61': 'Web Resource',
  '62': 'Site Map',
  '90': 'Plugin Type',
  '91': 'Plugin Assembly',
  '92': 'SDK Message Processing Step',
  '300': 'Canvas App',
  '371': 'Connector',
  '372': 'Connector',
  '380': 'Environment Variable Definition',
  '381': 'Environment Variable Value',
};

export const solutionComponent = entity({
  logicalName: 'solutioncomponent',
  setName: 'solutioncomponents',
  primaryId: 'solutioncomponentid',
  primaryName: 'solutioncomponentid',
  ownership: 'None',
  optimisticConcurrency: false,
  attributes: {
    solutioncomponentid: { type: 'uniqueidentifier', readOnly: true },
    componenttype: { type: 'picklist', options: fixedComponentTypeLabels, readOnly: true },
    objectid: { type: 'uniqueidentifier', readOnly: true },
    solutionid: { type: 'lookup', targets: ['solution'], navigation: 'solutionid', readOnly: true },
    rootcomponentbehavior: {
      type: 'picklist',
      options: { '0': 'Include Subcomponents', '1': 'Do not include subcomponents', '2': 'Include As Shell Only' },
      readOnly: true,
    },
    rootsolutioncomponentid: { type: 'uniqueidentifier', readOnly: true },
    ismetadata: { type: 'boolean', options: yesNo('Metadata', 'Data'), readOnly: true },
    createdby: userLookup('createdby'),
    createdon: { type: 'datetime', readOnly: true },
    modifiedby: userLookup('modifiedby'),
    modifiedon: { type: 'datetime', readOnly: true },
    versionnumber: { type: 'bigint', readOnly: true },
  },
});

export const solutionComponentDefinition = entity({
  logicalName: 'solutioncomponentdefinition',
  setName: 'solutioncomponentdefinitions',
  primaryId: 'solutioncomponentdefinitionid',
  primaryName: 'name',
  ownership: 'OrganizationOwned',
  optimisticConcurrency: false,
  attributes: {
    solutioncomponentdefinitionid: { type: 'uniqueidentifier', readOnly: true },
    name: str(100, { readOnly: true }),
    primaryentityname: str(100, { readOnly: true }),
    objecttypecode: { type: 'integer', readOnly: true },
    solutioncomponenttype: { type: 'integer', readOnly: true },
    isdisplayable: { type: 'boolean', options: yesNo('Yes', 'No'), readOnly: true },
    isviewable: { type: 'boolean', options: yesNo('Yes', 'No'), readOnly: true },
    canbeaddedtosolutioncomponents: { type: 'boolean', options: yesNo('Yes', 'No'), readOnly: true },
  },
});

export const systemUser = entity({
  logicalName: 'systemuser',
  setName: 'systemusers',
  primaryId: 'systemuserid',
  primaryName: 'fullname',
  ownership: 'BusinessOwned',
  optimisticConcurrency: true,
  attributes: {
    systemuserid: { type: 'uniqueidentifier' },
    fullname: str(200, { readOnly: true }),
    firstname: str(256),
    lastname: str(256),
    domainname: str(1024),
    internalemailaddress: str(100),
    azureactivedirectoryobjectid: { type: 'uniqueidentifier', readOnly: true },
    applicationid: { type: 'uniqueidentifier' },
    accessmode: {
      type: 'picklist',
      options: {
        '0': 'Read-Write',
        '1': 'Administrative',
        '2': 'Read',
        '3': 'Support User',
        '4': 'Non-interactive',
        '5': 'Delegated Admin',
      },
    },
    isdisabled: { type: 'boolean', options: yesNo('Disabled', 'Enabled') },
    disabledreason: str(500, { readOnly: true }),
    azurestate: { type: 'picklist', options: { '0': 'Exists', '1': 'Soft deleted', '2': 'Not found or hard deleted' }, readOnly: true },
    systemmanagedusertype: { type: 'picklist', options: { '0': 'Entra User', '1': 'C2 User', '2': 'Impersonable Stub User' } },
    islicensed: { type: 'boolean', options: yesNo('Yes', 'No') },
    isintegrationuser: { type: 'boolean', options: yesNo('Yes', 'No') },
    setupuser: { type: 'boolean', options: yesNo('Yes', 'No') },
    businessunitid: { type: 'lookup', targets: ['businessunit'], navigation: 'businessunitid' },
    organizationid: { type: 'uniqueidentifier', readOnly: true },
    createdon: { type: 'datetime', readOnly: true },
    modifiedon: { type: 'datetime', readOnly: true },
    versionnumber: { type: 'bigint', readOnly: true },
  },
});

export const businessUnit = entity({
  logicalName: 'businessunit',
  setName: 'businessunits',
  primaryId: 'businessunitid',
  primaryName: 'name',
  ownership: 'BusinessOwned',
  optimisticConcurrency: true,
  attributes: {
    businessunitid: { type: 'uniqueidentifier' },
    name: str(160),
    parentbusinessunitid: { type: 'lookup', targets: ['businessunit'], navigation: 'parentbusinessunitid' },
    createdon: { type: 'datetime', readOnly: true },
    versionnumber: { type: 'bigint', readOnly: true },
  },
});

export const organization = entity({
  logicalName: 'organization',
  setName: 'organizations',
  primaryId: 'organizationid',
  primaryName: 'name',
  ownership: 'OrganizationOwned',
  optimisticConcurrency: true,
  attributes: {
    organizationid: { type: 'uniqueidentifier', readOnly: true },
    name: str(160, { readOnly: true }),
    languagecode: { type: 'integer' },
    basecurrencyid: { type: 'lookup', targets: ['transactioncurrency'], navigation: 'basecurrencyid', readOnly: true },
    createdon: { type: 'datetime', readOnly: true },
    versionnumber: { type: 'bigint', readOnly: true },
  },
});

export const role = entity({
  logicalName: 'role',
  setName: 'roles',
  primaryId: 'roleid',
  primaryName: 'name',
  ownership: 'BusinessOwned',
  optimisticConcurrency: true,
  attributes: {
    roleid: { type: 'uniqueidentifier' },
    name: str(100),
    businessunitid: { type: 'lookup', targets: ['businessunit'], navigation: 'businessunitid' },
    ismanaged: { type: 'boolean', options: managed, readOnly: true },
    createdon: { type: 'datetime', readOnly: true },
    versionnumber: { type: 'bigint', readOnly: true },
  },
});

/** The systemuser ↔ role intersect; its Web API set name is systemuserrolescollection. */
export const systemUserRoles = entity({
  logicalName: 'systemuserroles',
  setName: 'systemuserrolescollection',
  primaryId: 'systemuserroleid',
  primaryName: 'systemuserroleid',
  ownership: 'None',
  optimisticConcurrency: false,
  attributes: {
    systemuserroleid: { type: 'uniqueidentifier', readOnly: true },
    systemuserid: { type: 'uniqueidentifier', readOnly: true },
    roleid: { type: 'uniqueidentifier', readOnly: true },
    versionnumber: { type: 'bigint', readOnly: true },
  },
});

const envVarType = {
  '100000000': 'String',
  '100000001': 'Number',
  '100000002': 'Boolean',
  '100000003': 'JSON',
  '100000004': 'Data source',
  '100000005': 'Secret',
};

export const environmentVariableDefinition = entity({
  logicalName: 'environmentvariabledefinition',
  setName: 'environmentvariabledefinitions',
  primaryId: 'environmentvariabledefinitionid',
  primaryName: 'schemaname',
  ownership: 'UserOwned',
  optimisticConcurrency: true,
  attributes: {
    environmentvariabledefinitionid: { type: 'uniqueidentifier' },
    schemaname: str(100),
    displayname: str(100),
    description: memo(2000),
    type: { type: 'picklist', options: envVarType },
    defaultvalue: memo(2000),
    isrequired: { type: 'boolean', options: yesNo('Yes', 'No') },
    statecode: { type: 'state', options: { '0': 'Active', '1': 'Inactive' } },
    statuscode: { type: 'status', options: { '1': 'Active', '2': 'Inactive' } },
    ...component,
    ...owned,
    ...audited,
  },
  collectionNavigations: [
    {
      name: 'environmentvariabledefinition_environmentvariablevalue',
      entity: 'environmentvariablevalue',
      referencingAttribute: 'environmentvariabledefinitionid',
    },
  ],
});

export const environmentVariableValue = entity({
  logicalName: 'environmentvariablevalue',
  setName: 'environmentvariablevalues',
  primaryId: 'environmentvariablevalueid',
  primaryName: 'schemaname',
  ownership: 'UserOwned',
  optimisticConcurrency: true,
  attributes: {
    environmentvariablevalueid: { type: 'uniqueidentifier' },
    schemaname: str(100),
    value: memo(2000),
    environmentvariabledefinitionid: {
      type: 'lookup',
      targets: ['environmentvariabledefinition'],
      navigation: 'EnvironmentVariableDefinitionId',
    },
    statecode: { type: 'state', options: { '0': 'Active', '1': 'Inactive' } },
    statuscode: { type: 'status', options: { '1': 'Active', '2': 'Inactive' } },
    ...component,
    ...owned,
    ...audited,
  },
});

export const entities: readonly EntityMeta[] = [
  connectionReference,
  workflow,
  solution,
  publisher,
  solutionComponent,
  solutionComponentDefinition,
  systemUser,
  businessUnit,
  organization,
  role,
  systemUserRoles,
  environmentVariableDefinition,
  environmentVariableValue,
];

const bySetName = new Map(entities.map((e) => [e.setName, e]));
const byLogicalName = new Map(entities.map((e) => [e.logicalName, e]));

/** Set names are case-sensitive in the Web API, as on the platform. */
export const entityBySetName = (setName: string): EntityMeta | undefined => bySetName.get(setName);
export const entityByLogicalName = (logicalName: string): EntityMeta | undefined => byLogicalName.get(logicalName);

/** The Web API property name for an attribute: lookups appear as `_<name>_value`. */
export function webApiPropertyName(attr: AttributeMeta): string {
  return attr.type === 'lookup' || attr.type === 'owner' ? `_${attr.logicalName}_value` : attr.logicalName;
}

/** Resolves a Web API property name (`_ownerid_value` or a plain column) to its attribute. */
export function attributeByPropertyName(meta: EntityMeta, property: string): AttributeMeta | undefined {
  const lookup = /^_(.+)_value$/.exec(property);
  if (lookup?.[1]) {
    const attr = meta.attributes[lookup[1]];
    return attr && (attr.type === 'lookup' || attr.type === 'owner') ? attr : undefined;
  }
  const attr = meta.attributes[property];
  return attr && attr.type !== 'lookup' && attr.type !== 'owner' ? attr : undefined;
}

export function attributeByNavigation(meta: EntityMeta, navigation: string): AttributeMeta | undefined {
  return Object.values(meta.attributes).find((a) => a.navigation === navigation);
}
