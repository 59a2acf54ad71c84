// ECR Public, for real, on loopback: public.ecr.aws is not reachable from the test machine, so a tiny
// HTTP CONNECT proxy maps `public.ecr.aws:443` to a REAL docker-registry serving TLS with a throwaway CA.
// A step run with HTTPS_PROXY = proxy url, NODE_EXTRA_CA_CERTS (node's /v2/ proof) and SSL_CERT_FILE
// (the Go docker CLI's trust) set to the CA then really logs in to "public.ecr.aws", with either login
// method, and nothing leaves the machine: the proxy refuses every other CONNECT target.
import { execFile } from 'node:child_process';
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
} from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { promisify } from 'node:util';
import { type Daemon, makeTempDir, removeDir } from './daemon.js';
import { listenOnLoopback } from './loopback-server.js';
import { serveRegistry, writeHtpasswd } from './registry.js';
import { findTool } from './tools.js';

const run = promisify(execFile);

// ---------------------------------------------------------------------------------------------------
// The CONNECT proxy
// ---------------------------------------------------------------------------------------------------

export interface ConnectRecord {
  at: number;
  /** What the client asked for, e.g. "public.ecr.aws:443". */
  target: string;
  /** Whether it was routed (true) or refused with 403 (false). */
  routed: boolean;
}

export interface ConnectProxy {
  url: string;
  port: number;
  /** Every CONNECT received, routed or refused, in arrival order. */
  connects: ConnectRecord[];
  /** Plain (non-CONNECT) proxy requests, always refused: "METHOD url". */
  plainRequests: string[];
  close(): Promise<void>;
}

/** `routes` maps "host:port" (lower case) to a loopback port. Anything else gets 403. */
export async function startConnectProxy(routes: Record<string, number>): Promise<ConnectProxy> {
  const connects: ConnectRecord[] = [];
  const plainRequests: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    plainRequests.push(`${req.method} ${req.url}`);
    res.writeHead(405, { 'content-type': 'text/plain' }).end('this proxy only tunnels (CONNECT)\n');
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = String(req.url ?? '').toLowerCase();
    const port = routes[target];
    connects.push({ at: Date.now(), target, routed: port !== undefined });
    client.on('error', () => client.destroy());
    if (port === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    sockets.add(upstream);
    upstream.once('close', () => {
      sockets.delete(upstream);
      client.destroy();
    });
    upstream.on('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('connect', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  const listening = await listenOnLoopback(server, () => {
    for (const s of sockets) s.destroy();
  });
  return { ...listening, connects, plainRequests };
}

// ---------------------------------------------------------------------------------------------------
// A throwaway CA and a server certificate: the openssl CLI when present, else node:crypto + a minimal
// DER encoder (node can sign but not build certificates). Both are EC P-256, SHA-256, with the SAN,
// key usage and basic constraints that Go's verifier insists on.
// ---------------------------------------------------------------------------------------------------

export type CertTool = 'openssl' | 'node';

export interface TlsMaterial {
  /** The CA certificate (PEM file): the bundle for NODE_EXTRA_CA_CERTS / SSL_CERT_FILE. */
  caFile: string;
  caPem: string;
  certFile: string;
  keyFile: string;
  tool: CertTool;
}

export async function makeTlsMaterial(
  dir: string,
  hosts: readonly string[],
  tool: CertTool = findTool('openssl') ? 'openssl' : 'node',
): Promise<TlsMaterial> {
  const caFile = join(dir, 'ca.pem');
  const certFile = join(dir, 'server.pem');
  const keyFile = join(dir, 'server-key.pem');
  if (tool === 'openssl') {
    await opensslMaterial(dir, hosts, { caFile, certFile, keyFile });
  } else {
    const m = nodeMaterial(hosts);
    await writeFile(caFile, m.caPem);
    await writeFile(certFile, m.certPem);
    await writeFile(keyFile, m.keyPem, { mode: 0o600 });
  }
  return { caFile, caPem: await readFile(caFile, 'utf8'), certFile, keyFile, tool };
}

