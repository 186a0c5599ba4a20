import { defineDestination } from 'parley/sdk';
import { classifyDataverseError, describeDataverseError } from './classify.ts';
import { DynamicsConfig } from './config.ts';
import { connectDynamics } from './connect.ts';
import { isGuid } from './odata.ts';
import { dynamicsSandbox } from './sandbox/plugin.ts';

/** Every error the sandbox can inject (`PUT _faults {"errors": {...}}`), for a suite that checks each is classified. */
export { FAULTS as SANDBOX_FAULTS } from './sandbox/faults.ts';

/**
 * Microsoft Dynamics 365 (Dataverse Web API, OData v4): OAuth client credentials against the
 * Microsoft identity platform, table definitions for the catalog, `$batch` for writes (one request
 * per operation, continue-on-error), upserts by alternate key, look-ups with `$filter`. Identities
 * go to `socialprofile` (linked to the contact a match rule finds), posts to a custom table by
 * default (config.ts says why not `socialactivity`). A plugin: it imports only `parley/sdk`.
 */
export default defineDestination<DynamicsConfig>({
  id: 'dynamics-365',
  displayName: 'Microsoft Dynamics 365 (Dataverse Web API)',
  sdk: '^2.1.0',
  configSchema: DynamicsConfig,
  // A batch may hold 1,000 requests, but Microsoft advises small batches (start at 10) and more
  // concurrency, since a batch counts against the 20-minute execution-time limit as a whole
  // ("Service protection API limits", Avoid large batches); 50 keeps a call's time in seconds.
  // 100 look-up values make a `$filter` of about 6 KB, well inside the URL limit.
  limits: { maxBatchSize: 50, maxConcurrent: 4, minTimeMs: 0, maxLookupValues: 100 },
  // Environments (`*.crm.dynamics.com`, `*.crm4.dynamics.com`, US government `*.microsoftdynamics.us`)
  // and their token endpoints (`login.microsoftonline.com`, `login.microsoftonline.us`).
  trustedDomains: ['dynamics.com', 'microsoftdynamics.us', 'microsoftonline.com', 'microsoftonline.us'],
  classify: (error, context) => classifyDataverseError(error, context.matchKey === undefined ? {} : { matchKey: context.matchKey }),
  describeError: describeDataverseError,
  precheck: (batch, operation) => {
    if (operation.recordId !== undefined && !isGuid(operation.recordId)) {
      return { code: 'PARLEY_NOT_A_RECORD_ID', message: `${operation.recordId} is not a Dataverse record id (a GUID)` };
    }
    const keyed = batch.matchKey !== undefined && (operation.matchValue ?? operation.fields[batch.matchKey]) !== undefined;
    if (batch.operation === 'upsert' && !keyed) return { code: 'PARLEY_NO_KEY', message: 'an upsert needs its alternate key\'s value' };
    if ((batch.operation === 'update' || batch.operation === 'delete') && operation.recordId === undefined && !keyed) {
      return { code: 'PARLEY_NO_KEY', message: `an ${batch.operation} needs the record's id or its alternate key's value` };
    }
    return undefined;
  },
  connect: connectDynamics,
  // The sandbox's options are its own config (sandbox/config.ts), parsed by its configSchema before the plugin runs.
  sandbox: { configSchema: dynamicsSandbox.configSchema, plugin: (app, options) => dynamicsSandbox.plugin(app, options as Parameters<typeof dynamicsSandbox.plugin>[1]) },
});
