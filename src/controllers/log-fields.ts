/**
 * pino writes every binding of every child as it is given, so a key bound by a parent and bound
 * (or logged) again shows twice in one line (`{"cluster":"local","cluster":"local"}`). Components
 * that want a key on their lines bind it here, only where the logger they were handed has not.
 */
import type { Logger } from 'pino';

export function boundTo(logger: Logger, fields: Record<string, string>): Logger {
  const bound = logger.bindings();
  const missing = Object.entries(fields).filter(([key]) => !(key in bound));
  return missing.length === 0 ? logger : logger.child(Object.fromEntries(missing));
}
