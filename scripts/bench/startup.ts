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

export async function measureStartup(setup: StartupSetup): Promise<StartupSamples> {
  const sharedCa = path.join(setup.work, 'ca-shared');
  const proxyArgs = (caDir: string, ...more: string[]): string[] => [
    ...setup.proxyNodeArgs,
    setup.cliPath,
    '--listen-port', '0', '--api-port', '0', '--log-level', 'error', '--ca-dir', caDir, ...more,
  ];
  const startProxy = async (args: string[], fake: boolean): Promise<number> => {
    const { ms, line } = await timeToFirstLine<ReadyLine>(args, setup.env);
    if (line.event !== 'ready' || !(line.proxyPort > 0) || !(line.apiPort > 0) || (fake && line.warehouse === undefined)) {
      throw new Error(`unexpected ready line: ${JSON.stringify(line)}`);
    }
    return ms;
  };
  // The CA the 'caExists' starts reuse (its creation is not timed here).
  await startProxy(proxyArgs(sharedCa), false);

  const samples: StartupSamples = { floor: [], caExists: [], freshCa: [], fakeWarehouse: [] };
  for (let run = 0; run < setup.runs; run++) {
    samples.floor.push((await timeToFirstLine<unknown>([setup.floorPath], setup.env)).ms);
    samples.caExists.push(await startProxy(proxyArgs(sharedCa), false));
    const fresh = fs.mkdtempSync(path.join(setup.work, 'ca-fresh-'));
    samples.freshCa.push(await startProxy(proxyArgs(fresh), false));
    samples.fakeWarehouse.push(await startProxy(proxyArgs(sharedCa, '--fake-warehouse'), true));
  }
  return samples;
}
