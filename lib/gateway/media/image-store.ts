/**
 * Images RADIANT serves itself: a provider that answers with bytes only (Stability) and a client
 * that asked `response_format: url` get a URL on RADIANT, GET /api/v1/images/files/{id}. Files
 * live under <data dir>/images/<tenant id>/<id>.<ext> with a sidecar <id>.json (media type,
 * expiry); they are readable only with an API key of the owning tenant (scope `images`) and only
 * until they expire (1 hour, like OpenAI's image URLs); expired files are deleted when read and
 * swept from the tenant's folder whenever a new one is stored. Ids are 128 random bits.
 */
import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';

export const IMAGE_TTL_MS = 60 * 60 * 1000;

const EXT: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/webp': 'webp' };
const ID = /^img_[0-9a-f]{32}$/;
const UUID = /^[0-9a-f-]{36}$/i;

interface Meta {
  tenantId: string;
  mediaType: string;
  expiresAt: number;
}

function tenantDir(root: string, tenantId: string): string {
  if (!UUID.test(tenantId)) throw new Error('invalid tenant id');
  return path.join(root, tenantId);
}

export async function storeImage(
  root: string,
  tenantId: string,
  data: Buffer,
  mediaType: string,
  now = Date.now(),
  ttlMs = IMAGE_TTL_MS,
): Promise<{ id: string; expiresAt: number }> {
  const dir = tenantDir(root, tenantId);
  await fsp.mkdir(dir, { recursive: true });
  void sweep(dir, now);
  const id = `img_${crypto.randomBytes(16).toString('hex')}`;
  const meta: Meta = { tenantId, mediaType, expiresAt: now + ttlMs };
  await fsp.writeFile(path.join(dir, `${id}.${EXT[mediaType] ?? 'bin'}`), data);
  await fsp.writeFile(path.join(dir, `${id}.json`), JSON.stringify(meta));
  return { id, expiresAt: meta.expiresAt };
}

/** The image, or null when unknown, expired or another tenant's. */
export async function readImage(root: string, tenantId: string, id: string, now = Date.now()): Promise<{ data: Buffer; mediaType: string } | null> {
  if (!ID.test(id)) return null;
  const dir = tenantDir(root, tenantId);
  let meta: Meta;
  try {
    meta = JSON.parse(await fsp.readFile(path.join(dir, `${id}.json`), 'utf8')) as Meta;
  } catch {
    return null;
  }
  const file = path.join(dir, `${id}.${EXT[meta.mediaType] ?? 'bin'}`);
  if (meta.tenantId !== tenantId) return null;
  if (meta.expiresAt <= now) {
    await Promise.all([fsp.rm(file, { force: true }), fsp.rm(path.join(dir, `${id}.json`), { force: true })]);
    return null;
  }
  try {
    return { data: await fsp.readFile(file), mediaType: meta.mediaType };
  } catch {
    return null;
  }
}

async function sweep(dir: string, now: number): Promise<void> {
  try {
    for (const f of await fsp.readdir(dir)) {
      if (!f.endsWith('.json')) continue;
      const id = f.slice(0, -5);
      const meta = JSON.parse(await fsp.readFile(path.join(dir, f), 'utf8')) as Meta;
      if (meta.expiresAt > now) continue;
      await Promise.all([fsp.rm(path.join(dir, f), { force: true }), fsp.rm(path.join(dir, `${id}.${EXT[meta.mediaType] ?? 'bin'}`), { force: true })]);
    }
  } catch {
    /* best effort */
  }
}
