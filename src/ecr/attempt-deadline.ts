// One deadline for a whole API attempt. The SDK's handler times the connection and the wait for the
// response headers (requestTimeout), but a body that stalls after the headers, or trickles a byte at a time,
// is read with no bound at all. This handler gives the body what is left of the same budget and then
// destroys it with a TimeoutError, which the SDK retries and the diagnosis reports as a timeout.
import type { Readable } from 'node:stream';
import { NodeHttpHandler, type NodeHttpHandlerOptions } from '@smithy/node-http-handler';

type Handle = Parameters<NodeHttpHandler['handle']>;

export function timeoutError(endpoint: string, seconds: number, what: string): Error {
  return Object.assign(new Error(`${what} from ${endpoint} did not complete within ${seconds} s`), {
    name: 'TimeoutError',
  });
}

export class AttemptDeadlineHandler extends NodeHttpHandler {
  constructor(
    /** The agents (a proxy's, or none for the SDK's own). */
    readonly options: Pick<NodeHttpHandlerOptions, 'httpAgent' | 'httpsAgent'>,
    readonly endpoint: string,
    readonly seconds: number,
  ) {
    super({
      ...options,
      connectionTimeout: seconds * 1000,
      requestTimeout: seconds * 1000,
      throwOnRequestTimeout: true,
    });
  }

  override async handle(request: Handle[0], options?: Handle[1]) {
    const started = Date.now();
    const answer = await super.handle(request, options);
    const body = answer.response.body as Readable | undefined;
    if (body && typeof body.destroy === 'function' && !body.readableEnded) {
      const left = Math.max(0, this.seconds * 1000 - (Date.now() - started));
      const timer = setTimeout(
        () => body.destroy(timeoutError(this.endpoint, this.seconds, 'the answer')),
        left,
      );
      body.once('close', () => clearTimeout(timer));
    }
    return answer;
  }
}
