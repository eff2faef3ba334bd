import type { Matrix, MatrixCell, MatrixRow } from '../../../shared/engine/matrix';
import { CELL_STATE_INFO } from '../../../shared/report/words';
import { paint, type Color } from './color';
import { renderColumns, type Column } from './table';
import { cleanText } from './text';

/**
 * The matrix for people (`patchbay scan`): one table per kind of row — connection references, flows,
 * environment variables — with a column per environment holding each cell's state; then what the scan
 * could not read.
 */

export interface MatrixFormatOptions {
  color?: boolean;
}

const TONE_COLOR: Record<'good' | 'warn' | 'bad' | 'neutral', Color | null> = { good: 'green', warn: 'yellow', bad: 'red', neutral: 'dim' };

export function formatMatrix(matrix: Matrix, options: MatrixFormatOptions = {}): string {
  const color = options.color === true;
  const envColumns = <Row extends MatrixRow>(): Column<Row>[] =>
    matrix.columns.map((c) => {
      const cell = (row: Row): MatrixCell | undefined => row.cells[c.environmentId];
      return {
        header: c.displayName,
        value: (row: Row) => {
          const state = cell(row)?.state;
          return state ? CELL_STATE_INFO[state].label.toLowerCase() : '';
        },
        color: (row: Row) => {
          const state = cell(row)?.state;
          return state ? TONE_COLOR[CELL_STATE_INFO[state].tone] : null;
        },
        maxWidth: 20,
      };
    });
  const out: string[] = [];
  const section = <Row extends MatrixRow>(title: string, rows: readonly Row[], lead: Column<Row>[]): void => {
    if (rows.length === 0) return;
    out.push(paint(`${title} (${rows.length})`, 'bold', color), renderColumns(rows, [...lead, ...envColumns<Row>()], { color, indent: '  ' }));
  };
  section('Connection references', matrix.references, [
    { header: 'Reference', value: (r) => (r.displayName && r.displayName !== r.logicalName ? `${r.displayName} (${r.logicalName})` : r.logicalName), maxWidth: 48 },
    { header: 'Connector', value: (r) => r.connectorName, maxWidth: 24 },
  ]);
  section('Flows', matrix.flows, [{ header: 'Flow', value: (r) => r.displayName, maxWidth: 48 }]);
  section('Environment variables', matrix.envVars, [{ header: 'Variable', value: (r) => (r.displayName === r.schemaName ? r.schemaName : `${r.displayName} (${r.schemaName})`), maxWidth: 48 }]);
  if (out.length === 0) out.push('Nothing of this solution was found.', '');
  for (const c of matrix.columns) {
    for (const problem of c.problems) out.push(`${paint('!', 'yellow', color)} ${cleanText(c.displayName)}: ${cleanText(problem)}`);
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
