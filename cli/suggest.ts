/**
 * "Did you mean …?" for mistyped command names (`skym gte jobs`); word closeness is
 * src/domain/closest-word.ts, shared with kinds.
 */
import { edits, tolerance } from '../src/domain/closest-word.js';

export { closest, tolerance } from '../src/domain/closest-word.js';

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
