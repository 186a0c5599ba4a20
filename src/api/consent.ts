import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ErrorBody } from '../http/error-body.ts';
import { IdentityKey } from '../model/common.ts';
import type { ConsentPolicy } from '../policies/policy-schema.ts';
import type { StoredConsent } from '../store/consent-store.ts';
import type { Store } from '../store/store.ts';
import { principalOf, type ApiKeyChecker } from './api-keys.ts';

/** An identity's consent as the consent policy applies it. */
export const ConsentResource = z.object({
  identityKey: z.string().describe('`network:userId`'),
  granted: z.boolean().describe('whether fields marked `personal: true` in a mapping are written to CRMs for this identity'),
  byDefault: z.boolean().describe('true when no answer is recorded: `granted` is the policy\'s default (`policies.consent.default`)'),
  source: z.string().optional().describe('where the recorded answer came from, as given'),
  recordedBy: z.string().optional().describe('the API key\'s name that recorded it'),
  recordedAt: z.string().optional(),
}).meta({ id: 'Consent' });

export interface ConsentRouteOptions {
  store: Store;
  auth: ApiKeyChecker;
  now: () => Date;
  /** `policies.consent` of the config: what no recorded answer means. */
  policy: ConsentPolicy;
}

const view = (identityKey: string, recorded: StoredConsent | undefined, policy: ConsentPolicy) => recorded
  ? { ...recorded, byDefault: false }
  : { identityKey, granted: policy.default === 'granted', byDefault: true };

/**
 * Consent per identity: `PUT /v1/identities/:key/consent` records an answer (`operate`), `GET`
 * reads it (`read`). An identity need not be known yet: consent may be collected before its first
 * event arrives. The answer applies to operations planned from then on (src/policies/consent.ts);
 * records already written are not changed.
 */
export async function consentRoutes(app: FastifyInstance, options: ConsentRouteOptions): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const errorsByStatus = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
  const tags = ['people'];
  const Params = z.object({ key: IdentityKey.max(300) });

  api.get('/v1/identities/:key/consent', {
    onRequest: options.auth.require('read'),
    schema: { summary: 'An identity\'s consent to personal fields in CRM writes', tags, security: [{ bearer: [] }], params: Params, response: { 200: ConsentResource, ...errorsByStatus } },
  }, async (request) => {
    const [recorded] = await options.store.consents.of([request.params.key]);
    return view(request.params.key, recorded, options.policy);
  });

  api.put('/v1/identities/:key/consent', {
    onRequest: options.auth.require('operate'),
    schema: {
      summary: 'Record an identity\'s consent', tags, security: [{ bearer: [] }], params: Params,
      description: 'Replaces an earlier answer. Without consent, the fields a mapping marks `personal: true` are left out of the CRM writes planned from now on for this identity (an interaction\'s author, an identity event\'s person); a write that finds its record by such a field is not made.',
      body: z.object({ granted: z.boolean(), source: z.string().min(1).max(200).optional().describe('where the answer came from (a form, a ticket)') }).strict(),
      response: { 200: ConsentResource, ...errorsByStatus },
    },
  }, async (request) => {
    const recorded = await options.store.consents.record({
      identityKey: request.params.key, granted: request.body.granted, ...(request.body.source !== undefined ? { source: request.body.source } : {}),
      recordedBy: principalOf(request)?.name ?? 'unknown',
    }, { now: options.now() });
    request.log.info({ granted: recorded.granted }, 'consent recorded');
    return view(recorded.identityKey, recorded, options.policy);
  });
}
