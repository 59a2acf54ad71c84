// Message hygiene shared by the diagnoses: one paragraph on one line, never a secret in it, and how a
// request travelled (through which proxy, or direct).

import type { DockerCredential } from '../action/types.js';
import { SECRET_VARIABLES } from '../ecr/aws-env.js';
import {
  bypassesProxy,
  PROXY_VARIABLES,
  proxyFor,
  proxyRoleFor,
  proxySetting,
  withScheme,
} from '../net/proxy.js';
import { redactUrls } from './display.js';

type Env = NodeJS.ProcessEnv;

/** One paragraph, at most one line, with no secret in it. */
export function finish(text: string, env: Env, httpProxy: string | undefined, extra: string[] = []): string {
  return scrub(text.replace(/\s+/g, ' ').trim(), env, httpProxy, extra);
}

export function proxyUrl(value: string | undefined): URL | undefined {
  if (!value) return undefined;
  try {
    return new URL(withScheme(value));
  } catch {
    return undefined;
  }
}

/**
 * Every form a registry credential takes in text: the password, the token docker stores (`auth`, and
 * base64("user:password") in case the API's token is not its canonical encoding) and base64("AWS:" +
 * password). `scrub` removes them given as `extra`.
 */
export function secretForms(cred: Pick<DockerCredential, 'username' | 'password' | 'auth'>): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const { username, password, auth } = cred;
  return [...new Set([password, auth, b64(`${username}:${password}`), b64(`AWS:${password}`)])];
}

/** Removes the values of the AWS secret variables, proxy credentials and any `user:pass@` in a URL. */
export function scrub(text: string, env: Env, httpProxy?: string, extra: string[] = []): string {
  const secrets = new Set<string>(extra);
  for (const name of SECRET_VARIABLES) if (env[name]) secrets.add(env[name] as string);
  const proxyValues = [...PROXY_VARIABLES.https, ...PROXY_VARIABLES.http].map((n) => env[n]);
  for (const value of [httpProxy, ...proxyValues]) {
    const url = proxyUrl(value);
    // The user name is not secret (and may be a common word); the password is.
    if (!url?.password) continue;
    secrets.add(url.password);
    try {
      secrets.add(decodeURIComponent(url.password));
    } catch {
      // not percent-encoded
    }
  }
  let out = redactUrls(text);
  for (const s of [...secrets].filter((x) => x.length >= 6).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join('***');
  }
  return out;
}

export function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

/** Ends a quoted message with a full stop, so the next sentence does not run into it. */
export function sentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

/** host:port of a URL, with the scheme's default port spelled out. */
export function hostPort(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || (u.protocol === 'http:' ? '80' : '443')}`;
  } catch {
    return url;
  }
}

/** How a request to `target` travels: through which proxy (host:port and where it was configured), or direct. */
export function proxyNote(target: string, httpProxy: string | undefined, env: Env): string {
  let chosen: string | undefined;
  let url: URL;
  try {
    url = new URL(target);
    chosen = proxyFor(target, httpProxy, env);
  } catch {
    return 'no proxy';
  }
  const fromEnv = proxySetting(env, proxyRoleFor(url))?.variable;
  if (chosen) {
    const where = httpProxy ? 'the http-proxy input' : (fromEnv ?? 'the environment');
    const p = proxyUrl(chosen);
    return `through the proxy ${p ? p.host : '(unparsable URL)'} (from ${where})`;
  }
  const noProxy = proxySetting(env, 'bypass');
  if ((httpProxy || fromEnv) && noProxy && bypassesProxy(url, noProxy.value)) {
    return `directly, not through the configured proxy, because ${noProxy.variable} covers ${url.host}`;
  }
  return 'directly (no proxy configured)';
}
