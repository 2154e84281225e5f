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
 * placeholder is. graphql-ws encodes a message and sends it in one synchronous step, so the JSON
 * noted is always the one for the message being sent; a message that does not end with the
 * placeholder is sent as it is.
 */
import type { ExecutionResult, FormattedExecutionResult } from 'graphql';
import type { WebSocket } from 'ws';

const encoded = new WeakMap<object, string>();

/** What `onNext` returns in place of a shared result. */
class SerializedPayload {
  constructor(readonly json: string) {}
}

const PLACEHOLDER = '__skym_serialized_payload__';
/** The end of a `next` message whose payload is the placeholder (payload is its last key). */
const PLACEHOLDER_TAIL = `"payload":"${PLACEHOLDER}"}`;
const PAYLOAD_KEY = '"payload":';

/** The JSON of the marker in the message being encoded right now. */
let noted: string | undefined;

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
    noted = value.json;
    return PLACEHOLDER;
  }
  return value;
}

/** The message as it goes out: the noted JSON in place of the placeholder. */
export function spliceSerialized(message: string): string {
  if (noted === undefined || !message.endsWith(PLACEHOLDER_TAIL)) return message;
  const json = noted;
  noted = undefined;
  return `${message.slice(0, message.length - PLACEHOLDER_TAIL.length)}${PAYLOAD_KEY}${json}}`;
}

/** Splices every text message this connection sends. */
export function spliceOnSend(socket: WebSocket): void {
  const send = socket.send.bind(socket);
  socket.send = ((data: unknown, ...rest: unknown[]) =>
    (send as (...args: unknown[]) => void)(typeof data === 'string' ? spliceSerialized(data) : data, ...rest)) as WebSocket['send'];
}
