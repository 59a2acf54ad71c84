// The launcher's text for each platform (the .cmd one is checked here only: no Windows client runs it)
// and the credHelpers entries.
import { describe, expect, it } from 'vitest';
import { CACHE_DIR_VARIABLE } from '../../src/helper/cache.js';
import { credHelperEntries, launcherScript } from '../../src/helper/launcher.js';

describe('launcherScript', () => {
  const target = { node: '/opt/node 24/bin/node', bundle: "/a/it's/index.js", cacheDir: '/tmp/c' };

  it('writes an sh launcher that execs node on the bundle with the cache dir set', () => {
    expect(launcherScript('ecr-login-job-1', target, 'linux')).toEqual({
      file: 'docker-credential-ecr-login-job-1',
      text: `#!/bin/sh\n${CACHE_DIR_VARIABLE}='/tmp/c' exec '/opt/node 24/bin/node' '/a/it'\\''s/index.js' "$@"\n`,
    });
  });

  it('writes a .cmd launcher on Windows', () => {
    const win = {
      node: 'C:\\hostedtoolcache\\node.exe',
      bundle: 'D:\\a\\_actions\\dist\\helper\\index.js',
      cacheDir: 'D:\\a\\_temp\\c',
    };
    expect(launcherScript('n', win, 'win32')).toEqual({
      file: 'docker-credential-n.cmd',
      text: `@echo off\r\nsetlocal\r\nset "${CACHE_DIR_VARIABLE}=D:\\a\\_temp\\c"\r\n"C:\\hostedtoolcache\\node.exe" "D:\\a\\_actions\\dist\\helper\\index.js" %*\r\n`,
    });
  });

  it.each(['C:\\100%\\node.exe', 'C:\\a"b\\node.exe'])('refuses a path cmd cannot quote: %j', (node) => {
    expect(() => launcherScript('n', { ...target, node }, 'win32')).toThrow(/cannot write a \.cmd launcher/);
  });
});

describe('credHelperEntries', () => {
  it('maps every served host to the helper', () => {
    expect(credHelperEntries(['a.example', '127.0.0.1:5000'], 'ecr-login-job-1')).toEqual({
      'a.example': 'ecr-login-job-1',
      '127.0.0.1:5000': 'ecr-login-job-1',
    });
  });
});
