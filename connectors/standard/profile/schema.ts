import { z } from 'zod';

/** A JSONata expression, as text; compiled once when the profile is loaded. */
const Expression = z.string().trim().min(1, 'an empty expression');

/** The interaction fields a profile may fill, each from one JSONata expression evaluated on an item. */
export const FIELD_NAMES = ['networkId', 'network', 'activity', 'text', 'title', 'url', 'occurredAt', 'language', 'topics', 'reach', 'page'] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** The author fields a profile may fill: the author's identity event and the interaction's `author`. */
export const AUTHOR_FIELD_NAMES = ['userId', 'handle', 'displayName', 'followers', 'avatarUrl', 'profileUrl', 'email', 'emailVerified', 'location'] as const;
export type AuthorFieldName = (typeof AUTHOR_FIELD_NAMES)[number];

const expressionsOf = <K extends string>(names: readonly K[]) =>
  z.object(Object.fromEntries(names.map((name) => [name, Expression.optional()])) as Record<K, z.ZodOptional<typeof Expression>>).strict();

/**
 * How a tool's sentiment becomes the model's −1…1, stated explicitly because tools use different
 * scales (Talkwalker −5…5, Brandwatch labels, Sprinklr −1/0/1):
 * - `scale: [min, max]`: a number, mapped linearly (min → −1, max → 1); outside the scale it is dropped.
 * - `labels: {positive: 1, …}`: a label (compared case-insensitively) to a value in −1…1; an unlisted label is dropped.
 */
export const SentimentSpec = z.union([
  z.object({
    value: Expression,
    scale: z.tuple([z.number(), z.number()]).refine(([min, max]) => min < max, 'scale is [min, max] with min < max'),
  }).strict(),
  z.object({
    value: Expression,
    labels: z.record(z.string().min(1), z.number().min(-1).max(1)).refine((labels) => Object.keys(labels).length > 0, 'at least one label'),
  }).strict(),
]);
export type SentimentSpec = z.infer<typeof SentimentSpec>;

/**
 * A payload profile file (`profiles/<name>.yaml`): how to recognise a format, where its mentions
 * are, and how each becomes canonical fields. Every expression is JSONata (jsonata 2.x), read
 * against the whole body (`match`, `items`) or one item (the rest).
 */
export const ProfileFile = z.object({
  /** What the format is and where its shape comes from. */
  description: z.string().optional(),
  /** True for bodies of this format: how `profile: auto` picks it. Without it, the profile is only used when named. */
  match: Expression.optional(),
  /** The mention objects of a body (one object or a list); default `$`, the body itself. */
  items: Expression.default('$'),
  /**
   * The item's own id at the tool. When it gives one, the event key is `<profile>:<id>`, so the same
   * mention relayed twice (under two `webhook-id`s) is one event; otherwise the key is the delivery's
   * `webhook-id` and the item's position.
   */
  id: Expression.optional(),
  fields: expressionsOf(FIELD_NAMES).default({}),
  sentiment: SentimentSpec.optional(),
  author: expressionsOf(AUTHOR_FIELD_NAMES).default({}),
}).strict();
export type ProfileFile = z.infer<typeof ProfileFile>;
