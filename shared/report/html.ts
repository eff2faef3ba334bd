/** Escaping for HTML text and attribute values (both quotes, so either attribute style is safe). */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// C0 controls other than tab/newline/CR, DEL, C1 controls, and lone surrogates: not allowed in HTML text.
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text and attribute values. Pipeline logging commands are written with a character reference
 * (`&#35;#vso[`, `&#58;:`): the same text in a browser, but no command for a CI log that prints the file.
 */
export function escapeHtml(value: string | number): string {
  return String(value)
    .replace(INVALID, '\ufffd')
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
    .replace(/#(?=#(?:vso)?\[)/gi, '&#35;')
    .replace(/^(\s*):(?=:)/gm, '$1&#58;');
}
