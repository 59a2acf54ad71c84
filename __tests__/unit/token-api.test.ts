import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import {
  ECRPUBLICClient,
  GetAuthorizationTokenCommand as PublicGetAuthorizationTokenCommand,
} from '@aws-sdk/client-ecr-public';
import { mockClient } from 'aws-sdk-client-mock';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AttemptDeadlineHandler } from '../../src/ecr/attempt-deadline.js';
import { ECR, ECR_PUBLIC, type Service, STS } from '../../src/ecr/aws-env.js';
import {
  type ApiSettings,
  clientConfig,
  endpointFor,
  getAuthorizationToken,
} from '../../src/ecr/token-api.js';
import type { TokenRequest } from '../../src/ecr/token-plan.js';

const ecr = mockClient(ECRClient);
const ecrPublic = mockClient(ECRPUBLICClient);
const A = '111111111111';
const B = '222222222222';
const settings: ApiSettings = { maxAttempts: 3, timeoutSeconds: 12, env: {} };

beforeEach(() => {
  ecr.reset();
  ecrPublic.reset();
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('endpointFor', () => {
  it.each<[Service, string, boolean, NodeJS.ProcessEnv, string]>([
    [ECR, 'us-east-1', false, {}, 'https://api.ecr.us-east-1.amazonaws.com'],
    [ECR, 'us-east-1', true, {}, 'https://api.ecr-fips.us-east-1.amazonaws.com'],
    [
      ECR,
      'eu-west-1',
      false,
      { AWS_USE_FIPS_ENDPOINT: 'true' },
      'https://api.ecr-fips.eu-west-1.amazonaws.com',
    ],
    [ECR, 'cn-north-1', false, {}, 'https://api.ecr.cn-north-1.amazonaws.com.cn'],
    [ECR, 'us-gov-west-1', false, {}, 'https://api.ecr.us-gov-west-1.amazonaws.com'],
    [ECR, 'us-iso-east-1', false, {}, 'https://api.ecr.us-iso-east-1.c2s.ic.gov'],
    [ECR, 'eusc-de-east-1', false, {}, 'https://api.ecr.eusc-de-east-1.amazonaws.eu'],
    [ECR_PUBLIC, 'us-east-1', false, {}, 'https://api.ecr-public.us-east-1.amazonaws.com'],
    [STS, 'eu-west-1', false, {}, 'https://sts.eu-west-1.amazonaws.com'],
    [STS, 'us-east-1', false, { AWS_USE_FIPS_ENDPOINT: 'true' }, 'https://sts-fips.us-east-1.amazonaws.com'],
    [ECR, 'us-east-1', false, { AWS_ENDPOINT_URL: 'http://127.0.0.1:4566' }, 'http://127.0.0.1:4566'],
    [
      ECR,
      'us-east-1',
      true,
      { AWS_ENDPOINT_URL: 'http://any', AWS_ENDPOINT_URL_ECR: ' http://127.0.0.1:9000 ' },
      'http://127.0.0.1:9000',
    ],
    [ECR_PUBLIC, 'us-east-1', false, { AWS_ENDPOINT_URL_ECR_PUBLIC: 'http://pub' }, 'http://pub'],
    [
      STS,
      'us-east-1',
      false,
      { AWS_ENDPOINT_URL_ECR: 'http://ecr', AWS_ENDPOINT_URL_STS: 'http://sts' },
      'http://sts',
    ],
    [STS, 'us-east-1', false, { AWS_ENDPOINT_URL_ECR: 'http://ecr' }, 'https://sts.us-east-1.amazonaws.com'],
    [ECR, 'eu-west-1', false, { AWS_USE_DUALSTACK_ENDPOINT: 'true' }, 'https://ecr.eu-west-1.api.aws'],
    [ECR, 'us-east-1', true, { AWS_USE_DUALSTACK_ENDPOINT: 'true' }, 'https://ecr-fips.us-east-1.api.aws'],
    [
      ECR_PUBLIC,
      'us-east-1',
      false,
      { AWS_USE_DUALSTACK_ENDPOINT: 'true' },
      'https://ecr-public.us-east-1.api.aws',
    ],
  ])('%o in %s (fips %s) with %j → %s', async (service, region, fips, env, endpoint) => {
    // The SDK's own rules answer; these rows prove the override, FIPS and dual-stack settings reach them.
    expect(await endpointFor(service, region, fips, env)).toBe(endpoint);
  });
});

describe('clientConfig', () => {
  it('sets region, attempts, user agent and the per-attempt timeouts', async () => {
    const { requestHandler, ...rest } = await clientConfig(ECR, 'eu-west-1', false, settings);
    expect(rest).toEqual({ region: 'eu-west-1', maxAttempts: 3, customUserAgent: 'ecr-login' });
    expect(requestHandler).toBeInstanceOf(AttemptDeadlineHandler);
    expect(requestHandler.seconds).toBe(12);
    expect(requestHandler.endpoint).toBe('https://api.ecr.eu-west-1.amazonaws.com');
    expect(requestHandler.options).toEqual({});
  });

  it('asks for FIPS only when the request is FIPS', async () => {
    expect((await clientConfig(ECR, 'us-east-1', true, settings)).useFipsEndpoint).toBe(true);
    expect('useFipsEndpoint' in (await clientConfig(ECR, 'us-east-1', false, settings))).toBe(false);
  });

  it('uses the role’s credentials only for a request with a role, when roles are configured', async () => {
    const provider = async () => ({ accessKeyId: 'a', secretAccessKey: 'b' });
    const credentialsFor = vi.fn(() => provider);
    const withRoles: ApiSettings = { ...settings, credentialsFor };
    expect(
      (await clientConfig(ECR, 'eu-west-1', false, withRoles, 'arn:aws:iam::1:role/r')).credentials,
    ).toBe(provider);
    expect(credentialsFor).toHaveBeenCalledWith('arn:aws:iam::1:role/r', 'eu-west-1', undefined);
    expect('credentials' in (await clientConfig(ECR, 'eu-west-1', false, withRoles))).toBe(false);
    expect(
      'credentials' in (await clientConfig(ECR, 'eu-west-1', false, settings, 'arn:aws:iam::1:role/r')),
    ).toBe(false);
  });

  it('uses a profile’s credentials for a request with a profile, and assumes a role with them', async () => {
    const provider = async () => ({ accessKeyId: 'p', secretAccessKey: 'q' });
    const profileCredentials = vi.fn(() => provider);
    const credentialsFor = vi.fn(() => provider);
    const withProfiles: ApiSettings = { ...settings, profileCredentials };
    expect((await clientConfig(ECR, 'eu-west-1', false, withProfiles, undefined, 'ci-b')).credentials).toBe(
      provider,
    );
    expect(profileCredentials).toHaveBeenCalledWith('ci-b');
    expect('credentials' in (await clientConfig(ECR, 'eu-west-1', false, withProfiles))).toBe(false);
    // profile + role: the role is assumed (with the profile's credentials, inside credentialsFor)
    const both: ApiSettings = { ...withProfiles, credentialsFor };
    await clientConfig(ECR, 'eu-west-1', false, both, 'arn:aws:iam::1:role/r', 'ci-b');
    expect(credentialsFor).toHaveBeenCalledWith('arn:aws:iam::1:role/r', 'eu-west-1', 'ci-b');
    expect(profileCredentials).toHaveBeenCalledTimes(1);
  });

  it('routes through the proxy for the endpoint the SDK will call, unless NO_PROXY covers it', async () => {
    const proxied = await clientConfig(ECR, 'us-east-1', false, {
      ...settings,
      httpProxy: 'http://proxy.example:3128',
    });
    expect(proxied.requestHandler.options.httpsAgent).toBeInstanceOf(HttpsProxyAgent);
    expect(proxied.requestHandler.options.httpAgent).toBe(proxied.requestHandler.options.httpsAgent);
    const bypassed = await clientConfig(ECR, 'us-east-1', false, {
      ...settings,
      httpProxy: 'http://proxy.example:3128',
      env: { NO_PROXY: '.amazonaws.com' },
    });
    expect('httpsAgent' in bypassed.requestHandler).toBe(false);
  });
});

describe('getAuthorizationToken', () => {
  const data = (account: string, region: string) => ({
    authorizationToken: Buffer.from(`AWS:pw-${account}`).toString('base64'),
    expiresAt: new Date('2030-01-01T12:00:00Z'),
    proxyEndpoint: `https://${account}.dkr.ecr.${region}.amazonaws.com`,
  });

  it('calls ECR in the request’s region with its registryIds', async () => {
    ecr
      .on(GetAuthorizationTokenCommand)
      .resolves({ authorizationData: [data(A, 'eu-west-1'), data(B, 'eu-west-1')] });
    const request: TokenRequest = {
      kind: 'private',
      partition: 'aws',
      region: 'eu-west-1',
      fips: false,
      registryIds: [A, B],
      registries: [],
    };
    const answer = await getAuthorizationToken(request, settings);
    expect(answer).toEqual({ data: [data(A, 'eu-west-1'), data(B, 'eu-west-1')] });
    const calls = ecr.commandCalls(GetAuthorizationTokenCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ registryIds: [A, B] });
    const client = calls[0]?.thisValue as ECRClient;
    expect(await client.config.region()).toBe('eu-west-1');
    expect(await client.config.maxAttempts()).toBe(3);
    expect(await client.config.useFipsEndpoint()).toBe(false);
    expect(ecrPublic.calls()).toHaveLength(0);
  });

  it('sends no registryIds for the default registry, and asks for FIPS when the request is FIPS', async () => {
    ecr.on(GetAuthorizationTokenCommand).resolves({});
    const request: TokenRequest = {
      kind: 'private',
      partition: 'aws',
      region: 'us-east-2',
      fips: true,
      registryIds: [],
      registries: [],
    };
    expect(await getAuthorizationToken(request, settings)).toEqual({ data: [] });
    const call = ecr.commandCalls(GetAuthorizationTokenCommand)[0];
    expect(call?.args[0].input).toEqual({});
    const client = call?.thisValue as ECRClient;
    expect(await client.config.useFipsEndpoint()).toBe(true);
  });

  it('calls ECR Public (in us-east-1) for a public request, with no input', async () => {
    ecrPublic.on(PublicGetAuthorizationTokenCommand).resolves({
      authorizationData: { authorizationToken: 'QVdTOnB1Yg==', expiresAt: new Date('2030-01-01T01:00:00Z') },
    });
    const answer = await getAuthorizationToken(
      { kind: 'public', region: 'us-east-1', registries: [] },
      settings,
    );
    expect(answer).toEqual({
      data: [{ authorizationToken: 'QVdTOnB1Yg==', expiresAt: new Date('2030-01-01T01:00:00Z') }],
    });
    const calls = ecrPublic.commandCalls(PublicGetAuthorizationTokenCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({});
    const client = calls[0]?.thisValue as ECRPUBLICClient;
    expect(await client.config.region()).toBe('us-east-1');
    expect(ecr.calls()).toHaveLength(0);
  });

  it('passes the SDK error on and destroys the client either way', async () => {
    const destroy = vi.spyOn(ECRClient.prototype, 'destroy');
    const denied = Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' });
    ecr.on(GetAuthorizationTokenCommand).rejectsOnce(denied).resolves({});
    const request: TokenRequest = {
      kind: 'private',
      partition: 'aws',
      region: 'us-east-1',
      fips: false,
      registryIds: [A],
      registries: [],
    };
    await expect(getAuthorizationToken(request, settings)).rejects.toBe(denied);
    await getAuthorizationToken(request, settings);
    expect(destroy).toHaveBeenCalledTimes(2);
  });
});
