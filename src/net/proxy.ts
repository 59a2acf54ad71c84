// Which proxy a request goes through. The `http-proxy` input wins over the environment; otherwise
// HTTPS_PROXY serves https targets and HTTP_PROXY http ones, as curl and the docker CLI do. NO_PROXY is
// honoured either way, so VPC endpoints and loopback stand-ins can bypass a corporate proxy.
import type { Agent } from 'node:http';
import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';

type Env = NodeJS.ProcessEnv;

/** The proxy variables by role, upper case first (curl and the docker CLI read both spellings). */
export const PROXY_VARIABLES = {
  https: ['HTTPS_PROXY', 'https_proxy'],
  http: ['HTTP_PROXY', 'http_proxy'],
  bypass: ['NO_PROXY', 'no_proxy'],
} as const;

export type ProxyRole = keyof typeof PROXY_VARIABLES;

/** The variable that sets a role (the first spelling with a non-blank value) and its trimmed value. */
export function proxySetting(env: Env, role: ProxyRole): { variable: string; value: string } | undefined {
  for (const variable of PROXY_VARIABLES[role]) {
    const value = env[variable]?.trim();
    if (value) return { variable, value };
  }
  return undefined;
}

/** Which proxy variable serves a target URL's scheme. */
export function proxyRoleFor(target: URL): ProxyRole {
  return target.protocol === 'https:' ? 'https' : 'http';
}

/** True when NO_PROXY (entries: `*`, exact host, `.suffix` or bare domain for subdomains, host:port) covers the target. */
export function bypassesProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter(Boolean)
    .some((entry) => {
      if (entry === '*') return true;
      // A bare IPv6 address (`::1`, as in the common `localhost,127.0.0.1,::1`) carries no port.
      if (/^[0-9a-f:.]+$/.test(entry) && entry.split(':').length > 2) return host === entry;
      const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
      if (!m?.[1]) return false;
      if (m[2] && m[2] !== port) return false;
      const name = m[1].replace(/^\[|\]$/g, '').replace(/^\*?\./, '.');
      if (name.startsWith('.')) return host.endsWith(name) || host === name.slice(1);
      return host === name || host.endsWith(`.${name}`);
    });
}

/** A proxy value as a URL: one without a scheme (`proxy:3128`) is `http://`, as curl, docker and the AWS CLI read it. */
export function withScheme(value: string): string {
  return value.includes('://') ? value : `http://${value}`;
}

/** The proxy URL for a target URL, or undefined for a direct connection. */
export function proxyFor(target: string, httpProxyInput: string | undefined, env: Env): string | undefined {
  const url = new URL(target);
  if (bypassesProxy(url, proxySetting(env, 'bypass')?.value)) return undefined;
  const proxy = httpProxyInput || proxySetting(env, proxyRoleFor(url))?.value;
  return proxy ? withScheme(proxy) : undefined;
}

/** What a proxy's 407 means, naming the proxy by host:port (its URL may hold a password). */
export function proxyRefusal(proxy: string): string {
  const { host } = new URL(withScheme(proxy));
  return (
    `the proxy ${host} refused authentication (407 Proxy Authentication Required); ` +
    'check the user and password in the proxy URL (user:password@host:port, percent-encoded)'
  );
}

/** An agent that tunnels (https) or forwards (http) through the proxy, or undefined for direct. */
export function agentFor(target: string, httpProxyInput: string | undefined, env: Env): Agent | undefined {
  const proxy = proxyFor(target, httpProxyInput, env);
  if (!proxy) return undefined;
  return target.startsWith('https:') ? new HttpsProxyAgent(proxy) : new HttpProxyAgent(proxy);
}
