// How many bytes a TCP socket has handed to the kernel that the peer has not acknowledged yet. A reset throws
// those away, so a cut that must deliver exactly N bytes resets only once this is 0. Node has no API for it;
// on Linux the kernel publishes it per connection in /proc/net/tcp{,6} (tx_queue). Elsewhere: unknown.
import fs from 'node:fs/promises';
import net from 'node:net';

const TABLES = ['/proc/net/tcp', '/proc/net/tcp6'];
const POLL_MS = 2;

/** Bytes not yet acknowledged by the peer, or undefined when the platform does not say. */
export async function unacknowledgedBytes(socket: net.Socket): Promise<number | undefined> {
  const local = socket.localPort;
  const remote = socket.remotePort;
  if (process.platform !== 'linux' || local === undefined || remote === undefined) return undefined;
  const ports = `:${hexPort(local)} `;
  const peer = `:${hexPort(remote)} `;
  for (const table of TABLES) {
    let text: string;
    try {
      text = await fs.readFile(table, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      // "sl: local_address rem_address st tx_queue:rx_queue ...": the connection is the one with both ports.
      const fields = line.trim().split(/\s+/);
      if (fields.length < 5 || !`${fields[1]} `.endsWith(ports) || !`${fields[2]} `.endsWith(peer)) continue;
      return parseInt(fields[4].split(':')[0], 16);
    }
  }
  return undefined;
}

/**
 * Resolves once the peer has acknowledged everything written to `socket` (what is left then: 0), or when
 * `timeoutMs` has passed (what is left then), or at once with undefined where the platform does not tell.
 */
export async function waitForAcknowledged(socket: net.Socket, timeoutMs: number): Promise<number | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await unacknowledgedBytes(socket);
    if (left === undefined || left === 0 || Date.now() >= deadline || socket.destroyed) return left;
    await new Promise<void>((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function hexPort(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}
