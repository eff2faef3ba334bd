import { connectorName } from '../../../../shared/flows/connectors';
import type { Row, SandboxEnvironment } from '../../model';
import type { SandboxStore } from '../../store';
import type { SandboxSwitches } from '../../switches';
import { DataverseError, flowClientError } from '../errors';
import { connectionAuthorizationFailed, type ActivationSubject } from './activation';

/**
 * Setting `connectionid` on a connection reference: the connection must exist in this environment, be
 * of the reference's connector, and be usable by the identity doing it (owner or shared). Clearing it
 * is always allowed. The platform's exact texts here are UNCONFIRMED (reference §3.1): not-found uses
 * the connections service's ConnectionNotFound text, not-usable the ConnectionAuthorizationFailed one.
 */
export function wiringError(
  store: SandboxStore,
  env: SandboxEnvironment,
  reference: Row,
  connectionId: string | null,
  subject: ActivationSubject,
  switches: SandboxSwitches,
): DataverseError | null {
  if (connectionId === null || connectionId === '') return null;
  const apiName = connectorName(String(reference['connectorid'] ?? ''));
  const connection = store.connection(env.id, connectionId);
  if (!connection || connection.apiName !== apiName) {
    return new DataverseError(400, '0x80040203', `Could not find connection '${connectionId}' for API '${apiName}'.`);
  }
  const legacyRefusal = switches.legacySpn && subject.isApplicationUser;
  if (legacyRefusal || !store.canUseConnection(connection, subject.objectId)) {
    return flowClientError([connectionAuthorizationFailed(subject.objectId, apiName, connectionId)], switches);
  }
  return null;
}
