import { INTENSIFIERS, NEGATORS, phraseAt, valenceOf } from './lexicon.ts';
import { tokenize } from './tokens.ts';

/**
 * The built-in sentiment scorer, for interactions no listening tool scored: a lexicon scorer in the
 * manner of VADER (Hutto & Gilbert, 2014) over AFINN-165. English only. It reads words, not meaning:
 * sarcasm ("Great. 🙄" is caught by the emoji, "great job" alone is not) and complaints worded in
 * neutral words ("where is my order??") are beyond it. Its accuracy on the labelled sample in
 * test/fixtures/sentiment/ is measured by src/sentiment/accuracy.test.ts.
 */

/** A score at or below this is negative (for `sentimentLabel`, and the threshold mappings should use). */
export const SENTIMENT_NEGATIVE_MAX = -0.25;
/** A score at or above this is positive. Between the two it is neutral. */
export const SENTIMENT_POSITIVE_MIN = 0.25;

export type SentimentLabel = 'negative' | 'neutral' | 'positive';

/**
 * How the summed valence (AFINN's −5…5 per word, added up) becomes −1…1: `sum / √(sum² + α)`, as
 * VADER does. It is odd, monotonic and saturates smoothly, so one word never reaches ±1 and a long
 * rant does not overflow. α = 16 puts one weak word (±1: "refund", "late") at ±0.243, just inside
 * the neutral band, so a single mild word never decides a text; ±2 gives ±0.447, ±3 ±0.6, ±6 ±0.832.
 */
const ALPHA = 16;
/** "not good" is about −¾ of "good", not "bad" (VADER's −0.74): negation weakens as it flips. */
const NEGATION_FACTOR = -0.75;
/** How many words after a negator it may wait for a rated word, within its clause ("not at all happy"). */
const NEGATION_REACH = 3;
/** How many words after an intensifier it may wait for a rated word ("very, very good" is two clauses). */
const INTENSIFIER_REACH = 2;
/** "…, but …": the clause after a contrast says what the writer means (VADER's weights). */
const BEFORE_CONTRAST = 0.5;
const AFTER_CONTRAST = 1.5;

/**
 * Scores how positive `text` is: −1 (very negative) … 1 (very positive), 0 when it has no rated
 * word, rounded to three decimals. `language` is a BCP 47 tag (`en`, `en-GB`); undefined means the
 * text is read as English. Any other language gives undefined: the scorer has no lexicon for it,
 * and a guess would be noise.
 *
 * @example scoreSentiment('Thanks for the quick help!') // 0.6
 * @example scoreSentiment('Still waiting for my refund. Not happy at all') // −0.795
 * @example scoreSentiment('Merci beaucoup', 'fr') // undefined
 */
export function scoreSentiment(text: string, language?: string): number | undefined {
  if (language !== undefined && language.split(/[-_]/)[0]!.toLowerCase() !== 'en') return undefined;
  const sum = sumValence(text);
  return Math.round((sum / Math.sqrt(sum * sum + ALPHA)) * 1000) / 1000;
}

/** The label a score falls under, by SENTIMENT_NEGATIVE_MAX and SENTIMENT_POSITIVE_MIN. */
export function sentimentLabel(score: number): SentimentLabel {
  if (score <= SENTIMENT_NEGATIVE_MAX) return 'negative';
  if (score >= SENTIMENT_POSITIVE_MIN) return 'positive';
  return 'neutral';
}

/** The text's valence on AFINN's scale, summed: negations, intensifiers and a contrast applied. */
function sumValence(text: string): number {
  const tokens = tokenize(text);
  const texts = tokens.map((token) => token.text);
  const rated: number[] = [];
  let negationLeft = 0;
  let intensity = 1;
  let intensityLeft = 0;
  // How many rated words came before the first "but"; only the first contrast splits, as in VADER.
  let contrastAt: number | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'break') {
      negationLeft = 0;
      intensityLeft = 0;
      continue;
    }
    if (token.kind === 'word' && token.text === 'but') {
      contrastAt ??= rated.length;
      negationLeft = 0;
      continue;
    }
    // A phrase is rated whole, so a negator inside it ("does not work") is already accounted for.
    const phrase = token.kind === 'word' ? phraseAt(texts, i) : undefined;
    if (phrase === undefined && token.kind === 'word' && NEGATORS.has(token.text)) {
      negationLeft = NEGATION_REACH;
      continue;
    }
    const factor = phrase === undefined && token.kind === 'word' ? INTENSIFIERS.get(token.text) : undefined;
    if (factor !== undefined) {
      intensity = factor;
      intensityLeft = INTENSIFIER_REACH;
      continue;
    }
    let valence = phrase?.valence ?? valenceOf(token.text);
    if (phrase) i += phrase.length - 1;
    if (valence !== undefined && valence !== 0) {
      if (intensityLeft > 0) valence *= intensity;
      // Emoji are how the writer feels, whatever word came before them.
      if (negationLeft > 0 && token.kind === 'word') valence *= NEGATION_FACTOR;
      rated.push(valence);
      // A negator turns the first rated word it reaches, not the rest of the clause ("nobody cares #fail").
      negationLeft = 0;
      intensityLeft = 0;
    } else {
      negationLeft = Math.max(0, negationLeft - 1);
      intensityLeft = Math.max(0, intensityLeft - 1);
    }
  }
  const weight = (index: number) => (contrastAt === undefined ? 1 : index < contrastAt ? BEFORE_CONTRAST : AFTER_CONTRAST);
  return rated.reduce((sum, valence, index) => sum + valence * weight(index), 0);
}
