// Turns a docker credential helper's failure (one that `docker login`/`docker logout` ran, or one we asked
// ourselves) into one paragraph naming the helper and the host, the cause and the fix. Never a secret:
// only the length of the password, and a helper's own words only when the call carried no secret back.

import type { DockerCredential, LoginMethod } from '../action/types.js';
import type { DockerConfig } from '../docker/docker-config.js';
import { findOnPath } from '../docker/path-lookup.js';
import { storeHelperFor } from '../docker/store-helper.js';
import { ECR_HELPER, ECR_HELPER_BINARY } from '../stores/ecr-helper.js';
import type { LoginOutcome } from './login.js';
import { finish, secretForms, sentence } from './message.js';

/** wincred's and Docker Desktop's limit on a stored secret, in characters. */
export const STORE_SECRET_LIMIT = 2500;

/** What wincred and Docker Desktop's store print for a secret over their limit. */
const TOO_LONG = /The stub received bad data/i;
const MISSING = /executable file not found|docker-credential-\S+: not found|no such file or directory/i;
const HELPER_NAMED = /docker-credential-([A-Za-z0-9._-]+?)["':\s`]/;

export type HelperCause = 'too-long' | 'hang' | 'missing' | 'garbage' | 'failed';

export interface HelperFailure {
  /** The helper's name (`docker-credential-<helper>`), when known. */
  helper?: string;
  host: string;
  /** What ran: `docker login`, `docker logout`, or a helper we ran ourselves (`docker-credential-<name> get`). */
  action: string;
  /** The docker CLI's (or the helper's) output, cleaned of boilerplate. */
  output: string;
  exitCode?: number;
  /** Set when the process was stopped at its deadline. */
  timedOutAfterMs?: number;
  /** The helper's binary is not on PATH (spawn said ENOENT). */
  missing?: boolean;
  /** The helper answered with exit 0 but not with a credential. */
  garbage?: boolean;
  /** The password's length, never the password. */
  secretLength?: number;
  /** Where the helper came from: the config's credsStore/credHelpers, or docker's platform default. */
  source: 'config' | 'default';
  /** login-method: docker, so `login-method: auto` is a fix. */
  methodDocker: boolean;
}

/** The helper a message should name: the one given, else the one docker's output names. */
function helperOf(f: HelperFailure): string | undefined {
  return f.helper ?? HELPER_NAMED.exec(`${f.output} `)?.[1];
}

/** Which helper failure this is, or undefined when the output shows no helper took part. */
export function classifyHelperFailure(f: HelperFailure): HelperCause | undefined {
  if (TOO_LONG.test(f.output)) return 'too-long';
  if (f.missing || (MISSING.test(f.output) && /docker-credential-/.test(f.output))) return 'missing';
  if (f.timedOutAfterMs !== undefined) return f.helper ? 'hang' : undefined;
  if (f.garbage) return 'garbage';
  if (f.action.startsWith('docker-credential-') || /credentials|docker-credential-/i.test(f.output))
    return helperOf(f) ? 'failed' : undefined;
  return undefined;
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
const LIMITED_STORES = new Set(['wincred', 'desktop']);

function fixesFor(f: HelperFailure, helper: string | undefined, cause: HelperCause): string {
  const isolate =
    'isolate-config: true (a job-private docker config in which our hosts never reach a helper)';
  if (helper === 'ecr-login') {
    const first: Record<HelperCause, string> = {
      missing: 'install docker-credential-ecr-login (the Amazon ECR credential helper) on the runner',
      garbage:
        'reinstall docker-credential-ecr-login (this one does not speak the credential-helper protocol)',
      'too-long': 'give the job AWS credentials the helper can use (its environment must hold them)',
      hang: 'give the job AWS credentials the helper can use (its environment must hold them)',
      failed: 'give the job AWS credentials the helper can use (its environment must hold them)',
    };
    return `${first[cause]}, drop the docker config's ecr-login entry for ${f.host}, or set ${isolate}.`;
  }
  const auto = f.methodDocker
    ? ['login-method: auto (writes config.json directly, never calling a helper)']
    : [];
  const dropEntry = f.source === 'config' ? ["drop the docker config's credsStore/credHelpers entry"] : [];
  const extra: string[] = [];
  if (cause === 'hang' && helper === 'osxkeychain')
    extra.push(
      'unlock the keychain in an earlier step (security unlock-keychain -p "$KEYCHAIN_PASSWORD" ~/Library/Keychains/login.keychain-db)',
    );
  if (cause === 'missing') extra.push(`install docker-credential-${helper ?? '<name>'}`);
  const all = [...auto, isolate, ...extra, ...dropEntry];
  return `${all.slice(0, -1).join(', ')}${all.length > 1 ? ', or ' : ''}${all[all.length - 1]}.`;
}

/**
 * One paragraph for a helper failure, or undefined when it was not one (then the caller's own diagnosis
 * applies). `secrets` are scrubbed from whatever output is quoted.
 */
export function describeHelperFailure(
  f: HelperFailure,
  env: NodeJS.ProcessEnv,
  secrets: string[] = [],
): string | undefined {
  const cause = classifyHelperFailure(f);
  if (!cause) return undefined;
  const helper = helperOf(f);
  const named = helper ? `docker-credential-${helper}` : 'the credential helper';
  const origin =
    f.source === 'default'
      ? " (docker's default store on this platform: the docker config names no store and has no credentials yet)"
      : '';
  let text: string;
  switch (cause) {
    case 'too-long': {
      const store = helper && !LIMITED_STORES.has(helper) ? named : `${named} (Windows Credential Manager)`;
      text =
        `${f.action} for ${f.host} failed: ${store}${origin} refused the password with "The stub received bad data.". ` +
        `Cause: wincred and Docker Desktop's credential store hold at most ${STORE_SECRET_LIMIT.toLocaleString('en-US')} characters, ` +
        `and this ECR password is ${f.secretLength?.toLocaleString('en-US') ?? 'longer'}${f.secretLength ? ' characters' : ''} ` +
        '(ECR passwords run 2,700–3,200 characters, longest for SSO/OIDC role sessions).';
      break;
    }
    case 'hang': {
      const waited = seconds(f.timedOutAfterMs ?? 0);
      const likely =
        helper === 'osxkeychain'
          ? 'a locked login keychain on a self-hosted Mac: the keychain waits for a password prompt that no one can answer.'
          : `${named} waits for something it never gets (a locked store, or a prompt).`;
      text =
        `${f.action} for ${f.host} did not finish within ${waited}: ${named}${origin} never answered, and it was stopped. ` +
        `Cause: most likely ${likely}`;
      break;
    }
    case 'missing':
      text = `${f.action} for ${f.host} failed: the docker config sends its credentials to ${named}, which is not on PATH.`;
      break;
    case 'garbage':
      text =
        `${f.action} for ${f.host} failed: ${named}${origin} answered (exit 0) with output that is not a credential ` +
        `(${f.output.length} characters, not shown: they may hold a secret).`;
      break;
    case 'failed':
      // A helper that exits non-zero prints an error, not a credential; it is scrubbed all the same.
      // The exit code is the helper's own only when we ran it; docker's output quotes the helper's.
      text =
        `${f.action} for ${f.host} failed: ${named}${origin} failed` +
        `${f.action.startsWith('docker-credential-') && f.exitCode !== undefined ? ` (exit ${f.exitCode})` : ''}: ${sentence(f.output || 'no output')}`;
      break;
  }
  return finish(`${sentence(text)} Fix: ${fixesFor(f, helper, cause)}`, env, undefined, secrets);
}

/**
 * The credential helper's failure behind a store's refusal, in one paragraph: the Amazon ECR helper's `get`
 * that the ecr-helper store ran, or the helper `docker login` handed the password to. Undefined when no
 * helper took part (the registry's or docker's own diagnosis applies then).
 */
export function helperFailureOf(
  credential: DockerCredential,
  outcome: LoginOutcome,
  config: DockerConfig,
  env: NodeJS.ProcessEnv,
  method: LoginMethod,
): string | undefined {
  const { host } = credential;
  const ran = {
    host,
    output: outcome.detail,
    ...(outcome.exitCode !== undefined ? { exitCode: outcome.exitCode } : {}),
    ...(outcome.timedOutAfterMs !== undefined ? { timedOutAfterMs: outcome.timedOutAfterMs } : {}),
  };
  if (outcome.store === 'ecr-helper') {
    const action = `${ECR_HELPER_BINARY} get`;
    const failure = describeHelperFailure(
      {
        ...ran,
        helper: ECR_HELPER,
        action,
        missing: !!outcome.missing,
        garbage: !!outcome.garbage,
        source: 'config',
        methodDocker: false,
      },
      env,
    );
    return failure ?? `${action} for ${host} did not answer a credential.`;
  }
  if (outcome.store !== 'docker-cli') return undefined;
  const store = storeHelperFor(config, host, process.platform, (name) => !!findOnPath(name, env));
  return describeHelperFailure(
    {
      ...ran,
      ...(store ? { helper: store.helper } : {}),
      action: 'docker login',
      secretLength: credential.password.length,
      source: store?.source ?? 'config',
      methodDocker: method === 'docker',
    },
    env,
    secretForms(credential),
  );
}
