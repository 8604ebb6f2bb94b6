// Turns parsed flags into AppOptions: reads the --upstream-ca files and parses --map-host specs. Problems with
// what the user typed are UsageErrors (exit 2), like flag errors.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { AppOptions } from '../app';
import { Logger } from '../core/logger';
import { HostMapping, parseHostMapping } from '../proxy/host-map';
import { CliRunOptions, UsageError } from './parse-args';

export function appOptionsFromCli(options: CliRunOptions, log: Logger): AppOptions {
  return {
    listenHost: options.listenHost,
    listenPort: options.listenPort,
    apiHost: options.apiHost,
    apiPort: options.apiPort,
    caDir: options.caDir,
    hostMappings: options.mapHosts.map(hostMapping),
    upstreamCaPems: options.upstreamCaFiles.map(readPem),
    insecureUpstream: options.insecureUpstream,
    upstreamTimeouts: { ...options.upstreamTimeouts },
    cloudFetchHostPatterns: options.cloudFetchHosts,
    historySize: options.historySize,
    historyMaxBytes: options.historyMib * 1024 * 1024,
    fakeWarehouse: options.fakeWarehouse ? { ...options.fakeWarehouseSettings } : false,
    log,
  };
}

function hostMapping(spec: string): HostMapping {
  try {
    return parseHostMapping(spec);
  } catch (error) {
    throw new UsageError(`--map-host: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readPem(file: string): string {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : String(error);
    throw new UsageError(`--upstream-ca: cannot read ${file} (${reason})`);
  }
  const blocks = text.match(PEM_CERTIFICATE) ?? [];
  if (blocks.length === 0) {
    throw new UsageError(`--upstream-ca: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  const begun = text.split('-----BEGIN CERTIFICATE-----').length - 1;
  if (begun > blocks.length) {
    throw new UsageError(`--upstream-ca: ${file} has a certificate without its -----END CERTIFICATE----- line (truncated?)`);
  }
  blocks.forEach((block, i) => {
    try {
      new X509Certificate(block);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`--upstream-ca: certificate ${i + 1} of ${blocks.length} in ${file} is not a valid X.509 certificate (${reason})`);
    }
  });
  return text;
}

// Each certificate block, markers included; what lies between them must parse as a certificate.
const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
