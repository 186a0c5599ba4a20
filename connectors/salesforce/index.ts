import { defineDestination } from '../../src/connectors/index.ts';
import { classifySalesforceError, outcomeUnknown, vendorError } from './classify.ts';
import { connectSalesforce, COLLECTIONS_MAX, isSalesforceId } from './client.ts';
import { SalesforceConfig } from './config.ts';
import { MAX_IN_VALUES } from './soql-in.ts';
import { SalesforceSandboxConfig } from './sandbox/config.ts';
import { salesforceSandbox } from './sandbox/plugin.ts';

/**
 * Salesforce through its REST API with jsforce: OAuth 2.0 (client credentials, JWT bearer,
 * username-password), describe for the catalog, sObject Collections for writes (up to 200 records a
 * call), and a sandbox at `/sandbox/salesforce` that real Salesforce clients accept.
 */
export default defineDestination<SalesforceConfig>({
  id: 'salesforce',
  displayName: 'Salesforce (REST API)',
  sdk: '^2.0.0',
  configSchema: SalesforceConfig,
  // 25 long-running calls per org is the hard ceiling (reference §8); 4 leaves room for the org's other integrations.
  // A SOQL `IN` list of 100 values per look-up call (soql-in.ts).
  // Bulk API 2.0 jobs (bulk.ts): below ~2,000 records sObject Collections is cheaper in calls (a job
  // costs at least 7 requests) and faster; 10,000 rows stay far below the 150 MB upload limit
  // (reference §9). jsforce polls every second for 30 s; a resync job may take longer.
  limits: {
    maxBatchSize: COLLECTIONS_MAX, maxConcurrent: 4, minTimeMs: 0, maxLookupValues: MAX_IN_VALUES,
    bulk: { minRecords: 2_000, maxRecords: 10_000, pollIntervalMs: 2_000, maxWaitMs: 10 * 60_000 },
  },
  // Login, My Domain and instance hosts (`login.salesforce.com`, `acme.my.salesforce.com`,
  // `acme--dev.sandbox.my.salesforce.com`, `*.force.com`, Government Cloud `*.salesforce.mil`,
  // legacy `*.cloudforce.com`): an instance_url on them is trusted when the login URL is too.
  trustedDomains: ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com'],
  classify: (error, { matchKey, config }) => {
    const classification = classifySalesforceError(error, matchKey ? { matchKey } : {}, config.rateLimitWaits);
    return classification.kind === 'retryable' && outcomeUnknown(error) ? { kind: 'retryable', outcomeUnknown: true } : classification;
  },
  describeError: vendorError,
  // An update or delete of something that is not a record id would fail the whole call (reference §4).
  precheck: (_batch, op) => (op.recordId !== undefined && !isSalesforceId(op.recordId) ? { code: 'MALFORMED_ID', message: `malformed id ${op.recordId}` } : undefined),
  connect: connectSalesforce,
  sandbox: {
    configSchema: SalesforceSandboxConfig, plugin: (app, options) => salesforceSandbox(app, options as never),
    // jsforce's bulk2 builds `new URL('/services/data/v62.0/jobs/ingest', instanceUrl)`: the origin's root.
    rootPaths: [/^\/services\/data\/v\d+\.\d+\/jobs\//],
  },
});
