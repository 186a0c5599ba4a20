import { z } from 'zod';
import type { Interaction } from '../../src/connectors/index.ts';

type Attachment = NonNullable<Interaction['attachments']>[number];

// Messenger Platform "messages" webhook reference and Instagram Messaging docs: attachment `type`s.
const TYPES: ReadonlyMap<string, Attachment['type']> = new Map([
  ['image', 'photo'], ['video', 'video'], ['ig_reel', 'video'], ['reel', 'video'], ['animated_image', 'animated_gif'],
  ['audio', 'file'], ['file', 'file'], ['fallback', 'link'], ['share', 'link'],
  // Instagram: a story that mentions the account, a heart sticker; Messenger: templates, locations.
]);

const MessageAttachment = z.object({
  type: z.string(),
  payload: z.object({ url: z.string().optional().catch(undefined) }).nullish().catch(undefined),
});

/**
 * Messenger and Instagram message attachments (`[{type, payload:{url}}]`) in the model's terms.
 * Decoration, so tolerant: an attachment of an unexpected shape is left out rather than failing
 * the message; an unknown `type` (`story_mention`, `like_heart`, `template`) is `other`.
 */
export function messageAttachments(raw: readonly unknown[] | null | undefined): Attachment[] | undefined {
  const attachments: Attachment[] = [];
  for (const item of raw ?? []) {
    const parsed = MessageAttachment.safeParse(item);
    if (!parsed.success) continue;
    const url = parsed.data.payload?.url;
    attachments.push(url ? { type: TYPES.get(parsed.data.type) ?? 'other', url } : { type: TYPES.get(parsed.data.type) ?? 'other' });
  }
  return attachments.length > 0 ? attachments : undefined;
}
