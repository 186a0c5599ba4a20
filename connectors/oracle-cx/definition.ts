import { defineDestination } from '../../src/connectors/index.ts';
import { classifyOracleError, describeOracleError } from './classify.ts';
import { OracleCxConfig } from './config.ts';
import { OracleCxSandboxConfig } from './sandbox/config.ts';
import { oracleCxSandbox } from './sandbox/plugin.ts';
import { connectOracleCx } from './session.ts';

/**
 * Oracle CX Sales / Fusion Service through its REST API (`crmRestApi`, ADF REST framework): Basic or
 * OAuth bearer auth, the catalog from each resource's `describe`, writes as one all-or-nothing batch
 * call per batch, look-ups by `q`, and a sandbox at `/sandbox/oracle-cx`.
 * Wire facts: ../shared/reference/oracle-cx.md.
 */
export default defineDestination<OracleCxConfig>({
  id: 'oracle-cx',
  displayName: 'Oracle CX Sales / Fusion Service (REST)',
  sdk: '^2.0.0',
  configSchema: OracleCxConfig,
  // Batch size: the reference's connector policy, at most 50 parts per batch (§4; Oracle sets no cap).
  // Concurrency: at most 4 calls in flight per pod (§5). Oracle publishes no per-second quota, so no spacing.
  limits: { maxBatchSize: 50, maxConcurrent: 4, minTimeMs: 0, maxLookupValues: 100 },
  // Pods are <pod>.fa.<dc>.oraclecloud.com, identity domains idcs-….identity.oraclecloud.com (reference §1).
  trustedDomains: ['oraclecloud.com'],
  classify: (error, { config }) => classifyOracleError(error, config.rateLimitWaitMs),
  describeError: describeOracleError,
  // A PATCH or DELETE addresses the record by its key in the path: without one the part cannot be built.
  precheck: (batch, op) => ((batch.operation === 'update' || batch.operation === 'delete') && !op.recordId
    ? { code: 'MISSING_RECORD_ID', message: `an ${batch.operation} needs the record's key (${batch.object})` } : undefined),
  connect: connectOracleCx,
  sandbox: { configSchema: OracleCxSandboxConfig, plugin: (app, options) => oracleCxSandbox(app, options as never) },
});
