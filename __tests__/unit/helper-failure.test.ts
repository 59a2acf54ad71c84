import { describe, expect, it } from 'vitest';
import {
  classifyHelperFailure,
  describeHelperFailure,
  type HelperCause,
  type HelperFailure,
  helperFailureOf,
} from '../../src/diagnose/helper.js';
import { secretForms } from '../../src/diagnose/message.js';
import type { DockerConfig } from '../../src/docker/docker-config.js';
import { storeHelperFor } from '../../src/docker/store-helper.js';

const HOST = '111111111111.dkr.ecr.us-east-1.amazonaws.com';
const SECRET = `eyJwYXlsb2FkIjoi${'x'.repeat(3172)}`;
const STUB =
  'Error saving credentials: error storing credentials - err: exit status 1, out: `The stub received bad data.`';

const failure = (f: Partial<HelperFailure>): HelperFailure => ({
  host: HOST,
  action: 'docker login',
  output: '',
  source: 'config',
  methodDocker: false,
  secretLength: SECRET.length,
  ...f,
});

describe('describeHelperFailure', () => {
  it.each<[string, Partial<HelperFailure>, HelperCause | undefined, (string | RegExp)[], string[]]>([
    // [case, failure, cause, the message contains, and does not contain]
    [
      'wincred refuses a long password (login-method: docker, the default store)',
      { helper: 'wincred', output: STUB, exitCode: 1, source: 'default', methodDocker: true },
      'too-long',
      [
        'docker login for 111111111111.dkr.ecr.us-east-1.amazonaws.com failed: docker-credential-wincred (Windows Credential Manager)',
        "docker's default store on this platform",
        'The stub received bad data.',
        'at most 2,500 characters',
        'this ECR password is 3,188 characters',
        'Fix: login-method: auto',
        'or isolate-config: true',
      ],
      ["drop the docker config's"],
    ],
    [
      "Docker Desktop's store named by credsStore (auto): the config's store, so no login-method fix",
      { helper: 'desktop', output: STUB, exitCode: 1 },
      'too-long',
      [
        'docker-credential-desktop',
        '2,500',
        'isolate-config: true',
        "drop the docker config's credsStore/credHelpers entry",
      ],
      ['login-method: auto', 'default store'],
    ],
    [
      'the stub message with no helper known: named from nowhere, still the limit',
      { output: STUB, exitCode: 1, methodDocker: true },
      'too-long',
      ['the credential helper (Windows Credential Manager)', '2,500', 'login-method: auto'],
      [],
    ],
    [
      'osxkeychain never answers: a locked keychain on a self-hosted Mac',
      { helper: 'osxkeychain', timedOutAfterMs: 30_000, source: 'default', methodDocker: true },
      'hang',
      [
        'did not finish within 30 s: docker-credential-osxkeychain',
        'never answered, and it was stopped',
        'a locked login keychain on a self-hosted Mac',
        'isolate-config: true',
        'security unlock-keychain',
        'login-method: auto',
      ],
      [],
    ],
    [
      'another helper never answers',
      { helper: 'pass', timedOutAfterMs: 5_000 },
      'hang',
      ['within 5 s: docker-credential-pass never answered', 'isolate-config: true'],
      ['keychain'],
    ],
    [
      'a missing helper, as docker reports it',
      {
        helper: 'gcloud',
        exitCode: 1,
        output:
          'Error saving credentials: error storing credentials - err: exec: "docker-credential-gcloud": executable file not found in $PATH, out: ``',
      },
      'missing',
      [
        'sends its credentials to docker-credential-gcloud, which is not on PATH',
        'install docker-credential-gcloud',
      ],
      [],
    ],
    [
      'a helper exiting non-zero, named by docker output only',
      {
        exitCode: 1,
        output:
          'Error saving credentials: error storing credentials - err: exit status 3, out: `docker-credential-vault: the vault is sealed`',
      },
      'failed',
      ['docker-credential-vault failed: Error saving credentials', 'exit status 3', 'the vault is sealed'],
      [],
    ],
    [
      "a helper's garbage answer to our own get: never quoted",
      {
        helper: 'ecr-login',
        action: 'docker-credential-ecr-login get',
        output: `{"Secret":"${SECRET}"`,
        exitCode: 0,
        garbage: true,
      },
      'garbage',
      ['not a credential', 'not shown', 'install', "drop the docker config's ecr-login entry"],
      [SECRET],
    ],
    [
      'the Amazon ECR credential helper missing',
      { helper: 'ecr-login', action: 'docker-credential-ecr-login get', missing: true },
      'missing',
      [
        'docker-credential-ecr-login, which is not on PATH',
        'install docker-credential-ecr-login',
        'isolate-config: true',
      ],
      [],
    ],
  ])('%s', (_, f, cause, contains, absent) => {
    const input = failure(f);
    expect(classifyHelperFailure(input)).toBe(cause);
    const message = describeHelperFailure(input, {}, [SECRET]) ?? '';
    expect(message).not.toMatch(/\n/);
    for (const c of contains) expect(message).toContain(c);
    for (const a of absent) expect(message).not.toContain(a);
    expect(message).not.toContain(SECRET);
  });

  it.each<[string, Partial<HelperFailure>]>([
    [
      'a registry refusal',
      { output: 'login attempt to https://h/v2/ failed with status: 401 Unauthorized', exitCode: 1 },
    ],
    ['a network failure', { output: 'Get "https://h/v2/": dial tcp: lookup h: no such host', exitCode: 1 }],
    ['a timeout with no helper involved', { timedOutAfterMs: 30_000 }],
  ])('is not a helper failure: %s (the login diagnosis applies)', (_, f) => {
    expect(describeHelperFailure(failure(f), {})).toBeUndefined();
  });

  it('scrubs the AWS secret variables and the password from quoted output', () => {
    const env = { AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG' };
    const message = describeHelperFailure(
      failure({ helper: 'vault', exitCode: 2, output: `credentials: wJalrXUtnFEMI/K7MDENG and ${SECRET}` }),
      env,
      [SECRET],
    );
    expect(message).toContain('***');
    expect(message).not.toContain('wJalrXUtnFEMI/K7MDENG');
    expect(message).not.toContain(SECRET);
  });
});

describe('helperFailureOf', () => {
  it("scrubs every form of the login's credential from the helper's words", () => {
    const auth = Buffer.from(`AWS:${SECRET}`).toString('base64');
    const credential = {
      host: HOST,
      scheme: 'https' as const,
      username: 'AWS',
      password: SECRET,
      auth,
      expiresAt: new Date(Date.now() + 12 * 3600_000),
      kind: 'private' as const,
      region: 'us-east-1',
      order: 0,
    };
    const detail = `Error saving credentials: error storing credentials - err: exit status 1, out: \`bad data ${auth}\``;
    const message =
      helperFailureOf(
        credential,
        { store: 'docker-cli', detail, exitCode: 1 },
        { credHelpers: { [HOST]: 'vault' } },
        {},
        'docker',
      ) ?? '';
    expect(message).toMatch(/vault/);
    expect(message).toContain('***');
    for (const form of secretForms(credential)) expect(message).not.toContain(form);
  });
});

describe('storeHelperFor: the helper docker hands a host to', () => {
  const onPath = (names: string[]) => (name: string) => names.includes(name);
  it.each<[string, DockerConfig, NodeJS.Platform, string[], ReturnType<typeof storeHelperFor>]>([
    [
      'credHelpers for the host',
      { credsStore: 'desktop', credHelpers: { [HOST]: 'pass' } },
      'linux',
      [],
      { helper: 'pass', source: 'config' },
    ],
    [
      'an empty credHelpers value: the file',
      { credsStore: 'desktop', credHelpers: { [HOST]: '' } },
      'linux',
      [],
      undefined,
    ],
    ['credsStore', { credsStore: 'desktop' }, 'win32', [], { helper: 'desktop', source: 'config' }],
    [
      'empty config on Windows with wincred',
      {},
      'win32',
      ['docker-credential-wincred'],
      { helper: 'wincred', source: 'default' },
    ],
    [
      'empty config on macOS with osxkeychain',
      { auths: {} },
      'darwin',
      ['docker-credential-osxkeychain'],
      { helper: 'osxkeychain', source: 'default' },
    ],
    [
      'empty config on Linux with secretservice',
      {},
      'linux',
      ['docker-credential-secretservice'],
      { helper: 'secretservice', source: 'default' },
    ],
    ['empty config, no default helper on PATH', {}, 'linux', [], undefined],
    [
      'any auths entry keeps docker on the file',
      { auths: { 'x.example': {} } },
      'win32',
      ['docker-credential-wincred'],
      undefined,
    ],
    [
      'a credHelpers entry for another host keeps docker off the default',
      { credHelpers: { 'gcr.io': 'gcloud' } },
      'win32',
      ['docker-credential-wincred'],
      undefined,
    ],
  ])('%s', (_, config, platform, found, expected) => {
    expect(storeHelperFor(config, HOST, platform, onPath(found))).toEqual(expected);
  });
});
