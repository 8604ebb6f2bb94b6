// http-mitm-proxy, adapted: it listens, accepts proxy connections and answers CONNECT; what happens inside a
// tunnel, each request, and every error report are ours.
// - Requests go straight to the pipeline. The library's per-request context (a UUID, some twenty closures,
//   handler chains run through `async`) costs 10-15 % of the proxy's request rate, and its forwarding ignores
//   backpressure; nothing of it is used.
// - The library writes errors to console.error/console.debug and answers some with a 504 carrying the error
//   text; here errors go to our logger at debug level and the pipeline decides what the client sees.
// - Its listen() first loads or makes its own CA in sslCaDir with node-forge (RSA only: it cannot read this
//   proxy's EC CA, and it spins forever on a --ca-dir like /proc/x); certificates are ours (ca-store,
//   leaf-certificates), so listen() here only starts the HTTP server. WebSocket upgrades are not proxied.
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import { ErrorCallback, IContext, IProxyOptions, Proxy } from 'http-mitm-proxy';
import { Logger } from '../core/logger';
import { parseConnectAuthority } from './connect-interceptor';
import { errorText } from './error-text';

export interface MitmProxyHooks {
  log: Logger;
  /** A request arrived: plain (absolute-form or through a plain tunnel) or decrypted from a TLS tunnel. */
  onRequest(secure: boolean, req: http.IncomingMessage, res: http.ServerResponse): void;
  /** A CONNECT tunnel delivered its first bytes. */
  onTunnel(connectRequest: http.IncomingMessage, clientSocket: net.Socket, head: Buffer): void;
  /** The listening server failed (e.g. EADDRINUSE while starting). */
  onServerError(error: Error): void;
}

export class MitmProxy extends Proxy {
  constructor(private readonly hooks: MitmProxyHooks) {
    super();
  }

  override listen(options: IProxyOptions, callback?: ErrorCallback): this {
    this.options = options;
    this.httpHost = options.host ?? 'localhost';
    this.httpPort = options.port ?? 8080;
    this.timeout = options.timeout ?? 0;
    this.keepAlive = options.keepAlive === true;
    if (options.httpAgent !== undefined) this.httpAgent = options.httpAgent;
    if (options.httpsAgent !== undefined) this.httpsAgent = options.httpsAgent;
    const server = http.createServer();
    this.httpServer = server;
    server.timeout = this.timeout;
    server.on('connect', this._onHttpServerConnect.bind(this));
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => this._onHttpServerRequest(false, req, res));
    server.on('error', (error: Error) => this._onError('HTTP_SERVER_ERROR', null, error));
    server.listen({ host: this.httpHost, port: this.httpPort }, () => {
      this.httpPort = (server.address() as net.AddressInfo).port;
      callback?.(null);
    });
    return this;
  }

  override _onHttpServerRequest(isSSL: boolean, req: http.IncomingMessage, res: http.ServerResponse): void {
    this.hooks.onRequest(isSSL, req, res);
  }

  /** A CONNECT whose target is not host:port (1-65535) gets 400 with the reason, instead of 200 and a dead tunnel. */
  override _onHttpServerConnect(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const target = parseConnectAuthority(req.url ?? '');
    if ('problem' in target) {
      refuseConnect(socket, target.problem);
      return;
    }
    super._onHttpServerConnect(req, socket, head);
  }

  override _onHttpServerConnectData(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    this.hooks.onTunnel(req, socket as net.Socket, head);
  }

  override _onError(kind: string, _ctx: IContext | null, error: Error): void {
    if (kind === 'HTTP_SERVER_ERROR') {
      this.hooks.onServerError(error);
      return;
    }
    // Per-request failures are handled (and recorded) by the pipeline; this is only the library's echo.
    if (this.hooks.log.enabled('debug')) this.hooks.log.debug('http-mitm-proxy error', { kind, error: errorText(error) });
  }

  override _onSocketError(socketDescription: string, error: NodeJS.ErrnoException): void {
    if (this.hooks.log.enabled('debug')) {
      this.hooks.log.debug('client socket error', { socket: socketDescription, error: errorText(error) });
    }
  }
}

function refuseConnect(socket: Duplex, problem: string): void {
  const body = `thrift-fault-proxy: bad CONNECT request: ${problem}\n`;
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
