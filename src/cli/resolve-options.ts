// Turns parsed flags into AppOptions: reads the --upstream-ca files and parses --map-host specs. Problems with
// what the user typed are UsageErrors (exit 2), like flag errors.
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
    cloudFetchHostPatterns: options.cloudFetchHosts,
    historySize: options.historySize,
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
  if (!text.includes('-----BEGIN CERTIFICATE-----')) {
    throw new UsageError(`--upstream-ca: ${file} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  }
  return text;
}
