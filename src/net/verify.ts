// Verifies a credential the way `docker login` does: GET /v2/ with it must answer 200. Runs for every
// registry at once, through the same proxy settings as the API calls, so the config-file store never
// writes a credential the registry would refuse.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DockerCredential } from '../action/types.js';
import { agentFor, proxyFor, proxyRefusal } from './proxy.js';
import { backoff, retry } from './retry.js';

export interface VerifySettings {
  httpProxy?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  attempts: number;
}

export interface VerifyResult {
  ok: boolean;
  status?: number;
  message: string;
}

function once(url: string, authorization: string, settings: VerifySettings): Promise<VerifyResult> {
  const agent = agentFor(url, settings.httpProxy, settings.env);
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  const seconds = settings.timeoutMs / 1000;
  return new Promise((resolve) => {
    // One deadline for the whole attempt: a socket-idle timeout is reset by every byte of a trickled answer.
    const deadline = setTimeout(
      () => req.destroy(new Error(`no complete answer from ${new URL(url).host} within ${seconds} s`)),
      settings.timeoutMs,
    );
    const settle = (result: VerifyResult) => {
      clearTimeout(deadline);
      resolve(result);
    };
    const req = send(
      url,
      {
        method: 'GET',
        headers: { authorization, 'user-agent': 'ecr-login' },
        agent,
      },
      (res) => {
        res.resume();
        const status = res.statusCode ?? 0;
        const proxy = status === 407 ? proxyFor(url, settings.httpProxy, settings.env) : undefined;
        settle({
          ok: status === 200,
          status,
          message: proxy
            ? `GET ${url} failed: ${proxyRefusal(proxy)}`
            : `GET ${url} answered ${status} ${res.statusMessage ?? ''}`,
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      settle({ ok: false, message: `GET ${url} failed: ${e.code ? `${e.code} ` : ''}${e.message}` }),
    );
    req.end();
  });
}

export function verifyCredential(
  credential: Pick<DockerCredential, 'scheme' | 'host' | 'auth'>,
  settings: VerifySettings,
): Promise<VerifyResult> {
  const url = `${credential.scheme}://${credential.host}/v2/`;
  return retry(
    backoff(settings.attempts),
    () => once(url, `Basic ${credential.auth}`, settings),
    // Only unreachable registries and 5xx are worth another try; an answer of 401/403 is final.
    (result) => !result.ok && (result.status === undefined || result.status >= 500),
  );
}
