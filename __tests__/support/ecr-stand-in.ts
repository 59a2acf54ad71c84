// Loopback stand-in for the two AWS token APIs the action calls, speaking AWS JSON 1.1 exactly as the
// real SDK expects (checked by __tests__/harness/ecr-stand-in.test.ts against @aws-sdk/client-ecr{,-public}).
// Point clients at it with AWS_ENDPOINT_URL_ECR / AWS_ENDPOINT_URL_ECR_PUBLIC = url.
import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBody, sleep, startLoopbackServer } from './loopback-server.js';
import { formatAmzDate, parseAmzDate, parseSigV4 } from './sigv4.js';

export const ECR_TARGET_PREFIX = 'AmazonEC2ContainerRegistry_V20150921';
export const ECR_PUBLIC_TARGET_PREFIX = 'SpencerFrontendService';
export const DEFAULT_PRINCIPAL_ARN = 'arn:aws:sts::123456789012:assumed-role/ci/session';

export interface EcrAccount {
  /** What the token answer names as the registry, e.g. the url of a local registry (http://127.0.0.1:5001). */
  proxyEndpoint: string;
  /** The registry password; the token is base64("AWS:" + password). */
  password: string;
}

/** Fault knobs: set them at start or change them on the returned `config` between calls. */
export interface EcrFaults {
  /** Delay before every answer. */
  latencyMs?: number;
  /** The next N calls answer 400 ThrottlingException (counts down as it fires). */
  throttleFirst?: number;
  /** The next N calls answer 500 ServerException (counts down as it fires). */
  fail500First?: number;
  /** Accept and never answer (close() still ends these connections). */
  hang?: boolean;
  /** Send the headers and the start of a 200 body, then stall (no trickleMs) or send one byte of JSON
   *  whitespace every trickleMs, which resets any socket-idle timer, until close(). */
  stallBody?: { trickleMs?: number };
  /** Calls signed for these regions answer 400 AccessDeniedException. */
  accessDeniedRegions?: string[];
  expiredToken?: boolean;
  unrecognizedClient?: boolean;
  /** Every call answers 400 InvalidSignatureException "Signature expired: …". */
  signatureExpired?: boolean;
  /** Only calls whose X-Amz-Date is > 5 min from the server clock (now + dateOffsetSeconds) get that error,
   *  as real AWS does; the SDK then corrects its clock from the Date header and retries. */
  rejectSkewedSignatures?: boolean;
  /** Shifts the server clock: the `Date` response header and the skew check. */
  dateOffsetSeconds?: number;
}

export interface EcrStandInConfig extends EcrFaults {
  /** Keyed by `${account}/${region}`. */
  accounts: Record<string, EcrAccount>;
  /** The caller's own account, used when a call names no registryIds. */
  defaultAccount?: string;
  /** Per-signer override of defaultAccount (e.g. keys issued by the STS stand-in for another account). */
  defaultAccountFor?: (accessKeyId: string) => string | undefined;
  /** ECR Public token; without it public calls are denied (sts:GetServiceBearerToken, as in real AWS). */
  public?: { password: string };
  /** Regions where ECR Public answers (real: us-east-1, us-west-2); other regions get a scope error. */
  publicRegions?: string[];
  /** Default 12 h, as ECR. Live: lower it to issue tokens that expire within a test. */
  tokenTtlSeconds?: number;
  /** Every private token gets its own password (`<account password>.t<n>`), so a registry front can tell
   *  tokens apart and refuse an expired one (see expiring-front.ts); `issued` maps them back. */
  distinctTokens?: boolean;
  /** Named in AccessDenied messages. */
  principalArn?: string;
}

export interface RecordedRequest {
  /** Date.now() when the request arrived. */
  at: number;
  /** Full X-Amz-Target, e.g. AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken. */
  target: string;
  service: 'ecr' | 'ecr-public';
  /** From the SigV4 credential scope ('' when unsigned). */
  region: string;
  accessKeyId: string;
  sessionToken?: string;
  userAgent?: string;
  body: unknown;
  /** Filled in when answered (undefined while pending or hung). */
  status?: number;
  errorCode?: string;
}

/** A private token the stand-in handed out (recorded when `distinctTokens` is on). */
export interface IssuedToken {
  /** The password in the token. */
  password: string;
  /** The account's registry password, which the real registry behind a front checks. */
  accountPassword: string;
  /** Date.now() after which ECR would refuse it. */
  expiresAt: number;
}

