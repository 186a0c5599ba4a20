import type { z } from 'zod';
import type { ParsedEvent } from '../model/index.ts';
import type { SandboxDefinition } from './destination.ts';
import type { SourcePull } from './source-pull/types.ts';

/** Request headers as Node gives them: lower-case names. */
export type Headers = Readonly<Record<string, string | string[] | undefined>>;

/** One webhook POST as a source sees it: the exact bytes received, before any JSON parsing. */
export interface DeliveryRequest {
  headers: Headers;
  /** The raw body, byte for byte: signatures are computed over these bytes, never a re-serialised body. */
  rawBody: Buffer;
  /** When Parley received it (Parley's clock): what a signed timestamp is checked against (Standard Webhooks' ±5 minutes). */
  receivedAt: Date;
}

/** Outcome of signature verification. `header` names the header a failure is about. */
export type VerifyResult =
  | { ok: true }
  | { ok: false; reason: 'missing' | 'malformed' | 'mismatch'; header: string };

/** A handshake GET (X CRC, Meta `hub.challenge`, LinkedIn `challengeCode`). */
export interface HandshakeRequest {
  headers: Headers;
  /** Decoded query parameters. */
  query: Readonly<Record<string, string | undefined>>;
}

/** What to answer a handshake with. A JSON `body` is serialised as is. */
export type HandshakeResult =
  | { ok: true; status?: number; contentType: 'application/json'; body: Record<string, unknown> }
  | { ok: true; status?: number; contentType: 'text/plain'; body: string }
  /** `bad-request` → 400 (the request lacks what the handshake needs); `refused` → 403 (wrong verify token). */
  | { ok: false; reason: 'bad-request' | 'refused'; message: string };

/** Facts about the delivery a parser may use. `C` is the source's own config. */
export interface ParseContext<C = unknown> {
  /** When Parley received the delivery; a fallback for payloads without a time. */
  receivedAt: Date;
  /**
   * The delivery's headers the source asked to keep (`keptHeaders`), lower-case names, first value
   * each; stored with the delivery, so a replay sees them too. Empty or absent when it keeps none.
   */
  headers?: Readonly<Record<string, string>>;
  /**
   * The source block's config, as `configSchema` produced it: for a parser whose reading is
   * configured (the `standard` source's payload profile). Intake always passes it; it is optional
   * so a unit test may call a parser that needs none with `{ receivedAt }` alone.
   */
  config?: C;
}

/**
 * A verified payload the parser cannot turn into events. Intake answers 200 anyway (the sender
 * cannot fix our parser) and keeps the delivery as a dead letter with this reason.
 */
const PAYLOAD_ERROR_BRAND: unique symbol = Symbol.for('parley.payload-error') as never;

export class PayloadError extends Error {
  readonly [PAYLOAD_ERROR_BRAND] = true;
  /** Where in the payload the problem is, as a JSON path such as `tweet_create_events[0].user`. */
  readonly path: string | undefined;
  constructor(message: string, path?: string) {
    super(message);
    this.name = 'PayloadError';
    this.path = path;
  }
}

/** True for a PayloadError from any copy of the SDK. */
export function isPayloadError(value: unknown): value is PayloadError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PAYLOAD_ERROR_BRAND] === true;
}

/**
 * A webhook source: the static facts as data, functions only for behaviour.
 * `C` is the source's own config (what `configSchema` produces from its block in `parley.yaml`).
 */
export interface SourceDefinition<C = unknown> {
  /** Kebab-case id; the webhook route is `/webhooks/<id>` unless the config names it otherwise. */
  id: string;
  displayName: string;
  /** The SDK versions this connector works with, as a semver range (`^2.0.0`). */
  sdk: string;
  /** Validates the source's block in `parley.yaml` (minus the common keys `connector`, `module`, `bodyLimitBytes`). */
  configSchema: z.ZodType<C>;
  /** The signature header, lower-case, as the vendor spells it (`x-twitter-webhooks-signature`). Never logged. */
  signatureHeader: string;
  /** Other headers that carry secrets or signatures (Meta's legacy `x-hub-signature`): never logged either. */
  secretHeaders?: readonly string[];
  /**
   * Headers stored with each delivery and given to `parse` as `context.headers` (lower-case names):
   * what a parser needs from the request besides its body, such as Standard Webhooks' `webhook-id`,
   * the idempotency key. At most 8, each value at most 1 KiB.
   */
  keptHeaders?: readonly string[];
  /** One paragraph for the OpenAPI document: what the network sends here and how it is verified. */
  description?: string;
  /** The handshake's query parameters, for the OpenAPI document (`{ crc_token: z.string() }`). */
  handshakeQuery?: z.ZodObject;
  /** Media types a delivery may have (compared without parameters such as `charset`). */
  contentTypes: readonly string[];
  /** Default maximum body size in bytes; overridable per source in the config. */
  bodyLimitBytes: number;
  /** Answers the network's GET handshake; absent when the network has none. */
  handshake?: (request: HandshakeRequest, config: C) => HandshakeResult;
  /** Checks the signature over `rawBody`, in constant time. Must not throw on malformed input. */
  verify: (request: DeliveryRequest, config: C) => VerifyResult;
  /**
   * Turns a verified, JSON-parsed body into canonical events. Throws `PayloadError` for a payload
   * it cannot understand; returns `[]` for deliveries that carry nothing to keep (typing indicators).
   * May return a promise: a parser that evaluates JSONata (asynchronous since jsonata 2.0), such as
   * the `standard` source's payload profiles, cannot answer synchronously.
   */
  parse: (body: unknown, context: ParseContext<C>) => ParsedEvent[] | Promise<ParsedEvent[]>;
  /**
   * Optional: how to pull from the network's API (`from-source` resyncs). Vendor facts only; the
   * source-pull kit (`pullEvents`) pages, honours rate limits, retries and cancels. Its events must
   * carry the keys `parse` gives the same items, so the store recognises what webhooks already brought.
   */
  pull?: SourcePull<C>;
  /** Optional: the network's API simulator, mounted at `/sandbox/<id>` when the config lists it under `sandboxes`. */
  sandbox?: SandboxDefinition;
}

/**
 * Declares a source connector. The registry validates the definition when it is loaded.
 *
 * @example export default defineSource({ id: 'x', sdk: '^2.0.0', configSchema, signatureHeader: 'x-twitter-webhooks-signature', … });
 */
export function defineSource<C>(definition: SourceDefinition<C>): SourceDefinition<C> {
  return Object.freeze({ ...definition });
}
