/**
 * The sandbox org's object catalog: `describe` bodies for the six objects the connector touches
 * (SocialPersona, SocialPost, Case, Contact, Lead, Account), the `GET /sobjects/` body and the
 * `GET /limits` body.
 *
 * Case, Contact, Lead and Account are real `describe` outputs, served as they are (only the API
 * version inside `urls` becomes the one asked for). SocialPersona and SocialPost exist only as
 * `soqlMetadata` dumps of a real org, which lack most keys Salesforce's describe has (length,
 * createable, updateable, defaultedOnCreate, externalId, …). They are completed (describe-metadata.ts)
 * from the object reference and the wire reference (§10); every value that no source gives is a
 * guess, listed in `GUESSES` (never in the served describe). metadata/SOURCES.md says where each file
 * came from.
 *
 * This file is the entry importers use; the code lives in:
 * - describe-catalog.ts: `buildDescribes` (the real describes, the completed social objects, operator
 *   field overrides and custom fields), `SANDBOX_OBJECTS`;
 * - describe-metadata.ts: completing the SocialPersona and SocialPost dumps, `GUESSES`;
 * - describe-fields.ts: the field shapes both of those share;
 * - describe-bodies.ts: what is served (`describeAt`, `describeGlobal`, `limitsBody`, `VERSION_PLACEHOLDER`).
 */
export { buildDescribes, SANDBOX_OBJECTS, type DescribeOptions } from './describe-catalog.ts';
export { GUESSES } from './describe-metadata.ts';
export { describeAt, describeGlobal, limitsBody, VERSION_PLACEHOLDER, type DescribeGlobalBody } from './describe-bodies.ts';
