/**
 * OData v2 JSON ("verbose JSON") as C4C speaks it: `/Date(ms)/` values, the `d` envelopes, `__metadata`,
 * and the error body. Wire facts: ../shared/reference/sap-c4c.md §2 and §3 (SAP C4C OData API
 * Developer's Guide; light-odata's fixtures; SAP Cloud SDK's response-data-accessor.ts).
 */

/** A JSON object as OData carries it. */
export type JsonObject = Record<string, unknown>;

/** `Date` or epoch ms → `"/Date(1490902810849)/"` (Edm.DateTime/DateTimeOffset in v2 JSON, UTC). */
export function toODataDate(value: Date | number): string {
  return `/Date(${typeof value === 'number' ? value : value.getTime()})/`;
}

/**
 * `"/Date(1490902810849)/"` (also with an offset `+0060`, which is informative: the ms are UTC) → epoch
 * ms; undefined for anything else. JSON.parse already turned the wire's `\/` into `/`.
 */
export function fromODataDate(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/.exec(value);
  return match ? Number(match[1]) : undefined;
}

/** `{"d":{"results":[…],"__count":"n","__next":"…"}}`: `__count` is a string in v2 (C4C sends `"39080"`). */
export function collectionBody(results: readonly JsonObject[], options: { count?: number; next?: string } = {}): { d: JsonObject } {
  return {
    d: {
      results,
      ...(options.count !== undefined ? { __count: String(options.count) } : {}),
      ...(options.next !== undefined ? { __next: options.next } : {}),
    },
  };
}

/** The single-entity envelope the sandbox emits: C4C's `{"d":{"results":{…}}}` (an object, not an array). */
export function entityBody(entity: JsonObject): { d: { results: JsonObject } } {
  return { d: { results: entity } };
}

const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The entity of a single-entity answer, in either envelope C4C sends: `{"d":{"results":{…}}}` (its
 * quirk, on POST and some GETs) or standard v2 `{"d":{…}}`. Undefined when the body is neither.
 */
export function readEntity(body: unknown): JsonObject | undefined {
  if (!isObject(body) || !isObject(body.d)) return undefined;
  return isObject(body.d.results) ? body.d.results : body.d;
}

/** A collection answer's rows, its `__count` as a number, its `__next` link; undefined when not a v2 collection. */
export function readCollection(body: unknown): { results: JsonObject[]; count?: number; next?: string } | undefined {
  if (!isObject(body) || !isObject(body.d) || !Array.isArray(body.d.results)) return undefined;
  const count = typeof body.d.__count === 'string' && /^\d+$/.test(body.d.__count) ? Number(body.d.__count) : undefined;
  return {
    results: body.d.results.filter(isObject),
    ...(count !== undefined ? { count } : {}),
    ...(typeof body.d.__next === 'string' ? { next: body.d.__next } : {}),
  };
}

/** `__metadata` of one entity: its absolute `uri`, `type` (`<namespace>.<EntityType>`) and weak `etag`. */
export interface EntityMetadata {
  uri: string;
  type: string;
  etag?: string;
}

/** The OData v2 error body; C4C leaves `code` empty (reference §3). */
export function errorBody(message: string, code = ''): { error: { code: string; message: { lang: string; value: string } } } {
  return { error: { code, message: { lang: 'en', value: message } } };
}

/** The message and code of an OData v2 error body (`message` may also be a bare string in some gateways). */
export function readError(body: unknown): { code: string; message: string } | undefined {
  if (!isObject(body) || !isObject(body.error)) return undefined;
  const { code, message } = body.error;
  const text = isObject(message) && typeof message.value === 'string' ? message.value : typeof message === 'string' ? message : undefined;
  if (text === undefined) return undefined;
  return { code: typeof code === 'string' ? code : '', message: text };
}

/**
 * The weak ETag C4C sends, from a change time: `W/"datetimeoffset'2017-03-30T19%3A40%3A10.8490260Z'"`
 * (reference §2; the colons percent-encoded, seven fractional digits).
 */
export function weakEtag(changedAtMs: number): string {
  const iso = new Date(changedAtMs).toISOString().replace(/\.(\d{3})Z$/, '.$10000Z');
  return `W/"datetimeoffset'${iso.replace(/:/g, '%3A')}'"`;
}

/** 32 upper-case hex digits (ObjectID) → the hyphenated GUID form `UUID` properties hold. */
export function toGuid(objectId: string): string {
  const h = objectId.toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** A hyphenated GUID → the 32-hex ObjectID form. */
export function fromGuid(guid: string): string {
  return guid.replace(/-/g, '').toUpperCase();
}
