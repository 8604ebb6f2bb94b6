// The proxy's listening side: one HTTP server for absolute-form requests (`POST http://host/path`) and CONNECT.
// A CONNECT to host:port is answered at once (one that names no valid host:port gets 400 with the reason); its
// first bytes then go, with the socket, to the tunnel handler (which tells TLS from plain HTTP). This used to be http-mitm-proxy's listener; everything past accepting had long been ours, and
// loading the library (it parses the CA with node-forge and pulls in ws, async, uuid and mkdirp) was about a third
// of the proxy's start-up CPU.
import http from 'node:http';
import net from 'node:net';
import { Logger } from '../core/logger';
import { parseConnectAuthority } from './connect-interceptor';
import { errorText } from './error-text';

export interface ProxyListenerHooks {
  log: Logger;
  /** A plain request (absolute-form, or through a plain-HTTP tunnel). */
  onRequest(req: http.IncomingMessage, res: http.ServerResponse): void;
  /** A CONNECT tunnel delivered its first bytes (`head`, already read from the socket). */
  onTunnel(connectRequest: http.IncomingMessage, clientSocket: net.Socket, head: Buffer): void;
}

export function createProxyListener(hooks: ProxyListenerHooks): http.Server {
  const { log } = hooks;
  const server = http.createServer();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => hooks.onRequest(req, res));
  server.on('connect', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const target = parseConnectAuthority(req.url ?? '');
    if ('problem' in target) {
      refuseConnect(socket, target.problem);
      return;
    }
    socket.on('error', (error) => {
      if (log.enabled('debug')) log.debug('client socket error', { socket: 'CONNECT tunnel', error: errorText(error) });
    });
    if (head.length > 0) {
      hooks.onTunnel(req, socket, head);
      return;
    }
    socket.once('data', (first: Buffer) => hooks.onTunnel(req, socket, first));
    socket.write('HTTP/1.1 200 OK\r\n\r\n');
  });
  return server;
}

/** Listens; rejects with the server's error (e.g. EADDRINUSE) when it cannot. */
export function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

function refuseConnect(socket: net.Socket, problem: string): void {
  const body = `thrift-fault-proxy: bad CONNECT request: ${problem}\n`;
  socket.on('error', () => undefined);
  socket.end(
    `HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
