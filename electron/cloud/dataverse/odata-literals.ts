/**
 * Values written into OData URLs: GUIDs are checked before they reach a path or `$filter` (a bad id
 * must not become a different query), strings are quoted with `'` doubled, and the
 * `Microsoft.Dynamics.CRM.In` function is built with JSON-quoted values.
 */

const GUID = /^\{?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\}?$/i;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isGuid(value: string): boolean {
  return GUID.test(value.trim());
}

/** The GUID in its canonical form (lower case, no braces); throws naming `what` when it is not one. */
export function guid(value: string, what = 'id'): string {
  const m = GUID.exec(value.trim());
  if (!m?.[1]) throw new TypeError(`The ${what} '${value}' is not a GUID.`);
  return m[1].toLowerCase();
}

/** An entity set, property or logical name: letters, digits, underscore. */
export function identifier(value: string, what = 'name'): string {
  if (!IDENTIFIER.test(value)) throw new TypeError(`The ${what} '${value}' is not a valid Dataverse name.`);
  return value;
}

/** `'O''Brien'` */
export function odataString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** `Microsoft.Dynamics.CRM.In(PropertyName='x',PropertyValues=["a","b"])` */
export function odataIn(property: string, values: readonly string[]): string {
  return `Microsoft.Dynamics.CRM.In(PropertyName=${odataString(identifier(property, 'property'))},PropertyValues=${JSON.stringify(values)})`;
}
