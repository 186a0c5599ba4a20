/**
 * The Bulk API 2.0 ingest routes under `/services/data/vXX.X` (reference §9). Like every route
 * there, each request is authenticated, counted as one API call and open to `_faults` by the
 * plugin's hook (Salesforce does not say how bulk requests count against `DailyApiRequests`
 * [unconfirmed]; the sandbox counts each). An injected `UNABLE_TO_LOCK_ROW` on the upload or the
 * close makes some of the job's rows fail with it, as row locks do in real jobs.
 */
import type { FastifyInstance } from 'fastify';
import { apiVersion, CALL, type SandboxRequest } from './call-state.ts';
import type { BulkJobs } from './bulk-jobs.ts';
import { sendJson } from './wire.ts';

const CSV_TYPE = 'text/csv';

/** Registers the ingest job routes on `data` (the `/services/data/:version` scope). */
export function registerBulkRoutes(data: FastifyInstance, jobs: BulkJobs): void {
  const lockFault = (request: SandboxRequest) => request[CALL]?.perRecordFault === 'UNABLE_TO_LOCK_ROW';
  const idOf = (request: SandboxRequest) => (request.params as { id: string }).id;

  data.post('/jobs/ingest', async (request, reply) => sendJson(reply, 200, jobs.create(request.body, apiVersion(request))));
  data.get('/jobs/ingest', async (_request, reply) => sendJson(reply, 200, jobs.list()));
  data.put('/jobs/ingest/:id/batches', async (request: SandboxRequest, reply) => {
    jobs.upload(idOf(request), request.body as string, lockFault(request));
    return reply.code(201).send();
  });
  data.patch('/jobs/ingest/:id', async (request: SandboxRequest, reply) => sendJson(reply, 200, jobs.setState(idOf(request), request.body, lockFault(request))));
  data.get('/jobs/ingest/:id', async (request: SandboxRequest, reply) => sendJson(reply, 200, jobs.info(idOf(request))));
  data.delete('/jobs/ingest/:id', async (request: SandboxRequest, reply) => {
    jobs.delete(idOf(request));
    return reply.code(204).send();
  });
  const results = (kind: 'successful' | 'failed' | 'unprocessed') => async (request: SandboxRequest, reply: import('fastify').FastifyReply) =>
    reply.code(200).type(CSV_TYPE).send(jobs.results(idOf(request), kind));
  data.get('/jobs/ingest/:id/successfulResults', results('successful'));
  data.get('/jobs/ingest/:id/failedResults', results('failed'));
  data.get('/jobs/ingest/:id/unprocessedrecords', results('unprocessed'));
}
