/**
 * One unit of a text as the scorer reads it:
 * - `word`: a lowercased word, apostrophes kept (`can't`, `i'd`) and letters repeated three or more
 *   times squeezed to two (`soooo` → `soo`; the lexicon tries the single letter too);
 * - `emoji`: one pictographic emoji (variation selectors dropped: `❤️` is `❤`), or an ASCII
 *   emoticon, lowercased (`:)`, `:-(`, `<3`, `:d`);
 * - `break`: punctuation that ends a clause (`.`, `,`, `!`, `?`, `;`, `:`), where a negation or an
 *   intensifier stops reaching.
 */
export interface Token {
  kind: 'word' | 'emoji' | 'break';
  text: string;
}

// Addresses and @handles say nothing about how the writer feels ("@WorstBank", a link's path),
// so they are removed before the words are read. A `#hashtag` is read as its word: #fail counts.
const URL_PATTERN = /\b(?:https?:\/\/|www\.)\S+/giu;
// After a space, the start or punctuation only, so the `@` of an e-mail address is left alone.
const MENTION_PATTERN = /(^|[^\p{L}\p{N}_])@[\p{L}\p{N}_]+/gu;

const EMOTICONS = String.raw`<3|[:;=]'?-?[()dp/\\|]`;
// Words first: most of a text is words, and each position tries the alternatives in this order.
// Numbered groups and `exec`, not named groups and `matchAll`: half again as fast, and this is most
// of the scorer's time. Groups: 1 word, 2 emoticon, 3 emoji, 4 clause punctuation.
const TOKEN_PATTERN = new RegExp(
  [
    "([\\p{L}\\p{N}]+(?:'[\\p{L}]+)*)",
    `((?:^|(?<=\\s))(?:${EMOTICONS})(?=\\s|$))`,
    // An emoji, with any skin-tone modifier, variation selector or ZWJ sequence that follows it.
    '(\\p{Extended_Pictographic}(?:\\p{Emoji_Modifier}|\\uFE0F|\\u200D\\p{Extended_Pictographic})*)',
    '([.,!?;:]+)',
  ].join('|'),
  'gu',
);

/**
 * The tokens of `text`, in order: URLs and @mentions removed, typographic apostrophes read as `'`.
 *
 * @example tokenize("@acme NOT good :( https://x.co/a") // not, good, :(
 */
export function tokenize(text: string): Token[] {
  // Done once on the whole text, not per word.
  const cleaned = (/https?:|www\./i.test(text) ? text.replace(URL_PATTERN, ' ') : text)
    .replace(MENTION_PATTERN, '$1 ')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02BC]/gu, "'")
    .replace(/(\p{L})\1{2,}/gu, '$1$1');
  const tokens: Token[] = [];
  // `exec` keeps its position on the shared pattern: reset it. The loop is synchronous, so no other call interleaves.
  const pattern = TOKEN_PATTERN;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(cleaned); match !== null; match = pattern.exec(cleaned)) {
    const [, word, emoticon, emoji] = match;
    if (word !== undefined) tokens.push({ kind: 'word', text: word });
    else if (emoticon !== undefined) tokens.push({ kind: 'emoji', text: emoticon });
    else if (emoji !== undefined) tokens.push({ kind: 'emoji', text: emoji.replace(/\p{Emoji_Modifier}|\uFE0F/gu, '') });
    else tokens.push({ kind: 'break', text: match[0] });
  }
  return tokens;
}
