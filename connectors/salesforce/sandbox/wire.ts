import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxOrg, SaveResult } from './org.ts';
import { COLLECTION_LIMIT } from './org.ts';
import { SalesforceRequestError, type SandboxRecord, type SObjectDescribe } from './types.ts';

/**
 * How the sandbox reads requests and writes answers in Salesforce's shapes: JSON bodies with
 * `application/json;charset=UTF-8`, error arrays, collection bodies, records with `attributes`.
 */

const JSON_TYPE = 'application/json;charset=UTF-8';

export function safeJson(text: string): unknown {
  try { return JSON.parse(text); } catch { return text; }
}

export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send(JSON.stringify(body));
}

/** A single-record call's answer: success as `ok`, failure as Salesforce's top-level error array. */
export function single(reply: FastifyReply, result: SaveResult, okStatus: number, ok: (r: SaveResult) => unknown): FastifyReply {
  if (result.success) return sendJson(reply, okStatus, ok(result));
  return sendJson(reply, 400, result.errors.map((e) => ({ message: e.message, errorCode: e.statusCode, fields: e.fields })));
}

export function tooMany(): SalesforceRequestError {
  return new SalesforceRequestError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');
}

export function collectionBody(body: unknown): { allOrNone: boolean; records: Array<Record<string, unknown>> } {
  const value = (body ?? {}) as { allOrNone?: unknown; records?: unknown };
  if (!Array.isArray(value.records)) throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', 'The request body must have a "records" array');
  if (value.records.length > COLLECTION_LIMIT) throw tooMany();
  if (value.records.some((r) => typeof r !== 'object' || r === null || Array.isArray(r))) throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', 'Each record must be a JSON object');
  return { allOrNone: value.allOrNone === true, records: value.records as Array<Record<string, unknown>> };
}

export function recordType(record: Record<string, unknown>): string {
  const type = (record.attributes as { type?: unknown } | undefined)?.type;
  if (typeof type !== 'string' || type === '') throw new SalesforceRequestError(400, 'INVALID_TYPE', 'Each record needs attributes.type');
  return type;
}

export function stripAttributes(record: Record<string, unknown>): Record<string, unknown> {
  const fields = { ...record };
  delete fields.attributes;
  return fields;
}

export function bodyRecord(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object');
  return stripAttributes(body as Record<string, unknown>);
}

export function fieldList(request: FastifyRequest): string[] | undefined {
  const fields = (request.query as { fields?: string }).fields;
  return fields ? fields.split(',').map((f) => f.trim()).filter(Boolean) : undefined;
}

export function upsertKeyOr404(org: SandboxOrg, describe: SObjectDescribe, field: string): string {
  try {
    return org.upsertKey(describe, field);
  } catch {
    throw new SalesforceRequestError(404, 'NOT_FOUND', 'The requested resource does not exist');
  }
}

/** A record as the API returns it: `attributes` first, then the fields asked for (all by default). */
export function present(describe: SObjectDescribe, record: SandboxRecord, version: string, fields?: string[]): Record<string, unknown> {
  const names = fields ?? describe.fields.map((f) => f.name);
  const out: Record<string, unknown> = { attributes: { type: describe.name, url: `/services/data/v${version}/sobjects/${describe.name}/${record.Id}` } };
  for (const name of names) {
    const field = describe.fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) throw new SalesforceRequestError(400, 'INVALID_FIELD', `No such column '${name}' on entity '${describe.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`);
    out[field.name] = record[field.name] ?? null;
  }
  return out;
}

export function batchSize(request: FastifyRequest, fallback: number): number {
  const header = request.headers['sforce-query-options'];
  const match = /batchSize\s*=\s*(\d+)/i.exec(Array.isArray(header) ? header.join(';') : header ?? '');
  return match ? Math.min(2000, Math.max(200, Number(match[1]))) : fallback;
}
