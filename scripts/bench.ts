// Benchmark: every figure next to its floor, measured in the same run, as a ratio with its target (issue 11).
//   npm run bench            (builds first; prints the table and writes .test-results/bench.json)
// Roles run in separate processes (load generator = this one, the proxy, the upstream, the floors) so that none
// starves another on 2 cores. Exits non-zero only on a correctness failure (a short body, a wrong status, a
// missing event), never on a missed target. Knobs are environment variables; see README "Performance".
import { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReadyLine } from '../src/cli/ready-line';
import { issueCertificates } from '../src/tls/certificates';
import { timeUnaryCalls, watchPushLatency } from './bench/grpc-load';
import { download, HttpsRoute, timeNewConnectionRequest } from './bench/https-load';
import { armNonMatchingScenarios, claimMicros } from './bench/custom-scenarios';
import { cpuMs, killAll, peakRssDuring, readJsonLine, rssMiB, spawnTracked } from './bench/processes';
import { evaluate, printTable, Row, writeJson } from './bench/report';
import { runRole, STORAGE_HOST, STORAGE_WILDCARD } from './bench/roles';
import { measureStartup, STARTUP_KINDS, StartupKind } from './bench/startup';
import { summarize, Summary } from './bench/stats';
import { directTarget, interleavedLatency, proxiedTarget, rate } from './bench/thrift-load';

const env = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const MIB = 1024 * 1024;
const settings = {
  downloadMiB: env('BENCH_DOWNLOAD_MIB', 256),
  downloadRounds: env('BENCH_DOWNLOAD_ROUNDS', 3),
  slowReaderMiB: env('BENCH_SLOW_MIB', 64),
  slowReaderMiBps: env('BENCH_SLOW_MIBPS', 32),
  latencyCalls: env('BENCH_LATENCY_CALLS', 3000),
  rateConnections: env('BENCH_RATE_CONNECTIONS', 32),
  rateSeconds: env('BENCH_RATE_SECONDS', 1),
  rateRounds: env('BENCH_RATE_ROUNDS', 3),
  readyRuns: env('BENCH_READY_RUNS', 5),
  grpcCalls: env('BENCH_GRPC_CALLS', 1000),
  watchSubscribers: env('BENCH_WATCH_SUBSCRIBERS', 10),
  watchCalls: env('BENCH_WATCH_CALLS', 300),
  newHosts: env('BENCH_NEW_HOSTS', 10),
  customScenarios: env('BENCH_CUSTOM_SCENARIOS', 100),
  proxyNodeArgs: (process.env.BENCH_PROXY_NODE_ARGS ?? '').split(' ').filter(Boolean),
  /** Comma-separated groups to run (startup, thrift, grpc, https); default all. */
  only: (process.env.BENCH_ONLY ?? 'startup,thrift,grpc,https').split(',').map((s) => s.trim()),
};
/** Which stage is running, on stderr: a run takes minutes. */
const progress = (stage: string): void => void process.stderr.write(`bench: ${stage}\n`);
const CLI = path.join(__dirname, '..', 'src', 'cli.js');
const FLOOR = path.join(__dirname, 'bench', 'floor-process.js');
const EXTRA_CA = process.env.NODE_EXTRA_CA_CERTS;

async function main(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-bench-'));
  const rows: Row[] = [];
  const summaries: Record<string, Summary> = {};
  const startedAt = new Date();
  const loadBefore = os.loadavg();
  try {
    if (settings.only.includes('startup')) await startupRows(work, rows, summaries);
    await trafficRows(work, rows, summaries);
  } finally {
    killAll();
    fs.rmSync(work, { recursive: true, force: true });
  }
  const results = rows.map(evaluate);
  printTable(results);
  const loadAfter = os.loadavg();
  console.log(`load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${loadAfter.map((l) => l.toFixed(1)).join(' ')} after; ${os.cpus().length} cores`);
  writeJson(path.join('.test-results', 'bench.json'), {
    startedAt: startedAt.toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter, nodeExtraCaCerts: EXTRA_CA ?? null },
    settings,
    rows: results,
    samples: summaries,
  });
}

