/**
 * The destination kit: the behaviour every CRM connector shares, written once (ARCHITECTURE.md,
 * "Connectors"). A connector supplies a `DestinationSession` of vendor calls; the kit makes it the
 * `DestinationClient` the core uses.
 */
export { connectDestination, createDestinationClient, type DestinationKitOptions, type Schedule } from './client.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry-policy.ts';
export { SharedCredential, sendWithRenewal } from './credential.ts';
export { requestOAuthToken, type BearerToken, type ClientTokenRequest } from './oauth-token.ts';
