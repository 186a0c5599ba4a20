import { parentPort, workerData } from 'node:worker_threads';
import { isParleyError } from '../../errors.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';

/**
 * The worker side of `WorkerSqliteStore`: owns the only connection to the database and runs the
 * store's methods as the main thread asks. Replies carry the call's id; a ParleyError is sent as
 * its parts, since structured clone keeps only an Error's name and message.
 */
export interface StoreCall { id: number; method: string; args: unknown[] }
export type StoreReply =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: { code?: string; status?: number; message: string; details?: Record<string, unknown> } };

const store = new SqliteStore(workerData as SqliteStoreOptions);
const port = parentPort!;

port.on('message', (call: StoreCall) => {
  const method = (store as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>)[call.method];
  if (typeof method !== 'function') {
    port.postMessage({ id: call.id, ok: false, error: { message: `no store method ${call.method}` } } satisfies StoreReply);
    return;
  }
  method.apply(store, call.args).then(
    (value) => port.postMessage({ id: call.id, ok: true, value } satisfies StoreReply),
    (error: unknown) => port.postMessage({
      id: call.id, ok: false,
      error: isParleyError(error)
        ? { code: error.code, status: error.status, message: error.message, details: error.details }
        : { message: error instanceof Error ? error.message : String(error) },
    } satisfies StoreReply),
  );
});
