/**
 * The Graph API's `fields` parameter as the sandbox reads it: a comma-separated list where an
 * object field may name its own sub-fields in braces (`id,message,from{id,name},parent{id}`;
 * developers.facebook.com/docs/graph-api/guides/field-expansion). Only the fields asked for come
 * back, and without `fields` a node's default fields. A field a node does not have is refused
 * (code 100, "Tried accessing nonexisting field").
 */

/** A node type: its Graph name (for errors), the fields it has, and those given without `fields`. */
export interface NodeType {
  name: string;
  fields: readonly string[];
  defaults: readonly string[];
}

/** PagePost (developers.facebook.com/docs/graph-api/reference/pagepost): the fields the sandbox may hold. */
export const PAGE_POST: NodeType = {
  name: 'PagePost',
  fields: ['id', 'message', 'created_time', 'updated_time', 'from', 'status_type', 'permalink_url', 'full_picture', 'picture',
    'attachments', 'story', 'is_hidden', 'is_published', 'parent_id', 'shares', 'message_tags', 'place', 'privacy', 'icon'],
  defaults: ['id', 'created_time', 'message', 'story'],
};

/** Comment (developers.facebook.com/docs/graph-api/reference/comment). `post_id` is the sandbox's, never served. */
export const COMMENT: NodeType = {
  name: 'Comment',
  fields: ['id', 'message', 'created_time', 'from', 'parent', 'attachment', 'like_count', 'comment_count', 'is_hidden',
    'permalink_url', 'message_tags', 'object', 'can_comment', 'can_remove', 'can_hide', 'can_like', 'user_likes'],
  defaults: ['id', 'created_time', 'from', 'message'],
};

/** Page (developers.facebook.com/docs/graph-api/reference/page), the few fields a pull or a demo reads. */
export const PAGE: NodeType = {
  name: 'Page',
  fields: ['id', 'name', 'username', 'link', 'about', 'category', 'fan_count', 'followers_count', 'verification_status'],
  defaults: ['id', 'name'],
};

/** Fields asked for, each with the sub-fields of an object field (empty: its defaults). */
export type FieldSelection = ReadonlyMap<string, readonly string[]>;

/** Splits on commas outside braces. */
function topLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '{') depth++;
    if (char === '}') depth--;
    if (char === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += char;
    }
  }
  parts.push(current);
  return parts.map((part) => part.trim()).filter((part) => part !== '');
}

/**
 * The selection `raw` asks of `node`, or the first field it does not have.
 * `undefined` raw means the node's defaults.
 */
export function selectFields(raw: string | undefined, node: NodeType): { fields: FieldSelection } | { unknown: string } {
  if (raw === undefined || raw.trim() === '') return { fields: new Map(node.defaults.map((name) => [name, []])) };
  const fields = new Map<string, string[]>();
  for (const part of topLevel(raw)) {
    const match = /^([a-z_]+)(?:\{(.*)\})?$/.exec(part);
    const name = match?.[1];
    if (!name || !node.fields.includes(name)) return { unknown: part.replace(/\{.*$/, '') };
    fields.set(name, match[2] ? topLevel(match[2]) : []);
  }
  return { fields };
}

/** An object field (`from`, `parent`) narrowed to its sub-fields; its `id` always comes. */
function narrow(value: unknown, sub: readonly string[]): unknown {
  if (sub.length === 0 || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const record = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(record).filter(([key]) => key === 'id' || sub.includes(key)));
}

/** `object` with only the selected fields that it has (the Graph API leaves out fields without a value). */
export function shape(object: Record<string, unknown>, fields: FieldSelection): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, sub] of fields) {
    if (object[name] !== undefined) out[name] = narrow(object[name], sub);
  }
  return out;
}

/** IG User (developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user), the few fields read. */
export const IG_USER: NodeType = {
  name: 'IGUser',
  fields: ['id', 'username', 'name', 'biography', 'followers_count', 'follows_count', 'media_count', 'profile_picture_url', 'website'],
  defaults: ['id'],
};

/** IG Media (…/reference/ig-media). */
export const IG_MEDIA: NodeType = {
  name: 'IGMedia',
  fields: ['id', 'caption', 'timestamp', 'media_type', 'media_product_type', 'media_url', 'permalink', 'thumbnail_url', 'username',
    'comments_count', 'like_count', 'is_comment_enabled', 'owner', 'shortcode'],
  defaults: ['id'],
};

/** IG Comment (…/reference/ig-comment); `replies` is its edge, expandable as a field. */
export const IG_COMMENT: NodeType = {
  name: 'IGComment',
  fields: ['id', 'text', 'timestamp', 'from', 'username', 'parent_id', 'media', 'like_count', 'hidden', 'replies', 'user', 'legacy_instagram_comment_id'],
  defaults: ['id', 'text', 'timestamp'],
};
