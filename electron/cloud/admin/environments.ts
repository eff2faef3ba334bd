import { z } from 'zod';
import type { Environment } from '../../../shared/domain/types';
import { parseShape } from '../dataverse/response-shape';

/** BAP environment objects (platform-apis.md §1.2) mapped into the domain's Environment. */

export const BAP_API_VERSION = '2020-10-01';

const environmentSchema = z.looseObject({
  name: z.string().min(1),
  location: z.string().nullish(),
  properties: z.looseObject({
    displayName: z.string().nullish(),
    environmentSku: z.string().nullish(),
    environmentType: z.string().nullish(),
    azureRegion: z.string().nullish(),
    azureRegionHint: z.string().nullish(),
    isDefault: z.boolean().nullish(),
    linkedEnvironmentMetadata: z
      .looseObject({
        type: z.string().nullish(),
        instanceUrl: z.string().nullish(),
        resourceId: z.string().nullish(),
      })
      .nullish(),
  }),
});

/** The Dataverse instance URL with exactly one trailing slash, or null when there is none. */
export function normalizeInstanceUrl(url: string | null | undefined): string | null {
  if (!url || url.trim() === '') return null;
  return `${url.trim().replace(/\/+$/, '')}/`;
}

export function mapEnvironment(raw: unknown): Environment {
  const e = parseShape(environmentSchema, raw, { source: 'BAP', entity: 'environment', idField: 'name' });
  const p = e.properties;
  const linked = p.linkedEnvironmentMetadata;
  return {
    id: e.name,
    displayName: p.displayName ?? e.name,
    sku: p.environmentSku ?? p.environmentType ?? 'Unknown',
    region: p.azureRegion ?? p.azureRegionHint ?? e.location ?? '',
    isDefault: p.isDefault ?? false,
    instanceUrl: normalizeInstanceUrl(linked?.instanceUrl),
    organizationId: linked?.resourceId ? linked.resourceId.toLowerCase() : null,
  };
}
