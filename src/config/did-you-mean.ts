/**
 * The known word a typo most likely meant, or undefined when none is close. Case is ignored
 * (`requestTimeoutMS` means `requestTimeoutMs`), and a swap of two neighbours counts as one edit,
 * because `clientSecert` is the typo people make.
 *
 * "Close" is at most one edit for words up to five letters and two beyond: looser than that, and
 * `name` would suggest `file` to someone who meant neither.
 */
export function closestWord(word: string, known: readonly string[]): string | undefined {
  const limit = word.length <= 5 ? 1 : 2;
  let best: { word: string; distance: number } | undefined;
  for (const candidate of known) {
    if (candidate === word) continue;
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { word: candidate, distance };
  }
  return best?.word;
}

// Optimal string alignment distance: Levenshtein plus adjacent transpositions.
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
