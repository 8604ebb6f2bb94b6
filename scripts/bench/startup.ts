// Start-up: spawn → the JSON ready line, for the proxy with an existing CA, with a fresh CA directory and with
// the fake warehouse, next to the floor (a bare Node.js process opening two listening sockets and printing a
// line). The kinds alternate within each run so that load on the machine hits them alike.
import fs from 'node:fs';
import path from 'node:path';
import type { ReadyLine } from '../../src/cli/ready-line';
import { timeToFirstLine } from './processes';

export const STARTUP_KINDS = ['floor', 'caExists', 'freshCa', 'fakeWarehouse'] as const;
export type StartupKind = (typeof STARTUP_KINDS)[number];
export type StartupSamples = Record<StartupKind, number[]>;

/** Wall times (spawn → ready line) and the CPU time each process had used by then, in ms. */
export interface StartupMeasurements {
  wallMs: StartupSamples;
  cpuMs: StartupSamples;
}

export interface StartupSetup {
  cliPath: string;
  floorPath: string;
  /** Node flags for the proxy (BENCH_PROXY_NODE_ARGS). */
  proxyNodeArgs: readonly string[];
  /** A directory for CA directories. */
  work: string;
  env: NodeJS.ProcessEnv;
  runs: number;
}

export async function measureStartup(setup: StartupSetup): Promise<StartupMeasurements> {
  const sharedCa = path.join(setup.work, 'ca-shared');
  const proxyArgs = (caDir: string, ...more: string[]): string[] => [
    ...setup.proxyNodeArgs,
    setup.cliPath,
    '--listen-port', '0', '--api-port', '0', '--log-level', 'error', '--ca-dir', caDir, ...more,
  ];
  const result: StartupMeasurements = {
    wallMs: { floor: [], caExists: [], freshCa: [], fakeWarehouse: [] },
    cpuMs: { floor: [], caExists: [], freshCa: [], fakeWarehouse: [] },
  };
  const start = async (kind: StartupKind, args: string[]): Promise<void> => {
    const { ms, cpuMs, line } = await timeToFirstLine<ReadyLine>(args, setup.env);
    if (kind !== 'floor' && (line.event !== 'ready' || !(line.proxyPort > 0) || !(line.apiPort > 0) || (kind === 'fakeWarehouse') !== (line.warehouse !== undefined))) {
      throw new Error(`unexpected ready line: ${JSON.stringify(line)}`);
    }
    result.wallMs[kind].push(ms);
    result.cpuMs[kind].push(cpuMs);
  };
  // The CA the 'caExists' starts reuse (its creation is not counted here).
  await timeToFirstLine<ReadyLine>(proxyArgs(sharedCa), setup.env);

  for (let run = 0; run < setup.runs; run++) {
    await start('floor', [setup.floorPath]);
    await start('caExists', proxyArgs(sharedCa));
    await start('freshCa', proxyArgs(fs.mkdtempSync(path.join(setup.work, 'ca-fresh-'))));
    await start('fakeWarehouse', proxyArgs(sharedCa, '--fake-warehouse'));
  }
  return result;
}