// ---- start-up ---------------------------------------------------------------------------------------------------
async function startupRows(work: string, rows: Row[], summaries: Record<string, Summary>): Promise<void> {
  const withoutExtra = { ...process.env };
  delete withoutExtra.NODE_EXTRA_CA_CERTS;
  // NODE_EXTRA_CA_CERTS makes every Node process read and parse the bundle it names at start: measured both ways.
  const variants: [string, NodeJS.ProcessEnv][] = EXTRA_CA ? [['NODE_EXTRA_CA_CERTS set', process.env], ['NODE_EXTRA_CA_CERTS unset', withoutExtra]] : [['NODE_EXTRA_CA_CERTS unset', withoutExtra]];
  const targets: [StartupKind, string, number][] = [
    ['caExists', 'ready, CA exists', 2.5],
    ['freshCa', 'ready, fresh CA directory', 3],
    ['fakeWarehouse', 'ready with --fake-warehouse', 4],
  ];
  for (const [label, variantEnv] of variants) {
    progress(`start-up, ${label} (${settings.readyRuns} runs)`);
    const dir = fs.mkdtempSync(path.join(work, 'startup-'));
    const measured = await measureStartup({ cliPath: CLI, floorPath: FLOOR, proxyNodeArgs: settings.proxyNodeArgs, work: dir, env: variantEnv, runs: settings.readyRuns });
    const tag = EXTRA_CA ? (variantEnv === withoutExtra ? '.noExtraCa' : '.extraCa') : '.noExtraCa';
    for (const kind of STARTUP_KINDS) {
      summaries[`ready.${kind}${tag}`] = summarize(measured.wallMs[kind]);
      summaries[`ready.${kind}${tag}.cpu`] = summarize(measured.cpuMs[kind]);
    }
    const floor = summarize(measured.wallMs.floor);
    const floorCpu = summarize(measured.cpuMs.floor);
    for (const [kind, figure, limit] of targets) {
      const s = summarize(measured.wallMs[kind]);
      const cpu = summarize(measured.cpuMs[kind]);
      rows.push({
        id: `ready.${kind}${tag}`,
        figure: `${figure} (${label})`,
        floorName: 'bare Node: 2 listeners + a line',
        unit: 'ms',
        value: s.p50,
        floor: floor.p50,
        comparison: { kind: 'at_most_times', limit },
        note: `medians of ${s.count}; best ${s.min.toFixed(0)} vs floor best ${floor.min.toFixed(0)} ms; CPU used by then ${cpu.p50.toFixed(0)} vs floor ${floorCpu.p50.toFixed(0)} ms`,
      });
    }
  }
}

