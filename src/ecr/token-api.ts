// Amazon ECR token calls: one GetAuthorizationToken per planned request, all at once. Retries,
// backoff and jitter are the SDK's standard strategy; we set the attempt count, a per-attempt
// timeout (connect, headers and body: src/ecr/attempt-deadline.ts) and the proxy agent.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { AwsCredentials } from '../action/types.js';
import { agentFor } from '../net/proxy.js';
import { AttemptDeadlineHandler } from './attempt-deadline.js';
import { ECR, ECR_PUBLIC, endpointOverride, type Service } from './aws-env.js';
import type { AuthorizationData } from './credentials.js';
import type { TokenRequest } from './token-plan.js';

type Env = NodeJS.ProcessEnv;
export type CredentialProvider = () => Promise<AwsCredentials>;

export interface ApiSettings {
  maxAttempts: number;
  timeoutSeconds: number;
  httpProxy?: string;
  env: Env;
  /**
   * Credentials for a role (registry-roles), assumed with a profile's credentials when one is given;
   * without it the SDK's default chain signs every call.
   */
  credentialsFor?: (role: string, region: string, profile?: string) => CredentialProvider;
  /** Credentials of a named profile (registry-profiles). */
  profileCredentials?: (profile: string) => CredentialProvider;
}

/** The credentials a call is signed with: the step's own unless a role or profile is given. */
function credentialsOf(settings: ApiSettings, region: string, role?: string, profile?: string) {
  if (role && settings.credentialsFor) return { credentials: settings.credentialsFor(role, region, profile) };
  if (profile && settings.profileCredentials) return { credentials: settings.profileCredentials(profile) };
  return {};
}

type EndpointResolver = (params: { Region: string; UseFIPS: boolean; UseDualStack: boolean }) => { url: URL };

const resolvers = new Map<Service['id'], Promise<EndpointResolver>>();

/**
 * The SDK's own endpoint rules for a service. A client's endpointProvider does not depend on that
 * client's configuration, so one bare client per service and process serves every region. ECR's module is
 * loaded anyway; ECR Public's and STS's only when a call or a diagnosis needs them.
 */
function resolverFor(service: Service): Promise<EndpointResolver> {
  let resolver = resolvers.get(service.id);
  if (!resolver) {
    resolver = (async () => {
      const client =
        service.id === 'ecr'
          ? new ECRClient({})
          : service.id === 'ecr-public'
            ? new (await import('@aws-sdk/client-ecr-public')).ECRPUBLICClient({})
            : new (await import('@aws-sdk/client-sts')).STSClient({});
      const provider = client.config.endpointProvider as EndpointResolver;
      client.destroy();
      return provider;
    })();
    resolvers.set(service.id, resolver);
  }
  return resolver;
}

/**
 * The endpoint the SDK will call: an AWS_ENDPOINT_URL_* override first, else the SDK's endpoint rules
 * with the FIPS and dual-stack settings. It decides NO_PROXY and names the endpoint in messages.
 */
export async function endpointFor(
  service: Service,
  region: string,
  fips: boolean,
  env: Env,
): Promise<string> {
  const override = endpointOverride(service, env);
  if (override) return override.url;
  const resolve = await resolverFor(service);
  const { url } = resolve({
    Region: region,
    UseFIPS: fips || env.AWS_USE_FIPS_ENDPOINT === 'true',
    UseDualStack: env.AWS_USE_DUALSTACK_ENDPOINT === 'true',
  });
  return url.href.replace(/\/$/, '');
}

/** Client options shared by every AWS client we build (ECR, ECR Public, STS). */
export async function clientConfig(
  service: Service,
  region: string,
  fips: boolean,
  settings: ApiSettings,
  role?: string,
  profile?: string,
) {
  const endpoint = await endpointFor(service, region, fips, settings.env);
  const agent = agentFor(endpoint, settings.httpProxy, settings.env);
  return {
    region,
    maxAttempts: settings.maxAttempts,
    customUserAgent: 'ecr-login',
    ...(fips ? { useFipsEndpoint: true } : {}),
    ...credentialsOf(settings, region, role, profile),
    requestHandler: new AttemptDeadlineHandler(
      agent ? { httpAgent: agent, httpsAgent: agent } : {},
      endpoint,
      settings.timeoutSeconds,
    ),
  };
}

export interface TokenAnswer {
  data: AuthorizationData[];
}

/** One API call for one planned request. ECR Public is loaded only when a public registry is listed. */
export async function getAuthorizationToken(
  request: TokenRequest,
  settings: ApiSettings,
): Promise<TokenAnswer> {
  if (request.kind === 'public') {
    const { ECRPUBLICClient, GetAuthorizationTokenCommand: PublicCommand } = await import(
      '@aws-sdk/client-ecr-public'
    );
    const client = new ECRPUBLICClient(
      await clientConfig(ECR_PUBLIC, request.region, false, settings, request.role, request.profile),
    );
    try {
      const out = await client.send(new PublicCommand({}));
      return { data: out.authorizationData ? [out.authorizationData] : [] };
    } finally {
      client.destroy();
    }
  }
  const client = new ECRClient(
    await clientConfig(ECR, request.region, request.fips, settings, request.role, request.profile),
  );
  try {
    const out = await client.send(
      new GetAuthorizationTokenCommand(
        request.registryIds.length > 0 ? { registryIds: request.registryIds } : {},
      ),
    );
    return { data: out.authorizationData ?? [] };
  } finally {
    client.destroy();
  }
}
