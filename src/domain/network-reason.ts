/**
 * Why a connection failed, in a word where the platform has one: for messages that say what went
 * wrong talking to another Sky component (the client to the API server, the API server to a
 * Skylet), without a stack of wrapped errors.
 */

/** The reason a socket or fetch failed, as short as the platform allows ("ECONNREFUSED"). */
export function networkReason(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, message, cause, error: inner } = error as { code?: unknown; message?: unknown; cause?: unknown; error?: unknown };
  // fetch wraps the socket error in `cause`; ws's ErrorEvent wraps it in `error`.
  if (cause !== undefined) return networkReason(cause);
  if (inner !== undefined) return networkReason(inner);
  if (typeof code === 'string') return code;
  if (typeof code === 'number') {
    const { reason } = error as { reason?: unknown };
    return `WebSocket closed with code ${code}${typeof reason === 'string' && reason !== '' ? `: ${reason}` : ''}`;
  }
  return typeof message === 'string' && message !== '' ? message : 'connection failed';
}
