/**
 * Errors the FetchXML engine answers with. Every rejection of a query is a FetchXmlError carrying the
 * HTTP status and the platform's hex code, so the Web API layer can write
 * `{"error":{"code":…,"message":…}}` without knowing anything about FetchXML.
 */

/** Platform error codes used by the engine (Microsoft.Crm error catalogue, as hex strings). */
export const FetchXmlErrorCode = {
  /** CrmException for XML that does not parse. */
  InvalidXml: '0x80040201',
  InvalidArgument: '0x80040203',
  QueryBuilderNoEntity: '0x80041102',
  QueryBuilderNoAttribute: '0x80041103',
  QueryBuilderInvalidValue: '0x80041108',
  QueryBuilderDeserializeInvalidDistinct: '0x80041115',
  QueryBuilderDeserializeInvalidMapping: '0x80041116',
  QueryBuilderDeserializeInvalidLinkType: '0x80041117',
  QueryBuilderDeserializeInvalidNoLock: '0x80041118',
  QueryBuilderDeserializeInvalidDescending: '0x80041119',
  QueryBuilderDeserializeInvalidNode: '0x8004111C',
  QueryBuilderInvalidConditionOperator: '0x80041120',
  QueryBuilderInvalidFilterType: '0x80041122',
  QueryBuilderEntitiesDontMatch: '0x80041128',
  /** "Number of link entities in query exceeded maximum limit." */
  TooManyLinkEntities: '0x8004430D',
} as const;

export class FetchXmlError extends Error {
  readonly status: number;
  readonly code: string;

  constructor(code: string, message: string, status = 400) {
    super(message);
    this.name = 'FetchXmlError';
    this.code = code;
    this.status = status;
  }

  /** The Web API error envelope. */
  toBody(): { error: { code: string; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export function isFetchXmlError(value: unknown): value is FetchXmlError {
  return value instanceof FetchXmlError;
}

export const invalidArgument = (message: string): FetchXmlError => new FetchXmlError(FetchXmlErrorCode.InvalidArgument, message);

/** Stands in for the real cache's diagnostics suffix, which names the org and cache generation. */
export function metadataCacheDetails(organizationId: string): string {
  return (
    'MetadataCacheDetails: ProviderType=Dynamic, StandardCache=True, IsLoadedInStagedContext = False, ' +
    `Timestamp=1000000, MinActiveRowVersion=1000000, MetadataInstanceId=1000, LastUpdated=2024-01-01 00:00:00.000, OrgId=${organizationId}`
  );
}

export function entityNotFound(name: string, organizationId: string): FetchXmlError {
  return new FetchXmlError(
    FetchXmlErrorCode.QueryBuilderNoEntity,
    `The entity with a name = '${name}' with namemapping = 'Logical' was not found in the MetadataCache. ${metadataCacheDetails(organizationId)}`,
  );
}

export function attributeNotFound(entity: string, attribute: string, organizationId: string): FetchXmlError {
  return new FetchXmlError(
    FetchXmlErrorCode.QueryBuilderNoAttribute,
    `'${entity}' entity doesn't contain attribute with Name = '${attribute}' and NameMapping = 'Logical'. ${metadataCacheDetails(organizationId)}`,
  );
}

/** The sandbox refuses a FetchXML feature the real service has but the simulation does not implement. */
export function notSupportedBySandbox(what: string): FetchXmlError {
  return invalidArgument(`The sandbox does not support ${what}.`);
}
