import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { deadLetterReasons, errors } from '../errors.ts';
import { ErrorBody } from '../http/error-body.ts';
import type { MappingReplayer, MappingReplayOutcome } from '../outbox/planner.ts';
import type { StoredDeadLetter, Store } from '../store/store.ts';
import type { ApiKeyChecker } from './api-keys.ts';
import { idempotent as idempotentAnswer } from './idempotency.ts';
import { PageQuery, decodeCursor, encodeCursor, pageOf } from './pagination.ts';

const { PAYLOAD_INVALID, PARSER_FAILED, MAPPING_FAILED } = deadLetterReasons;

/** A kept failure: a verified delivery that could not be parsed (`intake`), or an event a mapping could not turn into an operation (`mapping`). */
export const DeadLetterResource = z.object({
  id: z.string(),
  stage: z.enum(['intake', 'mapping', 'delivery']).describe('intake: the delivery could not be parsed; mapping: a mapping failed on one of its events; delivery: the CRM refused an operation for good, or its retries ran out'),
  source: z.string(),
  deliveryId: z.string(),
  reasonCode: z.string().describe(`${PAYLOAD_INVALID.code} (the source parser refused it), ${PARSER_FAILED.code}, or ${MAPPING_FAILED.code} (details name the mapping, event and field)`),
  reason: z.string(),
  details: z.record(z.string(), z.unknown()),
  contentType: z.string(),
  body: z.string().describe('the delivery body as received (UTF-8)'),
  createdAt: z.string(),
  operationId: z.string().optional().describe('stage delivery: the operation (GET /v1/operations)'),
  replayedAt: z.string().optional(),
}).meta({ id: 'DeadLetter' });

const Attempt = z.object({ attempt: z.number(), at: z.string(), outcome: z.string().describe('retryable, rate-limited, permanent or done'), error: z.record(z.string(), z.unknown()).optional() });
const DeadLetterWithAttempts = DeadLetterResource.extend({ attempts: z.array(Attempt).optional().describe('stage delivery: every attempt with its classified error') }).meta({ id: 'DeadLetterWithAttempts' });
const ReplayFailure = z.object({
  id: z.string(),
  code: z.string().describe('PARLEY_API_REPLAY_MAPPING_FAILED (the mapping still fails: problems) or PARLEY_API_NOT_REPLAYABLE (reason)'),
  reason: z.string(),
  problems: z.array(z.object({ key: z.string(), problem: z.string() })).optional(),
});
const ReplayAnswer = z.object({
  replayed: z.array(z.string()).describe('the dead letters replayed: stage delivery, their operation is pending again; stage mapping, their mapping ran again on their event and its operations are queued (with the other letters of the same event and mapping)'),
  failed: z.array(ReplayFailure).optional().describe('replay by filter: matching dead letters of stage mapping left as they were, and why'),
});
const ReplayFilter = z.object({
  stage: z.enum(['delivery', 'mapping']).optional().describe('both when absent'),
  destination: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(),
  reasonCode: z.string().max(100).optional(),
  since: z.iso.datetime({ offset: true }).optional(),
  limit: z.number().int().min(1).max(10_000).default(1_000),
}).strict();

const DeadLettersQuery = z.object({ source: z.string().regex(/^[a-z][a-z0-9-]*$/).optional(), stage: z.enum(['intake', 'mapping', 'delivery']).optional(), ...PageQuery }).strict();

/**
 * `GET /v1/dead-letters`, `GET /v1/dead-letters/:id` (scope `read`: bodies hold personal data, but ops
 * staff need them), and replays of dead operations (scope `operate`).
 */
