/**
 * Where job results live once copied from the provider's temporary URL: a folder under the data
 * directory (RADIANT_DATA_DIR/job-results, one instance) by default, or an S3-compatible bucket
 * when S3_BUCKET is set (S3_ENDPOINT, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
 * S3_FORCE_PATH_STYLE=1 for MinIO-style servers). Keys are `<tenant>/<job>/<role>.<ext>`;
 * nothing here checks ownership: the job store serves a key only to the job's tenant.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';

export interface StoredObject {
  body: Uint8Array;
  contentType: string;
}

export interface ResultStorage {
  kind: 'local' | 's3';
  put(key: string, body: Uint8Array, contentType: string): Promise<void>;
  get(key: string): Promise<StoredObject | null>;
  delete(key: string): Promise<void>;
}

const SAFE_KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_.-]+)*$/;

function checkKey(key: string): void {
  if (!SAFE_KEY.test(key) || key.includes('..')) throw new Error(`unsafe storage key: ${key}`);
}

export class LocalStorage implements ResultStorage {
  readonly kind = 'local' as const;
  constructor(readonly root: string) {}
  private file(key: string): string {
    checkKey(key);
    return path.join(this.root, key);
  }
  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const f = this.file(key);
    await fs.mkdir(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.${Date.now()}.tmp`;
    await fs.writeFile(tmp, body);
    await fs.writeFile(`${tmp}.type`, contentType);
    await fs.rename(`${tmp}.type`, `${f}.type`);
    await fs.rename(tmp, f);
  }
  async get(key: string): Promise<StoredObject | null> {
    const f = this.file(key);
    try {
      const [body, type] = await Promise.all([fs.readFile(f), fs.readFile(`${f}.type`, 'utf8').catch(() => 'application/octet-stream')]);
      return { body: new Uint8Array(body), contentType: type };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }
  async delete(key: string): Promise<void> {
    const f = this.file(key);
    await fs.rm(f, { force: true });
    await fs.rm(`${f}.type`, { force: true });
    // Remove the job's folder when it is empty.
    await fs.rmdir(path.dirname(f)).catch(() => {});
  }
}

export interface S3Settings {
  bucket: string;
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle: boolean;
  prefix: string;
}

export class S3Storage implements ResultStorage {
  readonly kind = 's3' as const;
  private client: Promise<S3Client>;
  constructor(readonly s: S3Settings) {
    this.client = import('@aws-sdk/client-s3').then(
      ({ S3Client }) =>
        new S3Client({
          region: s.region,
          endpoint: s.endpoint,
          forcePathStyle: s.forcePathStyle,
          credentials: s.accessKeyId && s.secretAccessKey ? { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey } : undefined,
        }),
    );
  }
  private key(key: string): string {
    checkKey(key);
    return `${this.s.prefix}${key}`;
  }
  async put(key: string, body: Uint8Array, contentType: string): Promise<void> {
    const { PutObjectCommand } = await import('@aws-sdk/client-s3');
    await (await this.client).send(new PutObjectCommand({ Bucket: this.s.bucket, Key: this.key(key), Body: body, ContentType: contentType }));
  }
  async get(key: string): Promise<StoredObject | null> {
    const { GetObjectCommand } = await import('@aws-sdk/client-s3');
    try {
      const out = await (await this.client).send(new GetObjectCommand({ Bucket: this.s.bucket, Key: this.key(key) }));
      const bytes = await out.Body!.transformToByteArray();
      return { body: bytes, contentType: out.ContentType ?? 'application/octet-stream' };
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'NoSuchKey' || name === 'NotFound') return null;
      throw err;
    }
  }
  async delete(key: string): Promise<void> {
    const { DeleteObjectCommand } = await import('@aws-sdk/client-s3');
    await (await this.client).send(new DeleteObjectCommand({ Bucket: this.s.bucket, Key: this.key(key) }));
  }
  async close(): Promise<void> {
    (await this.client).destroy();
  }
}

export function storageFromEnv(env: Record<string, string | undefined>): ResultStorage {
  if (env.S3_BUCKET) {
    return new S3Storage({
      bucket: env.S3_BUCKET,
      endpoint: env.S3_ENDPOINT || undefined,
      region: env.S3_REGION || 'us-east-1',
      accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
      forcePathStyle: ['1', 'true'].includes((env.S3_FORCE_PATH_STYLE ?? '').toLowerCase()),
      prefix: env.S3_PREFIX ?? 'job-results/',
    });
  }
  return new LocalStorage(path.resolve(env.RADIANT_DATA_DIR ?? '.radiant', 'job-results'));
}

const EXT: Record<string, string> = {
  'video/mp4': 'mp4',
  'model/gltf-binary': 'glb',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/webp': 'webp',
};

export function storageKey(tenantId: string, jobId: string, role: string, contentType: string): string {
  return `${tenantId}/${jobId}/${role}.${EXT[contentType] ?? 'bin'}`;
}
