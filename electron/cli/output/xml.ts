/** XML 1.0 escaping for text and attribute values; characters XML cannot hold become U+FFFD. */

// Not allowed in XML 1.0: C0 controls but tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
const ATTR: Record<string, string> = { ...TEXT, '"': '&quot;', "'": '&apos;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };

/**
 * Pipeline logging commands in a value are written with a character reference (`&#35;#vso[`, `&#58;:`):
 * the same text once parsed, but an Azure DevOps agent or GitHub runner reading the file as it is printed
 * to the log sees no command.
 */
const defang = (escaped: string): string => escaped.replace(/#(?=#(?:vso)?\[)/gi, '&#35;').replace(/^(\s*):(?=:)/gm, '$1&#58;');

/** Element content. `]]>` cannot occur: `>` is always escaped. */
export function escapeXmlText(value: string): string {
  return defang(value.replace(INVALID_XML, '\ufffd').replace(/[&<>]/g, (c) => TEXT[c] ?? c));
}

/** An attribute value in either quote style; tabs and line breaks kept as character references. */
export function escapeXmlAttribute(value: string): string {
  return defang(value.replace(INVALID_XML, '\ufffd').replace(/[&<>"'\t\n\r]/g, (c) => ATTR[c] ?? c));
}
