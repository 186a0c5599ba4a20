import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ActiveSource } from '../connectors/registry.ts';
import { isPayloadError } from '../connectors/source.ts';
import { deadLetterReasons } from '../errors.ts';
import { ParsedEvent } from '../model/index.ts';

/** What a source's parser made of one delivery body. */
export type DeriveOutcome =
  | { ok: true; events: ParsedEvent[] }
  | { ok: false; reasonCode: IntakeReasonCode; reason: string; details: Record<string, unknown>; cause?: unknown };

/** The dead-letter reasons of stage `intake` (errors.ts `deadLetterReasons`). */
export type IntakeReasonCode = typeof deadLetterReasons.PAYLOAD_INVALID.code | typeof deadLetterReasons.PARSER_FAILED.code;
const { PAYLOAD_INVALID, PARSER_FAILED } = deadLetterReasons;

const ParsedEvents = z.array(ParsedEvent);

/**
 * Runs the source's parser on a stored delivery (awaited: a parser may be asynchronous) and checks
 * every event against the canonical model. Never rejects: a refusal or a broken parser becomes a
 * reason to keep as a dead letter.
 */
export async function deriveEvents(source: ActiveSource, body: Buffer, receivedAt: Date, headers: Readonly<Record<string, string>> = {}): Promise<DeriveOutcome> {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    // Intake checked the syntax before storing; only a body stored by an older Parley can get here.
    return { ok: false, reasonCode: PAYLOAD_INVALID.code, reason: `the body is not JSON: ${(cause as Error).message}`, details: {} };
  }
  let events: unknown;
  try {
    events = await source.definition.parse(json, { receivedAt, headers, config: source.config });
  } catch (cause) {
    if (isPayloadError(cause)) return { ok: false, reasonCode: PAYLOAD_INVALID.code, reason: cause.message, details: { path: cause.path ?? null } };
    return { ok: false, reasonCode: PARSER_FAILED.code, reason: `the ${source.id} parser failed: ${(cause as Error)?.message ?? String(cause)}`, details: {}, cause };
  }
  const checked = ParsedEvents.safeParse(events);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return {
      ok: false, reasonCode: PARSER_FAILED.code, reason: `the ${source.id} parser produced an event the canonical model refuses`,
      details: { path: issue?.path.join('.') ?? '', problem: issue?.message ?? '' },
    };
  }
  return { ok: true, events: checked.data };
}

/** The dedup key of a dead letter: a sender's retries of one bad body are kept once. */
export function deadLetterKey(body: Buffer): string {
  return 'dead-letter:' + createHash('sha256').update(body).digest('hex');
}
