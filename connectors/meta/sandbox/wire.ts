/**
 * The Graph API's error bodies as the sandbox answers them: `{"error": {"message", "type", "code",
 * "error_subcode"?, "is_transient"?, "fbtrace_id"}}` (developers.facebook.com/docs/graph-api/guides/error-handling;
 * reference §2.7). Codes: 1 unknown, 2 service, 4/17/32/613 throttling, 80001 Pages business use
 * case, 100 invalid parameter (subcode 33: no such object), 104 no token, 190 bad token, 2500 unknown path.
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply } from 'fastify';
import type { ThrottleCode } from './config.ts';

/** A Graph API error's fields, before the trace id. */
export interface GraphError {
  message: string;
  type: string;
  code: number;
  error_subcode?: number;
  is_transient?: boolean;
}

/** The error body; `fbtrace_id` is an opaque support id, fresh per answer as Meta's are. */
export function errorBody(error: GraphError): { error: GraphError & { fbtrace_id: string } } {
  return { error: { ...error, fbtrace_id: randomBytes(8).toString('base64').replace(/=+$/, '') } };
}

export const NO_TOKEN: GraphError = { message: 'An access token is required to request this resource.', type: 'OAuthException', code: 104 };
export const BAD_TOKEN: GraphError = { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 };

/** "Unsupported get request" for an object that does not exist (or the token may not see). */
export function noSuchObject(id: string): GraphError {
  return {
    message: `Unsupported get request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api`,
    type: 'GraphMethodException', code: 100, error_subcode: 33,
  };
}

export function unknownField(field: string, node: string): GraphError {
  return { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${node})`, type: 'OAuthException', code: 100 };
}

/** A parameter the sandbox refuses (`limit`, `since`, `after`…): code 100, the sandbox's own wording. */
export function invalidParameter(parameter: string, problem: string): GraphError {
  return { message: `(#100) The parameter ${parameter} ${problem}`, type: 'OAuthException', code: 100 };
}

export function unknownPath(path: string): GraphError {
  return { message: `Unknown path components: ${path}`, type: 'OAuthException', code: 2500 };
}

/**
 * A version the sandbox does not serve. The real Graph API's answer for a retired version is not
 * in the reference; this is the sandbox's own (code 2635, "deprecated version"), so a client
 * configured with a wrong version fails visibly.
 */
export function unsupportedVersion(version: string): GraphError {
  return { message: `(#2635) You are calling a deprecated or unknown version of the Graph API (${version}). Please update to a served version.`, type: 'OAuthException', code: 2635 };
}

const THROTTLE_MESSAGES: Readonly<Record<ThrottleCode, string>> = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001: '(#80001) There have been too many calls to this Page account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
  80002: '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again. For more info, please refer to https://developers.facebook.com/docs/graph-api/overview/rate-limiting.',
};

/** The throttling error of `code` (all transient). */
export function throttled(code: ThrottleCode): GraphError {
  return { message: THROTTLE_MESSAGES[code], type: 'OAuthException', code, is_transient: true };
}

/** Sends JSON with the given status and headers. */
export function sendJson(reply: FastifyReply, status: number, body: unknown, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('application/json; charset=UTF-8').send(JSON.stringify(body));
}
