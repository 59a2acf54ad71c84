// Emulated docker credential helpers: small executable node scripts written into a bin directory to put
// on PATH, each speaking the docker-credential-helpers protocol (`get`/`erase`: server URL on stdin,
// `store`: {"ServerURL","Username","Secret"} on stdin, `list`) with one behaviour:
//   - store:     a file-backed store; with `maxSecret` it refuses longer secrets exactly as wincred and Docker
//                Desktop's store do (`The stub received bad data.` on stdout, exit 1). Named `secretservice`
//                it is the default store the Linux docker CLI detects on PATH, as the Windows CLI detects wincred.
//   - hang:      reads its input, then never answers (a locked macOS login keychain waiting for a GUI prompt).
//   - ecr-login: `get` only, answering for the hosts it knows (or failing when told to); `store` fails
//                "not implemented", as the Amazon ECR credential helper does.
//   - garbage:   answers every verb with exit 0 and output that is not JSON.
//   - fail:      exits `code` with `message` for every verb.
// Every helper records each call (verb and host, never a secret) and its pid; the behaviour is re-read
// on every call, so a test can change it between steps.
//
//   const bin = await makeTempDir('helpers');
//   const store = await installHelper(bin, 'secretservice', { kind: 'store', maxSecret: 2500 });
//   ... run docker with PATH=`${bin}:…` ...
//   expect(await store.calls()).toEqual([{ verb: 'store', host: '127.0.0.1:5000' }]);
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** wincred's and Docker Desktop's limit on a secret, in characters. */
export const WINCRED_MAX_SECRET = 2500;
/** What wincred prints for a secret over its limit. */
export const WINCRED_REFUSAL = 'The stub received bad data.';

export type HelperBehaviour =
  | { kind: 'store'; maxSecret?: number }
  | { kind: 'hang' }
  | {
      kind: 'ecr-login';
      /** Server host → the credential its `get` answers. */
      credentials: Record<string, { Username: string; Secret: string }>;
      /** Fail every `get` with this message (exit 1). */
      failGet?: string;
    }
  | { kind: 'garbage' }
  | { kind: 'fail'; code: number; message: string };

export interface HelperCall {
  verb: string;
  /** The server host the call was about (none for `list`). */
  host?: string;
}

export interface EmulatedHelper {
  /** `docker-credential-<name>`'s name, the value a config's credsStore/credHelpers would hold. */
  name: string;
  /** The executable. */
  file: string;
  calls(): Promise<HelperCall[]>;
  /** Pids of every call so far (to check that a hung helper was killed). */
  pids(): Promise<number[]>;
  /** What a `store` helper holds: host → username and the secret's length (never the secret). */
  held(): Promise<Record<string, { username: string; secretLength: number }>>;
  set(behaviour: HelperBehaviour): Promise<void>;
  /** Forgets the calls and the stored credentials. */
  reset(): Promise<void>;
}

/** The server URL as docker sends it (`https://host` for some), reduced to the host. */
const HOST_OF = `(u) => u.trim().replace(/^https?:\\/\\//, '').replace(/\\/.*$/, '')`;

function script(dir: string): string {
  const at = (f: string) => JSON.stringify(join(dir, f));
  return `#!${process.execPath}
const fs = require('node:fs');
const verb = process.argv[2] || '';
const behaviour = JSON.parse(fs.readFileSync(${at('behaviour.json')}, 'utf8'));
const input = verb === 'list' || verb === 'version' ? '' : fs.readFileSync(0, 'utf8');
const hostOf = ${HOST_OF};
let host;
try { host = verb === 'store' ? hostOf(JSON.parse(input).ServerURL || '') : input ? hostOf(input) : undefined; } catch {}
fs.appendFileSync(${at('calls.jsonl')}, JSON.stringify({ verb, ...(host ? { host } : {}), pid: process.pid }) + '\\n');
const answer = (text, code = 0) => { process.stdout.write(text + '\\n'); process.exit(code); };
const NOT_FOUND = 'credentials not found in native keychain';
if (behaviour.kind === 'hang') setInterval(() => {}, 1 << 30);
else if (behaviour.kind === 'garbage') answer('<html>this is not a credential</html>');
else if (behaviour.kind === 'fail') answer(behaviour.message, behaviour.code);
else if (behaviour.kind === 'ecr-login') {
  if (verb !== 'get') answer('not implemented', 1);
  if (behaviour.failGet) answer(behaviour.failGet, 1);
  const c = behaviour.credentials[host];
  if (!c) answer(NOT_FOUND, 1);
  answer(JSON.stringify({ ServerURL: host, ...c }));
} else {
  let store = {};
  try { store = JSON.parse(fs.readFileSync(${at('store.json')}, 'utf8')); } catch {}
  const save = () => fs.writeFileSync(${at('store.json')}, JSON.stringify(store), { mode: 0o600 });
  if (verb === 'store') {
    const c = JSON.parse(input);
    if (behaviour.maxSecret !== undefined && c.Secret.length > behaviour.maxSecret) answer(${JSON.stringify(WINCRED_REFUSAL)}, 1);
    store[host] = c; save(); process.exit(0);
  }
  if (verb === 'get') { const c = store[host]; if (!c) answer(NOT_FOUND, 1); answer(JSON.stringify(c)); }
  if (verb === 'erase') { if (!store[host]) answer(NOT_FOUND, 1); delete store[host]; save(); process.exit(0); }
  if (verb === 'list') answer(JSON.stringify(Object.fromEntries(Object.values(store).map((c) => [c.ServerURL, c.Username]))));
  answer('unknown verb ' + verb, 1);
}
`;
}

/** Writes `<bin>/docker-credential-<name>` with `behaviour`; its records live in `<bin>/.<name>/`. */
export async function installHelper(
  bin: string,
  name: string,
  behaviour: HelperBehaviour,
): Promise<EmulatedHelper> {
  const dir = join(bin, `.${name}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = join(bin, `docker-credential-${name}`);
  await writeFile(file, script(dir));
  await chmod(file, 0o755);
  const records = async () => {
    const log = join(dir, 'calls.jsonl');
    if (!existsSync(log)) return [];
    return (await readFile(log, 'utf8'))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as HelperCall & { pid: number });
  };
  const helper: EmulatedHelper = {
    name,
    file,
    calls: async () => (await records()).map(({ verb, host }) => ({ verb, ...(host ? { host } : {}) })),
    pids: async () => (await records()).map((r) => r.pid),
    held: async () => {
      const f = join(dir, 'store.json');
      if (!existsSync(f)) return {};
      const store = JSON.parse(await readFile(f, 'utf8')) as Record<
        string,
        { Username: string; Secret: string }
      >;
      return Object.fromEntries(
        Object.entries(store).map(([h, c]) => [h, { username: c.Username, secretLength: c.Secret.length }]),
      );
    },
    set: (b) => writeFile(join(dir, 'behaviour.json'), JSON.stringify(b)),
    reset: async () => {
      await writeFile(join(dir, 'calls.jsonl'), '');
      await writeFile(join(dir, 'store.json'), '{}', { mode: 0o600 });
    },
  };
  await helper.set(behaviour);
  await helper.reset();
  return helper;
}

/** Whether a process is still alive (signal 0 probes without signalling). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
