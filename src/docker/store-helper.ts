// Which credential helper the docker CLI hands a host's credential to, its platform default included. Kept
// apart from the failure messages so post's bundle (the docker-CLI store) loads no message or proxy code.
import type { DockerConfig } from './docker-config.js';

/** Docker's default credential store on each platform (when the config names none and holds no `auths`). */
const PLATFORM_DEFAULT: Partial<Record<NodeJS.Platform, string[]>> = {
  win32: ['wincred'],
  darwin: ['osxkeychain'],
  linux: ['pass', 'secretservice'],
};

/**
 * The helper the docker CLI will hand `host`'s credential to: the config's, or (with no credsStore, no
 * credHelpers and no `auths` entry at all) the platform's default when its binary is on PATH.
 */
export function storeHelperFor(
  config: DockerConfig,
  host: string,
  platform: NodeJS.Platform,
  onPath: (name: string) => boolean,
): { helper: string; source: 'config' | 'default' } | undefined {
  // An empty credHelpers value means the file, for the docker CLI.
  if (config.credHelpers && host in config.credHelpers)
    return config.credHelpers[host] ? { helper: config.credHelpers[host], source: 'config' } : undefined;
  if (config.credsStore) return { helper: config.credsStore, source: 'config' };
  if (config.credHelpers && Object.keys(config.credHelpers).length > 0) return undefined;
  if (Object.keys(config.auths ?? {}).length > 0) return undefined;
  const found = (PLATFORM_DEFAULT[platform] ?? []).find((name) => onPath(`docker-credential-${name}`));
  return found ? { helper: found, source: 'default' } : undefined;
}
