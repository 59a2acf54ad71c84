// A loopback front for a REAL docker-registry that behaves like ECR about token expiry: a request whose
// Basic credential is a token the ECR stand-in issued (distinctTokens) is refused once that token has
// expired, with ECR's answer (403 `denied: Your authorization token has expired. Reauthenticate and try
// again.`, no body on HEAD); a live token is passed on with the account's registry password, which is
// what the registry's htpasswd knows. Anything else goes through as is (the registry answers 401).
//
//   const front = await startExpiringFront(registry.url, standIn);   // front.host: 127.0.0.1:<port>
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { EcrStandIn } from './ecr-stand-in.js';
import { startLoopbackServer } from './loopback-server.js';

export const EXPIRED_MESSAGE = 'Your authorization token has expired. Reauthenticate and try again.';

export interface ExpiringFront {
  url: string;
  host: string;
  /** Requests refused because their token had expired. */
  refused: number;
  close(): Promise<void>;
}

const UPSTREAM_TIMEOUT_MS = 30_000;

function basicCredential(header: string | undefined): { user: string; password: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function startExpiringFront(target: string, standIn: EcrStandIn): Promise<ExpiringFront> {
  const upstream = new URL(target);
  const front: ExpiringFront = { url: '', host: '', refused: 0, close: async () => {} };
  const handle = (req: IncomingMessage, res: ServerResponse) =>
    new Promise<void>((resolve, reject) => {
      const headers = { ...req.headers };
      const credential = basicCredential(req.headers.authorization);
      const token = credential && standIn.issued.get(credential.password);
      if (token && Date.now() >= token.expiresAt) {
        front.refused++;
        const body = JSON.stringify({ errors: [{ code: 'DENIED', message: EXPIRED_MESSAGE }] });
        res.writeHead(403, { 'content-type': 'application/json; charset=utf-8' });
        res.end(req.method === 'HEAD' ? undefined : body);
        resolve();
        return;
      }
      if (credential && token) {
        const basic = Buffer.from(`${credential.user}:${token.accountPassword}`).toString('base64');
        headers.authorization = `Basic ${basic}`;
      }
      // The Host header stays the front's, so the registry's upload Locations point back at the front.
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers,
          timeout: UPSTREAM_TIMEOUT_MS,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', resolve);
          answer.on('error', reject);
        },
      );
      out.on('timeout', () =>
        out.destroy(new Error(`no answer from ${target} within ${UPSTREAM_TIMEOUT_MS} ms`)),
      );
      out.on('error', reject);
      req.pipe(out);
    });
  const server = await startLoopbackServer(handle);
  front.url = server.url;
  front.host = `127.0.0.1:${server.port}`;
  front.close = () => server.close();
  return front;
}
