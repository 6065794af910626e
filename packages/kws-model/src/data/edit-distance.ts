/**
 * Levenshtein distance: the fewest insertions, deletions and substitutions that turn `a` into `b`,
 * by the usual row-by-row dynamic programme (d[i][j] = min(d[i-1][j] + 1, d[i][j-1] + 1,
 * d[i-1][j-1] + [a_i != b_j])). Works on strings (letters) and on token lists (phonemes) alike:
 * the CLI's "did you mean" and the synthetic set's near-homophones both use it.
 *
 * @example editDistance('thread', 'threads'); // 1
 * @example editDistance(['S', 'i:', 'l', '@'], ['S', 'e', 'l', '@']); // 1
 */
export function editDistance<T>(a: ArrayLike<T>, b: ArrayLike<T>): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}
