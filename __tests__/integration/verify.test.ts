import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Socket } from 'node:net';
import { afterAll, describe, it } from 'vitest';
import { type VerifySettings, verifyCredential } from '../../src/net/verify.js';

const TOKEN = Buffer.from('AWS:probe-password').toString('base64');

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

// The tests run concurrently: servers are closed once all of them are done.
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

/** A loopback server answering with `statuses` in turn (the last one repeats); `drop` first connections are cut. */
async function serve(
  statuses: number[],
  drop = 0,
): Promise<{ host: string; seen: Seen[]; connections: () => number }> {
  const seen: Seen[] = [];
  let connections = 0;
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 500;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{}');
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    if (connections <= drop) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, seen, connections: () => connections };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const settings = (over: Partial<VerifySettings> = {}): VerifySettings => ({
  env: {},
  timeoutMs: 5000,
  attempts: 3,
  ...over,
});

// Concurrent: the retry tests each wait out one backoff (0.5 s); together they wait once.
describe.concurrent('verifyCredential', () => {
  it('sends GET /v2/ with Basic auth and is ok on 200', async ({ expect }) => {
    const reg = await serve([200]);
    const result = await verifyCredential({ scheme: 'http', host: reg.host, auth: TOKEN }, settings());
    expect(result).toEqual({ ok: true, status: 200, message: `GET http://${reg.host}/v2/ answered 200 OK` });
    expect(reg.seen).toHaveLength(1);
    expect(reg.seen[0]?.method).toBe('GET');
    expect(reg.seen[0]?.url).toBe('/v2/');
    expect(reg.seen[0]?.headers.authorization).toBe(`Basic ${TOKEN}`);
    expect(reg.seen[0]?.headers['user-agent']).toBe('ecr-login');
  });

  it.for([401, 403, 404])('takes %i as final: one request, not ok', async (status, { expect }) => {
    const reg = await serve([status]);
    const result = await verifyCredential(
      { scheme: 'http', host: reg.host, auth: TOKEN },
      settings({ attempts: 3 }),
    );
    expect(result.ok).toBe(false);
    expect(result.status).toBe(status);
    expect(result.message).toMatch(new RegExp(`^GET http://${reg.host}/v2/ answered ${status} `));
    expect(reg.seen).toHaveLength(1);
  });

  it('retries a 5xx answer', async ({ expect }) => {
    const reg = await serve([503, 200]);
    const result = await verifyCredential(
      { scheme: 'http', host: reg.host, auth: TOKEN },
      settings({ attempts: 2 }),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(reg.seen).toHaveLength(2);
  });

  it('stops after `attempts` 5xx answers and reports the last', async ({ expect }) => {
    const reg = await serve([502, 500]);
    const result = await verifyCredential(
      { scheme: 'http', host: reg.host, auth: TOKEN },
      settings({ attempts: 2 }),
    );
    expect(result).toEqual({
      ok: false,
      status: 500,
      message: `GET http://${reg.host}/v2/ answered 500 Internal Server Error`,
    });
    expect(reg.seen).toHaveLength(2);
  });

  it('retries a broken connection', async ({ expect }) => {
    const reg = await serve([200], 1);
    const result = await verifyCredential(
      { scheme: 'http', host: reg.host, auth: TOKEN },
      settings({ attempts: 2 }),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(reg.connections()).toBe(2);
    expect(reg.seen).toHaveLength(1);
  });

  it('reports a refused connection with its code and no status', async ({ expect }) => {
    const port = await closedPort();
    const result = await verifyCredential(
      { scheme: 'http', host: `127.0.0.1:${port}`, auth: TOKEN },
      settings({ attempts: 1 }),
    );
    expect(result.ok).toBe(false);
    expect(result.status).toBeUndefined();
    expect(result.message).toMatch(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/v2/ failed: ECONNREFUSED `),
    );
  });

  it('gives up on a registry that does not answer within the timeout', async ({ expect }) => {
    const server = createServer(() => {
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    const { port } = server.address() as AddressInfo;
    const result = await verifyCredential(
      { scheme: 'http', host: `127.0.0.1:${port}`, auth: TOKEN },
      settings({ attempts: 1, timeoutMs: 50 }),
    );
    expect(result.ok).toBe(false);
    expect(result.message).toBe(
      `GET http://127.0.0.1:${port}/v2/ failed: no complete answer from 127.0.0.1:${port} within 0.05 s`,
    );
  });

  it('bounds the whole attempt against a registry that trickles its headers byte by byte', async ({
    expect,
  }) => {
    // Each byte resets a socket-idle timer; only a deadline for the whole attempt ends this.
    const timers: NodeJS.Timeout[] = [];
    const sockets: Socket[] = [];
    const server = createNetServer((socket) => {
      sockets.push(socket);
      const head = `HTTP/1.1 200 OK\r\nX-Slow: ${'a'.repeat(10_000)}`;
      let i = 0;
      const timer = setInterval(() => {
        if (!socket.destroyed) socket.write(head[i++ % head.length] ?? 'a');
      }, 20);
      timers.push(timer);
      socket.on('close', () => clearInterval(timer));
      socket.on('error', () => clearInterval(timer));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const result = await verifyCredential(
        { scheme: 'http', host: `127.0.0.1:${port}`, auth: TOKEN },
        settings({ attempts: 1, timeoutMs: 1000 }),
      );
      expect(result.ok).toBe(false);
      expect(result.message).toBe(
        `GET http://127.0.0.1:${port}/v2/ failed: no complete answer from 127.0.0.1:${port} within 1 s`,
      );
    } finally {
      for (const t of timers) clearInterval(t);
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }, 15_000);

  it('goes through the http-proxy setting (absolute URL to the proxy)', async ({ expect }) => {
    const proxy = await serve([200]);
    const result = await verifyCredential(
      { scheme: 'http', host: 'registry.invalid:5000', auth: TOKEN },
      settings({ attempts: 1, httpProxy: `http://${proxy.host}` }),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(proxy.seen[0]?.url).toBe('http://registry.invalid:5000/v2/');
    expect(proxy.seen[0]?.headers.authorization).toBe(`Basic ${TOKEN}`);
  });

  it('skips the proxy for NO_PROXY hosts', async ({ expect }) => {
    const reg = await serve([200]);
    const result = await verifyCredential(
      { scheme: 'http', host: reg.host, auth: TOKEN },
      settings({ attempts: 1, httpProxy: 'http://127.0.0.1:9', env: { NO_PROXY: '127.0.0.1' } }),
    );
    expect(result).toMatchObject({ ok: true, status: 200 });
    expect(reg.seen[0]?.url).toBe('/v2/');
  });
});
