import { createAdminClient } from '../../electron/cloud/admin/client';
import { createDataverseClient, type DataverseClient } from '../../electron/cloud/dataverse/client';
import { createHttpCore } from '../../electron/cloud/http/http-core';
import { sandboxProfile } from '../../electron/cloud/profiles';
import type { AccountClients } from '../../electron/engine/live-operations';
import { pipelineTokens, type ChaosSandbox, type Pipeline } from './sandbox-handle';

/** The real clients, signed in as the pipeline SPN with its own HTTP core and token cache. */
export interface SignedInClients {
  clients: AccountClients;
  close(): Promise<void>;
}

export function signIn(sb: ChaosSandbox, tenantId: string, pipeline: Pipeline): SignedInClients {
  const tokens = pipelineTokens(sb, tenantId, pipeline);
  const http = createHttpCore({ tokens, caPem: sb.caPem });
  const profile = sandboxProfile(sb.baseUrl, sb.caPem);
  const dataverse = new Map<string, DataverseClient>();
  return {
    clients: {
      admin: createAdminClient({ http, profile }),
      dataverse: (instanceUrl) => {
        let client = dataverse.get(instanceUrl);
        if (!client) dataverse.set(instanceUrl, (client = createDataverseClient({ http, profile, instanceUrl })));
        return client;
      },
    },
    async close() {
      await http.close();
      await tokens.close();
    },
  };
}
