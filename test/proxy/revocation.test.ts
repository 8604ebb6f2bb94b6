// The proxy CA's CRL: every leaf names it (CRL distribution point on the address the client connected to), the
// proxy serves it on its own port (origin-form, and absolute-form as a client whose HTTP proxy is the proxy sends
// it), and it is an empty CRL signed by the CA, valid now. .NET's online revocation check depends on all of it
// (clients/csharp RevocationTests runs that check itself).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { verify, X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { childrenOf, readNode } from '../../src/tls/der';
import { pem } from '../../src/tls/x509';
import { openTunnel, sendAndCollect } from '../helpers/proxied-client';
import { startTestProxy, TestProxy } from '../helpers/proxy-harness';

let proxy: TestProxy;
beforeAll(async () => {
  proxy = await startTestProxy();
});
afterAll(() => proxy.close());

async function leafThroughTunnel(host: string): Promise<X509Certificate> {
  const raw = await openTunnel(proxy.port, `${host}:443`);
  const socket = tls.connect({ socket: raw, servername: host, ca: proxy.caCertPem });
  try {
    await once(socket, 'secureConnect');
    return new X509Certificate(socket.getPeerCertificate().raw);
  } finally {
    socket.destroy();
  }
}

/** The URI of the leaf's CRL distribution point. */
function crlUrlOf(leaf: X509Certificate): string {
  const match = /http:\/\/[\x21-\x7e]+?\.crl/.exec(leaf.raw.toString('latin1'));
  if (match === null) throw new Error('the leaf has no CRL distribution point');
  return match[0];
}

function timeOf(node: { tag: number; content: Buffer }): Date {
  const text = node.content.toString('ascii');
  const full = node.tag === 0x17 ? `${Number(text.slice(0, 2)) >= 50 ? '19' : '20'}${text}` : text;
  return new Date(`${full.slice(0, 4)}-${full.slice(4, 6)}-${full.slice(6, 8)}T${full.slice(8, 10)}:${full.slice(10, 12)}:${full.slice(12, 14)}Z`);
}

describe('the proxy CA CRL', () => {
  it('is named by every leaf, on the address and port the client used', async () => {
    const url = crlUrlOf(await leafThroughTunnel('crl.example.test'));
    expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${proxy.port}/\\.thrift-fault-proxy/crl/[0-9a-f]{32}\\.crl$`));
    expect(crlUrlOf(await leafThroughTunnel('other.example.test'))).toBe(url);
  });

  it('is served to direct and to proxied GETs: an empty CRL signed by the CA, valid now', async () => {
    const url = new URL(crlUrlOf(await leafThroughTunnel('crl.example.test')));
    const direct = await sendAndCollect(http, { host: url.hostname, port: Number(url.port), path: url.pathname, agent: false });
    const proxied = await sendAndCollect(http, { host: '127.0.0.1', port: proxy.port, path: url.href, headers: { host: url.host }, agent: false });
    for (const response of [direct, proxied]) {
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/pkix-crl');
    }
    expect(proxied.body.equals(direct.body)).toBe(true);

    const [tbs, , signature] = childrenOf(readNode(direct.body));
    const ca = new X509Certificate(proxy.caCertPem);
    expect(verify('sha256', tbs.raw, ca.publicKey, signature.content.subarray(1))).toBe(true);
    const [version, , issuer, thisUpdate, nextUpdate, ...rest] = childrenOf(tbs);
    expect(version.content).toEqual(Buffer.from([1])); // v2
    const caSubject = childrenOf(childrenOf(readNode(ca.raw))[0])[5].raw;
    expect(issuer.raw.equals(caSubject)).toBe(true);
    expect(timeOf(thisUpdate).getTime()).toBeLessThan(Date.now());
    expect(timeOf(nextUpdate).getTime()).toBeGreaterThan(Date.now() + 24 * 3600_000);
    expect(rest.map((node) => node.tag)).toEqual([0xa0]); // extensions only: nothing revoked
    // The proxy served it itself: nothing was forwarded or recorded.
    expect(proxy.journal.list()).toEqual([]);
  });

  const withOpenssl = hasOpenssl() ? it : it.skip;
  withOpenssl('satisfies OpenSSL revocation checking of a leaf (openssl verify -crl_check)', async () => {
    const leaf = await leafThroughTunnel('openssl.example.test');
    const url = new URL(crlUrlOf(leaf));
    const crl = await sendAndCollect(http, { host: url.hostname, port: Number(url.port), path: url.pathname, agent: false });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfp-crl-'));
    try {
      fs.writeFileSync(path.join(dir, 'ca.pem'), proxy.caCertPem);
      fs.writeFileSync(path.join(dir, 'leaf.pem'), leaf.toString());
      fs.writeFileSync(path.join(dir, 'crl.pem'), pem(crl.body, 'X509 CRL'));
      const out = execFileSync('openssl', ['verify', '-x509_strict', '-crl_check', '-CAfile', 'ca.pem', '-CRLfile', 'crl.pem', 'leaf.pem'], { cwd: dir, encoding: 'utf8' });
      expect(out.trim()).toBe('leaf.pem: OK');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
