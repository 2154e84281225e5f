/**
 * ssh hands the remote side one command line, which the login shell there splits again: every
 * argument must reach the remote program as it was here, whatever it contains. POSIX single
 * quotes keep everything literal except the single quote itself, which is closed, escaped and
 * reopened ('\''). Plain words stay unquoted so that logged commands read well.
 */

/** Characters no POSIX shell treats specially (outside the first position of a word: `=`, `~`). */
const PLAIN = /^[A-Za-z0-9_\-.,:/@%+=]+$/;

/** One argument, quoted for a POSIX shell. NUL cannot travel in a command line and is refused. */
export function shellQuote(argument: string): string {
  if (argument.includes('\0')) throw new Error(`cannot pass an argument containing a NUL byte to a remote shell: ${JSON.stringify(argument.slice(0, 80))}`);
  if (PLAIN.test(argument) && !argument.startsWith('=')) return argument;
  return `'${argument.replace(/'/g, `'\\''`)}'`;
}

/** The command line that runs `command` with `args` on the remote side, each word quoted. */
export function remoteCommandLine(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}
