// Types shared across modules, one home each: a type used by more than one module lives here, not in
// whichever consumer came first.
import type { PrivateRegistry, Registry } from '../ecr/registry.js';
import type { STORES } from '../stores/index.js';

/** The `login-method` input: how the user asked us to pick a credential store. */
export type LoginMethod = 'auto' | 'docker' | 'config-file' | 'helper';

/** How a host was logged in: the name of the credential store that holds its credential (state, summary, post). */
export type StoreName = keyof typeof STORES;

/** Every input, read and checked once. */
export interface Settings {
  registries: Registry[];
  region?: string;
  maskPassword: boolean;
  skipLogout: boolean;
  httpProxy?: string;
  maxAttempts: number;
  apiTimeoutSeconds: number;
  isolateConfig: boolean;
  loginMethod: LoginMethod;
  /** Role ARN per registry host (from `registry-roles`). */
  roles: Map<string, string>;
  /** Named profile per registry host (from `registry-profiles`). */
  profiles: Map<string, string>;
  /** `registry-aliases`: more hosts, each logged in with its registry's token. */
  aliases: Alias[];
}

/** A `registry-aliases` line: the team's own host name for a private registry. */
export interface Alias {
  /** Lower-case host[:port]: the docker config key. */
  host: string;
  /** The registry whose token it carries. */
  target: PrivateRegistry;
}

/** A docker registry credential, decoded from an ECR token: what a store adds for one host. */
export interface DockerCredential {
  /** Docker config key / login target: lower-case host[:port], no scheme. */
  host: string;
  /** Scheme for verifying the credential at /v2/: https, or http for a loopback endpoint (local stand-ins). */
  scheme: 'https' | 'http';
  username: string;
  password: string;
  /** base64("user:password"): the API's token, exactly what docker stores as `auth`. */
  auth: string;
  expiresAt: Date;
  kind: 'private' | 'public';
  account?: string;
  region: string;
  role?: string;
  /** The `registry-profiles` profile whose credentials fetched the token. */
  profile?: string;
  /** The registry's host as parsed from the inputs (none for the default registry): matches aliases. */
  registry?: string;
  /** For a `registry-aliases` host: the login host of the registry whose token it carries. */
  aliasOf?: string;
  /** Position in the user's `registries` list, so outputs keep input order. */
  order: number;
}

/** AWS credentials for signing API calls (an assumed role's). */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** A registry that failed before or during login: one line of the error, one row of the summary. */
export interface RegistryFailure {
  host: string;
  account?: string;
  region: string;
  message: string;
}

/** A host a store holds our credential for. */
export interface Login {
  credential: DockerCredential;
  store: StoreName;
}

/** The job's credential helper: its home under RUNNER_TEMP (removed whole) and its credHelpers value. */
export interface HelperRecord {
  dir: string;
  name: string;
  /** The random id in the home's owner marker (docker/owned-dir.ts): post deletes only a home holding it. */
  id: string;
}