async function opensslMaterial(
  dir: string,
  hosts: readonly string[],
  files: { caFile: string; certFile: string; keyFile: string },
): Promise<void> {
  const caKey = join(dir, 'ca-key.pem');
  const csr = join(dir, 'server.csr');
  const ext = join(dir, 'server.ext');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  const opts = { timeout: 20_000 };
  await run(
    'openssl',
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      caKey,
      '-out',
      files.caFile,
      '-days',
      '2',
      '-subj',
      '/CN=ecr-login e2e throwaway CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    opts,
  );
  await run(
    'openssl',
    ['req', ...ec, '-keyout', files.keyFile, '-out', csr, '-subj', `/CN=${hosts[0]}`],
    opts,
  );
  await writeFile(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
      '',
    ].join('\n'),
  );
  await run(
    'openssl',
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      files.caFile,
      '-CAkey',
      caKey,
      '-set_serial',
      `0x${randomBytes(8).toString('hex')}`,
      '-days',
      '2',
      '-sha256',
      '-extfile',
      ext,
      '-out',
      files.certFile,
    ],
    opts,
  );
}

// --- DER, just enough for two certificates ---
function der(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  let len: Buffer;
  if (n < 0x80) len = Buffer.from([n]);
  else {
    const bytes: number[] = [];
    for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
    len = Buffer.from([0x80 | bytes.length, ...bytes]);
  }
  return Buffer.concat([Buffer.from([tag]), len, body]);
}
const seq = (...c: Buffer[]) => der(0x30, ...c);
const set = (...c: Buffer[]) => der(0x31, ...c);
const octets = (b: Buffer) => der(0x04, b);
const bits = (b: Buffer, unused = 0) => der(0x03, Buffer.from([unused]), b);
const utf8 = (s: string) => der(0x0c, Buffer.from(s, 'utf8'));
const bool = (v: boolean) => der(0x01, Buffer.from([v ? 0xff : 0x00]));
function oid(dotted: string): Buffer {
  const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
  const out = [40 * a + b];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift(0x80 | (x & 0x7f));
    out.push(...chunk);
  }
  return der(0x06, Buffer.from(out));
}
function positiveInt(b: Buffer): Buffer {
  const trimmed = b.subarray(b.findIndex((x) => x !== 0));
  return der(0x02, (trimmed[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed);
}
function utcTime(d: Date): Buffer {
  const s = d.toISOString().replace(/[-:T]/g, '').slice(2, 14);
  return der(0x17, Buffer.from(`${s}Z`, 'ascii'));
}
const name = (cn: string) => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer) =>
  seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));

function certificate(opts: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signer: KeyObject;
  extensions: Buffer[];
}): Buffer {
  const now = Date.now();
  const tbs = seq(
    der(0xa0, positiveInt(Buffer.from([2]))),
    positiveInt(randomBytes(16)),
    ECDSA_SHA256,
    name(opts.issuer),
    seq(utcTime(new Date(now - 3600_000)), utcTime(new Date(now + 2 * 86_400_000))),
    name(opts.subject),
    opts.publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, seq(...opts.extensions)),
  );
  // node's ECDSA signature is DER (r, s): exactly what X.509 carries.
  return seq(tbs, ECDSA_SHA256, bits(sign('sha256', tbs, opts.signer)));
}

const pem = (label: string, body: Buffer) =>
  `-----BEGIN ${label}-----\n${(body.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`;

function nodeMaterial(hosts: readonly string[]): { caPem: string; certPem: string; keyPem: string } {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const leaf = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const caName = 'ecr-login e2e throwaway CA';
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signer: ca.privateKey,
    extensions: [
      extension('2.5.29.19', true, seq(bool(true))),
      // keyCertSign (bit 5) + cRLSign (bit 6): 0b0000_0110, one unused bit.
      extension('2.5.29.15', true, bits(Buffer.from([0x06]), 1)),
    ],
  });
  const leafCert = certificate({
    subject: hosts[0] ?? 'localhost',
    issuer: caName,
    publicKey: leaf.publicKey,
    signer: ca.privateKey,
    extensions: [
      extension('2.5.29.19', true, seq()),
      // digitalSignature (bit 0): 0b1000_0000, seven unused bits.
      extension('2.5.29.15', true, bits(Buffer.from([0x80]), 7)),
      extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
      extension('2.5.29.17', false, seq(...hosts.map((h) => der(0x82, Buffer.from(h, 'ascii'))))),
    ],
  });
  // Sanity: node can read back what we built.
  createPublicKey(pem('CERTIFICATE', leafCert));
  createPrivateKey(leaf.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return {
    caPem: pem('CERTIFICATE', caCert),
    certPem: pem('CERTIFICATE', leafCert),
    keyPem: String(leaf.privateKey.export({ type: 'pkcs8', format: 'pem' })),
  };
}

// ---------------------------------------------------------------------------------------------------
// A REAL docker-registry with TLS + htpasswd, and the whole "public.ecr.aws" behind the proxy
// ---------------------------------------------------------------------------------------------------

