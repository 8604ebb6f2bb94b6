// Close the client's TCP connection normally (FIN) without an HTTP response. For intercepted HTTPS this is the
// client's CONNECT socket, so the client sees the connection end without a TLS alert or an answer.
import net from 'node:net';

export function closeConnection(clientSocket: net.Socket): void {
  if (clientSocket.destroyed) return;
  // end() sends FIN once written data drained; the socket is destroyed when the client closes its side.
  clientSocket.end();
}

/** The record error for a call a scenario closed. */
export function closeError(scenario: string): string {
  return `connection closed by scenario ${scenario}`;
}
