import { describe, expect, it } from 'vitest';
import type { Matrix } from '../../../shared/engine/matrix';
import { formatMatrix } from './matrix-format';

const matrix = {
  columns: [
    { environmentId: 'test', displayName: 'Contoso Test', sku: 'Sandbox', solutionVersion: '1.0', problems: [] },
    { environmentId: 'prod', displayName: 'Contoso Prod', sku: 'Production', solutionVersion: null, problems: ['the connections API refused: 403'] },
  ],
  references: [
    { kind: 'reference', key: 'cr_mail', displayName: 'Mail', logicalName: 'cr_mail', connector: 'shared_office365', connectorName: 'Office 365', cells: { test: { state: 'wired' }, prod: { state: 'unwired' } } },
  ],
  flows: [{ kind: 'flow', key: 'f1', displayName: 'Invoice approval', flowId: 'f1', cells: { test: { state: 'on' }, prod: { state: 'blocked' } } }],
  envVars: [],
  counts: {},
} as unknown as Matrix;

describe('formatMatrix', () => {
  it('has a table per kind of row with a column per environment, then the scan problems', () => {
    expect(formatMatrix(matrix)).toBe(
      [
        'Connection references (1)',
        '  Reference       Connector   Contoso Test  Contoso Prod',
        '  --------------  ----------  ------------  ------------',
        '  Mail (cr_mail)  Office 365  wired         unwired',
        '',
        'Flows (1)',
        '  Flow              Contoso Test  Contoso Prod',
        '  ----------------  ------------  ------------',
        '  Invoice approval  on            blocked',
        '',
        '! Contoso Prod: the connections API refused: 403',
        '',
      ].join('\n'),
    );
    expect(formatMatrix(matrix, { color: true })).toContain('\u001b[31mblocked\u001b[39m');
  });
});
