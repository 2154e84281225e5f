/**
 * oclif's command_not_found hook: instead of oclif's `command gte:jobs not found`, one line in the
 * words people type, with the closest command if there is one (`Did you mean skym get jobs?`), and
 * exit status 2, as other usage mistakes.
 */
import { ux, type Hook } from '@oclif/core';
import { suggestCommand } from '../suggest.js';

const hook: Hook.CommandNotFound = async function ({ id, argv, config }) {
  const separator = config.topicSeparator;
  // Hidden commands are not suggested, except the short names (`create deploy`) that are aliases.
  const commands = config.commands
    .filter((command) => !command.hidden || command.hiddenAliases.includes(command.id))
    .map((command) => command.id.split(':'));
  const { unknown, suggestion } = suggestCommand(id.split(':'), commands);
  const rest = (argv ?? []).map(shellWord).join(' ');
  const bin = config.bin;
  const advice = suggestion ? `Did you mean ${bin} ${suggestion.split(' ').join(separator)}${rest ? ` ${rest}` : ''}?` : `See ${bin} --help for the commands.`;
  ux.stderr(`Error: "${unknown}" is not a ${bin} command. ${advice}`);
  this.exit(2);
};

/** A word as a shell needs it typed: `--run 'echo hi'`. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

export default hook;
