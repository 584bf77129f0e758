/**
 * Result storage: the local folder and an S3-compatible bucket (s3rver, a local S3 server, with
 * @aws-sdk/client-s3 in path-style), same contract: put, get, delete, unknown key -> null,
 * keys that could escape their folder refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import S3rver from 's3rver';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalStorage, type S3Storage, storageFromEnv, storageKey, type ResultStorage } from '@/lib/gateway/jobs/storage';
import { tempDir } from './support';

let s3rver: S3rver;
let s3: S3Storage;
const PORT = 4500 + Math.floor(Math.random() * 400);

beforeAll(async () => {
  s3rver = new S3rver({ port: PORT, address: '127.0.0.1', silent: true, directory: await tempDir('radiant-s3rver-') });
  await s3rver.run();
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${PORT}`,
    forcePathStyle: true,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  await client.send(new CreateBucketCommand({ Bucket: 'radiant-jobs' }));
  client.destroy();
  s3 = storageFromEnv({
    S3_BUCKET: 'radiant-jobs',
    S3_ENDPOINT: `http://127.0.0.1:${PORT}`,
    S3_REGION: 'us-east-1',
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    S3_FORCE_PATH_STYLE: '1',
  }) as S3Storage;
}, 30_000);

afterAll(async () => {
  await s3?.close();
  await s3rver?.close();
});

describe.each([
  ['local', async (): Promise<ResultStorage> => new LocalStorage(await tempDir('radiant-store-'))],
  ['s3', async (): Promise<ResultStorage> => s3],
])('%s storage', (kind, make) => {
  it('stores, serves and deletes a result file', async () => {
    const st = await make();
    expect(st.kind).toBe(kind);
    const key = storageKey('8d0f6f0e-0000-4000-8000-000000000001', '8d0f6f0e-0000-4000-8000-000000000002', 'video', 'video/mp4');
    expect(key).toMatch(/\/video\.mp4$/);
    const bytes = new Uint8Array([0, 0, 0, 24, 102, 116, 121, 112, 1, 2, 3]);
    await st.put(key, bytes, 'video/mp4');
    const got = await st.get(key);
    expect(got?.contentType).toBe('video/mp4');
    expect(Buffer.from(got!.body).equals(Buffer.from(bytes))).toBe(true);
    await st.delete(key);
    expect(await st.get(key)).toBeNull();
    expect(await st.get('nobody/nothing/video.mp4')).toBeNull();
    await expect(st.put('../../etc/passwd', bytes, 'text/plain')).rejects.toThrow(/unsafe/);
  });
});