export interface EcrStandIn {
  url: string;
  requests: RecordedRequest[];
  /** By password: the tokens issued with `distinctTokens`. */
  issued: Map<string, IssuedToken>;
  /** Live config: change knobs here. */
  config: EcrStandInConfig;
  close(): Promise<void>;
}

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const deniedMessage = (principal: string, action: string) =>
  `User: ${principal} is not authorized to perform: ${action} on resource: * because no identity-based policy allows the ${action} action`;

export async function startEcrStandIn(config: EcrStandInConfig): Promise<EcrStandIn> {
  const requests: RecordedRequest[] = [];
  const issued = new Map<string, IssuedToken>();
  const serverNow = () => new Date(Date.now() + (config.dateOffsetSeconds ?? 0) * 1000);

  const handle = async (req: IncomingMessage, res: ServerResponse, signal: AbortSignal) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const scope = parseSigV4(req.headers.authorization);
    const raw = await readBody(req);
    const record: RecordedRequest = {
      at: Date.now(),
      target,
      service: target.startsWith(`${ECR_PUBLIC_TARGET_PREFIX}.`) ? 'ecr-public' : 'ecr',
      region: scope?.region ?? '',
      accessKeyId: scope?.accessKeyId ?? '',
      body: undefined,
    };
    const token = req.headers['x-amz-security-token'];
    if (typeof token === 'string') record.sessionToken = token;
    if (req.headers['user-agent']) record.userAgent = req.headers['user-agent'];
    requests.push(record);

    if (config.hang) return; // never answered; close() destroys the socket
    await sleep(config.latencyMs ?? 0, signal);
    if (signal.aborted) return;

    const send = (status: number, payload: unknown, errorCode?: string) => {
      record.status = status;
      if (errorCode) record.errorCode = errorCode;
      const headers: Record<string, string> = {
        'content-type': 'application/x-amz-json-1.1',
        'x-amzn-requestid': randomUUID(),
        date: serverNow().toUTCString(),
      };
      if (errorCode) headers['x-amzn-errortype'] = errorCode;
      res.writeHead(status, headers).end(JSON.stringify(payload));
    };
    if (config.stallBody) {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', date: serverNow().toUTCString() });
      res.write('{"authorizationData": [');
      const { trickleMs } = config.stallBody;
      while (trickleMs && !signal.aborted && !res.destroyed) {
        await sleep(trickleMs, signal);
        res.write(' ');
      }
      return; // close() ends the connection
    }
    try {
      record.body = parseJson(raw);
      send(200, answer(record, scope, req.headers['x-amz-date']));
    } catch (err) {
      if (!(err instanceof AwsError)) throw err;
      send(err.status, { __type: err.code, message: err.message }, err.code);
    }
  };

  // Checks run in the order AWS applies them: authentication, throttling, authorization, the operation.
  const answer = (
    record: RecordedRequest,
    scope: ReturnType<typeof parseSigV4>,
    amzDate: string | string[] | undefined,
  ): unknown => {
    if (!scope)
      throw new AwsError(400, 'MissingAuthenticationTokenException', 'Missing Authentication Token');
    const isPublic = record.service === 'ecr-public';
    const expectedService = isPublic ? 'ecr-public' : 'ecr';
    if (scope.service !== expectedService) {
      throw new AwsError(
        400,
        'InvalidSignatureException',
        `Credential should be scoped to correct service: '${expectedService}'. `,
      );
    }
    if (isPublic && !(config.publicRegions ?? ['us-east-1', 'us-west-2']).includes(scope.region)) {
      throw new AwsError(
        400,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${scope.region}'. `,
      );
    }
    if (config.expiredToken) {
      throw new AwsError(
        400,
        'ExpiredTokenException',
        'The security token included in the request is expired',
      );
    }
    if (config.unrecognizedClient) {
      throw new AwsError(
        400,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      );
    }
    const signedAt = parseAmzDate(typeof amzDate === 'string' ? amzDate : undefined);
    const now = serverNow();
    const skewed = signedAt !== undefined && Math.abs(now.getTime() - signedAt.getTime()) > 5 * 60_000;
    if (config.signatureExpired || (config.rejectSkewedSignatures && skewed)) {
      const earliest = new Date(now.getTime() - 5 * 60_000);
      throw new AwsError(
        400,
        'InvalidSignatureException',
        `Signature expired: ${formatAmzDate(signedAt ?? new Date(0))} is now earlier than ${formatAmzDate(earliest)} (${formatAmzDate(now)} - 5 min.)`,
      );
    }
    if ((config.fail500First ?? 0) > 0) {
      config.fail500First = (config.fail500First ?? 1) - 1;
      throw new AwsError(500, 'ServerException', 'Internal error');
    }
    if ((config.throttleFirst ?? 0) > 0) {
      config.throttleFirst = (config.throttleFirst ?? 1) - 1;
      throw new AwsError(400, 'ThrottlingException', 'Rate exceeded');
    }
    const principal = config.principalArn ?? DEFAULT_PRINCIPAL_ARN;
    const action = isPublic ? 'ecr-public:GetAuthorizationToken' : 'ecr:GetAuthorizationToken';
    if (config.accessDeniedRegions?.includes(scope.region)) {
      throw new AwsError(400, 'AccessDeniedException', deniedMessage(principal, action));
    }
    const operation = record.target.slice(record.target.indexOf('.') + 1);
    if (!record.target.includes('.') || operation !== 'GetAuthorizationToken') {
      throw new AwsError(400, 'UnknownOperationException', '');
    }
    const expiresAt = (Date.now() + (config.tokenTtlSeconds ?? 12 * 3600) * 1000) / 1000;
    if (isPublic) {
      // Real ECR Public also needs sts:GetServiceBearerToken; that is what a missing grant reports.
      if (!config.public) {
        throw new AwsError(
          400,
          'AccessDeniedException',
          deniedMessage(principal, 'sts:GetServiceBearerToken'),
        );
      }
      return { authorizationData: { authorizationToken: tokenFor(config.public.password), expiresAt } };
    }
    const ids = registryIds(record.body);
    const accounts = ids ?? [config.defaultAccountFor?.(scope.accessKeyId) ?? config.defaultAccount ?? ''];
    const authorizationData = accounts.map((account) => {
      const found = config.accounts[`${account}/${scope.region}`];
      if (!found) throw new AwsError(400, 'AccessDeniedException', deniedMessage(principal, action));
      let password = found.password;
      if (config.distinctTokens) {
        password = `${found.password}.t${issued.size + 1}`;
        issued.set(password, { password, accountPassword: found.password, expiresAt: expiresAt * 1000 });
      }
      return { authorizationToken: tokenFor(password), expiresAt, proxyEndpoint: found.proxyEndpoint };
    });
    return { authorizationData };
  };

  const server = await startLoopbackServer(handle);
  return { url: server.url, requests, issued, config, close: () => server.close() };
}

