import { z } from 'zod';
import { PayloadError, type ParsedEvent } from '../../../src/connectors/index.ts';
import { MissingField, isKnownAction, notificationEvents } from './action.ts';
import { Notification } from './notification.ts';

/** The one notification type this source reads (the `type` of LinkedIn's push envelope). */
export const NOTIFICATION_TYPE = 'ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS';

const Envelope = z.object({
  type: z.string().optional(),
  notifications: z.array(z.unknown()),
});

function pathOf(index: number, path: readonly PropertyKey[]): string {
  return `notifications[${index}]${path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('')}`;
}

/**
 * Parses one LinkedIn push: `{"type": "ORGANIZATION_SOCIAL_ACTION_NOTIFICATIONS", "notifications": [...]}`
 * (LinkedIn sends several notifications per POST). Each notification of a known action gives its
 * events (see `notificationEvents`); a notification with an action this parser does not know is
 * skipped, so it cannot fail the others. Throws `PayloadError` for a body that is not such an
 * envelope, another notification type, or a known action missing what it relies on (its id, time,
 * organization).
 */
export function parseDelivery(body: unknown): ParsedEvent[] {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) throw new PayloadError('a LinkedIn push must be a JSON object with a "notifications" list', 'notifications');
  const { type, notifications } = envelope.data;
  if (type !== undefined && type !== NOTIFICATION_TYPE) {
    throw new PayloadError(`unsupported LinkedIn notification type "${type.slice(0, 80)}" (this source reads ${NOTIFICATION_TYPE})`, 'type');
  }
  return notifications.flatMap((raw, index) => {
    const action = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as { action?: unknown }).action : undefined;
    if (typeof action !== 'string') throw new PayloadError('a notification needs its "action"', pathOf(index, ['action']));
    if (!isKnownAction(action)) return [];
    const parsed = Notification.safeParse(raw);
    if (!parsed.success) {
      const [issue] = parsed.error.issues;
      const path = pathOf(index, issue?.path ?? []);
      throw new PayloadError(`malformed LinkedIn notification at ${path}: ${issue?.message ?? 'invalid'}`, path);
    }
    try {
      return notificationEvents(parsed.data, action);
    } catch (error) {
      if (error instanceof MissingField) throw new PayloadError(error.message, pathOf(index, [error.field]));
      throw error;
    }
  });
}
