/**
 * What the `/services/data/vXX.X` accounting hook (plugin.ts) records on a request for the route
 * handlers: the API version asked for and the per-record fault picked for the call, if any.
 */
import type { FastifyRequest } from 'fastify';

/** Per-request facts the accounting hook leaves for the handlers. */
export interface CallState { apiVersion: string; perRecordFault?: string }
export const CALL = Symbol('salesforce-sandbox-call');
export type SandboxRequest = FastifyRequest & { [CALL]?: CallState };

/** The API version of the call ("62.0"): as the hook parsed it, else from the path. */
export function apiVersion(request: FastifyRequest): string {
  return ((request as SandboxRequest)[CALL]?.apiVersion) ?? (request.params as { version: string }).version.replace(/^v/, '');
}
