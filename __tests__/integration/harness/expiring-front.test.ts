// The expiring front refuses an expired stand-in token exactly as ECR does and passes a live one to the
// REAL docker-registry behind it; tokens issued with distinctTokens differ and are recorded with expiry.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/daemon.js';
import { type EcrStandIn, startEcrStandIn } from '../../support/ecr-stand-in.js';
import { EXPIRED_MESSAGE, type ExpiringFront, startExpiringFront } from '../../support/expiring-front.js';
import { type Registry, requireTool, startRegistry } from '../../support/registry.js';

const hasRegistry = requireTool('docker-registry') && requireTool('htpasswd');
const ACCOUNT = '111111111111';

describe.skipIf(!hasRegistry)('expiring front', () => {
  let registry: Registry;
  let standIn: EcrStandIn;
  let front: ExpiringFront;

  beforeAll(async () => {
    registry = await startRegistry({ password: 'front-account-pw' });
    standIn = await startEcrStandIn({
      accounts: { [`${ACCOUNT}/us-east-1`]: { proxyEndpoint: registry.url, password: registry.password } },
      distinctTokens: true,
      tokenTtlSeconds: 1,
    });
    front = await startExpiringFront(registry.url, standIn);
  });
  afterAll(async () => {
    await front?.close();
    await standIn?.close();
    await registry?.close();
  });

  async function token(): Promise<string> {
    const client = new ECRClient({
      region: 'us-east-1',
      endpoint: standIn.url,
      credentials: { accessKeyId: 'AKIAFRONTTEST0000001', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    const out = await client.send(new GetAuthorizationTokenCommand({ registryIds: [ACCOUNT] }));
    client.destroy();
    const data = out.authorizationData?.[0]?.authorizationToken;
    if (!data) throw new Error('no token');
    return data;
  }

  const call = async (method: string, auth: string) => {
    const res = await fetch(`${front.url}/v2/`, {
      method,
      headers: { authorization: `Basic ${auth}` },
      signal: AbortSignal.timeout(5000),
    });
    return { status: res.status, body: await res.text() };
  };

  it('passes a live token to the registry and refuses it with ECR answer once expired', async () => {
    const first = await token();
    expect((await call('GET', first)).status).toBe(200);
    const issued = standIn.issued.get(Buffer.from(first, 'base64').toString().slice('AWS:'.length));
    expect(issued?.accountPassword).toBe(registry.password);
    await waitFor('the token to expire', () => (Date.now() > (issued?.expiresAt ?? 0) ? true : undefined));
    const get = await call('GET', first);
    expect(get.status).toBe(403);
    expect(JSON.parse(get.body)).toEqual({ errors: [{ code: 'DENIED', message: EXPIRED_MESSAGE }] });
    expect(await call('HEAD', first)).toEqual({ status: 403, body: '' });
    expect(front.refused).toBe(2);
    const second = await token();
    expect(second).not.toBe(first);
    expect((await call('GET', second)).status).toBe(200);
  });

  it('leaves a credential the stand-in never issued to the registry', async () => {
    expect((await call('GET', Buffer.from('AWS:wrong').toString('base64'))).status).toBe(401);
    expect((await call('GET', Buffer.from(`AWS:${registry.password}`).toString('base64'))).status).toBe(200);
  });
});
