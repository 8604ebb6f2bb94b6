// Scenario action: end the client's TCP connection with a reset (RST), no HTTP response. For intercepted HTTPS
// this must be the client's CONNECT socket: the TLS socket above it has no TCP handle of its own.
import net from 'node:net';

export function resetConnection(clientSocket: net.Socket): void {
  if (clientSocket.destroyed) return;
  try {
    clientSocket.resetAndDestroy();
  } catch {
    // Not a TCP socket (e.g. already detached from its handle): closing is the closest we can do.
    clientSocket.destroy();
  }
}

/** The record error for a call a scenario reset. */
export function resetError(scenario: string): string {
  return `connection reset by scenario ${scenario}`;
}
