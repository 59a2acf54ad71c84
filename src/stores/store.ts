// A credential store: one way a credential reaches the registry clients. Each store adds and removes its
// own credentials side by side, so post undoes exactly what main did. Stores do I/O only through the tools
// they are handed (so main's bundle loads the docker CLI lazily and post's loads no HTTP client).

import type { DockerCredential, HelperRecord, Settings } from '../action/types.js';
import type { LoginOutcome } from '../diagnose/login.js';
import type { DockerResult, dockerLogin } from '../docker/docker-cli.js';
import type { VerifySettings, verifyCredential } from '../net/verify.js';

export interface AddContext {
  /** The docker config directory our credentials go to. */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Every input (the helper store records the token API settings and each host's request). */
  settings: Settings;
  /** The `http-proxy` input, the timeout and the attempts for talking to registries. */
  verify: VerifySettings;
  tools: {
    verify: typeof verifyCredential;
    dockerLogin: typeof dockerLogin;
    /** The credential helper bundle its launcher runs; default dist/helper/index.js beside main's bundle. */
    helperBundle?: string;
  };
  /** Records the credential helper's home in post's state, before any config names it. */
  installed: (helper: HelperRecord) => void;
  /** A warning for the job log. */
  warn: (text: string) => void;
}

export interface RemoveContext {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The credential helper main installed (from post's state, checked), if any. */
  helper?: HelperRecord;
  tools: { dockerLogout: (host: string, env: NodeJS.ProcessEnv) => Promise<DockerResult> };
  debug: (message: string) => void;
  /** Where a store says what it could not remove (post only warns: cleanup never fails the job). */
  warning: (message: string) => void;
}

/** A credential the store could not add, with the registry's or the tool's answer for the diagnosis. */
export interface Refusal {
  credential: DockerCredential;
  outcome: LoginOutcome;
}

export interface CredentialStore {
  /** How the job summary and the log name this store. */
  label: string;
  /** Whether adding needs the docker CLI on PATH (checked before any network call). */
  needsDockerCli: boolean;
  /**
   * Whether add leaves our credential in the store: then post removes it and its token's expiry matters.
   * False for a store that only checks a helper which fetches tokens of its own.
   */
  holdsCredentials: boolean;
  /** Whether the store keeps its tokens fresh itself (the job's credential helper): their expiry never limits the job. */
  renewsTokens?: boolean;
  /** Adds the credentials; the state already names those it holds (login records them before calling). */
  add(credentials: readonly DockerCredential[], context: AddContext): Promise<Refusal[]>;
  remove(hosts: readonly string[], context: RemoveContext): Promise<void>;
}
