import { HttpProxyAgent } from 'http-proxy-agent';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { describe, expect, it } from 'vitest';
import { agentFor, bypassesProxy, proxyFor, proxyRefusal, proxySetting } from '../../src/net/proxy.js';

const API = 'https://api.ecr.us-east-1.amazonaws.com';

describe('bypassesProxy (NO_PROXY)', () => {
  it.each<[string, string | undefined, boolean]>([
    // [target, NO_PROXY, bypass?]
    [API, undefined, false],
    [API, '', false],
    [API, '*', true],
    [API, 'other.example, *', true],
    [API, 'api.ecr.us-east-1.amazonaws.com', true],
    [API, 'API.ECR.US-EAST-1.AMAZONAWS.COM', true],
    ['https://API.ecr.us-east-1.amazonaws.com/', 'api.ecr.us-east-1.amazonaws.com', true],
    // .suffix and *.suffix: every subdomain
    [API, '.amazonaws.com', true],
    [API, '*.amazonaws.com', true],
    ['https://amazonaws.com', '.amazonaws.com', true],
    // a bare domain covers its subdomains, but not a look-alike
    [API, 'amazonaws.com', true],
    ['https://notamazonaws.com', 'amazonaws.com', false],
    ['https://amazonaws.com.evil.example', 'amazonaws.com', false],
    [API, 'ecr.us-east-1', false],
    // separators: commas and/or whitespace
    [API, 'localhost,127.0.0.1 \n amazonaws.com', true],
    [API, 'localhost,,127.0.0.1', false],
    // host:port must match the target's port (default 443 for https, 80 for http)
    [API, 'api.ecr.us-east-1.amazonaws.com:443', true],
    [API, 'api.ecr.us-east-1.amazonaws.com:8443', false],
    ['https://registry.local:8443/v2/', 'registry.local:8443', true],
    ['https://registry.local:8443/v2/', 'registry.local', true],
    ['http://registry.local/v2/', 'registry.local:80', true],
    ['http://registry.local/v2/', 'registry.local:443', false],
    ['http://127.0.0.1:5000/v2/', '127.0.0.1', true],
    ['http://127.0.0.1:5000/v2/', '127.0.0.1:5001', false],
    ['http://127.0.0.10:5000/v2/', '127.0.0.1', false],
    // IPv6, with and without brackets
    ['http://[::1]:5000/v2/', '[::1]', true],
    ['http://[::1]:5000/v2/', '[::1]:5000', true],
    ['http://[::1]:5000/v2/', '[::1]:5001', false],
    ['http://[::1]:5000/v2/', 'localhost,127.0.0.1,::1', true],
    ['http://[2001:db8::1]/v2/', '2001:DB8::1', true],
    ['http://[2001:db8::2]/v2/', '2001:db8::1', false],
    ['http://127.0.0.1/v2/', '::1', false],
  ])('%s with NO_PROXY=%j → %s', (target, noProxy, bypass) => {
    expect(bypassesProxy(new URL(target), noProxy)).toBe(bypass);
  });
});

