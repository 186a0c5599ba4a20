import { SalesforceRequestError } from './types.ts';

/** One subrequest of `POST /composite` or of a graph (REST API Developer Guide, "Composite"). */
export interface Subrequest {
  method: string;
  /** `/services/data/vXX.X/...`, possibly with `@{ref.field}` references. */
  url: string;
  referenceId: string;
  body?: unknown;
}

/** One subrequest's answer, as the Composite response lists it. */
export interface SubresponseItem {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

/** Runs one subrequest against the sandbox's own routes. */
export type ExecuteSubrequest = (request: { method: string; url: string; body?: unknown }) => Promise<{ status: number; body: unknown; location?: string }>;

const HALTED_ROLLBACK = [{ errorCode: 'PROCESSING_HALTED', message: 'The transaction was rolled back since another operation in the same transaction failed.' }];

const SUBREQUEST_METHODS = new Set(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'HEAD']);

/** Most subrequests in one Composite call; most nodes in one Graph payload (reference §5). */
export const COMPOSITE_LIMIT = 25;
export const GRAPH_NODE_LIMIT = 500;
export const GRAPH_LIMIT = 75;

/**
 * Checks the subrequest list's shape.
 * @throws SalesforceRequestError 400 JSON_PARSER_ERROR / INVALID_INPUT for a malformed list
 */
export function parseSubrequests(value: unknown): Subrequest[] {
  if (!Array.isArray(value) || value.length === 0) throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', 'compositeRequest must be a non-empty array');
  const seen = new Set<string>();
  return value.map((item, i) => {
    const r = item as Partial<Subrequest> | null;
    if (!r || typeof r.method !== 'string' || typeof r.url !== 'string' || typeof r.referenceId !== 'string' || r.referenceId === '') {
      throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', `compositeRequest[${i}] needs method, url and referenceId`);
    }
    if (!/^[A-Za-z0-9_]+$/.test(r.referenceId)) throw new SalesforceRequestError(400, 'INVALID_INPUT', `Invalid referenceId: ${r.referenceId}. It can contain only alphanumeric characters and underscores.`);
    if (seen.has(r.referenceId)) throw new SalesforceRequestError(400, 'INVALID_INPUT', `Duplicate referenceId provided in the request: ${r.referenceId}`);
    seen.add(r.referenceId);
    if (!/^\/services\/data\/v\d+\.\d\//.test(r.url)) throw new SalesforceRequestError(400, 'INVALID_INPUT', `The url must start with /services/data/vXX.X/: ${r.url}`);
    if (!SUBREQUEST_METHODS.has(r.method.toUpperCase())) throw new SalesforceRequestError(400, 'INVALID_INPUT', `Unsupported method in compositeRequest[${i}]: ${r.method}`);
    if (/^\/services\/data\/v\d+\.\d\/composite(?:\/graph|\/batch|\/tree|\/?$|\?)/.test(r.url)) throw new SalesforceRequestError(400, 'INVALID_INPUT', `A composite subrequest cannot itself be a composite request: ${r.url}`);
    return { method: r.method.toUpperCase(), url: r.url, referenceId: r.referenceId, ...(r.body !== undefined ? { body: r.body } : {}) };
  });
}

/**
 * Runs subrequests in order, resolving `@{ref.path}` from earlier answers (`@{acct.id}`,
 * `@{q.records[0].Id}`). With `allOrNone`, the first failure rolls everything back and every other
 * subrequest answers 400 PROCESSING_HALTED; without it, only subrequests that reference a failed
 * or missing value halt.
 */
export async function runSubrequests(requests: Subrequest[], options: { allOrNone: boolean; execute: ExecuteSubrequest; rollback: () => void }): Promise<SubresponseItem[]> {
  const answers = new Map<string, unknown>();
  const out: SubresponseItem[] = [];
  for (const request of requests) {
    let url: string;
    let body: unknown;
    try {
      url = resolveReferences(request.url, answers, true) as string;
      body = request.body === undefined ? undefined : resolveReferences(request.body, answers, false);
    } catch (error) {
      out.push({ body: [{ errorCode: 'PROCESSING_HALTED', message: (error as Error).message }], httpHeaders: {}, httpStatusCode: 400, referenceId: request.referenceId });
      if (options.allOrNone) return halt(out, requests, options.rollback, out.length - 1);
      continue;
    }
    const answer = await options.execute({ method: request.method, url, ...(body !== undefined ? { body } : {}) });
    out.push({ body: answer.body ?? null, httpHeaders: answer.location ? { Location: answer.location } : {}, httpStatusCode: answer.status, referenceId: request.referenceId });
    if (answer.status >= 400) {
      if (options.allOrNone) return halt(out, requests, options.rollback, out.length - 1);
      continue;
    }
    answers.set(request.referenceId, answer.body);
  }
  return out;
}

function halt(out: SubresponseItem[], requests: Subrequest[], rollback: () => void, failedIndex: number): SubresponseItem[] {
  rollback();
  return requests.map((request, i) => i === failedIndex ? out[i]! : { body: HALTED_ROLLBACK, httpHeaders: {}, httpStatusCode: 400, referenceId: request.referenceId });
}

/** Replaces `@{ref.path}` in strings (deeply in a body). In a URL the value is URL-encoded. */
function resolveReferences(value: unknown, answers: Map<string, unknown>, inUrl: boolean): unknown {
  if (typeof value === 'string') {
    return value.replace(/@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g, (_whole, ref: string, path: string) => {
      if (!answers.has(ref)) throw new Error(`Invalid reference specified. No value for ${ref}${path} found in ${ref}. Provided referenceId ('${ref}') must be a previous subrequest's that succeeded.`);
      const resolved = walk(answers.get(ref), path);
      if (resolved === undefined || resolved === null) throw new Error(`Invalid reference specified. No value for ${ref}${path} found in ${ref}.`);
      return inUrl ? encodeURIComponent(String(resolved)) : String(resolved);
    });
  }
  if (Array.isArray(value)) return value.map((v) => resolveReferences(v, answers, inUrl));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveReferences(v, answers, inUrl)]));
  return value;
}

function walk(value: unknown, path: string): unknown {
  let current = value;
  for (const step of path.match(/\.[A-Za-z0-9_]+|\[\d+\]/g) ?? []) {
    if (current === null || typeof current !== 'object') return undefined;
    current = step.startsWith('[') ? (current as unknown[])[Number(step.slice(1, -1))] : (current as Record<string, unknown>)[step.slice(1)];
  }
  return current;
}
