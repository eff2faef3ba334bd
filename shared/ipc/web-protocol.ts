/**
 * How the renderer reaches the main side when it runs in a browser (the web host) instead of Electron.
 * The per-launch secret travels in the page URL's fragment (never sent to the server by the browser),
 * then on every request in a header, and on the event socket as a WebSocket subprotocol (so it is not
 * in any URL a log might keep).
 */
export const WEB_PROTOCOL = {
  /** `#token=<secret>` in the URL the host prints. */
  fragmentKey: 'token',
  /** Invoke: `POST /rpc/<channel>` with a JSON body (the input); answers a JSON Result. */
  rpcPath: '/rpc/',
  tokenHeader: 'x-patchbay-token',
  /** Events: a WebSocket at this path; frames are `{"event": name, "payload": …}`. */
  eventsPath: '/events',
  /** Subprotocols offered by the client: this one, and `token.<secret>`. */
  subprotocol: 'patchbay.v1',
  tokenSubprotocolPrefix: 'token.',
} as const;

export interface EventFrame {
  event: string;
  payload: unknown;
}
