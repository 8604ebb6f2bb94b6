// The proxy as tests use it: started in-process on an ephemeral port with a fresh CA directory, the real call
// journal and scenario engine, and every log line (debug level included) captured so tests can check that no
// secret ever reaches a log.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../../src/core/logger';
import { CallRecord } from '../../src/core/model';
import { CallJournal } from '../../src/journal/call-journal';
import { HostMapping } from '../../src/proxy/host-map';
import { RunningProxyServer, startProxyServer } from '../../src/proxy/proxy-server';
import type { UpstreamTimeouts } from '../../src/proxy/upstream-timeouts';
import { SCENARIO_CATALOG } from '../../src/scenarios/catalog';
import { ScenarioEngine } from '../../src/scenarios/engine';
import { waitFor } from './wait-for';

export interface TestProxy {
  server: RunningProxyServer;
  port: number;
  caCertPem: string;
  caDir: string;
  journal: CallJournal;
  engine: ScenarioEngine;
  /** Every log line written so far. */
  logLines: string[];
  /** Resolves with the recorded call once one matches (recorded calls finish asynchronously). */
  waitForCall(predicate: (call: CallRecord) => boolean, what: string, timeoutMs?: number): Promise<CallRecord>;
  close(): Promise<void>;
}

export interface TestProxyOptions {
  hostMappings?: HostMapping[];
  upstreamCaPems?: string[];
  insecureUpstream?: boolean;
  cloudFetchHostPatterns?: string[];
  /** Reuse a CA directory (default: a fresh temporary one, removed on close). */
  caDir?: string;
  /** Default 0: an ephemeral port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Limits on waiting for upstreams (default: the proxy's own). */
  upstreamTimeouts?: Partial<UpstreamTimeouts>;
  /** Caps on Thrift bodies kept to decode (default: the proxy's own). */
  maxThriftRequestBytes?: number;
  maxThriftReplyBytes?: number;
}

export async function startTestProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const ownCaDir = options.caDir === undefined;
  const caDir = options.caDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-proxy-ca-'));
  const logLines: string[] = [];
  const log = createLogger({ level: 'debug', write: (line) => logLines.push(line) });
  const journal = new CallJournal({ capacity: 10_000 });
  const engine = new ScenarioEngine(SCENARIO_CATALOG);
  let server: RunningProxyServer;
  try {
    server = await startProxyServer(
      {
        host: options.host ?? '127.0.0.1',
        port: options.port ?? 0,
        caDir,
        hostMappings: options.hostMappings ?? [],
        upstreamCaPems: options.upstreamCaPems,
        insecureUpstream: options.insecureUpstream,
        cloudFetchHostPatterns: options.cloudFetchHostPatterns,
        maxThriftRequestBytes: options.maxThriftRequestBytes,
        maxThriftReplyBytes: options.maxThriftReplyBytes,
        upstreamTimeouts: options.upstreamTimeouts,
      },
      { journal, engine, log },
    );
  } catch (error) {
    if (ownCaDir) fs.rmSync(caDir, { recursive: true, force: true });
    throw error;
  }

  return {
    server,
    port: server.port,
    caCertPem: server.caCertPem,
    caDir,
    journal,
    engine,
    logLines,
    waitForCall: (predicate, what, timeoutMs) =>
      waitFor(() => journal.list().find((call) => call.state !== 'in_flight' && predicate(call)), what, timeoutMs),
    close: async () => {
      await server.close();
      if (ownCaDir) fs.rmSync(caDir, { recursive: true, force: true });
    },
  };
}
