import { z } from 'zod';

// The model's instants are ISO strings with four-digit years.
const MAX_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A LinkedIn URN (`urn:li:person:zLqTygBP8S`). Bounded like every id in the model. */
export const Urn = z.string().min(1).max(512);

/**
 * `notificationId`: a number in the one real notification (5603453321). A number past 2^53 has
 * already lost digits when the body was parsed, so it is refused rather than silently rounded
 * into another notification's key; a digit string is taken as it is.
 */
export const NotificationId = z.union([
  z.string().regex(/^\d{1,40}$/, 'expected a notification id of digits'),
  z.number().refine((value) => Number.isSafeInteger(value) && value >= 0, 'a notification id past 2^53 cannot be read exactly; send it as a string'),
]).transform(String);

/** `lastModifiedAt`: epoch milliseconds (LinkedIn docs; 1691574506310 in the sample). */
export const EpochMs = z.number().int().nonnegative().max(MAX_MS);

/** A post or activity as LinkedIn decorates it: its owner's URN, text and own URN. Other keys (`mediaCategory`) are ignored. */
export const Decorated = z.object({
  owner: Urn.nullish(),
  text: z.string().nullish(),
  entity: Urn.nullish(),
});
export type Decorated = z.infer<typeof Decorated>;

/**
 * One organization social action notification (LinkedIn "Organization Social Action
 * Notifications"; the shape of the real one in `test/fixtures/linkedin/`). Only what the events
 * use is read; unknown keys are ignored.
 */
export const Notification = z.object({
  notificationId: NotificationId,
  action: z.string(),
  organizationalEntity: Urn,
  lastModifiedAt: EpochMs,
  /** The post acted on (`urn:li:activity:…`). */
  sourcePost: Urn.nullish(),
  /** What the action made: a comment or share URN. */
  generatedActivity: Urn.nullish(),
  /** The member who acted. */
  subscriber: Urn.nullish(),
  decoratedSourcePost: Decorated.nullish(),
  decoratedGeneratedActivity: z.object({ comment: Decorated.nullish(), share: Decorated.nullish() }).nullish(),
});
export type Notification = z.infer<typeof Notification>;
