export { SENTIMENT_NEGATIVE_MAX, SENTIMENT_POSITIVE_MIN, scoreSentiment, sentimentLabel, type SentimentLabel } from './score.ts';
