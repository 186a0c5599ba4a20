import type { CanonicalData } from '../model/index.ts';
import { scoreSentiment } from '../sentiment/index.ts';

/**
 * The event as mappings see it: the stored canonical data, with `sentiment` filled in by Parley's
 * lexicon scorer (src/sentiment/) for an interaction whose source sent none (only listening tools
 * send one). The stored event is never changed: the score is worked out again at each planning,
 * preview and resync, so a better scorer applies to past events too. A score the source sent is
 * kept as it is; a text in a language the scorer has no lexicon for stays without one.
 *
 * The score is worked out only when an expression reads it (a getter that keeps its answer): most
 * mappings never do, and scoring costs ~12 µs per text (bench:plan).
 */
export function mappingInput(data: CanonicalData): CanonicalData {
  if (data.kind !== 'interaction' || data.sentiment !== undefined || data.text === undefined) return data;
  const text = data.text, language = data.language;
  const input = { ...data };
  Object.defineProperty(input, 'sentiment', {
    enumerable: true, configurable: true,
    get(this: CanonicalData) {
      const sentiment = scoreSentiment(text, language);
      // Kept: the next read (another mapping's `when`) costs nothing; undefined stays absent.
      Object.defineProperty(this, 'sentiment', { value: sentiment, enumerable: sentiment !== undefined, configurable: true, writable: true });
      return sentiment;
    },
  });
  return input;
}
