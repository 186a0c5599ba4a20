import { createOutboundClient, type OutboundClient, type OutboundPolicy } from '../connectors/outbound.ts';
import { isParleyError } from '../errors.ts';
import type { Logger } from '../logging/logger.ts';
import type { StoredIncident } from '../store/incident-store.ts';
import type { Store } from '../store/store.ts';
import { signStandardWebhook as signedHeaders } from '../connectors/standard-webhooks.ts';
import type { CompiledRule } from './load-rules.ts';

/** Back-off of a failed alert: doubles from `baseMs` per attempt, up to `capMs`. */
export interface AlertBackoff { baseMs: number; capMs: number }
export const DEFAULT_ALERT_BACKOFF: AlertBackoff = { baseMs: 5_000, capMs: 15 * 60_000 };
/** An alert receiver answers in seconds; a stuck one must not hold the other alerts for a minute. */
const ALERT_POLICY: OutboundPolicy = { allowedHosts: [], connectTimeoutMs: 5_000, responseTimeoutMs: 15_000 };

/** When the attempt after `attempts` failed ones is due. Pure. */
export function nextAlertAttempt(attempts: number, now: Date, backoff: AlertBackoff = DEFAULT_ALERT_BACKOFF): Date {
  return new Date(now.getTime() + Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.min(attempts, 30)));
}

/** The JSON an alert carries (`crisis.opened`, then `crisis.closed`). */
export function alertBody(type: 'opened' | 'closed', incident: StoredIncident): string {
  return JSON.stringify({
    type: `crisis.${type}`, incident, rule: incident.ruleId, group: incident.group, count: type === 'opened' ? incident.openedCount : incident.peakCount,
    window: incident.window, openedAt: incident.openedAt, ...(incident.closedAt !== undefined ? { closedAt: incident.closedAt } : {}),
  });
}

/**
 * Sends the incidents' alerts that are due, one by one, each signed (Standard Webhooks) through the
 * outbound policy with the alert's own host as the only trusted one. `webhook-id` is
 * `<incidentId>:crisis.opened` (or `.closed`) on every attempt, so a receiver that got an attempt
 * whose answer was lost drops the retry. A 2xx marks it sent; anything else retries with back-off.
 * The closing alert waits until the opening one is sent (a receiver sees them in order).
 */
export class AlertSender {
  readonly #clients = new Map<string, OutboundClient>();
  readonly #options: { store: Store; logger: Logger; now: () => Date; backoff: AlertBackoff };

  constructor(options: { store: Store; logger: Logger; now: () => Date; backoff?: AlertBackoff }) {
    this.#options = { ...options, backoff: options.backoff ?? DEFAULT_ALERT_BACKOFF };
  }

  #client(rule: CompiledRule): OutboundClient {
    const url = rule.alert!.url;
    let client = this.#clients.get(url);
    if (!client) {
      client = createOutboundClient({ destination: `crisis alert of rule ${rule.id}`, baseUrl: url, policy: ALERT_POLICY });
      this.#clients.set(url, client);
    }
    return client;
  }

  /** Sends what is due now. @returns how many alerts were tried */
  async sendDue(rules: readonly CompiledRule[], limit = 20): Promise<number> {
    const { store, logger } = this.#options;
    const due = await store.incidents.dueAlerts({ now: this.#options.now(), limit });
    for (const incident of due) {
      const type = incident.alert.opened === 'pending' ? 'opened' : 'closed';
      const rule = rules.find((r) => r.id === incident.ruleId);
      const now = this.#options.now();
      const retry = (error: string) => store.incidents.recordAlert(incident.id, { type, outcome: 'retry', nextAttemptAt: nextAlertAttempt(incident.alert.attempts, now, this.#options.backoff), error }, { now });
      if (!rule?.alert) {
        await retry(`rule ${incident.ruleId} is not loaded or has no alert any more`);
        continue;
      }
      const body = alertBody(type, incident);
      try {
        const answer = await this.#client(rule).request({
          method: 'POST', url: rule.alert.url, body,
          headers: { 'content-type': 'application/json', ...signedHeaders(rule.alert.key, `${incident.id}:crisis.${type}`, now, body) },
        });
        if (answer.status >= 200 && answer.status < 300) {
          await store.incidents.recordAlert(incident.id, { type, outcome: 'sent' }, { now: this.#options.now() });
          logger.info({ incidentId: incident.id, ruleId: rule.id, type }, 'crisis alert sent');
        } else {
          await retry(`HTTP ${answer.status}`);
          logger.warn({ incidentId: incident.id, ruleId: rule.id, type, status: answer.status }, 'the crisis alert was refused; retrying later');
        }
      } catch (error) {
        const code = isParleyError(error) ? error.code : 'UNKNOWN';
        await retry(isParleyError(error) ? `${code}: ${error.message}` : String(error));
        logger.warn({ incidentId: incident.id, ruleId: rule.id, type, code }, 'the crisis alert could not be sent; retrying later');
      }
    }
    return due.length;
  }

  async close(): Promise<void> {
    await Promise.all([...this.#clients.values()].map((c) => c.close()));
    this.#clients.clear();
  }
}
