/**
 * @module core/suggest
 * "Did you mean" suggestions: the closest allowed word by edit distance, offered only when it
 * is close enough to be a plausible typo (so a wrong key never gets a random suggestion).
 */

/** Levenshtein distance between `a` and `b` (insertions, deletions, substitutions cost 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length === 0) return b.length;
  if (b.length === 0) return a.length;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/**
 * The candidate closest to `word`, or null when none is within a typo's reach: a
 * case-insensitive match, an edit distance of at most max(2, a third of the word's length), or
 * else a candidate that `word` (3+ characters) is the beginning of.
 */
export function closest(word: string, candidates: Iterable<string>): string | null {
  const list = [...candidates];
  const lower = word.toLowerCase();
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of list) {
    const d = candidate.toLowerCase() === lower ? 0 : editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best !== null && bestDistance <= limit) return best;
  // A truncated word ("buffer" for "buffer_one"): the first candidate it begins.
  if (lower.length >= 3) {
    for (const candidate of list) {
      if (candidate.toLowerCase().startsWith(lower)) return candidate;
    }
  }
  return null;
}

/** `did you mean "x"?`, or null when nothing is close. */
export function didYouMean(word: string, candidates: Iterable<string>): string | null {
  const match = closest(word, candidates);
  return match === null ? null : `did you mean ${JSON.stringify(match)}?`;
}
