// Turns a failed AWS call into one line: what happened, the likely cause, the fix. Never quotes a
// secret or an environment variable's value.
import type { ApiSettings } from './aws.js';

export interface ApiFailureContext {
  /** The IAM action that failed, e.g. ecr:GetAuthorizationToken. */
  action: string;
  endpoint: string;
  region: string;
  /** How the call was made: lets a diagnosis ask STS who the caller was, with the same credentials. */
  settings: ApiSettings;
  role?: string;
}

interface AwsErrorShape {
  name?: string;
  code?: string;
  message?: string;
}

export function errorCode(error: unknown): string {
  const e = error as AwsErrorShape;
  return e?.name || e?.code || 'Error';
}

export async function describeApiFailure(error: unknown, ctx: ApiFailureContext): Promise<string> {
  const e = error as AwsErrorShape;
  const message = (e?.message ?? String(error)).replace(/\s+/g, ' ').trim();
  return `${ctx.action} failed in ${ctx.region} (${ctx.endpoint}): ${errorCode(error)}: ${message}`;
}