export async function deadLetterRoutes(app: FastifyInstance, options: { store: Store; auth: ApiKeyChecker; now: () => Date; onReplayed?: () => void; mappingReplayer?: MappingReplayer }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const auth = options.auth.require('read');
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

  api.get('/v1/dead-letters', {
    onRequest: auth,
    schema: {
      summary: 'List dead letters, oldest first', tags: ['dead letters'], security: [{ bearer: [] }],
      querystring: DeadLettersQuery, response: { 200: pageOf(DeadLetterResource), ...errorsByStatus },
    },
  }, async (request) => {
    const page = await options.store.listDeadLetters({ source: request.query.source, stage: request.query.stage, limit: request.query.limit, after: decodeCursor('dead-letters', request.query.cursor) });
    return { items: page.items, nextCursor: encodeCursor('dead-letters', page.next) };
  });

  api.get('/v1/dead-letters/:id', {
    onRequest: auth,
    schema: {
      summary: 'One dead letter with its reason and body', tags: ['dead letters'], security: [{ bearer: [] }],
      params: z.object({ id: z.string().max(100) }), response: { 200: DeadLetterWithAttempts, 404: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => {
    const letter = await options.store.getDeadLetter(request.params.id);
    if (!letter) throw errors.API_DEAD_LETTER_NOT_FOUND({ id: request.params.id });
    return letter.operationId ? { ...letter, attempts: await options.store.listAttempts(letter.operationId) } : letter;
  });

  const operate = options.auth.require('operate');
  const idempotent = <T>(request: { headers: Record<string, unknown> }, scope: string, produce: () => Promise<T>): Promise<T> =>
    idempotentAnswer(options.store, options.now(), request, scope, produce);

  // Dead letters of stage mapping: their mapping runs again (the planner); nothing changes for those that still fail.
  const replayMappings = async (letters: StoredDeadLetter[]): Promise<MappingReplayOutcome> => {
    if (letters.length === 0) return { replayed: [], failed: [] };
    const replayer = options.mappingReplayer;
    if (!replayer) return { replayed: [], failed: letters.map((l) => ({ id: l.id, mappingId: String(l.details.mappingId), eventId: String(l.details.eventId), reason: 'no mappings are loaded' })) };
    return replayer.replay(letters);
  };

  api.post('/v1/dead-letters/:id/replay', {
    onRequest: operate,
    schema: {
      summary: 'Send a dead operation again', tags: ['dead letters'], security: [{ bearer: [] }],
      description: 'Stage delivery: the operation goes back to pending, due now. Stage mapping (once the mapping is fixed and Parley restarted): the mapping named in details.mappingId runs again on the event, and what it makes is queued; if it still fails, 422 PARLEY_API_REPLAY_MAPPING_FAILED with the problems, and the dead letter stays as it was. An Idempotency-Key header makes a retried request answer the same without replaying twice.',
      params: z.object({ id: z.string().max(100) }), response: { 200: ReplayAnswer, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, ...errorsByStatus },
    },
  }, async (request) => idempotent(request, `replay:${request.params.id}`, async () => {
    const letter = await options.store.getDeadLetter(request.params.id);
    if (!letter) throw errors.API_DEAD_LETTER_NOT_FOUND({ id: request.params.id });
    if (letter.stage === 'mapping') {
      if (letter.replayedAt) throw errors.API_NOT_REPLAYABLE({ id: letter.id, stage: letter.stage, reason: `it was replayed at ${letter.replayedAt}` });
      const outcome = await replayMappings([letter]);
      const failure = outcome.failed[0];
      if (failure?.problems) throw errors.API_REPLAY_MAPPING_FAILED({ id: letter.id, mappingId: failure.mappingId, eventId: failure.eventId, problems: failure.problems });
      if (failure) throw errors.API_NOT_REPLAYABLE({ id: letter.id, stage: letter.stage, reason: failure.reason });
      if (outcome.replayed.length === 0) throw errors.API_NOT_REPLAYABLE({ id: letter.id, stage: letter.stage, reason: 'it was replayed meanwhile' });
      options.onReplayed?.();
      return { replayed: outcome.replayed };
    }
    if (letter.stage !== 'delivery') throw errors.API_NOT_REPLAYABLE({ id: letter.id, stage: letter.stage, reason: `it is of stage ${letter.stage}: fix the source connector first` });
    const replayed = await options.store.replayDeadLetters([letter.id], { now: options.now() });
    if (replayed.length === 0) throw errors.API_NOT_REPLAYABLE({ id: letter.id, stage: letter.stage, reason: 'its operation is not dead any more' });
    options.onReplayed?.();
    return { replayed };
  }));

  api.post('/v1/dead-letters/replay', {
    onRequest: operate,
    schema: {
      summary: 'Replay every dead letter matching a filter', tags: ['dead letters'], security: [{ bearer: [] }],
      description: 'Replays, oldest first and up to limit, dead letters of stage delivery whose operation is dead and dead letters of stage mapping not replayed yet (their mapping runs again; those it still fails on are listed in failed and kept). destination matches a mapping letter by its mapping\'s target. Honours Idempotency-Key.',
      body: ReplayFilter, response: { 200: ReplayAnswer, ...errorsByStatus },
    },
  }, async (request) => idempotent(request, 'replay-filter', async () => {
    const { stage, destination, reasonCode, since, limit } = request.body;
    const ids = await options.store.findReplayable({
      limit, ...(stage ? { stage } : {}), ...(reasonCode ? { reasonCode } : {}), ...(since ? { since: new Date(since) } : {}),
      ...(destination ? { destination, mappingIds: options.mappingReplayer?.mappingsWritingTo(destination) ?? [] } : {}),
    });
    const letters = (await Promise.all(ids.map((id) => options.store.getDeadLetter(id)))).filter((l) => l !== undefined);
    const delivered = await options.store.replayDeadLetters(letters.filter((l) => l.stage === 'delivery').map((l) => l.id), { now: options.now() });
    const mapped = await replayMappings(letters.filter((l) => l.stage === 'mapping'));
    const replayed = [...delivered, ...mapped.replayed];
    if (replayed.length > 0) options.onReplayed?.();
    const failed = mapped.failed.map((f) => f.problems
      ? { id: f.id, code: errors.API_REPLAY_MAPPING_FAILED.code, reason: f.reason, problems: f.problems }
      : { id: f.id, code: errors.API_NOT_REPLAYABLE.code, reason: f.reason });
    return { replayed, failed };
  }));
}