// ---- traffic: Thrift, gRPC, HTTPS, through one running proxy ------------------------------------------------------
async function trafficRows(work: string, rows: Row[], summaries: Record<string, Summary>): Promise<void> {
  const runs = (group: string): boolean => settings.only.includes(group);
  if (!runs('thrift') && !runs('grpc') && !runs('https')) return;
  const certs = issueCertificates([STORAGE_HOST, STORAGE_WILDCARD, 'localhost']);
  const certsFile = path.join(work, 'certs.json');
  fs.writeFileSync(certsFile, JSON.stringify(certs));
  fs.writeFileSync(path.join(work, 'upstream-ca.pem'), certs.caCert);

  const upstream = await role<{ httpPort: number; httpsPort: number }>('upstream', certsFile);
  const bareProxy = await role<{ port: number }>('bare-proxy');
  const bareInterceptor = await role<{ port: number }>('bare-interceptor', certsFile, String(upstream.httpsPort));
  const echo = await role<{ port: number }>('grpc-echo');

  const startProxy = async (): Promise<{ proxy: ChildProcess; ready: ReadyLine }> => {
    const child = spawnTracked(
      [...settings.proxyNodeArgs, CLI, '--listen-port', '0', '--api-port', '0', '--ca-dir', path.join(work, 'ca'), '--log-level', 'error',
        '--map-host', `${STORAGE_WILDCARD}=127.0.0.1:${upstream.httpsPort}`, '--upstream-ca', path.join(work, 'upstream-ca.pem')],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    keepTail(child);
    return { proxy: child, ready: await readJsonLine<ReadyLine>(child) };
  };
  const { proxy, ready } = await startProxy();
  const proxyPid = proxy.pid ?? 0;
  const alive = (): void => {
    if (proxy.exitCode !== null || proxy.signalCode !== null) throw new Error(`the proxy exited (${proxy.exitCode ?? proxy.signalCode})`);
  };

  const direct = directTarget(upstream.httpPort);
  const viaProxy = proxiedTarget(ready.proxyPort, upstream.httpPort);
  const viaBare = proxiedTarget(bareProxy.port, upstream.httpPort);

  if (runs('thrift')) {
    progress('Thrift latency and request rate');
    const [d, b, p] = (await interleavedLatency([direct, viaBare, viaProxy], settings.latencyCalls)).map(summarize);
    Object.assign(summaries, { 'thrift.latency.direct': d, 'thrift.latency.bareProxy': b, 'thrift.latency.proxy': p });
    rows.push({
      id: 'thrift.addedLatency.p50',
      figure: 'Thrift added latency p50 (sequential, keep-alive)',
      floorName: 'bare Node pass-through proxy, added',
      unit: 'ms',
      value: p.p50 - d.p50,
      floor: b.p50 - d.p50,
      comparison: { kind: 'at_most_times', limit: 1.2 },
      note: `p50 direct ${d.p50.toFixed(3)}, bare proxy ${b.p50.toFixed(3)}, proxy ${p.p50.toFixed(3)} ms (${d.count} calls each)`,
    });
    const best = { direct: 0, bare: 0, proxy: 0 };
    // CPU per call says what each proxy costs even when the wall clock is swamped by others' work.
    const cpu = { bare: 0, proxy: 0, bareCalls: 0, proxyCalls: 0 };
    for (let round = 0; round < settings.rateRounds; round++) {
      best.direct = Math.max(best.direct, (await rate(direct, settings.rateConnections, settings.rateSeconds)).perSecond);
      const bareCpu0 = cpuMs(bareProxy.pid);
      const bareRun = await rate(viaBare, settings.rateConnections, settings.rateSeconds);
      cpu.bare += cpuMs(bareProxy.pid) - bareCpu0;
      cpu.bareCalls += bareRun.calls;
      const proxyCpu0 = cpuMs(proxyPid);
      const proxyRun = await rate(viaProxy, settings.rateConnections, settings.rateSeconds);
      cpu.proxy += cpuMs(proxyPid) - proxyCpu0;
      cpu.proxyCalls += proxyRun.calls;
      best.bare = Math.max(best.bare, bareRun.perSecond);
      best.proxy = Math.max(best.proxy, proxyRun.perSecond);
    }
    const figure = `Thrift req/s, ${settings.rateConnections} connections`;
    const bareUs = (cpu.bare * 1000) / cpu.bareCalls;
    const proxyUs = (cpu.proxy * 1000) / cpu.proxyCalls;
    summaries['thrift.rate.cpuMicrosPerCall'] = { count: cpu.proxyCalls, min: proxyUs, p50: proxyUs, p99: proxyUs, max: proxyUs, mean: proxyUs };
    summaries['thrift.rate.bareCpuMicrosPerCall'] = { count: cpu.bareCalls, min: bareUs, p50: bareUs, p99: bareUs, max: bareUs, mean: bareUs };
    const note = `best of ${settings.rateRounds} rounds of ${settings.rateSeconds} s: direct ${best.direct.toFixed(0)}, bare ${best.bare.toFixed(0)}, proxy ${best.proxy.toFixed(0)}; CPU per call: proxy ${proxyUs.toFixed(0)} µs, bare ${bareUs.toFixed(0)} µs`;
    rows.push({ id: 'thrift.rate.vsBare', figure, floorName: 'bare Node pass-through proxy', unit: 'req/s', value: best.proxy, floor: best.bare, comparison: { kind: 'at_least_times', limit: 0.8 }, note });
    rows.push({ id: 'thrift.rate.vsDirect', figure, floorName: 'direct', unit: 'req/s', value: best.proxy, floor: best.direct, comparison: { kind: 'at_least_times', limit: 0.25 } });
    alive();

    // Two fresh proxies of the same build, one with custom scenarios armed that never match, warmed alike and
    // measured interleaved (the proxy above has run the rate rounds: its code is warmer than a fresh one's).
    progress(`Thrift latency with ${settings.customScenarios} custom scenarios armed`);
    const [noneProxy, armedProxy] = [await startProxy(), await startProxy()];
    await armNonMatchingScenarios(armedProxy.ready.apiPort, settings.customScenarios);
    const pair = [noneProxy, armedProxy].map((p) => proxiedTarget(p.ready.proxyPort, upstream.httpPort));
    await interleavedLatency(pair, settings.latencyCalls); // warm-up: both reach the same compiled code
    const [none, armed] = (await interleavedLatency(pair, settings.latencyCalls)).map(summarize);
    Object.assign(summaries, { 'thrift.latency.noneArmed': none, 'thrift.latency.customArmed': armed });
    rows.push({
      id: 'thrift.customScenarios.latency.p50',
      figure: `Thrift latency p50, ${settings.customScenarios} custom scenarios armed, none matching`,
      floorName: 'a proxy of the same build with none armed',
      unit: 'ms',
      value: armed.p50,
      floor: none.p50,
      comparison: { kind: 'at_most_plus', limit: 0.02 },
      note: `p50 ${none.p50.toFixed(3)} vs ${armed.p50.toFixed(3)} ms, p99 ${none.p99.toFixed(3)} vs ${armed.p99.toFixed(3)} ms (${none.count} calls each, interleaved, after as many to warm up)`,
    });
    for (const p of [noneProxy, armedProxy]) p.proxy.kill('SIGTERM');
    const claim = claimMicros(settings.customScenarios);
    summaries['thrift.claim.microsNoneArmed'] = { count: 1, min: claim.none, p50: claim.none, p99: claim.none, max: claim.none, mean: claim.none };
    summaries['thrift.claim.microsCustomArmed'] = { count: 1, min: claim.armed, p50: claim.armed, p99: claim.armed, max: claim.armed, mean: claim.armed };
    rows.push({
      id: 'thrift.customScenarios.claim',
      figure: `Matching one call in-process, ${settings.customScenarios} custom scenarios armed`,
      floorName: 'the same with none armed',
      unit: 'µs',
      value: claim.armed,
      floor: claim.none,
      comparison: { kind: 'at_most_plus', limit: 20 },
      note: 'ScenarioEngine.claim() on the bench call, timed in the bench process: the CPU that armed rules cost a request they let pass',
    });
  }

  if (runs('grpc')) {
    progress('EnableScenario, WatchCalls');
    const unary = await timeUnaryCalls(echo.port, ready.apiPort, settings.grpcCalls);
    const e = summarize(unary.echo);
    const en = summarize(unary.enable);
    Object.assign(summaries, { 'grpc.echo': e, 'grpc.enableScenario': en });
    const floorName = 'grpc-js unary echo round trip';
    const note = `${en.count} calls each on one channel`;
    rows.push({ id: 'grpc.enableScenario.p50', figure: 'EnableScenario p50', floorName, unit: 'ms', value: en.p50, floor: e.p50, comparison: { kind: 'at_most_times', limit: 1.5 }, note });
    rows.push({ id: 'grpc.enableScenario.p99', figure: 'EnableScenario p99', floorName: `${floorName} p99`, unit: 'ms', value: en.p99, floor: e.p99, comparison: { kind: 'at_most_times', limit: 1.5 } });
    const push = summarize(await watchPushLatency(ready.apiPort, settings.watchSubscribers, viaProxy, settings.watchCalls));
    summaries['grpc.watchPush'] = push;
    const figure = `WatchCalls push p50, ${settings.watchSubscribers} subscribers`;
    rows.push({
      id: 'grpc.watchPush.p50', figure, floorName, unit: 'ms', value: push.p50, floor: e.p50, comparison: { kind: 'at_most_times', limit: 2 },
      note: `reply received → CALL_COMPLETED received, ${settings.watchCalls} sequential calls × ${settings.watchSubscribers} subscribers`,
    });
    rows.push({ id: 'grpc.watchPush.p99', figure: figure.replace('p50', 'p99'), floorName: `${floorName} p99`, unit: 'ms', value: push.p99, floor: e.p99, comparison: { kind: 'reference' } });
    alive();
  }

  if (runs('https')) {
    const proxyCa = fs.readFileSync(ready.caCertPath, 'utf8');
    const viaProxyTls: HttpsRoute = { ca: proxyCa, port: ready.proxyPort, tunnel: true };
    const directTls: HttpsRoute = { ca: certs.caCert, port: upstream.httpsPort, tunnel: false };
    const viaInterceptor: HttpsRoute = { ca: certs.caCert, port: bareInterceptor.port, tunnel: true };

    progress('HTTPS first requests, downloads');
    // First request to a host the proxy has not seen (a leaf certificate to issue) against one it has.
    await timeNewConnectionRequest(viaProxyTls, STORAGE_HOST);
    const seen: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < settings.newHosts; i++) {
      seen.push(await timeNewConnectionRequest(viaProxyTls, STORAGE_HOST));
      fresh.push(await timeNewConnectionRequest(viaProxyTls, `bench-new-${i}.blob.core.windows.net`));
    }
    const s = summarize(seen);
    const f = summarize(fresh);
    Object.assign(summaries, { 'https.firstRequest.seenHost': s, 'https.firstRequest.newHost': f });
    rows.push({
      id: 'https.firstRequest.newHost', figure: 'first HTTPS request to a new host', floorName: 'same, to an already-seen host', unit: 'ms',
      value: f.p50, floor: s.p50, comparison: { kind: 'at_most_plus', limit: 10 },
      note: `CONNECT + TLS + 1 KiB GET on a new connection, medians of ${f.count}`,
    });

    const bytes = settings.downloadMiB * MIB;
    await download(viaInterceptor, STORAGE_HOST, MIB); // warm both paths' connections and code
    await download(viaProxyTls, STORAGE_HOST, MIB);
    const pid = proxy.pid ?? 0;
    // One baseline for both memory rows: RSS does not shrink back after a download, so a later baseline would hide growth.
    const rssBefore = rssMiB(pid);
    const slow = await peakRssDuring(pid, () =>
      download(viaProxyTls, STORAGE_HOST, settings.slowReaderMiB * MIB, { readBytesPerSecond: settings.slowReaderMiBps * MIB }),
    );
    const best = { direct: 0, bare: 0, proxy: 0 };
    const cpu = { bare: 0, proxy: 0 };
    let rssPeak = rssBefore;
    for (let round = 0; round < settings.downloadRounds; round++) {
      best.direct = Math.max(best.direct, await download(directTls, STORAGE_HOST, bytes));
      const bareCpu0 = cpuMs(bareInterceptor.pid);
      best.bare = Math.max(best.bare, await download(viaInterceptor, STORAGE_HOST, bytes));
      cpu.bare += cpuMs(bareInterceptor.pid) - bareCpu0;
      const proxyCpu0 = cpuMs(pid);
      const measured = await peakRssDuring(pid, () => download(viaProxyTls, STORAGE_HOST, bytes));
      cpu.proxy += cpuMs(pid) - proxyCpu0;
      best.proxy = Math.max(best.proxy, measured.result);
      rssPeak = Math.max(rssPeak, measured.peakMiB);
    }
    const figure = `HTTPS download ${settings.downloadMiB} MiB`;
    const mibMoved = settings.downloadMiB * settings.downloadRounds;
    const note =
      `best of ${settings.downloadRounds}: direct ${best.direct.toFixed(0)}, bare interceptor ${best.bare.toFixed(0)}, proxy ${best.proxy.toFixed(0)} MiB/s; ` +
      `CPU per MiB: proxy ${(cpu.proxy / mibMoved).toFixed(2)} ms, bare interceptor ${(cpu.bare / mibMoved).toFixed(2)} ms`;
    rows.push({ id: 'https.download.vsBareInterceptor', figure, floorName: 'bare Node TLS-intercepting proxy', unit: 'MiB/s', value: best.proxy, floor: best.bare, comparison: { kind: 'at_least_times', limit: 0.9 }, note });
    rows.push({ id: 'https.download.vsDirect', figure, floorName: 'direct', unit: 'MiB/s', value: best.proxy, floor: best.direct, comparison: { kind: 'at_least_times', limit: 0.5 } });
    rows.push({ id: 'https.download.rss', figure: 'proxy RSS during the downloads', floorName: 'proxy RSS before', unit: 'MiB', value: rssPeak, floor: rssBefore, comparison: { kind: 'at_most_plus', limit: 64 } });
    rows.push({
      id: 'https.download.rssSlowReader', figure: 'proxy RSS, slow reader', floorName: 'proxy RSS before', unit: 'MiB', value: slow.peakMiB, floor: rssBefore,
      comparison: { kind: 'at_most_plus', limit: 64 }, note: `${settings.slowReaderMiB} MiB read at ${settings.slowReaderMiBps} MiB/s (${slow.result.toFixed(0)} MiB/s measured), before the fast downloads`,
    });
    alive();
  }
}

/** The proxy's stderr (its banner) is noise unless it fails: keep the end of it to show then. */
function keepTail(child: ChildProcess): void {
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString('utf8')).slice(-4000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM') console.error(`the proxy exited (${code ?? signal}); its stderr ended with:\n${tail}`);
  });
}

async function role<T>(name: string, ...args: string[]): Promise<T & { pid: number }> {
  const child: ChildProcess = spawnTracked([__filename, '--role', name, ...args]);
  return { ...(await readJsonLine<T>(child)), pid: child.pid ?? 0 };
}

const fail = (error: unknown): void => {
  console.error('bench: correctness failure:', error);
  process.exit(1);
};
// A role process keeps serving until the benchmark stops it; the benchmark itself exits when it is done.
if (process.argv[2] === '--role') runRole(process.argv.slice(2)).catch(fail);
else main().then(() => process.exit(0), fail);
