import { gatewayError } from '../bap/gateway';
import type { SbRequest, SbResponse } from '../http';

/** The Power Apps API's refusals, in the platform's `{"error":{"code","message"}}` envelope. */

export const connectionNotFound = (req: SbRequest, connection: string, api: string): SbResponse =>
  gatewayError(req, 404, 'ConnectionNotFound', `Could not find connection '${connection}' for API '${api}'.`);

export const environmentNotFound = (req: SbRequest, environment: string, tenantId: string): SbResponse =>
  gatewayError(req, 404, 'EnvironmentNotFound', `The environment '${environment}' could not be found in the tenant '${tenantId}'.`);

export const environmentAccessDenied = (req: SbRequest, environment: string): SbResponse =>
  gatewayError(req, 403, 'EnvironmentAccessDenied', `Access to the environment '${environment}' is denied.`);

export const cannotShare = (req: SbRequest, objectId: string, connection: string, api: string): SbResponse =>
  gatewayError(req, 403, 'ConnectionAuthorizationFailed', `The caller with object id '${objectId}' does not have permission for connection '${connection}' under Api '${api}'.`);

export const invalidFilter = (req: SbRequest, filter: string): SbResponse =>
  gatewayError(req, 400, 'InvalidFilter', `The filter '${filter}' is not supported. Use $filter=environment eq '{environmentName}'.`);

export const invalidSkipToken = (req: SbRequest, token: string): SbResponse =>
  gatewayError(req, 400, 'InvalidSkipToken', `The skip token '${token}' is not valid.`);
