import { ParleyConfig } from '../config/schema.ts';
import { builtInIds, importConnector, validateSourceDefinition, type ActiveSource } from '../connectors/registry.ts';
import { createDeriver } from '../intake/deriver.ts';
import { createIntake } from '../intake/intake-service.ts';
import { createLogger } from '../logging/logger.ts';
import { createMappingRegistry } from '../mappings/registry.ts';
import { createMetrics } from '../metrics/metrics.ts';
import { buildApp } from '../server.ts';
import { SqliteStore } from '../store/sqlite/sqlite-store.ts';

/**
 * The OpenAPI document of the routes, built from their schemas by a throwaway app: every built-in
 * source connector (each route from its definition; no config, as nothing is taken in), no API
 * keys, an in-memory store, nothing listening, no data folder touched.
 * `npm run openapi` writes it to `openapi/openapi.json`; test/openapi-drift.test.ts compares the two.
 *
 * @example writeFileSync('openapi/openapi.json', JSON.stringify(await buildOpenApiDocument(), null, 2) + '\n');
 */
export async function buildOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = ParleyConfig.parse({ apiKeys: [], sources: {} });
  const store = new SqliteStore({ file: ':memory:', synchronous: 'normal' });
  try {
    await store.migrate();
    const sources = await builtInSources();
    const metrics = createMetrics({ defaultMetrics: false });
    const logger = createLogger('silent');
    // Nothing is taken in, so the clock and ids only need to exist.
    const now = () => new Date(0);
    let id = 0;
    const newId = () => String(++id);
    const deriver = createDeriver({ store, sources, metrics, logger, now, newId, dedupWindowMs: 1 });
    const intake = createIntake({ store, metrics, now, newId, maxBatch: 1 });
    // The mapping routes need a registry: an empty one, never loaded (no folder is read).
    const registry = createMappingRegistry({ store, dir: '', destinations: [], catalogs: () => new Map(), logger, now });
    const app = await buildApp({ config, store, intake, deriver, sources, logger, metrics, now, mappings: { registry, catalogs: () => new Map() }, rules: () => [] });
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

/** Every built-in connector that is a source, as routes need it (no config); connectors without `parse` (destinations) are skipped. */
export async function builtInSources(): Promise<ActiveSource[]> {
  const sources: ActiveSource[] = [];
  for (const id of builtInIds()) {
    const module = await importConnector(`sources.${id}`, {}, id, process.cwd());
    if (typeof (module as { parse?: unknown } | undefined)?.parse !== 'function') continue;
    const definition = validateSourceDefinition(module, id);
    sources.push({ id: definition.id, definition, config: undefined, bodyLimitBytes: definition.bodyLimitBytes });
  }
  return sources;
}
