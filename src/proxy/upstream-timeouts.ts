// How long the proxy waits on a real server: for the TCP connection, the TLS handshake, and the response (its
// headers, then any silence in its body while the client is reading). Without limits an upstream that accepts
// and never answers holds the call forever. The clock is the socket's own idle timer (socket.setTimeout,
// refreshed by traffic and re-armed per phase), not a setTimeout of ours next to it; it starts when the request
// is sent to the server, so time a scenario held the request does not count.
import http from 'node:http';
import net from 'node:net';

export interface UpstreamTimeouts {
  /** From asking for a connection to having one (DNS included). 0: no limit. */
  connectMs: number;
  /** From the TCP connection to a completed TLS handshake (HTTPS only). 0: no limit. */
  tlsHandshakeMs: number;
  /**
   * Once the request is sent: until the response headers arrive, and then the longest silence in the response
   * body while the client keeps reading (a client that stops reading pauses the clock). 0: no limit.
   */
  responseMs: number;
}

export const DEFAULT_UPSTREAM_TIMEOUTS: Readonly<UpstreamTimeouts> = { connectMs: 10_000, tlsHandshakeMs: 10_000, responseMs: 120_000 };

export type TimeoutPhase = 'connect' | 'tls_handshake' | 'response';

export interface TimeoutWatch {
  /** Called when the current phase's limit passed with nothing happening. */
  onTimeout(phase: TimeoutPhase, limitMs: number): void;
  /**
   * In the response phase, whether the proxy is really waiting for the server (and not for its own client to
   * read, or to send more of the request body). A timeout while it is not is not the server's fault.
   */
  waitingOnServer(): boolean;
}

/** Watches `request`'s socket phase by phase; returns a function that stops watching (call it once done). */
export function watchUpstreamTimeouts(request: http.ClientRequest, secure: boolean, limits: UpstreamTimeouts, watch: TimeoutWatch): () => void {
  let socket: net.Socket | undefined;
  let phase: TimeoutPhase = 'connect';
  let stopped = false;
  const limitOf = (p: TimeoutPhase): number => (p === 'connect' ? limits.connectMs : p === 'tls_handshake' ? limits.tlsHandshakeMs : limits.responseMs);
  const enter = (p: TimeoutPhase): void => {
    phase = p;
    socket?.setTimeout(limitOf(p));
  };
  const onTimeout = (): void => {
    if (stopped) return;
    if (phase === 'response' && !watch.waitingOnServer()) {
      socket?.setTimeout(limits.responseMs); // look again later
      return;
    }
    watch.onTimeout(phase, limitOf(phase));
  };
  const onConnect = (): void => {
    if (!stopped) enter(secure ? 'tls_handshake' : 'response');
  };
  const onSecure = (): void => {
    if (!stopped) enter('response');
  };
  const onSocket = (s: net.Socket): void => {
    if (stopped) return;
    socket = s;
    s.on('timeout', onTimeout);
    if (!s.connecting) return enter('response');
    enter('connect');
    s.once('connect', onConnect);
    if (secure) s.once('secureConnect', onSecure);
  };
  request.once('socket', onSocket);
  return () => {
    if (stopped) return;
    stopped = true;
    request.off('socket', onSocket);
    if (socket === undefined) return;
    socket.off('timeout', onTimeout);
    socket.off('connect', onConnect);
    socket.off('secureConnect', onSecure);
    // Before the agent takes the socket back (it sets its own idle timer then, on the next tick).
    if (!socket.destroyed) socket.setTimeout(0);
  };
}

/** What a record says about a timeout: which one, and its limit. */
export function timeoutError(phase: TimeoutPhase, limitMs: number, headersReceived: boolean): string {
  if (phase === 'connect') return `upstream connect timeout: no connection within ${limitMs} ms`;
  if (phase === 'tls_handshake') return `upstream TLS handshake timeout: no completed handshake within ${limitMs} ms`;
  return headersReceived
    ? `upstream response timeout: the response body stalled for ${limitMs} ms`
    : `upstream response timeout: no response headers within ${limitMs} ms`;
}
