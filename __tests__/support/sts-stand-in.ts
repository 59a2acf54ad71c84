// Loopback STS (AWS query protocol: form-encoded request, XML answer) for AssumeRole and
// GetCallerIdentity; reach it with AWS_ENDPOINT_URL_STS = url. Issued keys are derived from the role
// ARN (accessKeyIdForRole) so a test can tell which role signed which ECR call.
import { createHash, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sleep, startLoopbackServer } from './loopback-server.js';
import { parseSigV4 } from './sigv4.js';

const NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

export interface CallerIdentity {
  Arn: string;
  Account: string;
  UserId: string;
}

export interface StsStandInConfig {
  /** Who a caller with keys this stand-in did not issue is. */
  callerIdentity?: CallerIdentity;
  /** AssumeRole of these role ARNs answers 403 AccessDenied. */
  deniedRoles?: string[];
  latencyMs?: number;
  /** Every call answers 400 ExpiredToken. */
  expiredToken?: boolean;
}

export interface StsRecordedRequest {
  at: number;
  action: string;
  roleArn?: string;
  roleSessionName?: string;
  durationSeconds?: number;
  externalId?: string;
  /** Signer's key and region, from the SigV4 credential scope ('' when unsigned). */
  accessKeyId: string;
  region: string;
  params: Record<string, string>;
  status?: number;
  errorCode?: string;
}

export interface StsStandIn {
  url: string;
  requests: StsRecordedRequest[];
  config: StsStandInConfig;
  close(): Promise<void>;
}

export const DEFAULT_CALLER: CallerIdentity = {
  Arn: 'arn:aws:sts::123456789012:assumed-role/ci/session',
  Account: '123456789012',
  UserId: 'AROAHARNESSCALLER:session',
};

const hash = (s: string) => createHash('sha256').update(s).digest('hex').toUpperCase();

/** Deterministic credentials that AssumeRole of `roleArn` returns (20-char ASIA… key, like AWS). */
export function accessKeyIdForRole(roleArn: string): string {
  return `ASIA${hash(`key:${roleArn}`).slice(0, 16)}`;
}
export function credentialsForRole(roleArn: string) {
  return {
    accessKeyId: accessKeyIdForRole(roleArn),
    secretAccessKey: Buffer.from(hash(`secret:${roleArn}`), 'hex')
      .toString('base64')
      .slice(0, 40),
    sessionToken: `FwoGZXIvYXdzE${hash(`token:${roleArn}`)}`,
  };
}

class StsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly type: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
  }
}

const xmlEscape = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export async function startStsStandIn(config: StsStandInConfig = {}): Promise<StsStandIn> {
  const requests: StsRecordedRequest[] = [];
  // Keys this stand-in handed out → the assumed-role identity they stand for.
  const issued = new Map<string, CallerIdentity>();

  const identityOf = (accessKeyId: string) =>
    issued.get(accessKeyId) ?? config.callerIdentity ?? DEFAULT_CALLER;

  const handle = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => {
    const scope = parseSigV4(req.headers.authorization);
    const params = Object.fromEntries(new URLSearchParams(await readBody(req)));
    const record: StsRecordedRequest = {
      at: Date.now(),
      action: params.Action ?? '',
      accessKeyId: scope?.accessKeyId ?? '',
      region: scope?.region ?? '',
      params,
    };
    if (params.RoleArn !== undefined) record.roleArn = params.RoleArn;
    if (params.RoleSessionName !== undefined) record.roleSessionName = params.RoleSessionName;
    if (params.DurationSeconds !== undefined) record.durationSeconds = Number(params.DurationSeconds);
    if (params.ExternalId !== undefined) record.externalId = params.ExternalId;
    requests.push(record);
    await sleep(config.latencyMs ?? 0, signal);
    if (signal.aborted) return;

    const requestId = randomUUID();
    const send = (status: number, xml: string, errorCode?: string) => {
      record.status = status;
      if (errorCode) record.errorCode = errorCode;
      res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }).end(xml);
    };
    try {
      const result = answer(record, scope?.accessKeyId);
      send(
        200,
        `<${record.action}Response xmlns="${NS}"><${record.action}Result>${result}</${record.action}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${record.action}Response>`,
      );
    } catch (err) {
      if (!(err instanceof StsError)) throw err;
      send(
        err.status,
        `<ErrorResponse xmlns="${NS}"><Error><Type>${err.type}</Type><Code>${err.code}</Code>` +
          `<Message>${xmlEscape(err.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
        err.code,
      );
    }
  };

  const answer = (record: StsRecordedRequest, accessKeyId: string | undefined): string => {
    if (!accessKeyId)
      throw new StsError(403, 'MissingAuthenticationToken', 'Request is missing Authentication Token');
    if (config.expiredToken) {
      throw new StsError(400, 'ExpiredToken', 'The security token included in the request is expired');
    }
    const caller = identityOf(accessKeyId);
    if (record.action === 'GetCallerIdentity') {
      return `<Arn>${xmlEscape(caller.Arn)}</Arn><UserId>${xmlEscape(caller.UserId)}</UserId><Account>${caller.Account}</Account>`;
    }
    if (record.action !== 'AssumeRole') {
      throw new StsError(
        400,
        'InvalidAction',
        `Could not find operation ${record.action} for version 2011-06-15`,
      );
    }
    const roleArn = record.roleArn ?? '';
    const session = record.roleSessionName ?? '';
    const duration = record.durationSeconds ?? 3600;
    const role = /^arn:aws[\w-]*:iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]+)$/.exec(roleArn);
    if (!/^[\w+=,.@-]{2,64}$/.test(session)) {
      throw new StsError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${session}' at 'roleSessionName' failed to satisfy constraint: ` +
          'Member must satisfy regular expression pattern: [\\w+=,.@-]*',
      );
    }
    if (!(duration >= 900 && duration <= 43200)) {
      throw new StsError(
        400,
        'ValidationError',
        `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: ` +
          'Member must have value greater than or equal to 900',
      );
    }
    if (!role) throw new StsError(400, 'ValidationError', `${roleArn} is invalid`);
    if (config.deniedRoles?.includes(roleArn)) {
      throw new StsError(
        403,
        'AccessDenied',
        `User: ${caller.Arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    }
    const [, account = '', roleName = ''] = role;
    const creds = credentialsForRole(roleArn);
    const roleId = `AROA${hash(`role:${roleArn}`).slice(0, 17)}`;
    const arn = `arn:aws:sts::${account}:assumed-role/${roleName}/${session}`;
    issued.set(creds.accessKeyId, { Arn: arn, Account: account, UserId: `${roleId}:${session}` });
    const expiration = new Date(Date.now() + duration * 1000).toISOString();
    return (
      `<AssumedRoleUser><AssumedRoleId>${roleId}:${xmlEscape(session)}</AssumedRoleId><Arn>${xmlEscape(arn)}</Arn></AssumedRoleUser>` +
      `<Credentials><AccessKeyId>${creds.accessKeyId}</AccessKeyId><SecretAccessKey>${creds.secretAccessKey}</SecretAccessKey>` +
      `<SessionToken>${creds.sessionToken}</SessionToken><Expiration>${expiration}</Expiration></Credentials>`
    );
  };

  const server = await startLoopbackServer(handle);
  return { url: server.url, requests, config, close: () => server.close() };
}
