/**
 * Who may talk to the web host. The socket is bound to 127.0.0.1, but a web page the person has open
 * can still reach it: through DNS rebinding (a hostile name resolving to 127.0.0.1 — caught by the
 * Host check) or as a cross-site request (caught by the Origin check; browsers apply no CORS to
 * WebSockets, so the event socket needs it as much as the RPCs). The secret is checked separately.
 */

/** The Host header must name this host exactly: `127.0.0.1:PORT` or `localhost:PORT`. */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (typeof host !== 'string') return false;
  const value = host.toLowerCase();
  return value === `127.0.0.1:${port}` || value === `localhost:${port}`;
}

/**
 * An Origin, when the client sends one, must be this host's own origin, i.e. the origin of the page
 * the request's Host names. `null` (sandboxed frames, file: pages) is refused. Call after isAllowedHost.
 */
export function isAllowedOrigin(origin: string | undefined, host: string): boolean {
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}
