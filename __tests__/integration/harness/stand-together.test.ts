// The parts fit: a token the ECR stand-in hands to the real SDK opens exactly the real registry it names.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EcrStandIn, startEcrStandIn } from '../../support/ecr-stand-in.js';
import { checkAuth, type Registry, requireTool, startRegistries } from '../../support/registry.js';

describe.skipIf(!(requireTool('docker-registry') && requireTool('htpasswd')))('stand-in + registries', () => {
  let regs: Registry[] = [];
  let ecr: EcrStandIn | undefined;

  beforeAll(async () => {
    regs = await startRegistries(2, ['pw-account-1', 'pw-account-2']);
    ecr = await startEcrStandIn({
      accounts: {
        '111111111111/us-east-1': { proxyEndpoint: regs[0]?.url ?? '', password: 'pw-account-1' },
        '222222222222/us-east-1': { proxyEndpoint: regs[1]?.url ?? '', password: 'pw-account-2' },
      },
      defaultAccount: '111111111111',
    });
  });
  afterAll(async () => {
    await ecr?.close();
    await Promise.all(regs.map((r) => r.close()));
  });

  it('each decoded token logs in to its own registry and no other', async () => {
    const client = new ECRClient({
      region: 'us-east-1',
      endpoint: ecr?.url,
      credentials: { accessKeyId: 'AKIATOGETHER0000001', secretAccessKey: 's' },
    });
    const out = await client.send(
      new GetAuthorizationTokenCommand({ registryIds: ['111111111111', '222222222222'] }),
    );
    const pairs = (out.authorizationData ?? []).map((d) => {
      const [user, ...rest] = Buffer.from(d.authorizationToken ?? '', 'base64')
        .toString()
        .split(':');
      return { endpoint: d.proxyEndpoint ?? '', user: user ?? '', password: rest.join(':') };
    });
    expect(pairs.map((p) => p.endpoint)).toEqual(regs.map((r) => r.url));
    for (const p of pairs) expect(await checkAuth(p.endpoint, p.user, p.password)).toBe(200);
    expect(await checkAuth(regs[1]?.url ?? '', 'AWS', pairs[0]?.password)).toBe(401);
  });
});
