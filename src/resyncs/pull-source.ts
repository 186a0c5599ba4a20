import type { ActiveSource } from '../connectors/registry.ts';
import { pullEvents } from '../connectors/source-pull/pull-events.ts';
import type { Logger } from '../logging/logger.ts';
import type { CanonicalData } from '../model/index.ts';
import type { ResyncScope } from '../store/resync-store.ts';
import type { NewEvent, Store } from '../store/store.ts';
import type { ResyncPuller } from './runner.ts';

export interface SourcePullerOptions {
  sources: readonly ActiveSource[];
  store: Store;
  /** A mounted sandbox's URL for a connector id (`x` → `/sandbox/x` on this server), when mounted. */
  sandboxUrl: (connectorId: string) => string | undefined;
  /** Ids of events to refuse (an erased person's): pulled items are refused like delivered ones. */
  refuse: (events: Array<{ id: string; source: string; key: string; data: CanonicalData }>) => Promise<Set<string>>;
  newId: () => string;
  now: () => Date;
  logger: Logger;
}

const networkOf = (scope: ResyncScope): string | undefined => ('identity' in scope ? scope.identity.slice(0, scope.identity.indexOf(':')) : 'network' in scope ? scope.network : undefined);

/**
 * `from-source` resyncs: the source of the scope's network that has a pull (the source kit's,
 * src/connectors/source-pull) pulls the identity's items, or the account's over the time range;
 * each page is refused for erased persons, stored (an item webhooks already brought is not stored
 * twice: the stored event stands in) and handed to the runner with the pull's cursor.
 */
export function createSourcePuller(options: SourcePullerOptions): { pull: ResyncPuller; canPull: (scope: ResyncScope) => boolean } {
  const sourceFor = (scope: ResyncScope) => {
    const network = networkOf(scope);
    return network === undefined ? undefined : options.sources.find((s) => s.definition.pull !== undefined && (s.id === network || s.definition.id === network));
  };
  return {
    canPull: (scope) => sourceFor(scope) !== undefined,
    async* pull(job, cursor, signal) {
      const source = sourceFor(job.scope);
      if (!source) throw new Error(`no source of this network can pull (resync ${job.id})`);
      const scope = job.scope;
      const request = {
        ...('identity' in scope ? { identity: { userId: scope.identity.slice(scope.identity.indexOf(':') + 1) } } : {}),
        ...('network' in scope && scope.since !== undefined ? { since: new Date(scope.since) } : {}),
        ...('network' in scope && scope.until !== undefined ? { until: new Date(scope.until) } : {}),
        ...(cursor !== undefined ? { cursor } : {}),
      };
      const sandboxUrl = options.sandboxUrl(source.definition.id);
      const batches = pullEvents(source.definition, source.config, request, {
        source: source.id, signal, logger: options.logger, ...(sandboxUrl !== undefined ? { sandboxUrl } : {}),
        onRateLimited: (waitMs) => options.logger.info({ resyncId: job.id, source: source.id, waitMs }, 'the network\'s rate limit is spent: the pull waits for its reset'),
      });
      for await (const batch of batches) {
        const events: NewEvent[] = batch.events.map((e) => ({ id: options.newId(), kind: e.data.kind, key: e.key, data: e.data }));
        const refused = await options.refuse(events.map((e) => ({ id: e.id, source: source.id, key: e.key, data: e.data })));
        const kept = events.filter((e) => !refused.has(e.id));
        const stored = kept.length > 0 ? await options.store.resyncs.storePulled(job.id, source.id, kept, { now: options.now() }) : [];
        yield { events: stored, cursor: batch.cursor };
      }
    },
  };
}
