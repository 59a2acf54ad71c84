// Whether a real external program is here. In CI a missing real part must FAIL the run (a silent skip
// would make a green CI meaningless); on a developer machine the caller may skip those tests.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findTool(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const HINTS: Record<string, string> = {
  'docker-registry': 'apt-get install docker-registry',
  htpasswd: 'apt-get install apache2-utils',
  tinyproxy: 'apt-get install tinyproxy',
  docker: 'apt-get install docker.io (only the CLI is used)',
  skopeo: 'apt-get install skopeo',
  podman: 'apt-get install podman',
  buildah: 'apt-get install buildah',
};

/** true when `name` is on PATH; otherwise throws under CI, false elsewhere (use with describe.skipIf). */
export function requireTool(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (findTool(name, env.PATH)) return true;
  const hint = HINTS[name] ? ` (${HINTS[name]})` : '';
  const inCi = !!env.CI && !/^(false|0)$/i.test(env.CI);
  if (inCi)
    throw new Error(`required tool "${name}" is not on PATH${hint}; in CI this is a failure, not a skip`);
  return false;
}
