import { errors, type ParleyError } from '../errors.ts';

/**
 * The error a destination raises when the CRM refuses its configuration (credentials, client,
 * URL): `PARLEY_DESTINATION_CONFIG`, naming the destination. Connectors make it through the SDK
 * because they never import Parley's internals.
 * @param details.problem a stable word for a problem Parley found itself, not the CRM (`NOT_A_TOKEN_ENDPOINT`)
 * @param details.url the URL the problem is about, when it is not obvious (never with credentials in it)
 */
export function destinationConfigError(
  details: { destination: string; reason: string; vendorCode?: string; problem?: string; url?: string; httpStatus?: number },
  options?: { cause?: unknown },
): ParleyError {
  return errors.DESTINATION_CONFIG(details, options);
}

/**
 * The error a destination raises when its CRM is there but failing on its side (a login server
 * answering 5xx, or 429): `PARLEY_DESTINATION_UNREACHABLE`, so the destination is `unreachable`
 * and retried with backoff, like a network failure. The SDK's outbound client raises the same code
 * for network failures itself.
 * @param details.cause a stable word for what failed (`HTTP_503`)
 * @param details.sent whether the outcome of the request is unknown (it may have been carried out)
 */
export function destinationUnreachableError(
  details: { destination: string; host: string; reason: string; cause: string; sent: boolean; httpStatus?: number; vendorCode?: string },
  options?: { cause?: unknown },
): ParleyError {
  return errors.DESTINATION_UNREACHABLE(details, options);
}
