/**
 * What the sandbox serves from its catalog: describes at the client's API version (`describeAt`),
 * the `GET /sobjects/` body (`describeGlobal`) and the `GET /limits` body (`limitsBody`).
 */
import limitsSample from './metadata/limits.json' with { type: 'json' };
import describeGlobalSample from './metadata/sobjects.describeGlobal.json' with { type: 'json' };
import type { SObjectDescribe } from './types.ts';

/** What `{version}` in a served URL stands for; `describeAt` fills it in. */
export const VERSION_PLACEHOLDER = '{version}';

/** `GET /services/data/vXX.X/sobjects/`. */
export interface DescribeGlobalBody {
  encoding: 'UTF-8';
  maxBatchSize: 200;
  sobjects: Array<Record<string, unknown>>;
}

// ---------------------------------------------------------------------------------------------
// API versions inside URLs

const VERSION_SEGMENT = /\/services\/data\/v[^/]+\//g;

/** Rewrites the API version of every URL under a `urls` key of `node` (in place). */
export function setUrlVersion(node: unknown, version: string, underUrls = false): void {
  if (Array.isArray(node)) {
    for (const item of node) setUrlVersion(item, version, underUrls);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const inUrls = underUrls || key === 'urls';
    if (typeof value === 'string' && inUrls) record[key] = value.replace(VERSION_SEGMENT, `/services/data/v${version}/`);
    else if (key !== 'fields') setUrlVersion(value, version, inUrls);
  }
}

/**
 * The describe as served for API `version` ("62.0"): a copy whose `urls` (object and record types)
 * name that version.
 */
export function describeAt(describe: SObjectDescribe, version: string): SObjectDescribe {
  const copy = structuredClone(describe);
  setUrlVersion(copy, version);
  return copy;
}

// ---------------------------------------------------------------------------------------------
// /sobjects/ and /limits

/** The keys of one `GET /sobjects/` entry, in Salesforce's order (taken from the real dump). */
const GLOBAL_ENTRY_KEYS = Object.keys(describeGlobalSample.sobjects[0] ?? {});

/** One `sobjects[]` entry of `GET /sobjects/` for a describe, its URLs at `version`. */
function globalEntry(describe: SObjectDescribe, version: string): Record<string, unknown> {
  const served = describeAt(describe, version);
  const entry: Record<string, unknown> = {};
  for (const key of GLOBAL_ENTRY_KEYS) entry[key] = served[key] ?? null;
  // describeGlobal lists the resource URLs only: the ui* templates and defaultValues are describe-only.
  const urls = (served.urls ?? {}) as Record<string, string>;
  entry.urls = Object.fromEntries(Object.entries(urls).filter(([key]) => !key.startsWith('ui') && key !== 'defaultValues'));
  return entry;
}

/**
 * The `GET /services/data/v{version}/sobjects/` body listing the given objects (sorted by name, as
 * Salesforce does): `{ encoding: 'UTF-8', maxBatchSize: 200, sobjects: [{ name, label, keyPrefix, …, urls }] }`.
 */
export function describeGlobal(describes: Map<string, SObjectDescribe>, version: string): DescribeGlobalBody {
  const sorted = [...describes.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { encoding: 'UTF-8', maxBatchSize: 200, sobjects: sorted.map((d) => globalEntry(d, version)) };
}

/**
 * The `GET /limits` body: the real org's limits (metadata/limits.json) with `DailyApiRequests` set to
 * `{ Max: dailyMax, Remaining: max(0, dailyMax - used) }` (per-app entries kept).
 * @throws RangeError when an argument is not a non-negative integer
 */
export function limitsBody(dailyMax: number, used: number): Record<string, unknown> {
  for (const [name, value] of [['dailyMax', dailyMax], ['used', used]] as const) {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`limitsBody: ${name} must be a non-negative integer, got ${value}`);
  }
  const body = structuredClone(limitsSample) as Record<string, unknown>;
  body.DailyApiRequests = { ...(body.DailyApiRequests as Record<string, unknown>), Max: dailyMax, Remaining: Math.max(0, dailyMax - used) };
  return body;
}
