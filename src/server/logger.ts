/**
 * One pino logger for the server process. It writes to stderr so that stdout carries only what
 * scripts read (the "listening" line). `silent` (SKYM_LOG_LEVEL=silent) keeps tests quiet.
 */
import { destination, pino, type Logger } from 'pino';
import type { YogaLogger } from 'graphql-yoga';
import type { LogLevel } from '../config.js';

export type { Logger };

export function createLogger(level: LogLevel): Logger {
  return pino({ name: 'skym', level }, destination({ dest: 2, sync: true }));
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
