import type { Logger } from '../logging/logger.ts';
import { createStepLoop } from '../instances/step-loop.ts';
import type { IncidentWrite } from '../store/incident-store.ts';
import type { NewOperation, Store } from '../store/store.ts';
import { AlertSender, type AlertBackoff } from './alert-sender.ts';
import { caseOperations, eachOperations, linkOperations } from './incident-operations.ts';
import type { CompiledRule } from './load-rules.ts';
import { matchEvent } from './match-event.ts';
import { closeIfDue, observe, prune, type WindowChange, type WindowState } from './window.ts';

/**
 * The crisis engine: follows stored events in store order from its own cursor (`Store.incidents`),
 * counts the events each rule matches in sliding windows (window.ts), and when a burst crosses a
 * threshold opens ONE incident per (rule, group), queues its parent Case at every destination of
 * the rule and links the window's posts (and every later match while it is open) to it, then
 * closes it once the rate has fallen back. Each step commits the incidents, the operations, the
 * windows and the cursor in ONE transaction, and only if the cursor is still where the step read
 * it: a crash before the commit leaves nothing half done, and a second instance's step over the
 * same events commits nothing. So exactly one parent Case per incident, across restarts.
 *
 * State: the windows (events still counting, per (rule, group)) are stored with every step and
 * read back at the next, rather than recomputed from events at start: the events table has no
 * index by occurrence time, and a window is what the cursor has seen, not a query. Reading them
 * each step (not once at start) keeps an instance that takes the `plan` lead over from another
 * in step with what that one committed.
 *
 * Alerts go out apart from the cursor (a receiver that is down never holds events back), retried
 * with back-off until a 2xx (alert-sender.ts). Runs, like planning, only on the instance leading `plan`.
 */
export interface CrisisEngine {
  /** Starts stepping (now, on `notify`, and every `tickMs` for closes and alert retries). */
  start(): void;
  /** New events were stored: step soon. */
  notify(): void;
  /** One step over at most `chunk` events, and the closes due. @returns how many events it read */
  step(): Promise<number>;
  /** Sends the alerts due. @returns how many were tried */
  sendAlerts(): Promise<number>;
  /** Steps until no event is left or `timeoutMs` passes; true when none was left. */
  catchUp(timeoutMs: number): Promise<boolean>;
  /** Stops scheduling; resolves once a running step and alert round have finished. */
  stop(): Promise<void>;
}

export interface CrisisEngineOptions {
  store: Store;
  /** The loaded rules, read at each step (a reload takes effect at the next). */
  rules: () => readonly CompiledRule[];
  logger: Logger;
  now: () => Date;
  newId: () => string;
  /** Events per step (default 200). */
  chunk?: number;
  /** How often closes are looked for and failed alerts retried, ms (default 15,000). */
  tickMs?: number;
  /** Pause before retrying a failed step, ms (default 1000). */
  retryMs?: number;
  alertBackoff?: AlertBackoff;
  /** Called after operations were queued (the dispatcher listens). */
  onQueued?: () => void;
}

const windowKey = (ruleId: string, group: string) => JSON.stringify([ruleId, group]);

