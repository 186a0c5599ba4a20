import { ParleyConfig } from '../config/schema.ts';
import { loadSources } from '../connectors/registry.ts';
import { createDeriver } from '../intake/deriver.ts';
import { createIntake } from '../intake/intake-service.ts';
import { createLogger } from '../logging/logger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { buildApp } from '../server.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';

/**
 * The OpenAPI document of the routes, built from their schemas by a throwaway app: the built-in X
 * source, no API keys, an in-memory store, nothing listening, no data folder touched.
 * `npm run openapi` writes it to `openapi/openapi.json`; test/openapi-drift.test.ts compares the two.
 *
 * @example writeFileSync('openapi/openapi.json', JSON.stringify(await buildOpenApiDocument(), null, 2) + '\n');
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = ParleyConfig.parse({ apiKeys: [], sources: { x: { connector: 'x', consumerSecret: 'openapi' } } });
  const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
  try {
    await store.migrate();
    const sources = await loadSources(config.sources, { configPath: 'openapi', cwd: process.cwd() });
    const metrics = createMetrics({ defaultMetrics: false });
    const logger = createLogger('silent');
    // Nothing is taken in, so the clock and ids only need to exist.
    const now = () => new Date(0);
    let id = 0;
    const newId = () => String(++id);
    const deriver = createDeriver({ store, sources, metrics, logger, now, newId, dedupWindowMs: 1 });
    const intake = createIntake({ store, metrics, now, newId, maxBatch: 1 });
    const app = await buildApp({ config, store, intake, deriver, sources, logger, metrics, now });
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
      await deriver.stop();
    }
  } finally {
    await store.close();
  }
}
