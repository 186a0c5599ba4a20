import { errors, type ParleyError } from '../errors.ts';

/**
 * The error a destination raises when the CRM refuses its configuration (credentials, client,
 * URL): `PARLEY_DESTINATION_CONFIG`, naming the destination. Connectors make it through the SDK
 * because they never import Parley's internals.
 */
export function destinationConfigError(details: { destination: string; reason: string; vendorCode?: string }, options?: { cause?: unknown }): ParleyError {
  return errors.DESTINATION_CONFIG(details, options);
}