export function createCrisisEngine(options: CrisisEngineOptions): CrisisEngine {
  const chunk = options.chunk ?? 200;
  const tickMs = options.tickMs ?? 15_000;
  const retryMs = options.retryMs ?? 1000;
  const { store, logger } = options;
  const alerts = new AlertSender({ store, logger, now: options.now, ...(options.alertBackoff ? { backoff: options.alertBackoff } : {}) });
  let sending: Promise<number> = Promise.resolve(0);
  let stopped = false;
  let started = false;
  let ticker: NodeJS.Timeout | undefined;

  const runStep = async (): Promise<number> => {
    if (!(await store.holdsLead('plan'))) return 0;
    const rules = options.rules();
    const byId = new Map(rules.map((r) => [r.id, r]));
    const page = await store.incidents.readEvents(chunk);
    const windows = new Map<string, { ruleId: string; group: string; state: WindowState | undefined }>();
    for (const w of await store.incidents.windows()) windows.set(windowKey(w.ruleId, w.group), { ruleId: w.ruleId, group: w.group, state: JSON.parse(w.state) as WindowState });
    const changed = new Set<string>();
    const incidents = new Map<string, IncidentWrite>();
    const operations: NewOperation[] = [];
    const now = options.now().getTime();

    const warnFieldProblems = (rule: CompiledRule, problems: ReadonlyArray<{ destination: string; field: string; problem: string }>) => {
      for (const p of problems) logger.warn({ ruleId: rule.id, destination: p.destination, field: p.field, problem: p.problem }, 'a crisis rule\'s Case field could not be evaluated; the Case goes without it');
    };
    const apply = async (rule: CompiledRule, group: string, change: WindowChange) => {
      const { incident } = change;
      incidents.set(incident.id, {
        id: incident.id, ruleId: rule.id, group, state: change.type === 'close' ? 'closed' : 'open', window: rule.definition.window,
        openedAt: new Date(incident.openedAt), ...(change.type === 'close' ? { closedAt: new Date(change.closedAt) } : {}),
        openedCount: incident.openedCount, peakCount: incident.peakCount, linked: incident.linked, triggerEventId: incident.triggerEventId, alert: rule.alert !== undefined,
      });
      if (change.type === 'open') {
        const cases = await caseOperations(rule, group, change, options.newId);
        const each = await eachOperations(rule, group, incident, change.posts, options.newId);
        warnFieldProblems(rule, [...cases.problems, ...each.problems]);
        operations.push(...cases.operations, ...change.posts.flatMap((post) => linkOperations(rule, incident.id, post, options.newId)), ...each.operations);
        logger.warn({ ruleId: rule.id, incidentId: incident.id, count: incident.openedCount }, 'crisis rule threshold crossed: incident opened');
      } else if (change.type === 'link') {
        const each = await eachOperations(rule, group, incident, [change.entry], options.newId);
        warnFieldProblems(rule, each.problems);
        operations.push(...linkOperations(rule, incident.id, change.entry, options.newId), ...each.operations);
      } else {
        logger.info({ ruleId: rule.id, incidentId: incident.id, peak: incident.peakCount }, 'crisis incident closed: the rate fell back');
      }
    };

    for (const event of page.events) {
      for (const rule of rules) {
        const matched = await matchEvent(rule, event, now);
        if (!matched) continue;
        const key = windowKey(rule.id, matched.group);
        const kept = windows.get(key);
        const { state, changes } = observe(rule, kept?.state, matched.entry, { now, newId: options.newId });
        windows.set(key, { ruleId: rule.id, group: matched.group, state });
        changed.add(key);
        for (const change of changes) await apply(rule, matched.group, change);
      }
    }
    // Time passes without events too: closes come due, and old events leave the windows.
    for (const [key, w] of windows) {
      const rule = byId.get(w.ruleId);
      if (!rule || !w.state) continue;
      const before = w.state.entries.length;
      const { state, change } = closeIfDue(rule, w.state, now);
      prune(rule, state, now);
      if (change) await apply(rule, w.group, change);
      if (change || state.entries.length !== before) changed.add(key);
    }

    // Nothing read, nothing changed: no write (a tick every few seconds must not be a commit every few seconds).
    if (page.events.length === 0 && changed.size === 0) return 0;
    const committed = await store.incidents.commitStep({
      from: page.from, ...(page.cursor !== undefined ? { cursor: page.cursor } : {}), now: new Date(now), operations, incidents: [...incidents.values()],
      windows: [...changed].map((key) => {
        const w = windows.get(key)!;
        const keep = w.state && (w.state.entries.length > 0 || w.state.incident);
        return { ruleId: w.ruleId, group: w.group, state: keep ? JSON.stringify(w.state) : null };
      }),
    });
    if (!committed) {
      logger.info('another instance moved the crisis cursor first; its step stands, this one is dropped');
      return 0;
    }
    if (operations.length > 0) options.onQueued?.();
    if (incidents.size > 0) scheduleAlerts();
    return page.events.length;
  };


  const sendAlerts = (): Promise<number> => {
    sending = sending.catch(() => 0).then(async () => ((await store.holdsLead('plan')) ? alerts.sendDue(options.rules()) : 0));
    return sending;
  };

  const scheduleAlerts = (): void => {
    if (!started || stopped) return;
    sendAlerts().catch((err: unknown) => logger.warn({ err }, 'sending crisis alerts failed; retrying at the next tick'));
  };

  const loop = createStepLoop({ run: runStep, args: [], retryMs, enabled: () => started, onError: (err) => logger.warn({ err }, 'the crisis engine\'s step failed; retrying') });
  const schedule = () => loop.notify();

  return {
    start() {
      if (started || stopped) return;
      started = true;
      for (const rule of options.rules()) if (rule.alertOff) logger.warn({ ruleId: rule.id, reason: rule.alertOff }, 'a crisis rule\'s alert is off: incidents open without calling its webhook');
      ticker = setInterval(() => { schedule(); scheduleAlerts(); }, tickMs);
      ticker.unref();
      schedule();
      scheduleAlerts();
    },
    notify: schedule,
    step: () => loop.step(),
    sendAlerts,
    catchUp: (timeoutMs) => loop.catchUp(timeoutMs),
    async stop() {
      stopped = true;
      if (ticker) clearInterval(ticker);
      await Promise.all([loop.stop(), sending.catch(() => 0)]);
      await alerts.close();
    },
  };
}
