import { normalized, type Evidence, type LinkProposal, type StoredIdentity } from '../store/people-store.ts';

// The linking rules: when two identities are one person. Pure functions; the indexer feeds them the
// candidates the store finds (same e-mail, same name and location, a handle named by either).
//
// Confidences (0–1) are what each piece of evidence alone is worth:
// - verified-email 0.95: both sources vouch the person proved they own the same address. The only
//   evidence strong enough to link without a person looking (AUTO_LINK_AT).
// - email 0.6: the same address, but at least one source does not vouch for it (typed into a
//   form, scraped): a strong hint, yet anyone can type anyone's address.
// - name-and-location 0.5: same display name and same free-text location (case and spacing
//   ignored). Common names in big cities make this a coin toss.
// - cross-link 0.4: one profile's address or bio names the other's handle on another network
//   ("also instagram.com/ada.l"). People name friends and brands too.
// Several pieces combine as independent evidence: 1 − Π(1 − c). Anything below AUTO_LINK_AT waits
// for review, however much of it there is: only a verified e-mail links on its own.

export const CONFIDENCE: Readonly<Record<Exclude<Evidence['kind'], 'decision'>, number>> = {
  'verified-email': 0.95,
  email: 0.6,
  'name-and-location': 0.5,
  'cross-link': 0.4,
};

/** Evidence at or above this confidence links at once; below, it waits in the review queue. */
export const AUTO_LINK_AT = 0.9;

/** What links `a` and `b`, strongest first; empty when nothing does. Pure. */
export function evidenceBetween(a: StoredIdentity, b: StoredIdentity): Evidence[] {
  if (a.key === b.key) return [];
  const evidence: Evidence[] = [];
  const emailA = normalized(a.email), emailB = normalized(b.email);
  if (emailA !== null && emailA === emailB) evidence.push({ kind: a.emailVerified && b.emailVerified ? 'verified-email' : 'email' });
  const nameA = normalized(a.displayName), locationA = normalized(a.location);
  if (nameA !== null && locationA !== null && nameA === normalized(b.displayName) && locationA === normalized(b.location)) evidence.push({ kind: 'name-and-location' });
  // Across networks only: on one network a handle is the identity itself.
  const names = (x: StoredIdentity, y: StoredIdentity) => y.handle !== undefined && x.mentions.includes(y.handle.toLowerCase());
  if (a.network !== b.network && (names(a, b) || names(b, a))) evidence.push({ kind: 'cross-link' });
  return evidence;
}

/** 1 − Π(1 − c) over the evidence, rounded to 3 places (0 for none). Pure. */
export function confidenceOf(evidence: readonly Evidence[]): number {
  const doubt = evidence.reduce((left, e) => left * (1 - (e.kind === 'decision' ? 1 : CONFIDENCE[e.kind])), 1);
  return Math.round((1 - doubt) * 1000) / 1000;
}

/** The rules' proposals for one identity and its candidates: `link` at AUTO_LINK_AT or above, else `review`. Pure. */
export function proposeLinks(identity: StoredIdentity, candidates: readonly StoredIdentity[]): LinkProposal[] {
  const proposals: LinkProposal[] = [];
  for (const other of candidates) {
    // One person already: nothing to propose.
    if (other.personId === identity.personId) continue;
    const evidence = evidenceBetween(identity, other);
    if (evidence.length === 0) continue;
    const confidence = confidenceOf(evidence);
    proposals.push({ identityKey: identity.key, otherKey: other.key, evidence, confidence, decision: confidence >= AUTO_LINK_AT ? 'link' : 'review' });
  }
  return proposals;
}
