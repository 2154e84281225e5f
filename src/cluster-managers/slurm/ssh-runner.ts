/**
 * The Slurm commands on a login node, over the cluster's one SSH connection (../ssh). With
 * spec.slurm.slurmConf the commands get SLURM_CONF there (a path on the login node); without it,
 * the login node's default slurm.conf applies, as it does for its users.
 *
 * A remote command that fails is a SlurmCommandError with its exit status and stderr, as locally;
 * a connection that cannot be made or is lost is a SlurmCommandError with no exit status whose
 * message says so (the cluster controller turns repeated ones into ERROR with that reason).
 */
import { RemoteCommandError, SshConnectionError, type SshConnection } from '../ssh/connection.js';
import { SlurmCommandError, type RunOptions, type SlurmRunner } from './commands.js';

export class SshSlurmRunner implements SlurmRunner {
  readonly describe: string;

  constructor(
    readonly connection: SshConnection,
    private readonly slurmConf: string | undefined,
  ) {
    this.describe = `${connection.describe}${slurmConf ? ` with SLURM_CONF=${slurmConf}` : ''}`;
  }

  async run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
    // env(1) rather than an assignment: it works whatever the login shell (csh has no VAR=x cmd).
    const [program, programArgs] = this.slurmConf ? ['env', [`SLURM_CONF=${this.slurmConf}`, command, ...args]] : [command, args];
    try {
      return await this.connection.run(program, programArgs, { input: options.input, timeoutMs: options.timeoutMs ?? 60_000 });
    } catch (error) {
      if (error instanceof RemoteCommandError) {
        const shown = `${command} ${args.join(' ')}`.slice(0, 300);
        // 127: the shell's (and env's) "command not found".
        const why = error.exitCode === 127 ? `${command} is not installed on the login node (or not on its PATH)` : error.stderr.trim() || `exit status ${error.exitCode}`;
        throw new SlurmCommandError(`${shown}: ${why} (${this.describe})`, command, error.exitCode, error.stderr);
      }
      if (error instanceof SshConnectionError) throw new SlurmCommandError(error.message, command, null, '');
      throw error;
    }
  }
}
