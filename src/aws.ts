// Amazon ECR token calls: one GetAuthorizationToken per planned request, all at once. Retries,
// backoff and jitter are the SDK's standard strategy; we set the attempt count, a per-attempt
// timeout (connect + response) and the proxy agent.
import { ECRClient, GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import type { AuthorizationData } from './credentials.js';
import { agentFor } from './proxy.js';
import { dnsSuffix, type Partition, partitionOfRegion } from './registry.js';
import type { TokenRequest } from './token-plan.js';

type Env = NodeJS.ProcessEnv;
export type Service = 'ecr' | 'ecr-public' | 'sts';
export type CredentialProvider = () => Promise<{
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}>;

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

const ENV_SUFFIX: Record<Service, string> = { ecr: 'ECR', 'ecr-public': 'ECR_PUBLIC', sts: 'STS' };

const DUAL_STACK_SUFFIX: Record<Partition, string> = {
  aws: 'api.aws',
  'aws-cn': 'api.amazonwebservices.com.cn',
  'aws-us-gov': 'api.aws',
  'aws-iso': 'api.aws.ic.gov',
  'aws-iso-b': 'api.aws.scloud',
  'aws-iso-e': 'api.cloud-aws.adc-e.uk',
  'aws-iso-f': 'api.aws.hci.ic.gov',
  'aws-eusc': 'api.amazonwebservices.eu',
};

/**
 * The endpoint the SDK will call, as its endpoint rules resolve it (pinned by a test against the SDK's
 * own endpointProvider): the AWS_ENDPOINT_URL_* overrides first, then FIPS and dual-stack variants.
 * It decides NO_PROXY and names the endpoint in messages.
 */
export function endpointFor(service: Service, region: string, fips: boolean, env: Env): string {
  const override = env[`AWS_ENDPOINT_URL_${ENV_SUFFIX[service]}`] || env.AWS_ENDPOINT_URL;
  if (override) return override.trim();
  const partition = partitionOfRegion(region);
  const f = fips || env.AWS_USE_FIPS_ENDPOINT === 'true';
  const dual = env.AWS_USE_DUALSTACK_ENDPOINT === 'true';
  const suffix = dual ? DUAL_STACK_SUFFIX[partition] : dnsSuffix(partition);
  let name: string;
  if (service === 'sts') name = f && (dual || partition !== 'aws-us-gov') ? 'sts-fips' : 'sts';
  else if (service === 'ecr-public') {
    name = f ? 'api.ecr-public-fips' : dual && partition === 'aws' ? 'ecr-public' : 'api.ecr-public';
  } else name = dual ? (f ? 'ecr-fips' : 'ecr') : f ? 'api.ecr-fips' : 'api.ecr';
  return `https://${name}.${region}.${suffix}`;
}

/** Client options shared by every AWS client we build (ECR, ECR Public, STS). */
export function clientConfig(
  service: Service,
  region: string,
  fips: boolean,
  settings: ApiSettings,
  role?: string,
  profile?: string,
) {
  const endpoint = endpointFor(service, region, fips, settings.env);
  const agent = agentFor(endpoint, settings.httpProxy, settings.env);
  const timeout = settings.timeoutSeconds * 1000;
  return {
    region,
    maxAttempts: settings.maxAttempts,
    customUserAgent: 'ecr-login',
    ...(fips ? { useFipsEndpoint: true } : {}),
    ...credentialsOf(settings, region, role, profile),
    requestHandler: {
      connectionTimeout: timeout,
      requestTimeout: timeout,
      throwOnRequestTimeout: true,
      ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
    },
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
      clientConfig('ecr-public', request.region, false, settings, request.role, request.profile),
    );
    try {
      const out = await client.send(new PublicCommand({}));
      return { data: out.authorizationData ? [out.authorizationData] : [] };
    } finally {
      client.destroy();
    }
  }
  const client = new ECRClient(
    clientConfig('ecr', request.region, request.fips, settings, request.role, request.profile),
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
