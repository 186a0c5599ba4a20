import { ParleyConfig } from '../config/schema.ts';
import { loadSources } from '../connectors/registry.ts';
import { createDeriver } from '../intake/deriver.ts';
import { createIntake } from '../intake/intake-service.ts';
import { createLogger } from '../logging/logger.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { buildApp } from '../server.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';

/**
 * The OpenAPI document of the routes, built from their schemas with a throwaway in-memory app
 * (the built-in X source, no API keys, nothing listening). `npm run openapi` writes it to
 * `openapi/openapi.json`; a test compares the two.
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = ParleyConfig.parse({ sources: { x: { connector: 'x', consumerSecret: 'openapi' } } });
  const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
  await store.migrate();
  const sources = await loadSources(config.sources, { configPath: 'openapi', cwd: process.cwd() });
  const metrics = createMetrics({ defaultMetrics: false });
  const logger = createLogger('silent');
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
    await store.close();
  }
}
