/**
 * The sandbox kit: what every simulated vendor needs, written once (issue 17, item 5). A connector
 * reaches it through the SDK (`src/connectors/index.ts`), never this folder directly.
 */
export { defineSandbox, type SandboxSetupContext, type SandboxSpec, type SandboxVendor } from './define-sandbox.ts';
export { SandboxKit, FaultsRefused, type CallVerdict, type SandboxKitOptions, type SandboxStats } from './accounting.ts';
export { faultsSchema, matchingRule, pickFault, unknownFaults, type FaultCatalog, type FaultRule, type FaultRuleDefaults, type FaultSpec, type FaultsDocument } from './faults.ts';
export { JournalFile, type JournalContents } from './journal-file.ts';
export { registerKitRoutes, type KitRoutesOptions } from './routes.ts';
export { seededRandom } from './random.ts';
export { basicCredentials, bearerToken, SandboxCredentials, type SandboxCredentialsConfig, type SandboxOAuthClient, type SandboxUser } from './credentials.ts';
export { checkOAuthTokenRequest, oauthRefusal, oauthTokenEndpoint, type OAuthErrorCode, type OAuthGrantVerdict, type OAuthRefusal, type OAuthTokenEndpointOptions, type OAuthTokenRequest } from './oauth-token-endpoint.ts';
export { SandboxTables, type SandboxTablesOptions, type TableChange, type TablesEntry, type TablesSnapshot, type TablesUpgrade } from './record-tables.ts';
