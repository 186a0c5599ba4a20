/**
 * The connector SDK: the only module a connector imports. It re-exports the canonical model so a
 * connector (built in or a plugin) never reaches into Parley's internals.
 */
export * from './source.ts';
export * from './destination.ts';
export { answerExcerpt, formValues, parseObject } from './answer-excerpt.ts';
export { destinationConfigError, destinationUnreachableError } from './destination-errors.ts';
export { isParleyError } from '../errors.ts';
export * from './signature.ts';
export * from './standard-webhooks.ts';
export { classifyNonVendorFailure, classifyOutboundFailure, isLoopback, DEFAULT_OUTBOUND_POLICY, type OutboundClient, type OutboundPolicy, type OutboundRequest, type OutboundResponse } from './outbound.ts';
export { SDK_VERSION } from './sdk-version.ts';
export * from '../model/index.ts';
export * from './sandbox-kit/index.ts';
export * from './destination-kit/index.ts';
export * from './source-pull/index.ts';
