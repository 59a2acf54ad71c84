import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BoundedOptions, BoundedResult } from '../../src/docker/bounded-exec.js';
import {
  cleanDockerOutput,
  DOCKER_RETRY,
  DOCKER_TIMEOUT_MS,
  dockerLogin,
  dockerLogout,
  dockerPath,
  type Exec,
  isTransientDockerError,
} from '../../src/docker/docker-cli.js';

const HOST = '123456789012.dkr.ecr.us-east-1.amazonaws.com';
const PASSWORD = 'eyJwYXlsb2FkIjoic2VjcmV0LXBhc3N3b3JkIn0=';
const NO_WAIT = { attempts: 3, delayMs: () => 0 };

interface Call {
  command: string;
  args: string[];
  options: BoundedOptions | undefined;
}

/** A fake exec answering with `results` in turn (the last repeats). */
function fakeExec(results: Partial<BoundedResult>[]): { exec: Exec; calls: Call[] } {
  const calls: Call[] = [];
  const exec: Exec = async (command, args, options) => {
    calls.push({ command, args, options });
    const r = results[Math.min(calls.length - 1, results.length - 1)] ?? {};
    return {
      ...(r.timedOut ? {} : { exitCode: r.exitCode ?? 0 }),
      stdout: r.stdout ?? '',
      stderr: r.stderr ?? '',
      timedOut: r.timedOut ?? false,
      missing: false,
    };
  };
  return { exec, calls };
}

const OLD_WARNING = [
  'WARNING! Your password will be stored unencrypted in /home/runner/.docker/config.json.',
  'Configure a credential helper to remove this warning. See',
  'https://docs.docker.com/engine/reference/commandline/login/#credentials-store',
  '',
].join('\n');
const NEW_WARNING = [
  "WARNING! Your credentials are stored unencrypted in '/root/.docker/config.json'.",
  'Configure a credential helper to remove this warning. See',
  'https://docs.docker.com/go/credential-store/',
  '',
].join('\n');

describe('cleanDockerOutput', () => {
  it.each<[string, string, string]>([
    ['the old unencrypted warning and Login Succeeded', `${OLD_WARNING}\nLogin Succeeded\n`, ''],
    ['the new unencrypted warning and Login Succeeded', `${NEW_WARNING}\nLogin Succeeded\n`, ''],
    [
      'the --password warning',
      'WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nError response from daemon: x\n',
      'Error response from daemon: x',
    ],
    [
      'time=… level=info retry chatter, keeping the error',
      'time="2030-01-01T00:00:00Z" level=info msg="Error logging in to endpoint, trying next endpoint" error="Get \\"https://h/v2/\\": http: server gave HTTP response to HTTPS client"\n' +
        'time="2030-01-01T00:00:00Z" level=debug msg="x"\n' +
        'login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized\n',
      'login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
    ],
    [
      'blank lines and CRLF, joining what is left into one line',
      '\r\n  Error response from daemon:  \r\n\r\nGet "https://h/v2/": dial tcp: lookup h: no such host\r\n',
      'Error response from daemon: Get "https://h/v2/": dial tcp: lookup h: no such host',
    ],
    ['a warning level line (kept)', 'time="x" level=warning msg="y"', 'time="x" level=warning msg="y"'],
  ])('drops %s', (_, text, cleaned) => {
    expect(cleanDockerOutput(text)).toBe(cleaned);
  });
});

describe('isTransientDockerError', () => {
  it.each([
    'Get "https://h/v2/": dial tcp 1.2.3.4:443: connect: connection refused',
    'Get "https://h/v2/": dial tcp: lookup h on 127.0.0.53:53: server misbehaving',
    'Get "https://h/v2/": net/http: TLS handshake timeout',
    'Get "https://h/v2/": read tcp 10.0.0.1:1234->1.2.3.4:443: read: connection reset by peer',
    'Get "https://h/v2/": EOF',
    'Get "https://h/v2/": dial tcp: lookup h: no such host',
    'Get "https://h/v2/": dial tcp: lookup h: Temporary failure in name resolution',
    'Error response from daemon: received unexpected HTTP status: 503 Service Unavailable',
    'received unexpected HTTP status: 502 Bad Gateway',
    'net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)',
  ])('retries %j', (message) => {
    expect(isTransientDockerError(message)).toBe(true);
  });

  it.each([
    'login attempt to https://h/v2/ failed with status: 401 Unauthorized',
    'Error response from daemon: Get "https://h/v2/": denied: Your authorization token has expired.',
    'login attempt to https://h/v2/ failed with status: 403 Forbidden',
    'unauthorized: authentication required (after an EOF)',
    'Error saving credentials: error storing credentials - err: exit status 1',
    '',
  ])('does not retry %j', (message) => {
    expect(isTransientDockerError(message)).toBe(false);
  });
});

