import { z } from 'zod';
import { identityKey, type PersonRef } from '../../../src/connectors/index.ts';

/** The network name X events carry in the canonical model. */
export const NETWORK = 'x';

/** Who the delivery is for, and the fallback time for activities that carry none. */
export interface Scope {
  /** The subscribed (brand) account: `for_user_id`, when the payload has one. */
  brand: string | undefined;
  receivedAt: Date;
}

const Url = z.url();

/** `value` when it is a URL the model accepts, else undefined. */
export function validUrl(value: string | null | undefined): string | undefined {
  return typeof value === 'string' && Url.safeParse(value).success ? value : undefined;
}

/** `value` unless it is null, undefined or the empty string. */
export function nonEmpty(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value === '' ? undefined : value;
}

/** A copy of `object` without its undefined-valued keys: the model uses absent keys, not undefined/null. */
export function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as T;
}

/** A reference to an X user by id, with the @handle when known. */
export function personRef(userId: string, handle?: string | null): PersonRef {
  return compact({ key: identityKey(NETWORK, userId), userId, handle: nonEmpty(handle) });
}

/** The profile URL of an @handle. */
export function profileUrl(handle: string): string | undefined {
  return validUrl(`https://x.com/${encodeURIComponent(handle)}`);
}
