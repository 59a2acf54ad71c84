// The real tinyproxy forwards plain HTTP and CONNECT to loopback ports and logs each request.
import { request } from 'node:http';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/daemon.js';
import { type LoopbackServer, startLoopbackServer } from '../../support/loopback-server.js';
import { type ProxyServer, requireTool, startProxy } from '../../support/proxy.js';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function upstream(): Promise<LoopbackServer> {
  const s = await startLoopbackServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`upstream saw ${req.method} ${req.url}`);
  });
  open.push(s);
  return s;
}

// Plain-HTTP proxying: absolute-form request line sent to the proxy.
function getVia(proxy: ProxyServer, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: proxy.port, path: target, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

// CONNECT tunnel, then a raw HTTP/1.1 request through it.
function connectVia(proxy: ProxyServer, hostPort: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(proxy.port, '127.0.0.1');
    const timer = setTimeout(() => sock.destroy(new Error('timeout')), 5000);
    let buf = '';
    let tunneled = false;
    sock.on('connect', () => sock.write(`CONNECT ${hostPort} HTTP/1.1\r\nHost: ${hostPort}\r\n\r\n`));
    sock.on('data', (d) => {
      buf += d.toString();
      if (!tunneled && buf.includes('\r\n\r\n')) {
        if (!/^HTTP\/1\.[01] 200/.test(buf)) return sock.destroy(new Error(`CONNECT refused: ${buf}`));
        tunneled = true;
        buf = '';
        sock.write(`GET /tunneled HTTP/1.1\r\nHost: ${hostPort}\r\nConnection: close\r\n\r\n`);
      }
    });
    sock.on('end', () => {
      clearTimeout(timer);
      resolve(buf);
    });
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

describe.skipIf(!requireTool('tinyproxy'))('real tinyproxy', () => {
  it('forwards plain HTTP to a loopback server and logs the request', async () => {
    const up = await upstream();
    const proxy = await startProxy();
    open.push(proxy);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(await proxy.requests()).toEqual([]);
    const res = await getVia(proxy, `${up.url}/v2/probe`);
    expect(res).toEqual({ status: 200, body: 'upstream saw GET /v2/probe' });
    const lines = await waitFor('the request in the proxy log', async () => {
      const r = await proxy.requests();
      return r.length > 0 ? r : undefined;
    });
    expect(lines).toEqual([`GET ${up.url}/v2/probe HTTP/1.1`]);
    expect(await proxy.log()).toContain('Accepting connections');
  });

  it('tunnels CONNECT to any loopback port (no ConnectPort restriction)', async () => {
    const up = await upstream();
    const proxy = await startProxy();
    open.push(proxy);
    const host = up.url.replace('http://', '');
    const answer = await connectVia(proxy, host);
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('upstream saw GET /tunneled');
    await waitFor('CONNECT in the log', async () =>
      (await proxy.requests()).includes(`CONNECT ${host} HTTP/1.1`) ? true : undefined,
    );
  });

  it('closes: the process is gone and the port refuses', async () => {
    const proxy = await startProxy();
    await proxy.close();
    expect(() => process.kill(proxy.pid, 0)).toThrow();
    await expect(getVia(proxy, 'http://127.0.0.1:1/')).rejects.toThrow(/ECONNREFUSED/);
  });
});
