import type { Environment } from '../../../shared/domain/types';
import { createAdminClient } from '../../cloud/admin/client';
import { createDataverseClient } from '../../cloud/dataverse/client';
import { startCloudTestbed, type CloudTestbed } from '../../cloud/dataverse/testkit';
import type { Identity } from '../../sandbox/test-support/harness';
import type { SandboxOptions } from '../../sandbox/server';
import type { AccountClients } from '../live-operations';
import type { ScanClients, ScanOptions } from '../scan';

/**
 * The engine against a running sandbox through the real clients: the release manager signed in as
 * "me", the pipeline service principal as "spn", both with their own HTTP cores and tokens.
 */

export interface EngineTestbed {
  cloud: CloudTestbed;
  accounts: { me: AccountClients; spn: AccountClients };
  scanClients: ScanClients;
  environments(): Promise<Environment[]>;
  identities: ScanOptions['identities'];
  close(): Promise<void>;
}

export async function startEngineTestbed(options: SandboxOptions = {}): Promise<EngineTestbed> {
  const cloud = await startCloudTestbed(options);
  const account = (as: Identity): AccountClients => {
    const http = cloud.http(as);
    const clients = new Map<string, ReturnType<typeof createDataverseClient>>();
    return {
      admin: createAdminClient({ http, profile: cloud.profile }),
      dataverse: (instanceUrl) => {
        let c = clients.get(instanceUrl);
        if (!c) clients.set(instanceUrl, (c = createDataverseClient({ http, profile: cloud.profile, instanceUrl })));
        return c;
      },
    };
  };
  const me = account({ user: 'releaseManager' });
  const spn = account({ app: 'pipeline' });
  return {
    cloud,
    accounts: { me, spn },
    scanClients: me,
    environments: () => me.admin.listEnvironments(),
    identities: {
      me: { objectId: cloud.h.oid({ user: 'releaseManager' }), platformAdmin: true },
      spn: { objectId: cloud.h.oid({ app: 'pipeline' }), platformAdmin: true },
    },
    close: () => cloud.close(),
  };
}
