import type { FetchLinkEntity } from '../fetchxml-builder';
import { guid } from '../odata-literals';

/**
 * The `exists` link that keeps only rows that are components of one solution: solutioncomponent rows
 * with that solution and component type whose objectid is the row's id. `exists` filters without
 * multiplying rows, so one paged query returns each component once.
 */
export function inSolution(solutionId: string, componentType: number, primaryId: string): FetchLinkEntity {
  return {
    name: 'solutioncomponent',
    from: 'objectid',
    to: primaryId,
    linkType: 'exists',
    filter: {
      conditions: [
        { attribute: 'solutionid', operator: 'eq', value: guid(solutionId, 'solution id') },
        { attribute: 'componenttype', operator: 'eq', value: componentType },
      ],
    },
  };
}
