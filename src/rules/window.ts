/**
 * The sliding window of one (rule, group): pure. Times are epoch ms. `now` is the engine's time:
 * the clock when it runs live (an event's occurrence time is capped at it), the newest occurrence
 * time seen when a preview replays stored events, so both decide alike.
 *
 * - An event counts while `now - window < t`: the window's count is how many such events there are.
 * - Opening, when no incident is open and the event is itself in the window: the count reaches
 *   `count`, or (with a baseline) it reaches `minCount` and `factor` × the average count per
 *   window over the `baseline` before the window. The baseline is used only once the group has
 *   been watched for the whole baseline (`firstSeen`) and was not empty: a group with no matching
 *   event in it has no "usual rate" to be five times of.
 * - Closing: the moment the count fell below `below` is exact, without a timer that samples it:
 *   with the `below`-th newest event at `t_k`, the count is below from `t_k + window` on (events
 *   only leave the window) unless a newer one arrives. Closed at that moment + `quietFor`, so
 *   `closedAt` does not depend on how often the engine looks.
 * - An event too old to count (before `now - window - baseline`) only matters to an open
 *   incident: it is linked to it, being a matching post while it is open.
 */

/** A matching event as the window keeps it. */
export interface WindowEntry {
  /** Its occurrence time (ms), capped at the engine's time. */
  t: number;
  /** The stored event's id. */
  id: string;
  /** The post's id on its network (the SocialPost's ExternalPostId). */
  post: string;
  /** Its ordering key's identity part (outbox order: after the post's own write). */
  order: string;
  /** The start of its text, while it is in the window (a Case's `sample`). */
  text?: string;
}

/** The incident open for the window. */
export interface OpenIncident {
  id: string;
  openedAt: number;
  openedCount: number;
  peakCount: number;
  /** Posts linked so far. */
  linked: number;
  triggerEventId: string;
}

export interface WindowState {
  /** When the group's first kept event happened: the baseline counts only once it covers the baseline. */
  firstSeen: number;
  /** Oldest first. */
  entries: WindowEntry[];
  incident?: OpenIncident;
}

/** What a rule's thresholds are, as the window needs them (load-rules.ts `CompiledRule`). */
export interface WindowRule {
  windowMs: number;
  count?: number;
  baseline?: { factor: number; ms: number; minCount: number };
  below?: number;
  quietForMs: number;
}

export type WindowChange =
  | { type: 'open'; incident: OpenIncident; posts: WindowEntry[] }
  | { type: 'link'; incident: OpenIncident; entry: WindowEntry }
  | { type: 'close'; incident: OpenIncident; closedAt: number };

/** Most events one window keeps (the oldest go first): bounds memory and the stored state in a flood. */
export const MAX_ENTRIES = 20_000;
/** Characters of text kept per event for a Case's `sample`. */
const TEXT_CHARS = 280;

/** How many events are in the window at `now`. */
export function countAt(entries: readonly WindowEntry[], now: number, windowMs: number): number {
  let n = 0;
  for (let i = entries.length - 1; i >= 0 && entries[i]!.t > now - windowMs; i--) n++;
  return n;
}

/** The count below which an open incident closes. */
function belowOf(rule: WindowRule, incident: OpenIncident): number {
  return rule.below ?? Math.max(1, Math.ceil(incident.openedCount / 2));
}

/** When the open incident closes if nothing new arrives (see the file's comment). */
export function closesAt(rule: WindowRule, state: WindowState): number | undefined {
  const incident = state.incident;
  if (!incident) return undefined;
  const k = belowOf(rule, incident);
  const kth = state.entries.length >= k ? state.entries[state.entries.length - k]!.t + rule.windowMs : -Infinity;
  return Math.max(incident.openedAt, kth) + rule.quietForMs;
}

/** Closes the open incident when its quiet time has passed by `now` (changing `state` in place). */
export function closeIfDue(rule: WindowRule, state: WindowState, now: number): { state: WindowState; change?: Extract<WindowChange, { type: 'close' }> } {
  const at = closesAt(rule, state);
  if (at === undefined || now < at) return { state };
  const incident = state.incident!;
  delete state.incident;
  return { state: prune(rule, state, now), change: { type: 'close', incident, closedAt: at } };
}

