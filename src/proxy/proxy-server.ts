// The MITM proxy as one running thing: listens for proxy traffic (plain HTTP and CONNECT), intercepts TLS with
// the persisted CA, and hands every request to the pipeline. close() ends everything it opened, kept-alive
// connections and held requests included, so a process or a test can exit.
import http from 'node:http';
import net from 'node:net';
import { Logger } from '../core/logger';
import { CallJournal } from '../journal/call-journal';
import { ScenarioEngine } from '../scenarios/engine';
import { loadOrCreateCa } from './ca-store';
import { createClassifier } from './classify';
import { ConnectInterceptor } from './connect-interceptor';
import { errorText } from './error-text';
import { UpstreamForwarder } from './forward-upstream';
import { HostMap, HostMapping } from './host-map';
import { LeafCertificates } from './leaf-certificates';
import { MitmProxy } from './mitm-proxy';
import { RevocationList } from './revocation-list';
import { ProxiedRequest, RequestPipeline } from './pipeline';
import { OwnListeningAddress } from './self-loop';
import { createUpstreamAgents } from './upstream-agents';
import { DEFAULT_UPSTREAM_TIMEOUTS, UpstreamTimeouts } from './upstream-timeouts';

export interface ProxyServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the CA certificate and key live; created on the first run. */
  caDir: string;
  hostMappings: HostMapping[];
  /** CA certificates (PEM) trusted for upstream TLS in addition to the system's. */
  upstreamCaPems?: string[];
  /** Do not verify upstream TLS certificates. */
  insecureUpstream?: boolean;
  /** Limits on waiting for real servers; unset ones take DEFAULT_UPSTREAM_TIMEOUTS. Past one the client gets 504. */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** More host name patterns whose GETs are CloudFetch downloads. */
  cloudFetchHostPatterns?: string[];
  /**
   * Thrift request bodies up to this many bytes are kept and decoded (default 16 MiB). A longer one streams to
   * the server byte for byte, is recorded as not decoded (decodeError says it was too large), and, its method
   * unknown, matches no Thrift scenario (neither a named method nor ThriftOperation), like any undecodable body.
   */
  maxThriftRequestBytes?: number;
  /**
   * Thrift reply bodies up to this many bytes are kept and decoded (default 64 MiB: FetchResults replies with
   * inline Arrow can be tens of MB). A longer one streams to the client byte for byte and is recorded with a
   * note saying it was too large to decode, in place of its fields.
   */
  maxThriftReplyBytes?: number;
}

export interface ProxyServerDeps {
  journal: CallJournal;
  engine: ScenarioEngine;
  log: Logger;
}

export interface RunningProxyServer {
  host: string;
  port: number;
  caCertPath: string;
  caCertPem: string;
  /**
   * Stops accepting connections, releases held requests, and lets requests in flight finish for up to `graceMs`;
   * then closes like close(). Responses sent meanwhile say `Connection: close`. Resolves when closed.
   */
  drain(graceMs: number): Promise<void>;
  /** Stops listening and closes every connection at once. Safe to call more than once. */
  close(): Promise<void>;
}

/** Idle time before a kept-alive client connection is closed; drivers keep theirs open between calls. */
const CLIENT_KEEP_ALIVE_MS = 30_000;