describe('dockerLogin with a fake exec', () => {
  const env = { PATH: '/usr/bin', DOCKER_CONFIG: '/tmp/cfg' };

  it('passes the password on stdin only; argv is exactly login --username AWS --password-stdin host', async () => {
    const { exec, calls } = fakeExec([{ exitCode: 0, stdout: `${NEW_WARNING}\nLogin Succeeded\n` }]);
    const result = await dockerLogin(HOST, 'AWS', PASSWORD, env, 5000, NO_WAIT, exec);
    expect(result).toEqual({ ok: true, exitCode: 0, message: '' });
    expect(calls).toHaveLength(1);
    const [call] = calls;
    // The CLI is run by the absolute path found once on PATH (no PATH scan per command).
    expect(call?.command).toBe((await dockerPath()) ?? 'docker');
    expect(call?.args).toEqual(['login', '--username', 'AWS', '--password-stdin', HOST]);
    expect(JSON.stringify([call?.command, call?.args])).not.toContain(PASSWORD);
    expect(Buffer.isBuffer(call?.options?.input)).toBe(true);
    expect(call?.options?.input?.toString()).toBe(PASSWORD);
    expect(call?.options?.timeoutMs).toBe(5000);
    expect(call?.options?.env).toEqual(env);
  });

  it('retries a network failure up to 3 attempts and reports the last, cleaned', async () => {
    const failure = {
      exitCode: 1,
      stderr:
        'time="x" level=info msg="retry"\nError response from daemon: Get "https://h/v2/": net/http: TLS handshake timeout\n',
    };
    const { exec, calls } = fakeExec([failure]);
    const delays: number[] = [];
    const result = await dockerLogin(
      HOST,
      'AWS',
      PASSWORD,
      env,
      5000,
      {
        attempts: 3,
        delayMs: (n) => {
          delays.push(n);
          return 0;
        },
      },
      exec,
    );
    expect(result).toEqual({
      ok: false,
      exitCode: 1,
      message: 'Error response from daemon: Get "https://h/v2/": net/http: TLS handshake timeout',
    });
    expect(calls).toHaveLength(3);
    expect(delays).toEqual([1, 2]);
    for (const call of calls) {
      expect(call.args).toEqual(['login', '--username', 'AWS', '--password-stdin', HOST]);
      expect(call.options?.input?.toString()).toBe(PASSWORD);
    }
  });

  it('stops retrying once a login succeeds', async () => {
    const { exec, calls } = fakeExec([
      { exitCode: 1, stderr: 'Get "https://h/v2/": dial tcp: lookup h: no such host' },
      { exitCode: 0, stdout: 'Login Succeeded' },
    ]);
    expect(await dockerLogin(HOST, 'AWS', PASSWORD, env, 5000, NO_WAIT, exec)).toEqual({
      ok: true,
      exitCode: 0,
      message: '',
    });
    expect(calls).toHaveLength(2);
  });

  it('never retries a run stopped at its deadline (a hung helper hangs again), and says so', async () => {
    const { exec, calls } = fakeExec([{ timedOut: true }]);
    expect(await dockerLogin(HOST, 'AWS', PASSWORD, env, 5000, NO_WAIT, exec)).toEqual({
      ok: false,
      message: '',
      timedOutAfterMs: 5000,
    });
    expect(calls).toHaveLength(1);
  });

  it.each([
    'login attempt to https://h/v2/ failed with status: 401 Unauthorized',
    'login attempt to https://h/v2/ failed with status: 403 Forbidden',
    'Error response from daemon: denied: Your authorization token has expired. Reauthenticate and try again.',
  ])('never retries a refusal: %s', async (stderr) => {
    const { exec, calls } = fakeExec([{ exitCode: 1, stderr }]);
    expect(await dockerLogin(HOST, 'AWS', PASSWORD, env, 5000, NO_WAIT, exec)).toEqual({
      ok: false,
      exitCode: 1,
      message: stderr,
    });
    expect(calls).toHaveLength(1);
  });

  it('the default policy is 3 attempts with 0.5 s and 1 s between them', () => {
    expect(DOCKER_RETRY.attempts).toBe(3);
    expect([1, 2].map(DOCKER_RETRY.delayMs)).toEqual([500, 1000]);
  });
});

describe('dockerLogout with a fake exec', () => {
  it('runs docker logout host, capturing and cleaning the output', async () => {
    const { exec, calls } = fakeExec([{ exitCode: 0, stdout: 'Removing login credentials for h\n' }]);
    const env = { DOCKER_CONFIG: '/tmp/cfg' };
    expect(await dockerLogout(HOST, env, undefined, exec)).toEqual({
      ok: true,
      exitCode: 0,
      message: 'Removing login credentials for h',
    });
    expect(calls.map((c) => [c.command, c.args])).toEqual([
      [(await dockerPath()) ?? 'docker', ['logout', HOST]],
    ]);
    expect(calls[0]?.options).toMatchObject({ timeoutMs: DOCKER_TIMEOUT_MS, env });
    expect(calls[0]?.options?.input).toBeUndefined();
  });

  it('reports a failing logout', async () => {
    const { exec } = fakeExec([{ exitCode: 1, stderr: 'error erasing credentials - err: exit status 1' }]);
    expect(await dockerLogout(HOST, {}, undefined, exec)).toEqual({
      ok: false,
      exitCode: 1,
      message: 'error erasing credentials - err: exit status 1',
    });
  });
});

describe('dockerPath', () => {
  let dir: string;
  let savedPath: string | undefined;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ecr-login-docker-path-unit-'));
    savedPath = process.env.PATH;
  });

  afterEach(async () => {
    process.env.PATH = savedPath;
    await rm(dir, { recursive: true, force: true });
  });

  it('finds an executable docker on PATH', async () => {
    await writeFile(join(dir, 'docker'), '#!/bin/sh\n');
    await chmod(join(dir, 'docker'), 0o755);
    process.env.PATH = dir;
    expect(await dockerPath()).toBe(join(dir, 'docker'));
  });

  it('is undefined when there is none', async () => {
    process.env.PATH = dir;
    expect(await dockerPath()).toBeUndefined();
  });
});
