// api-timeout-seconds bounds a whole API attempt: connect, headers and the body. A stand-in that sends
// the headers and then stalls, or trickles one byte at a time (which resets any socket-idle timer),
// must not hold the step until the job timeout.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getAuthorizationToken } from '../../src/ecr/token-api.js';
import type { TokenRequest } from '../../src/ecr/token-plan.js';
import { type EcrStandIn, startEcrStandIn } from '../support/ecr-stand-in.js';

const request: TokenRequest = {
  kind: 'private',
  partition: 'aws',
  region: 'us-east-1',
  fips: false,
  registryIds: [],
  registries: [],
};
let standIn: EcrStandIn;

beforeEach(async () => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIADEADLINETEST0001');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'deadline-secret');
  standIn = await startEcrStandIn({
    accounts: { '111111111111/us-east-1': { proxyEndpoint: 'https://x', password: 'pw' } },
    defaultAccount: '111111111111',
  });
  vi.stubEnv('AWS_ENDPOINT_URL_ECR', standIn.url);
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await standIn.close();
});

describe('api-timeout-seconds bounds the whole attempt', () => {
  it.each([
    ['stalls after the headers', {}],
    ['trickles a byte every 100 ms', { trickleMs: 100 }],
  ])(
    'a body that %s fails as a timeout naming the endpoint and the seconds',
    async (_, stall) => {
      standIn.config.stallBody = stall;
      const settings = { maxAttempts: 2, timeoutSeconds: 1, env: { AWS_ENDPOINT_URL_ECR: standIn.url } };
      const error = await getAuthorizationToken(request, settings).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(error?.name).toBe('TimeoutError');
      expect(error?.message).toContain(standIn.url);
      expect(error?.message).toMatch(/within 1 s/);
      // A timed-out attempt is retried like any other timeout.
      expect(standIn.requests).toHaveLength(2);
    },
    20_000,
  );
});
