import { describe, expect, it } from 'vitest';
import type { Alias, DockerCredential } from '../../src/action/types.js';
import { aliasCredentials } from '../../src/ecr/aliases.js';
import { type PrivateRegistry, parseRegistryItem } from '../../src/ecr/registry.js';

const target = (item: string): PrivateRegistry => {
  const r = parseRegistryItem(item, 'us-east-1');
  if (!r.ok || r.registry.kind !== 'private') throw new Error(item);
  return r.registry;
};
const A = target('111111111111');
const B = target('222222222222.dkr.ecr.eu-west-1.amazonaws.com');

const cred = (registry: PrivateRegistry, host: string, scheme: 'http' | 'https'): DockerCredential => ({
  host,
  scheme,
  username: 'AWS',
  password: `pw-${registry.account}`,
  auth: Buffer.from(`AWS:pw-${registry.account}`).toString('base64'),
  expiresAt: new Date('2030-01-01T00:00:00Z'),
  kind: 'private',
  account: registry.account,
  region: registry.region,
  registry: registry.host,
  order: 0,
});

describe('aliasCredentials', () => {
  const creds = [cred(A, A.host, 'https'), cred(B, '127.0.0.1:5001', 'http')];

  it('gives each alias its registry’s token, after the listed registries, naming the registry', () => {
    const aliases: Alias[] = [
      { host: 'ecr.example.com', target: A },
      { host: 'localhost:5001', target: B },
      { host: 'mirror.example.com', target: B },
    ];
    expect(
      aliasCredentials(creds, aliases, 2).map((c) => [c.host, c.scheme, c.password, c.aliasOf, c.order]),
    ).toEqual([
      ['ecr.example.com', 'https', 'pw-111111111111', A.host, 2],
      // http only where both the alias and its registry are loopback stand-ins
      ['localhost:5001', 'http', 'pw-222222222222', '127.0.0.1:5001', 3],
      ['mirror.example.com', 'https', 'pw-222222222222', '127.0.0.1:5001', 4],
    ]);
  });

  it('an alias whose registry got no token gets none (the registry’s failure is reported)', () => {
    expect(
      aliasCredentials([creds[0] as DockerCredential], [{ host: 'x.example.com', target: B }], 1),
    ).toEqual([]);
  });
});