/**
 * Forgets what no longer counts at `now`: events before the baseline (keeping the newest an open
 * incident's close needs) and the texts of events out of the window. Changes `state` in place
 * (a burst may hold thousands of events: copying them for every event would be quadratic).
 */
export function prune(rule: WindowRule, state: WindowState, now: number): WindowState {
  const entries = state.entries;
  const keepFrom = now - rule.windowMs - (rule.baseline?.ms ?? 0);
  const keepNewest = state.incident ? belowOf(rule, state.incident) : 0;
  let drop = 0;
  while (drop < entries.length && entries[drop]!.t <= keepFrom && drop < entries.length - keepNewest) drop++;
  drop = Math.max(drop, entries.length - MAX_ENTRIES);
  if (drop > 0) entries.splice(0, drop);
  // Texts leave oldest first: stop at the first one already gone.
  let i = entries.length - 1;
  while (i >= 0 && entries[i]!.t > now - rule.windowMs) i--;
  for (; i >= 0 && entries[i]!.text !== undefined; i--) delete entries[i]!.text;
  return state;
}

/** Whether the count opens an incident at `now` (the file's comment says when). */
function crosses(rule: WindowRule, state: WindowState, count: number, now: number): boolean {
  if (rule.count !== undefined && count >= rule.count) return true;
  const b = rule.baseline;
  if (!b || count < b.minCount || state.firstSeen > now - rule.windowMs - b.ms) return false;
  const before = state.entries.filter((e) => e.t > now - rule.windowMs - b.ms && e.t <= now - rule.windowMs).length;
  const perWindow = before * rule.windowMs / b.ms;
  return perWindow > 0 && count >= b.factor * perWindow;
}

/**
 * One matching event, at `now`: closes an incident whose quiet time passed, links the event to the
 * open incident, or opens one when the event makes the count cross a threshold (its `posts`: every
 * event of the window, to link). `prior` is undefined for a group not seen yet (or forgotten); it
 * is changed in place and answered back (the caller keeps the one answered).
 */
export function observe(rule: WindowRule, prior: WindowState | undefined, entry: WindowEntry, options: { now: number; newId: () => string }): { state: WindowState | undefined; changes: WindowChange[] } {
  const { now } = options;
  const changes: WindowChange[] = [];
  let state = prior;
  if (state) {
    const closed = closeIfDue(rule, state, now);
    state = closed.state;
    if (closed.change) changes.push(closed.change);
  }
  const counts = entry.t > now - rule.windowMs - (rule.baseline?.ms ?? 0);
  if (!counts && !state?.incident) return { state: state && prune(rule, state, now), changes };
  state ??= { firstSeen: entry.t, entries: [] };
  if (counts) {
    state.firstSeen = Math.min(state.firstSeen, entry.t);
    insert(state.entries, { ...entry, ...(entry.text !== undefined ? { text: entry.text.slice(0, TEXT_CHARS) } : {}) });
  }
  const count = countAt(state.entries, now, rule.windowMs);
  if (state.incident) {
    const incident = { ...state.incident, linked: state.incident.linked + 1, peakCount: Math.max(state.incident.peakCount, count) };
    state.incident = incident;
    changes.push({ type: 'link', incident, entry });
  } else if (entry.t > now - rule.windowMs && crosses(rule, state, count, now)) {
    const posts = state.entries.filter((e) => e.t > now - rule.windowMs).map((e) => ({ ...e }));
    const incident: OpenIncident = { id: options.newId(), openedAt: now, openedCount: count, peakCount: count, linked: posts.length, triggerEventId: entry.id };
    state.incident = incident;
    changes.push({ type: 'open', incident, posts });
  }
  return { state: prune(rule, state, now), changes };
}

/** Puts `entry` in time order (after those of the same time: arrival order); events mostly arrive in order, so from the end. */
function insert(entries: WindowEntry[], entry: WindowEntry): void {
  let i = entries.length;
  while (i > 0 && entries[i - 1]!.t > entry.t) i--;
  entries.splice(i, 0, entry);
}
