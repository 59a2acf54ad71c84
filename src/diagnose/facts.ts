// Gathers the facts a diagnosis needs, by failure kind (I/O): the endpoint the SDK called, who the
// caller is (STS GetCallerIdentity), which credential files exist, which route the request took, and how
// far the local clock is from AWS's.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { endpointOverride, type Service } from '../ecr/aws-env.js';
import { callerIdentity } from '../ecr/identity.js';
import { type ApiSettings, endpointFor } from '../ecr/token-api.js';
import { proxyFor } from '../net/proxy.js';
import type { Failure } from './classify.js';
import { proxyNote, proxyUrl } from './message.js';

type Env = NodeJS.ProcessEnv;

/** The call that failed: the service as a value, the IAM action, where and how it was made. */
export interface ApiCall {
  service: Service;
  /** The IAM action that failed, e.g. ecr:GetAuthorizationToken. */
  action: string;
  region: string;
  fips: boolean;
  /** How the call was made: lets a diagnosis ask STS who the caller was, with the same credentials. */
  settings: ApiSettings;
  role?: string;
  /** The registry-profiles profile that signed the call (or assumed `role`). */
  profile?: string;
}

export interface Route {
  /** "through the proxy host:port (from …)", "directly …". */
  note: string;
  proxy?: URL;
  /** The connection failed at the proxy itself (refused, or its name did not resolve). */
  atProxy: boolean;
}

export interface Facts {
  endpoint: string;
  /** The variable that overrode the endpoint, if one did. */
  endpointVariable?: string;
  /** The caller's ARN from STS; undefined when STS did not answer (or was not asked). */
  principal?: string;
  /** `AWS_SHARED_CREDENTIALS_FILE: present, ~/.aws/config: not found`. */
  credentialFiles?: string;
  route?: Route;
  /** Seconds the local clock is behind (positive) or ahead of (negative) AWS. */
  skewSeconds?: number;
  now: number;
}

/** Seconds the local clock is behind (positive) or ahead of (negative) the server's Date header. */
export function clockSkewSeconds(dateHeader: string | undefined, now = Date.now()): number | undefined {
  if (!dateHeader) return undefined;
  const server = Date.parse(dateHeader);
  return Number.isNaN(server) ? undefined : Math.round((server - now) / 1000);
}

function credentialFiles(env: Env): string {
  const home = env.HOME || homedir();
  const files = [
    [
      env.AWS_SHARED_CREDENTIALS_FILE ? 'AWS_SHARED_CREDENTIALS_FILE' : '~/.aws/credentials',
      env.AWS_SHARED_CREDENTIALS_FILE || join(home, '.aws', 'credentials'),
    ],
    [
      env.AWS_CONFIG_FILE ? 'AWS_CONFIG_FILE' : '~/.aws/config',
      env.AWS_CONFIG_FILE || join(home, '.aws', 'config'),
    ],
  ] as const;
  return files.map(([label, path]) => `${label}: ${existsSync(path) ? 'present' : 'not found'}`).join(', ');
}

function route(failure: Failure, endpoint: string, settings: ApiSettings): Route {
  const note = proxyNote(endpoint, settings.httpProxy, settings.env);
  let proxy: URL | undefined;
  try {
    proxy = proxyUrl(proxyFor(endpoint, settings.httpProxy, settings.env));
  } catch {
    proxy = undefined;
  }
  const net = failure.network;
  if (!proxy || !net) return { note, ...(proxy ? { proxy } : {}), atProxy: false };
  const proxyPort = proxy.port || (proxy.protocol === 'https:' ? '443' : '80');
  const atProxy =
    (net.kind === 'refused' && net.address === proxy.hostname && String(net.port ?? '') === proxyPort) ||
    (net.kind === 'dns' && net.hostname === proxy.hostname);
  return { note, proxy, atProxy };
}

/** The facts for one failure: only what its kind's message uses is looked up. */
export async function gatherFacts(failure: Failure, call: ApiCall, now = Date.now()): Promise<Facts> {
  const env = call.settings.env;
  const endpoint = await endpointFor(call.service, call.region, call.fips, env);
  const override = endpointOverride(call.service, env);
  const facts: Facts = { endpoint, now, ...(override ? { endpointVariable: override.variable } : {}) };
  if (failure.kind === 'access-denied') {
    const who = await callerIdentity(call.settings, call.region, call.role, call.profile);
    if (who?.arn) facts.principal = who.arn;
  }
  if (failure.kind === 'no-credentials') facts.credentialFiles = credentialFiles(env);
  if (failure.kind === 'network' || failure.kind === 'proxy-auth')
    facts.route = route(failure, endpoint, call.settings);
  if (failure.kind === 'clock-skew') {
    const skew = clockSkewSeconds(failure.serverDate, now);
    if (skew !== undefined) facts.skewSeconds = skew;
  }
  return facts;
}
