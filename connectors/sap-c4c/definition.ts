import { defineDestination } from '../../src/connectors/index.ts';
import { classifyC4cError, describeC4cError } from './classify.ts';
import { SapC4cConfig } from './config.ts';
import { MAX_LOOKUP_VALUES } from './lookup.ts';
import { SapC4cSandboxConfig } from './sandbox/config.ts';
import { sapC4cSandbox } from './sandbox/plugin.ts';
import { connectSapC4c } from './session.ts';

/**
 * SAP Sales and Service Cloud (C4C) through its OData v2 API (`c4codataapi`): Basic or SAML bearer
 * auth with C4C's CSRF token, the catalog from the tenant's `$metadata`, writes as `$batch` change
 * sets (one per operation), look-ups by `$filter`, and a sandbox at `/sandbox/sap-c4c`.
 * Wire facts: ../shared/reference/sap-c4c.md.
 */
export default defineDestination<SapC4cConfig>({
  id: 'sap-c4c',
  displayName: 'SAP Sales and Service Cloud (C4C OData v2)',
  sdk: '^2.0.0',
  configSchema: SapC4cConfig,
  // Batch size: the reference's connector policy, at most 100 operations in a `$batch` (§4; C4C documents no limit).
  // Concurrency: at most 4 requests in flight per tenant (§7). C4C documents no per-minute quota, so no spacing.
  limits: { maxBatchSize: 100, maxConcurrent: 4, minTimeMs: 0, maxLookupValues: MAX_LOOKUP_VALUES },
  // Tenants are myNNNNNN.crm.ondemand.com (reference §1); the SAML token endpoint is on the same host.
  trustedDomains: ['ondemand.com'],
  classify: (error, { config }) => classifyC4cError(error, config.rateLimitWaitMs),
  describeError: describeC4cError,
  // A PATCH or DELETE needs the ObjectID in the URL: without one the request cannot be built.
  precheck: (batch, op) => ((batch.operation === 'update' || batch.operation === 'delete') && !op.recordId
    ? { code: 'MISSING_OBJECT_ID', message: `an ${batch.operation} needs the record's ObjectID` } : undefined),
  connect: connectSapC4c,
  sandbox: { configSchema: SapC4cSandboxConfig, plugin: (app, options) => sapC4cSandbox(app, options as never) },
});
