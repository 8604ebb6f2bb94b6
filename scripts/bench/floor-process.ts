// The start-up floor: a bare Node.js process that opens two listening sockets and prints a line, as the proxy
// does when it is ready (its proxy port and its control port). Nothing else is loaded.
import net from 'node:net';

const first = net.createServer().listen(0, '127.0.0.1');
const second = net.createServer().listen(0, '127.0.0.1');
let listening = 0;
const ready = (): void => {
  if (++listening < 2) return;
  const port = (s: net.Server): number => (s.address() as net.AddressInfo).port;
  process.stdout.write(`${JSON.stringify({ proxyPort: port(first), apiPort: port(second) })}\n`);
};
first.once('listening', ready);
second.once('listening', ready);
process.once('SIGTERM', () => process.exit(0));
