/**
 * A shared subscription result is serialized to JSON once, not once per subscriber.
 *
 * Every subscriber of an event with the same document gets the same frozen result object
 * (useSharedSubscriptionResults). graphql-ws, though, JSON-encodes each `next` message whole, so
 * a thousand watchers of a Job meant a thousand encodings of that Job: the largest single cost
 * of the fan-out. kube-apiserver caches an event's encoding for all its watchers the same way.
 *
 * graphql-ws offers no way to send a string it did not encode, only two hooks, used here:
 * - `onNext` may replace a message's payload: a shared result becomes a marker holding its JSON,
 *   encoded on first use and cached by the result object;
 * - the JSON replacer writes that marker as a placeholder string, so the message's encoding
 *   never walks the result, and notes the JSON;
 * then, as the message is handed to the socket, `spliceSerialized` puts the JSON where the
 * placeholder is. Each placeholder is numbered and its JSON kept under that number until the
 * splice, so a message always gets its own payload even if the library ever sent messages later
 * than it encodes them (6.4.2 does both in one synchronous step). A message that does not end
 * with a placeholder is sent as it is.
 */
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

const encoded = new WeakMap<object, string>();

/** What `onNext` returns in place of a shared result. */
class SerializedPayload {
  constructor(readonly json: string) {}
}

/** The end of a `next` message whose payload is a placeholder (payload is its last key). */
const PLACEHOLDER_TAIL = /"payload":"__skym_serialized_payload_(\d+)__"\}$/;
const PAYLOAD_KEY = '"payload":';

/**
 * JSON noted by number, until its message is spliced. Bounded: a message whose send was skipped
 * (its socket had closed) leaves its entry behind, and the oldest go first.
 */
const noted = new Map<number, string>();
const MAX_NOTED = 4096;
let sequence = 0;

/** graphql-ws `onNext`: a shared (frozen) result goes out as its cached JSON. */
export function serializedPayload(result: ExecutionResult): FormattedExecutionResult | undefined {
  if (!Object.isFrozen(result)) return undefined; // one subscriber's own result: encoded as usual
  let json = encoded.get(result);
  if (json === undefined) encoded.set(result, (json = JSON.stringify(result)));
  return new SerializedPayload(json) as FormattedExecutionResult;
}

/** graphql-ws `jsonMessageReplacer`. */
export function payloadReplacer(_key: string, value: unknown): unknown {
  if (value instanceof SerializedPayload) {
    const number = (sequence = (sequence + 1) % Number.MAX_SAFE_INTEGER);
    noted.set(number, value.json);
    if (noted.size > MAX_NOTED) noted.delete(noted.keys().next().value!);
    return `__skym_serialized_payload_${number}__`;
  }
  return value;
}

/** The message as it goes out: its noted JSON in place of its placeholder. */
export function spliceSerialized(message: string): string {
  if (noted.size === 0 || !message.endsWith('__"}')) return message;
  const tail = PLACEHOLDER_TAIL.exec(message);
  if (!tail) return message;
  const number = Number(tail[1]);
  const json = noted.get(number);
  if (json === undefined) return message;
  noted.delete(number);
  return `${message.slice(0, tail.index)}${PAYLOAD_KEY}${json}}`;
}

/** Splices every text message this connection sends. */
export function spliceOnSend(socket: WebSocket): void {
  const send = socket.send.bind(socket);
  socket.send = ((data: unknown, ...rest: unknown[]) =>
    (send as (...args: unknown[]) => void)(typeof data === 'string' ? spliceSerialized(data) : data, ...rest)) as WebSocket['send'];
}
