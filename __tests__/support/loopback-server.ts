// A node:http server bound to 127.0.0.1 on a kernel-chosen port, whose close() also ends kept-alive and
// deliberately hung connections (the SDK keeps sockets alive; a "hang" fault never answers), and aborts
// pending artificial delays so that nothing outlives the test.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Server as NetServer } from 'node:net';

export type Handler = (
  req: IncomingMessage,
  res: ServerResponse,
  signal: AbortSignal,
) => Promise<void> | void;

export interface LoopbackServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startLoopbackServer(handler: Handler): Promise<LoopbackServer> {
  const stop = new AbortController();
  const server = createServer((req, res) => {
    Promise.resolve(handler(req, res, stop.signal)).catch((err: unknown) => {
      if (stop.signal.aborted || res.headersSent) return;
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err));
    });
  });
  const listening = await listenOnLoopback(server, () => server.closeAllConnections());
  return {
    ...listening,
    server,
    close() {
      stop.abort();
      return listening.close();
    },
  };
}

export interface Listening {
  url: string;
  port: number;
  /** Stops the server: no new connections, `endConnections` ends the open ones; every call gets the same promise. */
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 at a port the kernel picks. */
export async function listenOnLoopback(server: NetServer, endConnections: () => void): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        endConnections();
      });
      return closing;
    },
  };
}

/** Resolves after `ms`, or early (without error) when the server is closing. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

export async function readBody(req: IncomingMessage, limit = 1 << 20): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
