// Dead letters as the store keeps them: what derivation could not turn into events, what a
// mapping could not apply, and operations the CRM refused for good (GET /v1/dead-letters).

/** A kept failure to derive events from a delivery. */
export interface DeadLetterWrite {
  id: string;
  /** Stable reason code (errors.ts `deadLetterReasons`): `PAYLOAD_INVALID` (the parser refused it) or `PARSER_FAILED` (the parser broke). */
  reasonCode: string;
  reason: string;
  details: Record<string, unknown>;
  /** Dedup key within the source (the body's SHA-256), so a sender's retries of one bad body are kept once. */
  key: string;
}

/** A kept failure, as `GET /v1/dead-letters/:id` shows it (the body as UTF-8 text when it is text). */
export interface StoredDeadLetter {
  id: string;
  /**
   * `intake`: a delivery no event could be made of; `mapping`: an event a mapping could not turn
   * into an operation; `delivery`: an operation the CRM refused for good or that ran out of retries.
   */
  stage: 'intake' | 'mapping' | 'delivery';
  /** `delivery`: the operation, whose attempts tell the story. */
  operationId?: string;
  /** When it was last replayed. */
  replayedAt?: string;
  source: string;
  deliveryId: string;
  reasonCode: string;
  reason: string;
  details: Record<string, unknown>;
  contentType: string;
  body: string;
  createdAt: string;
}

export interface DeadLetterQuery {
  source?: string;
  stage?: StoredDeadLetter['stage'];
  limit: number;
  after?: string;
}
