/**
 * One pino logger for the server process. It writes to stderr so that stdout carries only what
 * scripts read (the "listening" line). `silent` (SKYM_LOG_LEVEL=silent) keeps tests quiet.
 *
 * On a terminal the lines are for a person (pino-pretty: `12:04:31 INFO: Cluster local is READY.
 * {"cluster":"local"}`); anywhere else (a file, a pipe, a test, CI) they stay one JSON object per
 * line for tools to parse. Both are written synchronously, so nothing is lost when the process exits.
 */
import { destination, pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { YogaLogger } from 'graphql-yoga';
import type { LogLevel } from '../config/load.js';

export type { Logger };

export interface LoggerOptions {
  /** Human-readable lines instead of JSON. Default: whether stderr is a terminal. */
  pretty?: boolean;
  /** Where lines go. Default: stderr. */
  stream?: DestinationStream | NodeJS.WritableStream;
}

export function createLogger(level: LogLevel, options: LoggerOptions = {}): Logger {
  const { pretty: human = Boolean(process.stderr.isTTY) } = options;
  if (!human) return pino({ name: 'skym', level }, (options.stream as DestinationStream | undefined) ?? destination({ dest: 2, sync: true }));
  const stream = pretty({
    destination: options.stream ?? 2,
    sync: true,
    translateTime: 'SYS:HH:MM:ss',
    // The process, host and logger name are the same on every line of one terminal.
    ignore: 'pid,hostname,name',
    // Fields after the message on the same line, so lines stay one per event.
    singleLine: true,
    // Colours for a terminal only, and not when NO_COLOR asks for none.
    colorize: options.stream === undefined && Boolean(process.stderr.isTTY) && !process.env.NO_COLOR,
  });
  return pino({ name: 'skym', level }, stream);
}

/** Yoga logs through pino: an unexpected (masked) error lands here with its stack. */
export function yogaLogger(logger: Logger): YogaLogger {
  const forward =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]) => {
      if (!logger.isLevelEnabled(level)) return; // Yoga logs per request at debug
      const [first, ...rest] = args;
      if (first instanceof Error) logger[level]({ err: first }, rest.map(String).join(' ') || first.message);
      else logger[level](args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    };
  return { debug: forward('debug'), info: forward('info'), warn: forward('warn'), error: forward('error') };
}