export async function startProxyServer(opts: ProxyServerOptions, deps: ProxyServerDeps): Promise<RunningProxyServer> {
  const { log } = deps;
  const host = opts.host ?? '127.0.0.1';
  validateCap('maxThriftRequestBytes', opts.maxThriftRequestBytes);
  validateCap('maxThriftReplyBytes', opts.maxThriftReplyBytes);
  const ca = await loadOrCreateCa(opts.caDir);
  if (ca.created) log.info('created the proxy CA', { path: ca.certPath });
  const ownAddress = new OwnListeningAddress();
  const agents = createUpstreamAgents({ extraCaPems: opts.upstreamCaPems, insecure: opts.insecureUpstream });
  const pipeline = new RequestPipeline({
    journal: deps.journal,
    engine: deps.engine,
    log,
    classify: createClassifier(opts.cloudFetchHostPatterns),
    forwarder: new UpstreamForwarder(new HostMap(opts.hostMappings), agents, log, { ownAddress, timeouts: upstreamTimeoutsOf(opts.upstreamTimeouts) }),
    limits: { maxThriftRequestBytes: opts.maxThriftRequestBytes, maxThriftReplyBytes: opts.maxThriftReplyBytes },
  });

  // Decrypted tunnel traffic: an HTTP server that never listens; the tunnel hands it connections.
  const httpsTraffic = http.createServer({ keepAliveTimeout: CLIENT_KEEP_ALIVE_MS });
  httpsTraffic.on('clientError', (error: Error, socket: net.Socket) => {
    if (log.enabled('debug')) log.debug('malformed request in a TLS tunnel', { error: errorText(error) });
    socket.destroy();
  });
  let failStart: ((error: Error) => void) | undefined;
  const self: OwnAddress = { host, port: 0 };
  const inFlight = new InFlightResponses();
  const proxy = new MitmProxy({
    log,
    onRequest: (secure, req, res) => {
      // The CA's CRL, which leaf certificates point clients to, is answered here, not forwarded.
      if (!secure && revocationList.answer(req, res)) return;
      inFlight.add(res);
      const request = proxiedRequestOf(secure, req, res, interceptor, self);
      if (request !== undefined) pipeline.handle(request);
    },
    onTunnel: (req, socket, head) => interceptor.accept(req, socket, head),
    onServerError: (error) => (failStart !== undefined ? failStart(error) : log.error('proxy server error', { error: errorText(error) })),
  });
  const revocationList = new RevocationList(ca);
  const interceptor = new ConnectInterceptor({
    leafCertificates: new LeafCertificates(ca),
    crlUrlFor: (clientSocket) => revocationList.urlFor(clientSocket),
    httpsTraffic,
    plainTraffic: () => proxy.httpServer,
    log,
  });
  httpsTraffic.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => proxy._onHttpServerRequest(true, req, res));

  await new Promise<void>((resolve, reject) => {
    failStart = reject;
    proxy.listen({ host, port: opts.port, keepAlive: true, httpAgent: agents.http, httpsAgent: agents.https }, (error) =>
      error ? reject(error) : resolve(),
    );
  }).catch((error: unknown) => {
    agents.destroy();
    proxy.httpServer?.close();
    throw error;
  });
  failStart = undefined;

  const server = proxy.httpServer as http.Server;
  self.port = proxy.httpPort;
  const bound = server.address() as net.AddressInfo;
  ownAddress.listening(bound.address, bound.port);
  server.keepAliveTimeout = CLIENT_KEEP_ALIVE_MS;
  const sockets = new Set<net.Socket>();
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  log.info('proxy listening', { host, port: self.port });

  const serverClosed = new Promise<void>((resolve) => server.once('close', () => resolve()));
  const stopListening = (): void => {
    if (server.listening) proxy.close(); // closes the listening server; Node also closes its idle connections
  };
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      pipeline.close();
      stopListening();
      for (const socket of sockets) socket.destroy();
      agents.destroy();
      await serverClosed;
    })();
    return closing;
  };
  let draining: Promise<void> | undefined;
  const drain = (graceMs: number): Promise<void> => {
    draining ??= (async () => {
      if (closing !== undefined) return closing;
      stopListening();
      pipeline.releaseHolds();
      inFlight.finishing();
      httpsTraffic.closeIdleConnections();
      const finished = await inFlight.allDone(graceMs);
      log.info(finished ? 'drained: every request in flight finished' : 'drain grace period over: closing the requests still in flight', {
        graceMs,
        unfinished: inFlight.size,
      });
      await close();
    })();
    return draining;
  };

  return { host, port: self.port, caCertPath: ca.certPath, caCertPem: ca.certPem, drain, close };
}

/** The responses not yet finished or closed; what a drain waits for. */
class InFlightResponses {
  private readonly responses = new Set<http.ServerResponse>();
  private draining = false;
  private onEmpty: (() => void) | undefined;

  get size(): number {
    return this.responses.size;
  }

  add(res: http.ServerResponse): void {
    if (this.draining) res.shouldKeepAlive = false;
    this.responses.add(res);
    res.once('close', () => {
      this.responses.delete(res);
      if (this.responses.size === 0) this.onEmpty?.();
    });
  }

  /** From now on every response closes its connection when done (clients reconnect elsewhere, not here). */
  finishing(): void {
    this.draining = true;
    for (const res of this.responses) if (!res.headersSent) res.shouldKeepAlive = false;
  }

  /** Resolves true once no response is in flight, or false when `ms` passed first. */
  allDone(ms: number): Promise<boolean> {
    if (this.responses.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.onEmpty = undefined;
        resolve(false);
      }, ms);
      this.onEmpty = () => {
        clearTimeout(timer);
        this.onEmpty = undefined;
        resolve(true);
      };
    });
  }
}

