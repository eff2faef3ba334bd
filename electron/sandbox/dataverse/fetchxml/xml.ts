/**
 * A small element tree over fast-xml-parser, so the rest of the engine walks plain objects. Comments,
 * processing instructions and whitespace are dropped; attribute values arrive entity-decoded.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { FetchXmlError, FetchXmlErrorCode } from './errors';

export interface XmlElement {
  name: string;
  attributes: Readonly<Record<string, string>>;
  children: readonly XmlElement[];
  /** Concatenated text content (only meaningful for `<value>`). */
  text: string;
}

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseAttributeValue: false,
  parseTagValue: false,
  trimValues: false,
  commentPropName: '#comment',
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Also decodes numeric character references (&#32; &#x27;), which the default entity set leaves alone.
  htmlEntities: true,
});

/** The platform's answer to FetchXML that is not well-formed (CrmException 0x80040201). */
export function invalidXml(detail?: string): FetchXmlError {
  const error = new FetchXmlError(FetchXmlErrorCode.InvalidXml, 'Invalid XML.');
  if (detail) error.cause = detail;
  return error;
}

type OrderedNode = Record<string, unknown>;

function toElement(node: OrderedNode): XmlElement | undefined {
  const name = Object.keys(node).find((key) => key !== ':@');
  if (name === undefined || name === '#text' || name === '#comment' || name.startsWith('?')) return undefined;
  const rawAttributes = node[':@'];
  const attributes: Record<string, string> = {};
  if (rawAttributes && typeof rawAttributes === 'object') {
    for (const [key, value] of Object.entries(rawAttributes as Record<string, unknown>)) {
      attributes[key] = typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    }
  }
  const rawChildren = node[name];
  const children: XmlElement[] = [];
  let text = '';
  if (Array.isArray(rawChildren)) {
    for (const child of rawChildren as OrderedNode[]) {
      const childText = child['#text'];
      if (childText !== undefined) {
        text += typeof childText === 'string' || typeof childText === 'number' || typeof childText === 'boolean' ? String(childText) : '';
        continue;
      }
      const element = toElement(child);
      if (element) children.push(element);
    }
  }
  return { name, attributes, children, text };
}

/** Parses a whole document and returns its single root element. */
export function parseXmlDocument(xml: string): XmlElement {
  if (xml.trim() === '') throw invalidXml('empty document');
  const validation = XMLValidator.validate(xml);
  if (validation !== true) throw invalidXml(`${validation.err.msg} (line ${validation.err.line})`);
  let parsed: unknown;
  try {
    parsed = parser.parse(xml);
  } catch (error) {
    throw invalidXml(error instanceof Error ? error.message : String(error));
  }
  if (!Array.isArray(parsed)) throw invalidXml('no root element');
  const roots: XmlElement[] = [];
  for (const node of parsed as OrderedNode[]) {
    const text = node['#text'];
    if (typeof text === 'string' && text.trim() !== '') throw invalidXml('text outside the root element');
    const element = toElement(node);
    if (element) roots.push(element);
  }
  const [root, ...rest] = roots;
  if (!root || rest.length > 0) throw invalidXml(root ? 'more than one root element' : 'no root element');
  return root;
}

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export const escapeXmlAttribute = escapeAttribute;

/** Re-serializes an element the way error messages quote it (`NodeXml = …`). */
export function outerXml(element: XmlElement): string {
  const attributes = Object.entries(element.attributes)
    .map(([key, value]) => ` ${key}="${escapeAttribute(value)}"`)
    .join('');
  if (element.children.length === 0 && element.text.trim() === '') return `<${element.name}${attributes} />`;
  const inner = element.children.length > 0 ? element.children.map(outerXml).join('') : element.text;
  return `<${element.name}${attributes}>${inner}</${element.name}>`;
}
