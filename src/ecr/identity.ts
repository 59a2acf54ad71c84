// Who the caller is, for a diagnosis: STS GetCallerIdentity with the same credentials (and proxy) as the
// call that failed. Best-effort and bounded: one attempt, a short timeout, undefined on any failure (its
// cause goes to the debug log). The STS client is loaded only when a diagnosis needs it.

import * as runner from '../action/runner.js';
import { scrub } from '../diagnose/message.js';
import { STS } from './aws-env.js';
import { type ApiSettings, clientConfig } from './token-api.js';

export interface CallerIdentity {
  arn: string;
  account: string;
}

/** The longest a diagnosis waits for STS, whatever api-timeout-seconds says. */
export const IDENTITY_TIMEOUT_MS = 5_000;

export async function callerIdentity(
  settings: ApiSettings,
  region: string,
  role?: string,
  profile?: string,
  timeoutMs = IDENTITY_TIMEOUT_MS,
): Promise<CallerIdentity | undefined> {
  const limit = Math.min(timeoutMs, settings.timeoutSeconds * 1000);
  let client: { destroy(): void } | undefined;
  let timer: NodeJS.Timeout | undefined;
  const ask = async (): Promise<CallerIdentity | undefined> => {
    const { STSClient, GetCallerIdentityCommand } = await import('@aws-sdk/client-sts');
    const once = { ...settings, maxAttempts: 1, timeoutSeconds: limit / 1000 };
    const config = await clientConfig(STS, region, false, once, role, profile);
    const sts = new STSClient(config);
    client = sts;
    const out = await sts.send(new GetCallerIdentityCommand({}));
    return out.Arn ? { arn: out.Arn, account: out.Account ?? '' } : undefined;
  };
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), limit + 500);
  });
  try {
    const asked = ask().catch((error: unknown) => {
      const raw = (error as Error)?.stack ?? String(error);
      runner.debug(
        scrub(`STS GetCallerIdentity for the diagnosis failed: ${raw}`, settings.env, settings.httpProxy),
      );
      return undefined;
    });
    return await Promise.race([asked, deadline]);
  } finally {
    clearTimeout(timer);
    client?.destroy();
  }
}

/** `arn:aws:sts::123456789012:assumed-role/ci/session` → the role's ARN `arn:aws:iam::123456789012:role/ci`. */
export function roleArnOfSession(arn: string): string | undefined {
  const m = /^arn:([\w-]+):sts::(\d{12}):assumed-role\/([\w+=,.@-]+)\/[^/]+$/.exec(arn);
  return m ? `arn:${m[1]}:iam::${m[2]}:role/${m[3]}` : undefined;
}

/** A short name for a principal: "role ci", "user alice", or the ARN itself. */
export function principalName(arn: string): string {
  const role = /:assumed-role\/([^/]+)\//.exec(arn)?.[1] ?? /:role\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  if (role) return `role ${role}`;
  const user = /:user\/(?:.*\/)?([^/]+)$/.exec(arn)?.[1];
  if (user) return `user ${user}`;
  return arn;
}
