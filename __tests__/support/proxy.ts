// A REAL forward proxy (tinyproxy 1.11) on 127.0.0.1, so a test can prove the action's AWS calls and
// docker logins honour HTTPS_PROXY/HTTP_PROXY: whatever went through it is in its own log.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Daemon, freePort, makeTempDir, removeDir, spawnDaemon, waitFor } from './daemon.js';

export { requireTool } from './tools.js';

export interface ProxyServer {
  url: string;
  port: number;
  pid: number;
  /** tinyproxy's own log (LogLevel Info; one "Request (file descriptor N): METHOD url" line per request). */
  log(): Promise<string>;
  /** The request lines of log(), e.g. "GET http://127.0.0.1:5001/v2/ HTTP/1.1" or "CONNECT 127.0.0.1:443 HTTP/1.1". */
  requests(): Promise<string[]>;
  close(): Promise<void>;
}

const ATTEMPTS = 5;

export interface ProxyOptions {
  startTimeoutMs?: number;
  /** tinyproxy's BasicAuth: every request without these credentials is answered 407. */
  basicAuth?: { user: string; password: string };
}

export async function startProxy({
  startTimeoutMs = 10_000,
  basicAuth,
}: ProxyOptions = {}): Promise<ProxyServer> {
  const dir = await makeTempDir('proxy');
  const logFile = join(dir, 'tinyproxy.log');
  const log = () => readFile(logFile, 'utf8').catch(() => '');
  try {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const port = await freePort();
      const daemon = await launch(dir, port, logFile, log, startTimeoutMs, basicAuth);
      if (!daemon) continue;
      return {
        url: `http://127.0.0.1:${port}`,
        port,
        pid: daemon.child.pid ?? 0,
        log,
        async requests() {
          return [...(await log()).matchAll(/: Request \(file descriptor \d+\): (.*)$/gm)].map(
            (m) => m[1] ?? '',
          );
        },
        async close() {
          await daemon.stop();
          await removeDir(dir);
        },
      };
    }
    throw new Error(`tinyproxy: no free port after ${ATTEMPTS} attempts`);
  } catch (err) {
    await removeDir(dir);
    throw err;
  }
}

async function launch(
  dir: string,
  port: number,
  logFile: string,
  log: () => Promise<string>,
  timeoutMs: number,
  basicAuth?: ProxyOptions['basicAuth'],
): Promise<Daemon | undefined> {
  // No ConnectPort line at all = CONNECT allowed to every port (tinyproxy's rule), which loopback
  // registries on random ports need. Via header off so the upstream sees the request unchanged.
  const config = [
    `Port ${port}`,
    'Listen 127.0.0.1',
    'Timeout 30',
    'Allow 127.0.0.1',
    `LogFile "${logFile}"`,
    'LogLevel Info',
    `PidFile "${join(dir, 'tinyproxy.pid')}"`,
    'MaxClients 50',
    'DisableViaHeader Yes',
    ...(basicAuth ? [`BasicAuth ${basicAuth.user} ${basicAuth.password}`] : []),
    '',
  ].join('\n');
  const confFile = join(dir, 'tinyproxy.conf');
  await writeFile(confFile, config);
  await writeFile(logFile, ''); // truncate between attempts
  // -d: stay in the foreground so the child is the proxy itself (killable, no daemonized orphan).
  const daemon = spawnDaemon('tinyproxy', ['-d', '-c', confFile], dir, {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
  });
  try {
    await waitFor(
      `tinyproxy on port ${port}`,
      async () => {
        if (daemon.exited()) return 'exited';
        const text = await log();
        if (/Could not create listening sockets|Address already in use/i.test(text)) return 'in use';
        return /Accepting connections/.test(text) ? 'up' : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    await daemon.stop();
    throw new Error(`${(err as Error).message}\n${await log()}${daemon.output()}`);
  }
  const text = (await log()) + daemon.output();
  if (!daemon.exited() && /Accepting connections/.test(text)) return daemon;
  await daemon.stop();
  if (/already in use|Could not create listening/i.test(text)) return undefined;
  throw new Error(`tinyproxy exited at start:\n${text}`);
}