function upstreamTimeoutsOf(given: Partial<UpstreamTimeouts> = {}): UpstreamTimeouts {
  const timeouts: UpstreamTimeouts = {
    connectMs: given.connectMs ?? DEFAULT_UPSTREAM_TIMEOUTS.connectMs,
    tlsHandshakeMs: given.tlsHandshakeMs ?? DEFAULT_UPSTREAM_TIMEOUTS.tlsHandshakeMs,
    responseMs: given.responseMs ?? DEFAULT_UPSTREAM_TIMEOUTS.responseMs,
  };
  for (const [name, ms] of Object.entries(timeouts)) {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`upstreamTimeouts.${name} must be a whole number of milliseconds, 0 (no limit) or more (got ${ms})`);
  }
  return timeouts;
}

function validateCap(name: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
    throw new RangeError(`${name} must be a whole number of bytes, 0 or more (got ${value})`);
  }
}

interface OwnAddress {
  host: string;
  port: number;
}

/** Where the client wanted a request to go; undefined when it was answered here (not a proxy request). */
function proxiedRequestOf(
  secure: boolean,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  interceptor: ConnectInterceptor,
  self: OwnAddress,
): ProxiedRequest | undefined {
  // The pipeline reports failures through 'close'; these only keep stray 'error' events from being thrown.
  req.on('error', ignore);
  res.on('error', ignore);
  const tunnel = interceptor.tunnelOf(req.socket);
  if (tunnel !== undefined) {
    // Inside a tunnel the CONNECT line says the port; the Host header says the name (as SNI would).
    const hostname = hostnameOf(req.headers.host) ?? tunnel.hostname;
    return { req, res, secure, hostname, port: tunnel.port, clientSocket: tunnel.clientSocket };
  }
  const target = plainTargetOf(req);
  if (target === undefined) {
    refuseRequest(req, res, `thrift-fault-proxy: cannot tell where ${JSON.stringify(req.url ?? '').slice(0, 200)} should go: send absolute-form requests (http://host:port/path) or CONNECT\n`);
    return undefined;
  }
  if (target.port === self.port && isOwnAddress(target.hostname, self.host)) {
    refuseRequest(req, res, 'thrift-fault-proxy is an HTTP proxy: send absolute-form requests or CONNECT through it\n');
    return undefined;
  }
  const { hostname, port } = target;
  return { req, res, secure, hostname, port, clientSocket: req.socket };
}

function ignore(): void {}

/**
 * Where a plain proxy request goes: the authority of an absolute-form target (`POST http://host:port/path`, the
 * path then becomes req.url), else the Host header. IPv6 literals are bracketed (`http://[::1]:8080/x`).
 */
export function plainTargetOf(req: http.IncomingMessage): { hostname: string; port: number } | undefined {
  const url = req.url ?? '';
  if (url.length > 7 && url.slice(0, 7).toLowerCase() === 'http://') {
    const end = url.slice(7).search(/[/?#]/);
    const authority = end < 0 ? url.slice(7) : url.slice(7, 7 + end);
    const rest = end < 0 ? '' : url.slice(7 + end);
    req.url = rest === '' ? '/' : rest.startsWith('/') ? rest : `/${rest}`;
    return parseAuthority(authority.slice(authority.lastIndexOf('@') + 1), 80);
  }
  const host = req.headers.host;
  return host === undefined || url.includes('://') ? undefined : parseAuthority(host, 80);
}

/** `name`, `name:port`, `[v6]` or `[v6]:port`; the name lower case. Undefined when malformed. */
function parseAuthority(authority: string, defaultPort: number): { hostname: string; port: number } | undefined {
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:/[\]@]+))(?::(\d{1,5}))?$/.exec(authority);
  if (match === null) return undefined;
  const hostname = (match[1] ?? match[2]).toLowerCase();
  if (match[1] !== undefined && !net.isIPv6(hostname)) return undefined;
  const port = match[3] === undefined ? defaultPort : Number(match[3]);
  return port >= 1 && port <= 65535 ? { hostname, port } : undefined;
}

/** The host name of a Host header value (`name`, `name:port`, `[v6]:port`), lower case. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (hostHeader === undefined || hostHeader === '') return undefined;
  if (hostHeader.startsWith('[')) {
    const end = hostHeader.indexOf(']');
    return end > 0 ? hostHeader.slice(1, end).toLowerCase() : undefined;
  }
  const colon = hostHeader.indexOf(':');
  return (colon < 0 ? hostHeader : hostHeader.slice(0, colon)).toLowerCase();
}

function isOwnAddress(hostname: string, listenHost: string): boolean {
  return hostname === listenHost || hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '::1';
}

/** Answers 400: a request the proxy cannot forward (no target, or addressed to the proxy itself, a loop). */
function refuseRequest(req: http.IncomingMessage, res: http.ServerResponse, body: string): void {
  req.resume();
  res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}
