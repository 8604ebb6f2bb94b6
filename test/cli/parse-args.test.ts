import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CliRunOptions, parseCliArgs, UsageError } from '../../src/cli/parse-args';
import { appOptionsFromCli } from '../../src/cli/resolve-options';
import { createLogger } from '../../src/core/logger';
import {
  DEFAULT_CLOUDFETCH_THRESHOLD_ROWS,
  DEFAULT_EXECUTION_DELAY_MS,
  DEFAULT_LINK_LIFETIME_MS,
  DEFAULT_LINKS_PER_FETCH,
  DEFAULT_ROWS_PER_CLOUDFETCH_FILE,
  resolveOptions,
  type FakeWarehouseOptions,
} from '../../src/fake/options';
import { issueCertificates } from '../../src/tls/certificates';

function run(argv: string[]): CliRunOptions {
  const command = parseCliArgs(argv, '/home/tester');
  if (command.kind !== 'run') throw new Error(`expected run, got ${command.kind}`);
  return command.options;
}

function usageError(argv: string[]): string {
  try {
    parseCliArgs(argv, '/home/tester');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected a UsageError for ${argv.join(' ')}`);
}

describe('parseCliArgs', () => {
  it('uses the documented defaults', () => {
    expect(run([])).toEqual({
      listenHost: '127.0.0.1',
      listenPort: 18080, // the default proxy port
      apiHost: '127.0.0.1',
      apiPort: 18081, // the default API port
      caDir: '/home/tester/.thrift-fault-proxy/ca',
      mapHosts: [],
      upstreamCaFiles: [],
      insecureUpstream: false,
      exitWithParent: false,
      upstreamTimeouts: { connectMs: 10000, tlsHandshakeMs: 10000, responseMs: 120000 },
      cloudFetchHosts: [],
      historySize: 1000,
      historyMib: 128,
      shutdownGraceMs: 5000,
      logLevel: 'info',
      fakeWarehouse: false,
      fakeWarehouseSettings: {},
    });
  });

  it('reads every flag, repeatable ones in order', () => {
    const options = run([
      '--listen-host', '0.0.0.0', '--listen-port', '0', '--api-host', '::1', '--api-port=9',
      '--ca-dir', '~/ca', '--map-host', 'a.example=127.0.0.1:1', '--map-host', 'b.example=127.0.0.1:2',
      '--upstream-ca', 'x.pem', '--insecure-upstream', '--exit-with-parent', '--upstream-connect-timeout-ms', '1',
      '--upstream-tls-timeout-ms', '0', '--upstream-response-timeout-ms=86400000', '--cloudfetch-host', 'minio.local',
      '--history-size', '5', '--history-mib', '64', '--shutdown-grace-ms', '0', '--log-level', 'debug', '--fake-warehouse',
      '--fake-cloudfetch-threshold', '100', '--fake-rows-per-file=40', '--fake-link-lifetime-ms', '300',
      '--fake-links-per-fetch', '1', '--fake-execution-delay-ms', '0', '--fake-no-lz4',
    ]);
    expect(options).toEqual({
      listenHost: '0.0.0.0',
      listenPort: 0,
      apiHost: '::1',
      apiPort: 9,
      caDir: '/home/tester/ca',
      mapHosts: ['a.example=127.0.0.1:1', 'b.example=127.0.0.1:2'],
      upstreamCaFiles: [path.resolve('x.pem')],
      insecureUpstream: true,
      exitWithParent: true,
      upstreamTimeouts: { connectMs: 1, tlsHandshakeMs: 0, responseMs: 86_400_000 },
      cloudFetchHosts: ['minio.local'],
      historySize: 5,
      historyMib: 64,
      shutdownGraceMs: 0,
      logLevel: 'debug',
      fakeWarehouse: true,
      fakeWarehouseSettings: { cloudFetchThresholdRows: 100, rowsPerCloudFetchFile: 40, linkLifetimeMs: 300, linksPerFetch: 1, executionDelayMs: 0, lz4Compression: false },
    });
  });

  it('recognizes --help and --version whatever else is given', () => {
    expect(parseCliArgs(['--listen-port', '1', '--help']).kind).toBe('help');
    expect(parseCliArgs(['--version']).kind).toBe('version');
  });

  it('knows -h and -v', () => {
    expect(parseCliArgs(['-h']).kind).toBe('help');
    expect(parseCliArgs(['-v']).kind).toBe('version');
  });

  it('takes repeatable flags as often as given, switches twice as once', () => {
    const command = parseCliArgs(['--cloudfetch-host', 'a', '--cloudfetch-host', 'b', '--insecure-upstream', '--insecure-upstream']);
    expect(command).toMatchObject({ kind: 'run', options: { cloudFetchHosts: ['a', 'b'], insecureUpstream: true } });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['stray'], /Unexpected argument 'stray'/],
    [['--listen-port'], /--listen-port <value>' argument missing/],
    [['--listen-port', '65536'], /^--listen-port: '65536' is not a whole number from 0 to 65535$/],
    [['--api-port', '-1'], /^--api-port: '-1' is not a whole number from 0 to 65535$/],
    [['--history-size', '-5'], /^--history-size: '-5' is not a whole number from 1 to 1000000$/],
    [['--listen-port', '1', '--listen-port', '2'], /^--listen-port was given 2 times; give it once/],
    [['--log-level', 'info', '--log-level=debug'], /^--log-level was given 2 times/],
    [['--api-port', '1.5'], /--api-port: '1.5' is not a whole number/],
    [['--history-size', '0'], /^--history-size: '0' is not a whole number from 1 to 1000000$/],
    [['--shutdown-grace-ms', '600001'], /^--shutdown-grace-ms: '600001' is not a whole number from 0 to 600000$/],
    [['--upstream-response-timeout-ms', '86400001'], /^--upstream-response-timeout-ms: '86400001' is not a whole number from 0 to 86400000$/],
    [['--upstream-connect-timeout-ms', '1s'], /^--upstream-connect-timeout-ms: '1s' is not a whole number/],
    [['--log-level', 'trace'], /^--log-level: 'trace' is not one of error, warn, info, debug$/],
    [['--listen-host', ''], /--listen-host: an address is required/],
    [['--cloudfetch-host', ' '], /--cloudfetch-host: a host name pattern is required/],
    [['--insecure-upstream=yes'], /does not take an argument/],
    [['--fake-warehouse', '--fake-cloudfetch-threshold', '0'], /^--fake-cloudfetch-threshold: '0' is not a whole number from 1 to 1000000000$/],
    [['--fake-warehouse', '--fake-rows-per-file', '-5'], /^--fake-rows-per-file: '-5' is not a whole number from 1 to 1000000000$/],
    [['--fake-warehouse', '--fake-rows-per-file', '2.5'], /^--fake-rows-per-file: '2.5' is not a whole number from 1 to 1000000000$/],
    [['--fake-warehouse', '--fake-link-lifetime-ms', '0'], /^--fake-link-lifetime-ms: '0' is not a whole number from 1 to 604800000$/],
    [['--fake-warehouse', '--fake-link-lifetime-ms', '1e3'], /^--fake-link-lifetime-ms: '1e3' is not a whole number/],
    [['--fake-warehouse', '--fake-link-lifetime-ms', '604800001'], /^--fake-link-lifetime-ms: '604800001' is not a whole number from 1 to 604800000$/],
    [['--fake-link-lifetime-ms', '300'], /^--fake-link-lifetime-ms configures the fake warehouse: it needs --fake-warehouse too$/],
    [['--fake-cloudfetch-threshold', '10'], /^--fake-cloudfetch-threshold configures the fake warehouse: it needs --fake-warehouse too$/],
    [['--fake-rows-per-file', '10'], /^--fake-rows-per-file configures the fake warehouse: it needs --fake-warehouse too$/],
    [['--fake-warehouse', '--fake-links-per-fetch', '0'], /^--fake-links-per-fetch: '0' is not a whole number from 1 to 100000$/],
    [['--fake-warehouse', '--fake-links-per-fetch', 'many'], /^--fake-links-per-fetch: 'many' is not a whole number from 1 to 100000$/],
    [['--fake-warehouse', '--fake-execution-delay-ms', '-1'], /--fake-execution-delay-ms/],
    [['--fake-warehouse', '--fake-execution-delay-ms', '3600001'], /^--fake-execution-delay-ms: '3600001' is not a whole number from 0 to 3600000$/],
    [['--fake-links-per-fetch', '2'], /^--fake-links-per-fetch configures the fake warehouse: it needs --fake-warehouse too$/],
    [['--fake-execution-delay-ms', '100'], /^--fake-execution-delay-ms configures the fake warehouse: it needs --fake-warehouse too$/],
    [['--fake-no-lz4'], /^--fake-no-lz4 configures the fake warehouse: it needs --fake-warehouse too$/],
    [['--fake-warehouse', '--fake-no-lz4=yes'], /does not take an argument/],
  ])('rejects %j with a message saying what is wrong', (argv, expected) => {
    expect(usageError(argv)).toMatch(expected);
  });
});

describe('appOptionsFromCli', () => {
  const log = createLogger({ level: 'error' });

  it('passes the upstream timeouts to the app', () => {
    expect(appOptionsFromCli(run(['--upstream-response-timeout-ms', '5']), log).upstreamTimeouts).toEqual({ connectMs: 10000, tlsHandshakeMs: 10000, responseMs: 5 });
  });

  it('passes the fake warehouse settings to the app, which hands them to startFakeWarehouse', () => {
    const options = run([
      '--fake-warehouse', '--fake-cloudfetch-threshold', '100', '--fake-rows-per-file', '40', '--fake-link-lifetime-ms', '300',
      '--fake-links-per-fetch', '2', '--fake-execution-delay-ms', '250', '--fake-no-lz4',
    ]);
    const settings = { cloudFetchThresholdRows: 100, rowsPerCloudFetchFile: 40, linkLifetimeMs: 300, linksPerFetch: 2, executionDelayMs: 250, lz4Compression: false };
    expect(appOptionsFromCli(options, log).fakeWarehouse).toEqual(settings);
    // Every setting the command line can give is one the fake accepts, and it keeps it.
    const resolved = resolveOptions(appOptionsFromCli(options, log).fakeWarehouse as FakeWarehouseOptions);
    expect(resolved).toMatchObject(settings);
  });

  it('starts the fake with its defaults when only --fake-warehouse is given, and no fake without it', () => {
    expect(appOptionsFromCli(run(['--fake-warehouse']), log).fakeWarehouse).toEqual({});
    expect(appOptionsFromCli(run([]), log).fakeWarehouse).toBe(false);
    expect(resolveOptions({})).toMatchObject({
      cloudFetchThresholdRows: DEFAULT_CLOUDFETCH_THRESHOLD_ROWS,
      rowsPerCloudFetchFile: DEFAULT_ROWS_PER_CLOUDFETCH_FILE,
      linkLifetimeMs: DEFAULT_LINK_LIFETIME_MS,
      linksPerFetch: DEFAULT_LINKS_PER_FETCH,
      executionDelayMs: DEFAULT_EXECUTION_DELAY_MS,
      lz4Compression: true,
    });
  });
});

describe('--upstream-ca files', () => {
  const log = createLogger({ level: 'error' });
  let dir: string;
  let validPem: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-upstream-ca-'));
    validPem = issueCertificates(['example.test']).caCert;
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const withFile = (name: string, text: string): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const load = (file: string): string[] => [...(appOptionsFromCli(run(['--upstream-ca', file]), log).upstreamCaPems ?? [])];
  const refusal = (file: string): string => {
    try {
      load(file);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      return (error as Error).message;
    }
    throw new Error(`expected a UsageError for ${file}`);
  };

  it('accepts a valid certificate, and a bundle of them', () => {
    expect(load(withFile('ok.pem', validPem))).toEqual([validPem]);
    const bundle = `${validPem}\n${validPem}`;
    expect(load(withFile('bundle.pem', bundle))).toEqual([bundle]);
  });

  it('refuses garbage between valid markers, saying which certificate', () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGUgYXQgYWxs\n-----END CERTIFICATE-----\n';
    expect(refusal(withFile('garbage.pem', garbage))).toMatch(/^--upstream-ca: certificate 1 of 1 in .*garbage\.pem is not a valid X\.509 certificate/);
    expect(refusal(withFile('second.pem', `${validPem}\n${garbage}`))).toMatch(/certificate 2 of 2/);
  });

  it('refuses a truncated certificate and a file with none', () => {
    expect(refusal(withFile('cut.pem', `${validPem}\n${validPem.slice(0, 200)}`))).toMatch(/without its -----END CERTIFICATE----- line/);
    expect(refusal(withFile('none.pem', 'hello'))).toMatch(/holds no PEM certificate/);
  });
});