describe('proxyFor', () => {
  const P_IN = 'http://input-proxy.example:3128';
  const P_HTTPS = 'http://https-proxy.example:3128';
  const P_HTTP = 'http://http-proxy.example:3128';

  it.each<[string, string, string | undefined, NodeJS.ProcessEnv, string | undefined]>([
    ['no proxy anywhere', API, undefined, {}, undefined],
    ['HTTPS_PROXY for https', API, undefined, { HTTPS_PROXY: P_HTTPS, HTTP_PROXY: P_HTTP }, P_HTTPS],
    [
      'HTTP_PROXY for http',
      'http://127.0.0.1:5000/v2/',
      undefined,
      { HTTPS_PROXY: P_HTTPS, HTTP_PROXY: P_HTTP },
      P_HTTP,
    ],
    ['HTTP_PROXY is not used for https', API, undefined, { HTTP_PROXY: P_HTTP }, undefined],
    [
      'HTTPS_PROXY is not used for http',
      'http://registry.local/v2/',
      undefined,
      { HTTPS_PROXY: P_HTTPS },
      undefined,
    ],
    ['lower-case https_proxy', API, undefined, { https_proxy: P_HTTPS }, P_HTTPS],
    ['lower-case http_proxy', 'http://registry.local/v2/', undefined, { http_proxy: P_HTTP }, P_HTTP],
    [
      'upper-case wins over lower-case',
      API,
      undefined,
      { HTTPS_PROXY: P_HTTPS, https_proxy: P_HTTP },
      P_HTTPS,
    ],
    ['a blank variable is no proxy', API, undefined, { HTTPS_PROXY: '  ' }, undefined],
    ['the value is trimmed', API, undefined, { HTTPS_PROXY: ` ${P_HTTPS} ` }, P_HTTPS],
    ['the input wins over the environment', API, P_IN, { HTTPS_PROXY: P_HTTPS }, P_IN],
    ['the input serves http targets too', 'http://registry.local/v2/', P_IN, {}, P_IN],
    ['NO_PROXY applies to the input', API, P_IN, { NO_PROXY: '.amazonaws.com' }, undefined],
    ['lower-case no_proxy', API, undefined, { HTTPS_PROXY: P_HTTPS, no_proxy: 'amazonaws.com' }, undefined],
    ['NO_PROXY for another host', API, undefined, { HTTPS_PROXY: P_HTTPS, NO_PROXY: 'example.com' }, P_HTTPS],
    [
      'a variable without a scheme is http://',
      API,
      undefined,
      { HTTPS_PROXY: 'proxy:3128' },
      'http://proxy:3128',
    ],
    ['an input without a scheme is http://', API, 'proxy.corp:8080', {}, 'http://proxy.corp:8080'],
  ])('%s', (_, target, input, env, expected) => {
    expect(proxyFor(target, input, env)).toBe(expected);
  });
});

describe('agentFor', () => {
  it('tunnels https targets through an HttpsProxyAgent aimed at the proxy', () => {
    const agent = agentFor(API, 'http://proxy.example:3128', {});
    expect(agent).toBeInstanceOf(HttpsProxyAgent);
    expect((agent as HttpsProxyAgent<string>).proxy.href).toBe('http://proxy.example:3128/');
  });

  it('forwards http targets through an HttpProxyAgent', () => {
    const agent = agentFor('http://registry.local/v2/', undefined, {
      HTTP_PROXY: 'http://proxy.example:8080',
    });
    expect(agent).toBeInstanceOf(HttpProxyAgent);
    expect((agent as HttpProxyAgent<string>).proxy.href).toBe('http://proxy.example:8080/');
  });

  it('gives no agent (a direct connection) when no proxy applies', () => {
    expect(agentFor(API, undefined, {})).toBeUndefined();
    expect(agentFor(API, 'http://proxy.example:3128', { NO_PROXY: '*' })).toBeUndefined();
  });
});

describe('proxySetting: the one lookup of the proxy variables', () => {
  it.each<[NodeJS.ProcessEnv, 'https' | 'http' | 'bypass', string | undefined, string | undefined]>([
    [{ HTTPS_PROXY: 'http://a:1', https_proxy: 'http://b:1' }, 'https', 'HTTPS_PROXY', 'http://a:1'],
    [{ https_proxy: ' http://b:1 ' }, 'https', 'https_proxy', 'http://b:1'],
    // A blank upper-case value does not hide the lower-case one.
    [{ HTTPS_PROXY: '  ', https_proxy: 'http://b:1' }, 'https', 'https_proxy', 'http://b:1'],
    [{ HTTP_PROXY: 'http://c:1' }, 'https', undefined, undefined],
    [{ http_proxy: 'http://c:1' }, 'http', 'http_proxy', 'http://c:1'],
    [{ no_proxy: '.example' }, 'bypass', 'no_proxy', '.example'],
    [{}, 'bypass', undefined, undefined],
  ])('%j, %s → %s', (env, role, variable, value) => {
    const found = proxySetting(env, role);
    expect(found?.variable).toBe(variable);
    expect(found?.value).toBe(value);
  });

  it('proxyFor takes the lower-case variable when the upper-case one is blank', () => {
    expect(proxyFor(API, undefined, { HTTPS_PROXY: ' ', https_proxy: 'http://b:1' })).toBe('http://b:1');
  });
});

describe('proxyRefusal', () => {
  it('names the proxy by host:port, never its user or password', () => {
    const text = proxyRefusal('http://ci:s3cret-pass@proxy.corp:3128');
    expect(text).toMatch(/^the proxy proxy\.corp:3128 refused authentication \(407/);
    expect(text).not.toContain('s3cret-pass');
    expect(text).not.toContain('ci:');
    expect(proxyRefusal('proxy.corp:8080')).toContain('proxy.corp:8080');
  });
});
