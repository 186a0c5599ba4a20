/**
 * LinkedIn spells the same comment URN two ways: `generatedActivity` carries
 * `urn:li:comment:(activity:7094637247890620418,7094977717598625792)` while
 * `decoratedGeneratedActivity.comment.entity` carries
 * `urn:li:comment:(urn:li:activity:7094637247890620418,7094977717598625792)` (both in the one real
 * notification we have). The second, full-URN spelling is the one LinkedIn's REST API uses, so it
 * is the one kept: a comment has one `networkId` whichever field it came from.
 */
const SHORT_COMMENT_URN = /^urn:li:comment:\((?!urn:)([A-Za-z]+):/;

/** A comment URN in its full spelling (`urn:li:comment:(urn:li:activity:…,…)`); any other URN unchanged. */
export function normaliseUrn(urn: string): string {
  return urn.replace(SHORT_COMMENT_URN, 'urn:li:comment:(urn:li:$1:');
}
