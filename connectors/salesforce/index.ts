import { defineDestination } from '../../src/connectors/index.ts';
import { classifySalesforceError } from './classify.ts';
import { connectSalesforce, COLLECTIONS_MAX } from './client.ts';
import { SalesforceConfig } from './config.ts';
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
  sdk: '^1.0.0',
  configSchema: SalesforceConfig,
  // 25 long-running calls per org is the hard ceiling (reference §8); 4 leaves room for the org's other integrations.
  limits: { maxBatchSize: COLLECTIONS_MAX, maxConcurrent: 4, minTimeMs: 0 },
  // Login, My Domain and instance hosts (`login.salesforce.com`, `acme.my.salesforce.com`,
  // `acme--dev.sandbox.my.salesforce.com`, `*.force.com`, Government Cloud `*.salesforce.mil`,
  // legacy `*.cloudforce.com`): an instance_url on them is trusted when the login URL is too.
  trustedDomains: ['salesforce.com', 'force.com', 'salesforce.mil', 'cloudforce.com'],
  classify: (error, context) => classifySalesforceError(error, context),
  connect: connectSalesforce,
  sandbox: { configSchema: SalesforceSandboxConfig, plugin: (app, options) => salesforceSandbox(app, options as never) },
});
