import { PayloadError, type ParseContext, type ParsedEvent } from '../../src/connectors/index.ts';
import { isActivityDelivery, parseActivityDelivery } from './activity-api/index.ts';
import { parseDelivery } from './parse/index.ts';

/**
 * Parses a delivery to `POST /webhooks/x`, whichever X product sent it, told apart by shape:
 * an X Activity API event is `{"data": {"event_type": …, …}}`; an Account Activity API delivery
 * is `{"for_user_id": …, "<type>_events": [...]}` and has no `data` key. Both arrive on the same
 * webhook, signed the same way (docs.x.com/x-api/webhooks/introduction).
 */
export function parseXDelivery(body: unknown, context: ParseContext): ParsedEvent[] {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new PayloadError('an X payload must be a JSON object');
  }
  return isActivityDelivery(body) ? parseActivityDelivery(body, context) : parseDelivery(body, context);
}
