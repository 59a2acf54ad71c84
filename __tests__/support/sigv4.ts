// Reads the parts of an AWS SigV4 Authorization header that a stand-in needs to know *who* called
// *which* region/service. Signatures are not verified: the stand-ins only play the service side.

export interface SigV4Scope {
  accessKeyId: string;
  /** yyyymmdd from the credential scope. */
  date: string;
  region: string;
  service: string;
}

// e.g. "AWS4-HMAC-SHA256 Credential=AKID/20261123/us-east-1/ecr/aws4_request, SignedHeaders=..., Signature=..."
const CREDENTIAL = /Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request/;

export function parseSigV4(authorization: string | undefined): SigV4Scope | undefined {
  if (!authorization?.startsWith('AWS4-HMAC-SHA256 ')) return undefined;
  const m = CREDENTIAL.exec(authorization);
  if (!m) return undefined;
  const [, accessKeyId = '', date = '', region = '', service = ''] = m;
  return { accessKeyId, date, region, service };
}

/** `X-Amz-Date` (yyyymmddThhmmssZ) ↔ Date, as AWS prints it in "Signature expired" messages. */
export function parseAmzDate(value: string | undefined): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d, h, mi, s));
}

export function formatAmzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}
