import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerLogin, dockerLogout } from '../../src/docker/docker-cli.js';
import { type Registry, requireTool, startRegistry } from '../support/registry.js';

// The real docker CLI (client side only, no daemon) against a real registry with htpasswd auth.
const hasTools = requireTool('docker') && requireTool('docker-registry') && requireTool('htpasswd');

describe.skipIf(!hasTools)('dockerLogin / dockerLogout with the real docker CLI and a real registry', () => {
  const password = 'real-registry-password-7f3a';
  let registry: Registry;
  let configDir: string;

  beforeAll(async () => {
    registry = await startRegistry({ password });
    configDir = await mkdtemp(join(tmpdir(), 'ecr-login-docker-real-unit-'));
  });

  afterAll(async () => {
    await registry?.close();
    if (configDir) await rm(configDir, { recursive: true, force: true });
  });

  it('stores the credential, refuses a wrong password with a clean 401 message, and logs out', async () => {
    const env = { ...process.env, DOCKER_CONFIG: configDir };
    const configPath = join(configDir, 'config.json');
    await writeFile(configPath, JSON.stringify({ auths: { 'other.example': { auth: 'dTpw' } } }));

    const wrong = await dockerLogin(registry.host, 'AWS', 'not-the-password', env);
    expect(wrong.ok).toBe(false);
    expect(wrong.message).toMatch(/\b401\b/);
    expect(wrong.message).not.toMatch(/level=info|time="|WARNING!|Login Succeeded/);
    expect(wrong.message).not.toContain('not-the-password');
    expect(JSON.parse(await readFile(configPath, 'utf8')).auths[registry.host]).toBeUndefined();

    const right = await dockerLogin(registry.host, 'AWS', password, env);
    expect(right).toEqual({ ok: true, exitCode: 0, message: '' });
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    expect(config.auths[registry.host]).toEqual({ auth: Buffer.from(`AWS:${password}`).toString('base64') });
    expect(config.auths['other.example']).toEqual({ auth: 'dTpw' });

    const out = await dockerLogout(registry.host, env);
    expect(out.ok).toBe(true);
    const after = JSON.parse(await readFile(configPath, 'utf8'));
    expect(after.auths[registry.host]).toBeUndefined();
    expect(after.auths['other.example']).toEqual({ auth: 'dTpw' });
  });
});
