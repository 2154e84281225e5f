/** `ws` for the browser bundle: the browser's own WebSocket (it sends no custom headers). */
export default globalThis.WebSocket;
