import { parentPort, workerData } from 'node:worker_threads';
import { isParleyError } from '../../errors.ts';
import type { DeliveryWrite } from '../store.ts';
import { type PackedDeliveries, unpackDeliveries } from './packed-deliveries.ts';
import { SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import { APPEND_PACKED, FACETS, type StoreCall, type StoreReply } from './store-worker-protocol.ts';

/**
 * The worker side of `WorkerSqliteStore`: owns the only connection to the database and runs the
 * store's methods as the main thread asks, in the order sent.
 *
 * Calls are queued and run once the messages waiting have all been received; consecutive appends
 * in the queue share one transaction. While a commit waits for its fsync, the main thread may send
 * the next batch (intake keeps up to `appendConcurrency` outstanding); merging what waited keeps one
 * fsync per round instead of one per batch.
 */
const port = parentPort!;
// A store that cannot open (an unwritable data folder) answers every call with why, so the main
// thread gets the ParleyError with its code; thrown here, it would reach the main thread as a bare
// worker error, without it.
let store: SqliteStore | undefined;
let openFailure: unknown;
try {
  store = new SqliteStore(workerData as SqliteStoreOptions);
} catch (error) {
  openFailure = error;
}
let queue: StoreCall[] = [];
let running = false;

port.on('message', (call: StoreCall) => {
  if (queue.push(call) === 1 && !running) setImmediate(runQueue);
});

async function runQueue(): Promise<void> {
  running = true;
  const calls = queue;
  queue = [];
  try {
    for (let i = 0; i < calls.length;) {
      if (calls[i]!.method === APPEND_PACKED) {
        let end = i;
        while (end < calls.length && calls[end]!.method === APPEND_PACKED) end++;
        await appendTogether(calls.slice(i, end));
        i = end;
      } else {
        await settle(calls[i]!, run(calls[i]!));
        i++;
      }
    }
  } finally {
    running = false;
    // Calls that came in while these ran (a store method that awaited real I/O) go next, in order.
    if (queue.length > 0) setImmediate(runQueue);
  }
}

async function appendTogether(calls: StoreCall[]): Promise<void> {
  const deliveries: DeliveryWrite[] = [];
  for (const call of calls) deliveries.push(...unpackDeliveries(call.args[0] as PackedDeliveries));
  const outcome = store ? store.appendDeliveries(deliveries) : Promise.reject(openFailure);
  await Promise.all(calls.map((call) => settle(call, outcome)));
}

function run(call: StoreCall): Promise<unknown> {
  // Closing a store that never opened has nothing to do, and must not hide why it did not open.
  if (!store) return call.method === 'close' ? Promise.resolve() : Promise.reject(openFailure);
  // `<facet>.<method>` runs on the facet, only one of those the protocol names.
  const [first, second] = call.method.split('.', 2) as [string, string | undefined];
  const target: unknown = second === undefined ? store : (FACETS as readonly string[]).includes(first) ? (store as unknown as Record<string, unknown>)[first] : undefined;
  const method = target === undefined ? undefined : (target as Record<string, unknown>)[second ?? first];
  if (typeof method !== 'function') return Promise.reject(new Error(`no store method ${call.method}`));
  return (method as (...args: unknown[]) => Promise<unknown>).apply(target, call.args);
}

function settle(call: StoreCall, outcome: Promise<unknown>): Promise<void> {
  return outcome.then(
    (value) => port.postMessage({ id: call.id, ok: true, value } satisfies StoreReply),
    (error: unknown) => port.postMessage({
      id: call.id, ok: false,
      error: isParleyError(error)
        ? { code: error.code, status: error.status, message: error.message, details: error.details }
        : { message: error instanceof Error ? error.message : String(error) },
    } satisfies StoreReply),
  );
}
