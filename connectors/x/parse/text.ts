import { decodeHTMLStrict } from 'entities';

/**
 * Decodes the HTML escaping X applies to tweet and DM text (`&amp;` `&lt;` `&gt;`), exactly once:
 * `&amp;lt;` becomes `&lt;`. Strict (only `;`-terminated entities) because X always terminates
 * them, and a literal "&copy" a person typed must stay as typed.
 */
export function decodeText(text: string): string {
  return decodeHTMLStrict(text);
}
