/**
 * The record routes under `/services/data/vXX.X`: single records (reference §3) and sObject
 * Collections (reference §4), with the per-record lock faults `_faults` can inject into their calls.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { apiVersion, CALL, type SandboxRequest } from './call-state.ts';
import { FAULTS } from './faults.ts';
import { COLLECTION_LIMIT, type SandboxOrg, type SaveResult } from './org.ts';
import { SalesforceRequestError } from './types.ts';
import { bodyRecord, collectionBody, fieldList, present, recordType, sendJson, single, stripAttributes, tooMany, upsertKeyOr404 } from './wire.ts';

/**
 * What the record routes use of the plugin: the org, and the draw for lock faults (a function, as
 * `PUT /_faults` with a seed replaces the sandbox kit's generator).
 */
export interface RecordRoutesOptions {
  org: SandboxOrg;
  random: () => number;
}

/** Registers the single-record and sObject Collections routes on `data` (the `/services/data/:version` scope). */
export function registerRecordRoutes(data: FastifyInstance, { org, random }: RecordRoutesOptions): void {
  // -- single records (reference §3) --
  data.post('/sobjects/:object', async (request: SandboxRequest, reply) => {
    const { object } = request.params as { object: string };
    org.requireDescribe(object);
    if (lockedSingle(request, reply)) return reply;
    const [result] = org.create([{ object, fields: bodyRecord(request.body) }], true);
    return single(reply, result!, 201, (r) => ({ id: r.id, success: true, errors: [] }));
  });
  data.get('/sobjects/:object/:id', async (request, reply) => {
    const { object, id } = request.params as { object: string; id: string };
    const describe = org.requireDescribe(object);
    const found = org.byId(id);
    if (!found || found.object !== describe.name) return sendJson(reply, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    return sendJson(reply, 200, present(describe, found.record, apiVersion(request), fieldList(request)));
  });
  data.patch('/sobjects/:object/:id', async (request: SandboxRequest, reply) => {
    const { object, id } = request.params as { object: string; id: string };
    org.requireDescribe(object);
    if (lockedSingle(request, reply)) return reply;
    const [result] = org.update([{ object, id, fields: bodyRecord(request.body) }], true);
    if (!result!.success) return single(reply, result!, 204, () => undefined);
    return reply.code(204).send();
  });
  data.delete('/sobjects/:object/:id', async (request: SandboxRequest, reply) => {
    const { object, id } = request.params as { object: string; id: string };
    const describe = org.requireDescribe(object);
    if (lockedSingle(request, reply)) return reply;
    const found = org.byId(id);
    if (found && found.object !== describe.name) return sendJson(reply, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    const [result] = org.delete([id], true);
    if (!result!.success) return single(reply, result!, 204, () => undefined);
    return reply.code(204).send();
  });
  data.get('/sobjects/:object/:field/:value', async (request, reply) => {
    const { object, field, value } = request.params as { object: string; field: string; value: string };
    const describe = org.requireDescribe(object);
    const key = upsertKeyOr404(org, describe, field);
    const matches = org.findByKey(describe, key, value);
    if (matches.length === 0) return sendJson(reply, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    if (matches.length > 1) return sendJson(reply, 300, matches.map((m) => `/services/data/v${apiVersion(request)}/sobjects/${describe.name}/${m.Id}`));
    return sendJson(reply, 200, present(describe, matches[0]!, apiVersion(request), fieldList(request)));
  });
  // Upsert by external id: 201 created, 200 updated (v46+), 300 several matches, 404 not a key field.
  data.patch('/sobjects/:object/:field/:value', async (request: SandboxRequest, reply) => {
    const { object, field, value } = request.params as { object: string; field: string; value: string };
    const describe = org.requireDescribe(object);
    const key = upsertKeyOr404(org, describe, field);
    const matches = org.findByKey(describe, key, value);
    if (matches.length > 1) return sendJson(reply, 300, matches.map((m) => `/services/data/v${apiVersion(request)}/sobjects/${describe.name}/${m.Id}`));
    if (matches.length === 0 && (request.query as { updateOnly?: string }).updateOnly === 'true') {
      return sendJson(reply, 404, [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
    }
    if (lockedSingle(request, reply)) return reply;
    const fields = bodyRecord(request.body);
    const [result] = org.upsert(describe.name, key, [{ fields: { ...fields, [key]: value } }], true);
    if (!result!.success) return single(reply, result!, 200, () => undefined);
    if (Number(apiVersion(request)) < 46 && !result!.created) return reply.code(204).send();
    return sendJson(reply, result!.created ? 201 : 200, { id: result!.id, success: true, errors: [], created: result!.created });
  });

  // -- sObject Collections (reference §4) --
  data.post('/composite/sobjects', async (request: SandboxRequest, reply) => {
    const body = collectionBody(request.body);
    const items = body.records.map((record) => ({ object: recordType(record), fields: stripAttributes(record) }));
    const results = withLocks(request, items.length, body.allOrNone, (indexes) => org.create(indexes.map((i) => items[i]!), body.allOrNone));
    return sendJson(reply, 200, results.map(({ created: _created, ...r }) => r));
  });
  data.patch('/composite/sobjects', async (request: SandboxRequest, reply) => {
    const body = collectionBody(request.body);
    const items = body.records.map((record) => {
      const fields = stripAttributes(record);
      const id = (fields.id ?? fields.Id) as string | undefined;
      delete fields.id; delete fields.Id;
      return { object: recordType(record), id, fields };
    });
    const results = withLocks(request, items.length, body.allOrNone, (indexes) => org.update(indexes.map((i) => items[i]!), body.allOrNone));
    return sendJson(reply, 200, results.map(({ created: _created, ...r }, i) => ({ ...r, id: r.id ?? items[i]!.id })));
  });
  data.patch('/composite/sobjects/:object/:field', async (request: SandboxRequest, reply) => {
    const { object, field } = request.params as { object: string; field: string };
    const body = collectionBody(request.body);
    const describe = org.requireDescribeForWrite(object);
    for (const record of body.records) {
      const type = recordType(record);
      if (type.toLowerCase() !== describe.name.toLowerCase()) throw new SalesforceRequestError(400, 'INVALID_TYPE', `Record type ${type} does not match the upsert's object ${describe.name}`);
    }
    const items = body.records.map((record) => ({ fields: stripAttributes(record) }));
    const results = withLocks(request, items.length, body.allOrNone, (indexes) => org.upsert(describe.name, field, indexes.map((i) => items[i]!), body.allOrNone));
    return sendJson(reply, 200, results);
  });
  data.delete('/composite/sobjects', async (request: SandboxRequest, reply) => {
    const query = request.query as { ids?: string | string[]; allOrNone?: string };
    const raw = Array.isArray(query.ids) ? query.ids.join(',') : query.ids ?? '';
    if (raw.trim() === '') throw new SalesforceRequestError(400, 'MISSING_ARGUMENT', 'ids: parameter ids cannot be empty');
    // Every entry answers, even an empty one (MALFORMED_ID): results stay one per id sent.
    const ids = raw.split(',').map((s) => s.trim());
    if (ids.length > COLLECTION_LIMIT) throw tooMany();
    const allOrNone = query.allOrNone === 'true';
    const results = withLocks(request, ids.length, allOrNone, (indexes) => org.delete(indexes.map((i) => ids[i]!), allOrNone));
    return sendJson(reply, 200, results.map(({ created: _created, ...r }, i) => ({ ...r, id: r.id ?? ids[i] })));
  });
  data.post('/composite/sobjects/:object', async (request, reply) => {
    const { object } = request.params as { object: string };
    const describe = org.requireDescribe(object);
    const body = (request.body ?? {}) as { ids?: unknown; fields?: unknown };
    if (!Array.isArray(body.ids) || !Array.isArray(body.fields)) throw new SalesforceRequestError(400, 'JSON_PARSER_ERROR', 'The retrieve body needs "ids" and "fields" arrays');
    if (body.ids.length > 2000) throw tooMany();
    const fields = body.fields.map(String);
    return sendJson(reply, 200, body.ids.map((id) => {
      const found = org.byId(String(id));
      return found && found.object === describe.name ? present(describe, found.record, apiVersion(request), fields) : null;
    }));
  });

  function withLocks(request: SandboxRequest, count: number, allOrNone: boolean, run: (indexes: number[]) => SaveResult[]): SaveResult[] {
    if (count > COLLECTION_LIMIT) throw tooMany();
    const fault = request[CALL]?.perRecordFault;
    if (!fault || count === 0) return run(Array.from({ length: count }, (_, i) => i));
    // A lock fault hits some of the call's records (at least one); the rest go through, or, with
    // allOrNone, are rolled back with them.
    const locked = new Set<number>();
    for (let i = 0; i < count; i++) if (random() < 0.5) locked.add(i);
    if (locked.size === 0) locked.add(Math.floor(random() * count));
    const spec = FAULTS[fault]!;
    const lockError = { statusCode: spec.errorCode, message: spec.message, fields: [] as string[] };
    if (allOrNone) {
      return Array.from({ length: count }, (_, i) => ({ success: false, errors: [locked.has(i) ? lockError : {
        statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: 'Record rolled back because not all records were valid and the request was using AllOrNone header', fields: [] }] }));
    }
    const free = Array.from({ length: count }, (_, i) => i).filter((i) => !locked.has(i));
    const results = free.length > 0 ? run(free) : [];
    const merged: SaveResult[] = new Array(count);
    free.forEach((index, k) => { merged[index] = results[k]!; });
    for (const index of locked) merged[index] = { success: false, errors: [lockError] };
    return merged;
  }

  function lockedSingle(request: SandboxRequest, reply: FastifyReply): boolean {
    const fault = request[CALL]?.perRecordFault;
    if (!fault) return false;
    const spec = FAULTS[fault]!;
    void sendJson(reply, spec.status, [{ message: spec.message, errorCode: spec.errorCode, fields: [] }]);
    return true;
  }
}
