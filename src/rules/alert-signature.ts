/**
 * Outgoing crisis alerts are signed with the Standard Webhooks scheme (src/connectors/standard-webhooks.ts),
 * the one Parley's `standard` source verifies: a receiver checks them with any Standard Webhooks library.
 */
export { decodeWebhookSecret as decodeAlertSecret, signStandardWebhook as signedHeaders } from '../connectors/standard-webhooks.ts';
