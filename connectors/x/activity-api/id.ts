import { z } from 'zod';
import { NetworkId } from '../../../src/connectors/index.ts';

/**
 * An X Activity API id (user, post, message, broadcast). The samples send every id as a JSON
 * string (docs.x.com/x-api/activity/event-payloads); a number is taken only while it is a safe
 * integer, because a larger one was already rounded by `JSON.parse` and would name another item.
 */
export const XaaId = z.union([
  NetworkId,
  z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER, 'a numeric id above 2^53 has been rounded; X sends ids as strings'),
]).transform(String);
