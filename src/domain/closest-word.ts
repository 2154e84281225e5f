/**
 * "Did you mean …?": the word people most likely meant, for mistyped kinds (here, so that manifest
 * reading in src/client can suggest one in a browser too) and commands (cli/suggest.ts).
 * Closeness is the Damerau-Levenshtein distance, so a swap of two letters (`gte`) is one edit, as
 * are a letter missing, added or wrong.
 */
import distance from 'damerau-levenshtein';

/** How many edits a word may be off and still be suggested: one in short words, two from six letters. */
export const tolerance = (word: string): number => (word.length >= 6 ? 2 : 1);

/** Edits between two words, case aside. */
export const edits = (typed: string, word: string): number => distance(typed.toLowerCase(), word.toLowerCase()).steps;

/** The candidate closest to `typed` within its tolerance; the earlier one on a tie. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  let best: { word: string; edits: number } | undefined;
  for (const word of candidates) {
    const off = edits(typed, word);
    if (off <= tolerance(word) && (best === undefined || off < best.edits)) best = { word, edits: off };
  }
  return best?.word;
}
