/**
 * The base of every skym command: shared flags live here (oclif `baseFlags`), `--json` prints a
 * command's returned result instead of its human output, and failures are printed in one place.
 *
 * - `this.out` is the JSON-aware output (cli/format.ts): quiet under `--json`, so commands never
 *   branch on it.
 * - `catch` turns any failure into `Error: <sentence>` on stderr (or `{"error": …}` under `--json`)
 *   through cli/errors.ts, with exit status 1 (oclif's usage errors keep 2); never a stack trace
 *   unless the log level is debug or trace.
 *
 * Commands that talk to the API extend ApiCommand (cli/api-command.ts), which adds `--api`.
 */
import { Command, Errors, Flags, ux } from '@oclif/core';
import { ConfigError, LOG_LEVELS } from '../src/config/load.js';
import { explainError } from './errors.js';
import { Output } from './format.js';

const DEBUG_LEVELS = new Set(['debug', 'trace']);

export abstract class BaseCommand extends Command {
  static override enableJsonFlag = true;

  static override baseFlags = {
    'log-level': Flags.option({
      options: LOG_LEVELS,
      description: 'Log verbosity (stderr). Default: $SKYM_LOG_LEVEL or info. debug and trace also print stack traces of failures.',
      helpGroup: 'GLOBAL',
    })(),
  };

  /** The parsed --log-level, for commands that record it (it decides whether stacks print). */
  protected logLevel?: string;

  private output?: Output;

  protected get out(): Output {
    this.output ??= new Output({
      json: this.jsonEnabled(),
      stdout: (text) => ux.stdout(text),
      stderr: (text) => ux.stderr(text),
      color: Boolean(process.stdout.isTTY),
    });
    return this.output;
  }

  /**
   * Prints one failure and carries on, for commands that work through several objects (delete,
   * apply): the others still get done, and the command exits 1 at the end. `about` says which
   * object failed when the message alone would not.
   */
  protected report(error: unknown, about?: string): void {
    const { message } = explainError(error);
    if (!this.jsonEnabled()) ux.stderr(`Error: ${about ? `${about}: ` : ''}${message}`);
    this.printStack(error);
    process.exitCode = 1;
  }

  /**
   * `act` on each of `items`, for commands that work through several objects: a failure of the
   * only item is the command's; with more, each failure is reported and the rest still done.
   */
  protected async forEachReporting<T, R>(items: readonly T[], act: (item: T) => Promise<R>): Promise<R[]> {
    const results: R[] = [];
    for (const item of items) {
      try {
        results.push(await act(item));
      } catch (error) {
        if (items.length === 1) throw error;
        this.report(error);
      }
    }
    return results;
  }

  /** A process's configuration (src/config), or exit 2 naming what is wrong with it. */
  protected configure<T>(load: () => T): T {
    try {
      return load();
    } catch (error) {
      if (error instanceof ConfigError) this.error(error.message, { exit: 2 });
      throw error;
    }
  }

  protected override async catch(error: Error): Promise<never> {
    // oclif's exit() travels as an error; it is not a failure to report.
    if (error instanceof Errors.ExitError) throw error;
    const report = explainError(error);
    if (this.jsonEnabled()) {
      this.logJson({ error: { message: report.message, code: report.code, field: report.field } });
    } else {
      ux.stderr(`Error: ${report.message}`);
    }
    this.printStack(error);
    this.exit(report.exitCode);
  }

  private printStack(error: unknown): void {
    const level = this.logLevel ?? process.env.SKYM_LOG_LEVEL;
    if (level && DEBUG_LEVELS.has(level) && error instanceof Error && error.stack) ux.stderr(error.stack);
  }
}
