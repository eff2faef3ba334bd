import { describe, expect, it } from 'vitest';
import { colorEnabled, paint } from './color';
import { renderColumns, renderTable } from './table';
import { cleanText, displayWidth, truncate } from './text';

describe('text', () => {
  it('measures wide and zero-width characters and cuts with an ellipsis', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(truncate('Invoice approval', 8)).toBe('Invoice…');
    expect(truncate('Invoice', 8)).toBe('Invoice');
    expect(truncate('日本語テキスト', 6)).toBe('日本…');
  });

  it('keeps names on one line and defuses terminal escapes and pipeline commands', () => {
    expect(cleanText('a\r\nb\tc')).toBe('a b c');
    expect(cleanText('\u001b]8;;http://evil\u0007x')).toBe(' ]8;;http://evil x');
    expect(cleanText('x ##vso[task.setvariable variable=a]1')).toBe('x #\u200b#vso[task.setvariable variable=a]1');
    expect(cleanText('##[error]fake')).toBe('#\u200b#[error]fake');
    expect(cleanText('::add-mask::x')).toBe(':\u200b:add-mask::x');
  });
});

describe('colour', () => {
  it('is on for a TTY only, and off with NO_COLOR or a dumb terminal', () => {
    expect(colorEnabled({ isTTY: true }, {})).toBe(true);
    expect(colorEnabled({ isTTY: false }, {})).toBe(false);
    expect(colorEnabled({}, {})).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorEnabled({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorEnabled({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(paint('x', 'red', false)).toBe('x');
    expect(paint('x', 'red', true)).toBe('\u001b[31mx\u001b[39m');
  });
});

describe('renderTable', () => {
  it('aligns columns under their headers, right-aligns numbers, caps widths and trims trailing blanks', () => {
    const text = renderTable(
      ['Environment', 'Flows', 'Note'],
      [
        ['Contoso Test', '12', 'all on'],
        ['Contoso Production (EU)', '3', ''],
      ],
      { align: ['left', 'right'], maxWidth: [16, 8, 40] },
    );
    expect(text).toBe(
      [
        'Environment       Flows  Note',
        '----------------  -----  ------',
        'Contoso Test         12  all on',
        'Contoso Product…      3',
        '',
      ].join('\n'),
    );
  });

  it('has no colour unless asked, and colours text but not padding when asked', () => {
    const columns = [
      { header: 'Severity', value: (r: { s: string }) => r.s, color: () => 'red' as const },
      { header: 'N', value: () => '1' },
    ];
    expect(renderColumns([{ s: 'error' }], columns)).toBe('Severity  N\n--------  -\nerror     1\n');
    expect(renderColumns([{ s: 'error' }], columns, { color: true })).toBe(
      '\u001b[1mSeverity\u001b[22m  \u001b[1mN\u001b[22m\n\u001b[2m--------\u001b[22m  \u001b[2m-\u001b[22m\n\u001b[31merror\u001b[39m     1\n',
    );
  });

  it('prints detail lines under a row, indented and cleaned, and a cell with a newline on one line', () => {
    const text = renderColumns([{ n: 'a\nb' }], [{ header: 'Name', value: (r: { n: string }) => r.n }], { indent: '  ', details: () => ['why: one\ntwo'] });
    expect(text).toBe('  Name\n  ----\n  a b\n      why: one\n      two\n');
  });

  it('prints just the header for no rows', () => {
    expect(renderTable(['A', 'B'], [])).toBe('A  B\n-  -\n');
  });
});
