import Database from 'better-sqlite3';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isParleyError } from '../errors.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { WorkerSqliteStore } from '../store/sqlite/worker-store.ts';
import { healthRoutes } from './health.ts';

describe('GET /ready', () => {
  let app: FastifyInstance | undefined;
  let store: WorkerSqliteStore | undefined;
  afterEach(async () => { await app?.close(); await store?.close(); });

  /** The health routes over a real store on a worker thread, as the service runs it, capped at `maxPageCount` pages. */
  async function serve(file: string, maxPageCount: number) {
    store = new WorkerSqliteStore({ file, synchronous: 'normal', maxPageCount });
    await store.migrate();
    app = Fastify();
    app.setValidatorCompiler(validatorCompiler);
    app.setSerializerCompiler(serializerCompiler);
    // The service's error body, without the rest of its error handling.
    app.setErrorHandler((error, _request, reply) => {
      if (!isParleyError(error)) throw error;
      return reply.code(error.status).send({ error: { code: error.code, message: error.message, details: error.details } });
    });
    await app.register(healthRoutes, { store, metrics: createMetrics({ defaultMetrics: false }) });
    return { app, store };
  }

  it('answers 503 while the store cannot commit, and 200 again once it can, without a commit in between', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-ready-')), 'parley.db');
    const { app, store } = await serve(file, 100);
    expect((await app.inject('/ready')).statusCode).toBe(200);

    // The size cap stands in for a full disk: intake's commits fail with SQLITE_FULL.
    const body = Buffer.alloc(16 * 1024, 'x');
    let failed = false;
    for (let i = 0; i < 100 && !failed; i++) {
      await store.appendDeliveries([{ id: `d${i}`, source: 'x', receivedAt: new Date(), contentType: 'application/json', body }]).catch(() => { failed = true; });
    }
    expect(failed).toBe(true);
    const notReady = await app.inject('/ready');
    expect(notReady.statusCode).toBe(503);
    expect(notReady.json()).toEqual({ error: {
      code: 'PARLEY_NOT_READY', message: 'Not ready: the store cannot commit: database or disk is full', details: { reason: 'the store cannot commit: database or disk is full' },
    } });

    // An operator frees space; /ready's probe write sees it (a load balancer sends no traffic meanwhile).
    const other = new Database(file);
    other.prepare('DELETE FROM deliveries').run();
    other.close();
    const until = Date.now() + 5_000;
    let status = 503;
    while (status !== 200 && Date.now() < until) {
      status = (await app.inject('/ready')).statusCode;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });
});
