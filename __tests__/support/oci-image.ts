// A tiny image as an OCI layout on disk (one layer with one file), so skopeo can push a real image to a
// registry without a daemon or network: `skopeo copy oci:<dir>:<tag> docker://host/repo:tag`.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Writes the layout into `dir` (which must exist and be empty) and returns skopeo's source reference. */
export async function writeOciImage(dir: string, tag = 'v1'): Promise<string> {
  const blobs = join(dir, 'blobs', 'sha256');
  await mkdir(join(dir, 'rootfs'), { recursive: true });
  await mkdir(blobs, { recursive: true });
  await writeFile(join(dir, 'rootfs', 'hello.txt'), `hello from ${tag}\n`);
  const layerFile = join(dir, 'layer.tar.gz');
  await run('tar', ['-czf', layerFile, '-C', join(dir, 'rootfs'), 'hello.txt'], { timeout: 10_000 });
  const put = async (bytes: Buffer, mediaType: string) => {
    const hex = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(blobs, hex), bytes);
    return { mediaType, digest: `sha256:${hex}`, size: bytes.length };
  };
  const layerBytes = await readFile(layerFile);
  const diffId = createHash('sha256')
    .update((await run('gzip', ['-dc', layerFile], { encoding: 'buffer', timeout: 10_000 })).stdout)
    .digest('hex');
  const layer = await put(layerBytes, 'application/vnd.oci.image.layer.v1.tar+gzip');
  const config = await put(
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
        config: {},
      }),
    ),
    'application/vnd.oci.image.config.v1+json',
  );
  const manifest = await put(
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config,
        layers: [layer],
      }),
    ),
    'application/vnd.oci.image.manifest.v1+json',
  );
  await writeFile(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await writeFile(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return `oci:${dir}:${tag}`;
}
