import type { OutboundResponse } from './outbound.ts';

/** Longest excerpt of an answer body quoted in an error. */
const EXCERPT_MAX = 80;

/**
 * Every value of a form-encoded request body (raw and URL-encoded, longest first): what an answer
 * must not echo back into an error (a client secret, a password, an assertion).
 */
export function formValues(body: string): string[] {
  const values = new Set<string>();
  for (const [, value] of new URLSearchParams(body)) {
    if (value.length < 4) continue;
    values.add(value);
    values.add(encodeURIComponent(value));
    values.add(new URLSearchParams({ v: value }).toString().slice(2));
  }
  return [...values].sort((a, b) => b.length - a.length);
}

/**
 * A short, printable excerpt of an answer: an OAuth JSON error's code and description, a page's
 * `<title>`, or the start of its text, markup removed; the request's own values blanked out.
 * For errors about an answer that is not what the API gives (a proxy's or a login server's page):
 * never the whole body, which may be large or hold what it should not.
 */
export function answerExcerpt(answer: Pick<OutboundResponse, 'body'>, secrets: readonly string[]): string {
  const json = parseObject(answer.body);
  let text: string;
  if (json) {
    text = [json.error, json.error_description, json.message].filter((v) => typeof v === 'string').join(': ');
  } else {
    const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(answer.body)?.[1];
    text = title ?? answer.body
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]*>?/g, ' ');
  }
  for (const secret of secrets) text = text.split(secret).join('***');
  text = text
    .replace(/&(?:nbsp|#160);/gi, ' ').replace(/&amp;/gi, '&').replace(/&(?:lt|gt|quot|#39|apos);/gi, ' ')
    .replace(/[\p{Cc}<>"`]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > EXCERPT_MAX ? `${text.slice(0, EXCERPT_MAX).trimEnd()}…` : text;
}

/** A body's JSON object, or undefined when it is not one (not JSON, an array, a scalar). */
export function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}
