// What happens to a CONNECT tunnel once the client starts talking: TLS is terminated right on the client's own
// socket with a certificate from the proxy CA, and the decrypted HTTP goes to an in-process HTTP server (no
// listening port, no loopback hop). http-mitm-proxy would instead open a loopback TCP connection per tunnel to
// a per-host HTTPS server; doing it in place keeps the client's socket at hand for scenario resets.
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { Logger } from '../core/logger';
import { errorText } from './error-text';
import { LeafCertificates } from './leaf-certificates';

/** Where a tunnelled client asked to go, and its own TCP connection to the proxy. */
export interface TunnelTarget {
  hostname: string;
  port: number;
  /** The client's TCP socket (the CONNECT socket). Resetting it resets the client's connection. */
  clientSocket: net.Socket;
}

export interface ConnectInterceptorOptions {
  leafCertificates: LeafCertificates;
  /** The URL of the CA's CRL as the client on this socket reaches the proxy (leaves name it). */
  crlUrlFor: (clientSocket: net.Socket) => string;
  /** Receives decrypted HTTPS connections. */
  httpsTraffic: http.Server;
  /** Receives tunnels that turn out to carry plain HTTP: the proxy's own listening server. */
  plainTraffic: () => http.Server | undefined;
  log: Logger;
}

const TUNNEL_BUFFER_BYTES = 256 * 1024;

export class ConnectInterceptor {
  /** Keyed by the socket an HTTP request arrives on: the TLS socket, or the raw socket for plain tunnels. */
  private readonly targets = new WeakMap<net.Socket, TunnelTarget>();

  constructor(private readonly options: ConnectInterceptorOptions) {}

  /** The tunnel a request's socket belongs to; undefined for requests sent to the proxy directly. */
  tunnelOf(requestSocket: net.Socket): TunnelTarget | undefined {
    return this.targets.get(requestSocket);
  }

  /** Takes over a CONNECT socket after its first bytes arrived (`head`, already read from the socket). */
  accept(connectRequest: http.IncomingMessage, clientSocket: net.Socket, head: Buffer): void {
    clientSocket.pause();
    if (head.length > 0) clientSocket.unshift(head);
    const target = parseConnectAuthority(connectRequest.url ?? '');
    if ('problem' in target) {
      // MitmProxy answers these with 400 before the tunnel opens; this is only a second line of defence.
      clientSocket.destroy();
      return;
    }
    const tunnel: TunnelTarget = { ...target, clientSocket };
    // TLS records start with 0x16 (handshake); anything else is taken as plain HTTP through the tunnel.
    if (head[0] === 0x16) this.terminateTls(tunnel);
    else {
      const plainTraffic = this.options.plainTraffic();
      if (plainTraffic === undefined) {
        clientSocket.destroy();
        return;
      }
      this.targets.set(clientSocket, tunnel);
      plainTraffic.emit('connection', clientSocket);
      clientSocket.resume();
    }
  }

  private terminateTls(tunnel: TunnelTarget): void {
    const crlUrl = this.options.crlUrlFor(tunnel.clientSocket);
    let secureContext: tls.SecureContext;
    try {
      secureContext = this.options.leafCertificates.contextFor(tunnel.hostname, crlUrl);
    } catch (error) {
      this.options.log.warn('cannot issue a certificate; closing the tunnel', { host: tunnel.hostname, error: errorText(error) });
      tunnel.clientSocket.destroy();
      return;
    }
    this.startTls(tunnel, secureContext, crlUrl);
  }

  private startTls(tunnel: TunnelTarget, secureContext: tls.SecureContext, crlUrl: string): void {
    const { leafCertificates, log } = this.options;
    // Node honours highWaterMark here; its typings do not list it.
    const options: tls.TLSSocketOptions & { highWaterMark: number } = {
      isServer: true,
      secureContext,
      // Clients that name another host in SNI than in CONNECT get a certificate for the SNI name.
      SNICallback: (servername, done) => {
        try {
          done(null, leafCertificates.contextFor(servername, crlUrl));
        } catch (error) {
          done(error as Error);
        }
      },
      ALPNProtocols: ['http/1.1'],
      // Downloads are piped with backpressure; a 16 KiB buffer would pause and resume the upstream for every TLS
      // record, a larger one lets it run while memory stays bounded per connection.
      highWaterMark: TUNNEL_BUFFER_BYTES,
    };
    const tlsSocket = new tls.TLSSocket(tunnel.clientSocket, options);
    this.targets.set(tlsSocket, tunnel);
    tlsSocket.on('error', (error) => {
      if (log.enabled('debug')) log.debug('client TLS connection error', { host: tunnel.hostname, error: errorText(error) });
      tlsSocket.destroy();
    });
    tlsSocket.once('secure', () => this.options.httpsTraffic.emit('connection', tlsSocket));
  }
}

export type ConnectTarget = { hostname: string; port: number } | { problem: string };

/** Parses a CONNECT request target, `host:port` or `[v6]:port`; otherwise says what is wrong with it. */
export function parseConnectAuthority(authority: string): ConnectTarget {
  const expected = 'expected host:port or [IPv6]:port, e.g. example.com:443';
  const shown = JSON.stringify(authority.length > 200 ? `${authority.slice(0, 200)}...` : authority);
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/[\]@]+)):([^:]*)$/.exec(authority);
  if (match === null) {
    if (authority === '') return { problem: `the CONNECT target is empty; ${expected}` };
    if (authority.startsWith('[') && !authority.includes(']')) return { problem: `the CONNECT target ${shown} has no closing ']'; ${expected}` };
    if (!authority.includes(':') || /^\[[^\]]*\]$/.test(authority)) return { problem: `the CONNECT target ${shown} has no port; ${expected}` };
    return { problem: `the CONNECT target ${shown} is not host:port; ${expected}` };
  }
  const rawPort = match[3];
  const port = /^\d{1,5}$/.test(rawPort) ? Number(rawPort) : NaN;
  if (!(port >= 1 && port <= 65535)) return { problem: `the port of the CONNECT target ${shown} is not from 1 to 65535` };
  const hostname = (match[1] ?? match[2]).toLowerCase();
  if (match[1] !== undefined && net.isIPv6(hostname) === false) return { problem: `the CONNECT target ${shown} is not a valid IPv6 address` };
  return { hostname, port };
}
