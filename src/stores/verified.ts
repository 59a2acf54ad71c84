// The /v2/ check a store makes before it writes credentials itself (the docker CLI makes its own): every
// credential at once; the refused ones come back with the registry's answer for the diagnosis.
import type { DockerCredential, StoreName } from '../action/types.js';
import type { AddContext, Refusal } from './store.js';

export async function verifyAll(
  credentials: readonly DockerCredential[],
  { verify, tools }: Pick<AddContext, 'verify' | 'tools'>,
  store: StoreName,
): Promise<{ verified: DockerCredential[]; refused: Refusal[] }> {
  const results = await Promise.all(credentials.map((c) => tools.verify(c, verify)));
  const refused: Refusal[] = [];
  const verified = credentials.filter((credential, i) => {
    const result = results[i];
    if (result?.ok) return true;
    refused.push({
      credential,
      outcome: {
        store,
        ...(result?.status !== undefined ? { status: result.status } : {}),
        detail: result?.message ?? '',
      },
    });
    return false;
  });
  return { verified, refused };
}