/** Lengths of real ECR passwords (public reports): IAM users, and SSO/OIDC role sessions. */
export const ECR_PASSWORD_LENGTH = { iamUser: 2714, roleSession: 3188 } as const;

/**
 * A password shaped like ECR's (base64 of an encrypted JSON payload) of exactly `length` characters, random
 * throughout: the length knob for tests of stores that limit a secret's size (wincred: 2,500).
 */
export function ecrPassword(length: number): string {
  return randomBytes(Math.ceil((length * 3) / 4) + 3)
    .toString('base64')
    .slice(0, length);
}

export function tokenFor(password: string): string {
  return Buffer.from(`AWS:${password}`).toString('base64');
}

function parseJson(raw: string): unknown {
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new AwsError(400, 'SerializationException', 'Start of structure or map found where not expected.');
  }
}

// The deprecated registryIds member: at most 10 items of [0-9]{12}, validated as the service does.
function registryIds(body: unknown): string[] | undefined {
  const ids = (body as { registryIds?: unknown } | null)?.registryIds;
  if (ids === undefined || ids === null) return undefined;
  const list = Array.isArray(ids) ? ids : [ids];
  const bad = list.length > 10 || list.length < 1 || list.some((id) => !/^[0-9]{12}$/.test(String(id)));
  if (bad) {
    throw new AwsError(
      400,
      'InvalidParameterException',
      `1 validation error detected: Value '[${list.join(', ')}]' at 'registryIds' failed to satisfy constraint: ` +
        'Member must have length less than or equal to 10, and each member must satisfy regular expression pattern: [0-9]{12}',
    );
  }
  return list.map(String);
}
