// The AWS services we call, as values, and the environment variables the AWS SDK reads for them, by
// name: one home for each name list (the diagnoses name them, message hygiene scrubs their values).
type Env = NodeJS.ProcessEnv;

/** A service we call: its IAM prefix (also the SDK's service id) and the variable overriding its endpoint. */
export interface Service {
  readonly id: 'ecr' | 'ecr-public' | 'sts';
  /** The service-specific endpoint override; it wins over AWS_ENDPOINT_URL. */
  readonly endpointVariable: string;
}

export const ECR: Service = { id: 'ecr', endpointVariable: 'AWS_ENDPOINT_URL_ECR' };
export const ECR_PUBLIC: Service = { id: 'ecr-public', endpointVariable: 'AWS_ENDPOINT_URL_ECR_PUBLIC' };
export const STS: Service = { id: 'sts', endpointVariable: 'AWS_ENDPOINT_URL_STS' };

/** The endpoint override for every service. */
export const GLOBAL_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL';

/** The variable (by name) that overrides the service's endpoint, and its URL; undefined when none does. */
export function endpointOverride(service: Service, env: Env): { variable: string; url: string } | undefined {
  for (const variable of [service.endpointVariable, GLOBAL_ENDPOINT_VARIABLE]) {
    const url = env[variable]?.trim();
    if (url) return { variable, url };
  }
  return undefined;
}

/** Variables whose values are secret: never shown, scrubbed from every message. */
export const SECRET_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_SECURITY_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
] as const;

/** AWS credential settings a user may have set, by name (their values are never shown). */
export const CREDENTIAL_VARIABLES = [
  ...SECRET_VARIABLES,
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
] as const;
