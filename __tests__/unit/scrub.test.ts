// Text from outside (a registry's status line, docker's output, an API message) is printed only scrubbed of
// every secret form and unable to forge a workflow command.
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as runner from '../../src/action/runner.js';
import type { DockerCredential } from '../../src/action/types.js';
import { describeLoginFailure } from '../../src/diagnose/login.js';
import { secretForms } from '../../src/diagnose/message.js';
import { captureStdout } from '../support/stdout.js';

const PASSWORD = 'eyJwYXlsb2FkIjoiZ2l2ZW4tcGFzc3dvcmQtNzcifQ';
const TOKEN = Buffer.from(`AWS:${PASSWORD}`).toString('base64');
const cred: DockerCredential = {
  host: '123456789012.dkr.ecr.us-east-1.amazonaws.com',
  scheme: 'https',
  username: 'AWS',
  password: PASSWORD,
  auth: TOKEN,
  expiresAt: new Date(Date.now() + 12 * 3600_000),
  kind: 'private',
  account: '123456789012',
  region: 'us-east-1',
  order: 0,
};
const INJECTION = [
  'Error response from daemon: denied',
  '::set-output name=registries::evil.example',
  `::add-mask::${PASSWORD}`,
  `##[set-env name=X;]${TOKEN}`,
  `auth=${TOKEN} pw=${PASSWORD}\r::error::forged`,
].join('\n');

/** The lines a runner reads from stdout, with each one's command, if it is one. */
function commandsIn(text: string): string[] {
  return text
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l.startsWith('::') || l.startsWith('##['));
}

afterEach(() => vi.restoreAllMocks());

describe('one scrub for every secret form', () => {
  it('secretForms: the password, the stored token, base64("user:password"), base64("AWS:" + password)', () => {
    const userToken = Buffer.from(`user:${PASSWORD}`).toString('base64');
    expect(secretForms({ username: 'user', password: PASSWORD, auth: userToken })).toEqual([
      PASSWORD,
      userToken,
      TOKEN,
    ]);
    // An API token that is not the canonical encoding (other padding bits) is a form of its own.
    const odd = `${TOKEN.slice(0, -3)}R==`; // TOKEN ends in Q==: the same bytes, other unused bits
    expect(Buffer.from(odd, 'base64').toString()).toBe(`AWS:${PASSWORD}`);
    expect(secretForms({ username: 'AWS', password: PASSWORD, auth: odd })).toContain(odd);
  });

  it('a docker or registry message with injected commands and secrets becomes one scrubbed line', () => {
    const message = describeLoginFailure(cred, { store: 'docker-cli', detail: INJECTION }, { env: {} });
    expect(message).not.toMatch(/[\r\n]/);
    for (const form of secretForms(cred)) expect(message).not.toContain(form);
    const out = captureStdout();
    runner.setFailed(message);
    runner.info(message);
    runner.warning(message);
    const printed = out.join('');
    for (const form of secretForms(cred)) expect(printed).not.toContain(form);
    expect(commandsIn(printed)).toEqual([
      expect.stringMatching(/^::error::/),
      expect.stringMatching(/^::warning::/),
    ]);
    process.exitCode = undefined;
  });

  it('runner.info never lets outside text start a workflow command', () => {
    const out = captureStdout();
    runner.info(INJECTION);
    runner.info('  ::debug::indented');
    expect(commandsIn(out.join(''))).toEqual([]);
    expect(out.join('')).toContain('Error response from daemon: denied');
  });
});
