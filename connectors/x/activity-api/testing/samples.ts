import { readFileSync } from 'node:fs';
import { ParsedEvent } from '../../../../src/connectors/index.ts';
import { parseXDelivery } from '../../delivery.ts';

// What the X Activity API tests share: the docs' samples (test/fixtures/x-activity/), a fixed
// receive time, and the parse every test runs. Test support only: not built into dist/.

/** The folder of the samples. */
export const SAMPLES = new URL('../../../../test/fixtures/x-activity/', import.meta.url);

/** A sample as the docs print it; tests edit the parts they name. */
export interface Sample { data: { [key: string]: unknown; payload: Record<string, unknown>; includes: Record<string, unknown[]>; filter?: Record<string, string> } }

/** The sample file `name`, parsed afresh (a test may change it). */
export const sample = (name: string): Sample => JSON.parse(readFileSync(new URL(name, SAMPLES), 'utf8')) as Sample;

/** When Parley received the deliveries of these tests. */
export const RECEIVED = new Date('2026-08-30T10:00:00.000Z');

/** Parses a delivery as the x source does and checks every event against the canonical model. */
export const parse = (body: unknown): ParsedEvent[] => parseXDelivery(body, { receivedAt: RECEIVED }).map((event) => ParsedEvent.parse(event));

/** The subscribed (brand) account of the samples: their `filter.user_id`. */
export const BRAND = '1111111111111111111';

/** The interaction `context` naming the brand account. */
export const brandContext = { account: { network: 'x', userId: BRAND } };