export const PUBLIC_HOSTS = ['public.ecr.aws', 'ecr-public.aws.com'] as const;

export interface PublicEcr {
  /** "public.ecr.aws" */
  host: string;
  proxy: ConnectProxy;
  /** The TLS registry's loopback port (what public.ecr.aws:443 is routed to). */
  registryPort: number;
  registryPid: number;
  tls: TlsMaterial;
  username: string;
  password: string;
  /** For the step (and any Go or node client): the proxy and the CA. Loopback stays direct. */
  env: Record<string, string>;
  /** GET https://<host>/v2/ through the proxy, trusting only the throwaway CA: 200 = valid credential. */
  checkAuth(username?: string, password?: string, host?: string): Promise<number>;
  close(): Promise<void>;
}

export interface PublicEcrOptions {
  password: string;
  username?: string;
  certTool?: CertTool;
  startTimeoutMs?: number;
}

export async function startPublicEcr({
  password,
  username = 'AWS',
  certTool,
  startTimeoutMs = 15_000,
}: PublicEcrOptions): Promise<PublicEcr> {
  const dir = await makeTempDir('public-ecr');
  let daemon: Daemon | undefined;
  let proxy: ConnectProxy | undefined;
  try {
    const tls = await makeTlsMaterial(dir, PUBLIC_HOSTS, certTool);
    await writeHtpasswd(dir, username, password);
    const served = await serveRegistry(dir, {
      label: 'docker-registry (TLS)',
      realm: 'public-ecr-stand-in',
      tls,
      probe: (p) => directCheckAuth(p, PUBLIC_HOSTS[0], tls.caPem),
      timeoutMs: startTimeoutMs,
      intervalMs: 50,
    });
    daemon = served.daemon;
    const port = served.port;
    const routes = Object.fromEntries(PUBLIC_HOSTS.map((h) => [`${h}:443`, port]));
    proxy = await startConnectProxy(routes);
    const p = proxy;
    const d = daemon;
    return {
      host: PUBLIC_HOSTS[0],
      proxy: p,
      registryPort: port,
      registryPid: d.child.pid ?? 0,
      tls,
      username,
      password,
      env: {
        HTTPS_PROXY: p.url,
        https_proxy: p.url,
        NO_PROXY: '127.0.0.1,localhost,::1',
        no_proxy: '127.0.0.1,localhost,::1',
        NODE_EXTRA_CA_CERTS: tls.caFile,
        SSL_CERT_FILE: tls.caFile,
      },
      checkAuth: (user, pw, host = PUBLIC_HOSTS[0]) => tunnelCheckAuth(p.port, host, tls.caPem, user, pw),
      async close() {
        await p.close();
        await d.stop();
        await removeDir(dir);
      },
    };
  } catch (err) {
    await proxy?.close();
    await daemon?.stop();
    await removeDir(dir);
    throw err;
  }
}

function basic(username?: string, password?: string): Record<string, string> {
  if (username === undefined) return {};
  return { authorization: `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}` };
}

/** GET /v2/ on the TLS registry's own port, verifying the certificate for `servername`. */
function directCheckAuth(port: number, servername: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, servername, ca, path: '/v2/', method: 'GET', timeout: 2000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** GET https://host/v2/ through the CONNECT proxy, as a client that trusts only `ca` would. */
function tunnelCheckAuth(
  proxyPort: number,
  host: string,
  ca: string,
  username?: string,
  password?: string,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const connectReq = httpRequest({
      host: '127.0.0.1',
      port: proxyPort,
      method: 'CONNECT',
      path: `${host}:443`,
      headers: { host: `${host}:443` },
      timeout: 5000,
    });
    connectReq.on('timeout', () => connectReq.destroy(new Error('CONNECT timed out')));
    connectReq.on('error', reject);
    connectReq.on('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        reject(new Error(`CONNECT ${host}:443 answered ${res.statusCode}`));
        return;
      }
      const req = httpsRequest(
        {
          host,
          path: '/v2/',
          method: 'GET',
          headers: basic(username, password),
          timeout: 5000,
          createConnection: () => tlsConnect({ socket, servername: host, ca }),
        },
        (r) => {
          r.resume();
          r.once('end', () => socket.destroy());
          resolve(r.statusCode ?? 0);
        },
      );
      req.on('timeout', () => req.destroy(new Error('GET /v2/ timed out')));
      req.on('error', reject);
      req.end();
    });
    connectReq.end();
  });
}
