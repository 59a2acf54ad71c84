// `npx tsx scripts/bench-helper.ts [--runs N] [--action-dir DIR]` — how fast the credential helper answers
// `get` from its cache, against a bare `node -e 0` start (target: at most 1.5x). Not a test: it prints
// numbers. The two are run interleaved, so they share the machine's noise; medians are reported.
// benchHelperGet() is the piece a wider bench can call.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  CACHE_DIR_VARIABLE,
  type CacheEntry,
  REFRESH_MARGIN_SECONDS,
  writeEntry,
} from '../src/helper/cache.js';

export interface HelperBench {
  runs: number;
  /** Median wall time of `node -e 0`, ms. */
  bareMs: number;
  /** Median wall time of the helper's `get` answered from the cache, ms. */
  getMs: number;
  ratio: number;
}

const HOST = '111111111111.dkr.ecr.us-east-1.amazonaws.com';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

function timed(args: string[], env: NodeJS.ProcessEnv, input?: string): number {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { env, input, timeout: 30_000, encoding: 'utf8' });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return ms;
}

/** `runs` interleaved rounds of a bare node start and a cached `get` through dist/helper of `actionDir`. */
export async function benchHelperGet(actionDir: string, runs: number): Promise<HelperBench> {
  const bundle = join(actionDir, 'dist', 'helper', 'index.js');
  if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run npm run build`);
  const cache = await mkdtemp(join(tmpdir(), 'ecr-login-bench-helper-'));
  try {
    const entry: CacheEntry = {
      version: 1,
      host: HOST,
      username: 'AWS',
      password: 'bench-password',
      expiresAt: new Date(Date.now() + 12 * 3600_000).toISOString(),
      request: {
        kind: 'private',
        partition: 'aws',
        region: 'us-east-1',
        fips: false,
        account: '111111111111',
      },
      settings: { maxAttempts: 2, timeoutSeconds: 10, refreshMarginSeconds: REFRESH_MARGIN_SECONDS, env: {} },
    };
    await writeEntry(cache, entry);
    const env = { PATH: process.env.PATH, [CACHE_DIR_VARIABLE]: cache };
    timed(['-e', '0'], env); // warm the file cache for both
    timed([bundle, 'get'], env, HOST);
    const bare: number[] = [];
    const get: number[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(timed(['-e', '0'], env));
      get.push(timed([bundle, 'get'], env, HOST));
    }
    const bareMs = median(bare);
    const getMs = median(get);
    return { runs, bareMs, getMs, ratio: getMs / bareMs };
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('bench-helper.ts')) {
  const { values } = parseArgs({
    options: { runs: { type: 'string', default: '30' }, 'action-dir': { type: 'string', default: '.' } },
  });
  const r = await benchHelperGet(resolve(values['action-dir'] ?? '.'), Number(values.runs));
  console.log(`node ${process.version}, ${r.runs} interleaved runs, medians:`);
  console.log(`  node -e 0               ${r.bareMs.toFixed(1)} ms`);
  console.log(`  helper get (cached)     ${r.getMs.toFixed(1)} ms`);
  console.log(`  ratio                   ${r.ratio.toFixed(2)}x (target <= 1.5x)`);
}
