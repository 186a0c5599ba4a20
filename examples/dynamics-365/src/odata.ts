/**
 * OData v4 literals and URLs as the Dataverse Web API takes them. Pure.
 * Sources: OData v4.0 Part 2 (URL conventions: string literals in single quotes, a quote doubled),
 * and "Use an alternate key to reference a record" (learn.microsoft.com/power-apps/developer/
 * data-platform/use-alternate-key-reference-record): `contacts(emailaddress1='a@b.c')`.
 */

/** The Web API's root below the org URL; v9.2 is the current version of the Dataverse Web API. */
export const API_PATH = '/api/data/v9.2';

/** A string literal: `'it''s'`. */
export function stringLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** A record's key segment: `(00000000-…)` for a GUID, `(uniqueprofileid='x%3A1')` for an alternate key. */
export function keySegment(key: { id: string } | { field: string; value: string }): string {
  if ('id' in key) return `(${key.id})`;
  return `(${key.field}=${encodeURIComponent(stringLiteral(key.value))})`;
}

/**
 * A `$filter` matching any of `values` on `field`: `field eq 'a' or field eq 'b'`. OData v4.0 has no
 * `in` operator (v4.01 does, and Dataverse documents its own `Microsoft.Dynamics.CRM.In` function);
 * `or`-joined `eq` is plain v4.0 that every OData server takes.
 */
export function anyOfFilter(field: string, values: readonly string[]): string {
  return values.map((value) => `${field} eq ${stringLiteral(value)}`).join(' or ');
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a Dataverse record id (a GUID). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}

/** The GUID at the end of an `OData-EntityId` URL (`…/contacts(<guid>)`), or undefined (an alternate-key URL has none). */
export function guidOfEntityId(url: string | undefined): string | undefined {
  const id = /\(([0-9a-fA-F-]{36})\)\s*$/.exec(url ?? '')?.[1];
  return id && isGuid(id) ? id.toLowerCase() : undefined;
}

/** The `{ "error": { "code", "message" } }` body of a Web API failure, or undefined for any other body. */
export function odataError(body: string): { code: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (typeof parsed?.error?.code !== 'string') return undefined;
    return { code: parsed.error.code, message: typeof parsed.error.message === 'string' ? parsed.error.message : '' };
  } catch {
    return undefined;
  }
}
