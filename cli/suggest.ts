/**
 * "Did you mean …?" for words people mistype: command names (`skym gte jobs`) and kinds (`skym get
 * jbos`). Closeness is the Damerau-Levenshtein distance, so a swap of two letters (`gte`) is one
 * edit, as are a letter missing, added or wrong.
 */
import distance from 'damerau-levenshtein';

/** How many edits a word may be off and still be suggested: one in short words, two from six letters. */
export const tolerance = (word: string): number => (word.length >= 6 ? 2 : 1);

const edits = (typed: string, word: string): number => distance(typed.toLowerCase(), word.toLowerCase()).steps;

/** The candidate closest to `typed` within its tolerance; the earlier one on a tie. */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  let best: { word: string; edits: number } | undefined;
  for (const word of candidates) {
    const off = edits(typed, word);
    if (off <= tolerance(word) && (best === undefined || off < best.edits)) best = { word, edits: off };
  }
  return best?.word;
}

export interface CommandSuggestion {
  /** What the user typed that is not a command, as they typed it: `gte`, `create jbo`. */
  unknown: string;
  /** The command line they likely meant, words after the command kept: `get jobs`. */
  suggestion?: string;
}

/**
 * `typed` is the words of the command line before its flags (`['gte', 'jobs']`), `commands` every
 * command as its words (`['create', 'job']`). The command whose words are closest to the first
 * typed ones wins, each word within its tolerance; the typed words after it are its arguments.
 */
export function suggestCommand(typed: readonly string[], commands: readonly (readonly string[])[]): CommandSuggestion {
  let best: { command: readonly string[]; edits: number } | undefined;
  for (const command of commands) {
    if (command.length > typed.length) continue;
    let off = 0;
    for (let i = 0; i < command.length && off !== Infinity; i++) {
      const e = edits(typed[i], command[i]);
      off = e <= tolerance(command[i]) ? off + e : Infinity;
    }
    if (off < (best?.edits ?? Infinity)) best = { command, edits: off };
  }
  // The typed words up to the first one that no command (or topic) has in that place.
  const known = (n: number) => commands.some((command) => command.length > n && typed.slice(0, n + 1).every((word, i) => word === command[i]));
  let depth = 0;
  while (depth < typed.length - 1 && known(depth)) depth++;
  const unknown = typed.slice(0, depth + 1).join(' ');
  if (!best) return { unknown };
  return { unknown, suggestion: [...best.command, ...typed.slice(best.command.length)].join(' ') };
}
