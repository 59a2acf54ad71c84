// Turns a refused login into one paragraph: the registry's answer to our /v2/ check, or `docker login`'s,
// set against what the token was for (account, region, expiry), with the likely cause and the fix.

import type { DockerCredential, StoreName } from '../action/types.js';
import { parseRegistryItem } from '../ecr/registry.js';
import { proxyFor } from '../net/proxy.js';
import { REFUSED } from '../net/retry.js';
import { finish, hostPort, oneLine, proxyNote, secretForms, sentence } from './message.js';

type Env = NodeJS.ProcessEnv;

export interface LoginOutcome {
  /**
   * The store that tried: config-file verified at /v2/ itself; docker-cli ran docker login; ecr-helper ran
   * the Amazon ECR credential helper's `get`.
   */
  store: StoreName;
  /** HTTP status of the /v2/ check, when the registry answered. */
  status?: number;
  /** The check's, the CLI's or the helper's own words. */
  detail: string;
  /** The process's exit code, when it exited. */
  exitCode?: number;
  /** Set when the process was stopped at its deadline (with every helper it started). */
  timedOutAfterMs?: number;
  /** The helper's program is not on PATH. */
  missing?: boolean;
  /** The helper answered with exit 0 but not with a credential. */
  garbage?: boolean;
}

export interface LoginRoute {
  httpProxy?: string;
  env: Env;
}

function leftOf(expiresAt: Date, now: number): string {
  const ms = expiresAt.getTime() - now;
  if (ms <= 0) return 'already expired';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `${h} h ${m} min left`;
}

function registryFacts(cred: DockerCredential): { text: string; ecr?: boolean; mismatch?: string } {
  if (cred.kind === 'public') {
    return { text: `${cred.host} (ECR Public, served by the us-east-1 token)`, ecr: true };
  }
  const parsed = parseRegistryItem(cred.host);
  if (!parsed.ok || parsed.registry.kind !== 'private') {
    return {
      text: `${cred.host} is not an ECR host name, so its account and region cannot be read from it (a proxyEndpoint from an endpoint override?)`,
    };
  }
  const r = parsed.registry;
  const problems: string[] = [];
  if (r.region !== cred.region)
    problems.push(
      `the token is from ${cred.region} but the registry is in ${r.region}: tokens open only registries of their own region`,
    );
  if (cred.account && r.account !== cred.account)
    problems.push(`the token was issued for account ${cred.account}'s registry, not ${r.account}'s`);
  return {
    text: `${cred.host} is account ${r.account} in ${r.region}`,
    ecr: true,
    ...(problems.length > 0 ? { mismatch: problems.join('; ') } : {}),
  };
}

/** A registry refused (or could not be asked about) a credential we just fetched. One paragraph. */
export function describeLoginFailure(
  cred: DockerCredential,
  outcome: LoginOutcome,
  route: LoginRoute,
  now = Date.now(),
): string {
  const words = oneLine(outcome.detail);
  const detail =
    outcome.timedOutAfterMs !== undefined
      ? `it did not finish within ${Math.round(outcome.timedOutAfterMs / 1000)} s and was stopped${words ? ` (${words})` : ''}`
      : words || 'no answer';
  const action = cred.kind === 'public' ? 'ecr-public:GetAuthorizationToken' : 'ecr:GetAuthorizationToken';
  const url = `${cred.scheme}://${cred.host}/v2/`;
  const routeNote = `the request went ${proxyNote(url, route.httpProxy, route.env)}`;
  const refused =
    outcome.status === 401 ||
    outcome.status === 403 ||
    (outcome.status === undefined && outcome.store === 'docker-cli' && REFUSED.test(detail));
  let text: string;
  if (refused) {
    const facts = registryFacts(cred);
    const token =
      `from ${action} in ${cred.region}${cred.account ? ` for account ${cred.account}` : ''}` +
      `${cred.role ? ` with role ${cred.role}` : ''}, valid until ${cred.expiresAt.toISOString()} (${leftOf(cred.expiresAt, now)}; ECR tokens last 12 hours)`;
    const cause = facts.mismatch
      ? `${facts.mismatch}.`
      : `the token is fresh${facts.ecr ? " and was issued for this registry's account and region" : ''}, so expiry is not the cause and the registry denies this principal: ` +
        "a registry in another account admits you only when that account's repository policies allow your principal " +
        '(pulls: ecr:BatchGetImage, ecr:GetDownloadUrlForLayer), or something in between (a proxy) altered the Authorization header.';
    const fix = facts.mismatch
      ? 'list the registry by its full host (<account>.dkr.ecr.<region>.amazonaws.com) so the token comes from its own region and account.'
      : `for a cross-account registry add a repository policy statement such as {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<your account>:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}` +
        (cred.role ? `, or check that role ${cred.role} is the one the repository policy admits` : '') +
        '; a docker config saved from an earlier run stops working 12 hours after its token was issued, so log in again in each job.';
    const what =
      outcome.store === 'docker-cli'
        ? `docker login was refused with a fresh token: ${detail}`
        : `The registry refused a fresh token: ${detail}`;
    text = `${sentence(what)} Token: ${token}. Registry: ${facts.text}. Cause: ${cause} Fix: ${fix}`;
  } else if (outcome.status !== undefined && outcome.status >= 500) {
    const proxied = !!proxyFor(url, route.httpProxy, route.env);
    text =
      `The registry check failed on every attempt: ${detail}; ${routeNote}. ` +
      `Cause: the registry${proxied ? ', or the proxy in between (a proxy answers 5xx when it cannot reach the registry),' : ''} is failing. ` +
      `Fix: re-run the job; if it persists check ${proxied ? 'that the proxy reaches the registry, and ' : ''}the AWS Health Dashboard.`;
  } else if (outcome.status !== undefined) {
    text = `The registry check failed: ${detail}; ${routeNote}. Fix: check that ${cred.host} is an ECR registry and reachable as such.`;
  } else if (outcome.store === 'docker-cli') {
    text =
      `docker login failed: ${detail}. The docker CLI uses its own proxy settings (HTTPS_PROXY / NO_PROXY in the ` +
      'environment, not the http-proxy input, and never for loopback hosts). ' +
      `Fix: check that the runner reaches ${hostPort(url)} (a VPC endpoint com.amazonaws.${cred.region}.ecr.dkr with private DNS, or a proxy).`;
  } else {
    text =
      `The registry check failed: ${detail}; ${routeNote}. ` +
      'Cause: the registry host is not reachable from this runner (DNS, firewall egress on port 443, or the proxy). ' +
      `Fix: allow egress to ${hostPort(url)}, set the proxy (http-proxy input or HTTPS_PROXY; NO_PROXY for exceptions)` +
      (cred.kind === 'private'
        ? `, or use a VPC interface endpoint (com.amazonaws.${cred.region}.ecr.dkr) with private DNS enabled.`
        : '.');
  }
  return finish(text, route.env, route.httpProxy, secretForms(cred));
}
