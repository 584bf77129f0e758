import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage, storeImage } from './image-store';
import { png } from '../../../tests/fake-providers/media-fixtures';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-images-'));
const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';

describe('image store', () => {
  it('serves a stored image to its tenant only, until it expires; expired files are deleted', async () => {
    const now = 1_000_000;
    const { id, expiresAt } = await storeImage(root, A, png(3, 3), 'image/png', now);
    expect(expiresAt).toBe(now + 3_600_000);
    expect((await readImage(root, A, id, now + 1000))!.data).toEqual(png(3, 3));
    expect(await readImage(root, B, id, now + 1000)).toBeNull();
    expect(await readImage(root, A, '../etc/passwd', now)).toBeNull();
    expect(await readImage(root, A, id, expiresAt)).toBeNull();
    expect(fs.readdirSync(path.join(root, A)).filter((f) => f.startsWith(id))).toEqual([]);
  });

  it('sweeps expired files of the tenant when a new one is stored', async () => {
    const old = await storeImage(root, B, png(), 'image/png', 0, 10);
    await storeImage(root, B, png(), 'image/png', 100);
    await new Promise((r) => setTimeout(r, 50));
    expect(fs.readdirSync(path.join(root, B)).some((f) => f.startsWith(old.id))).toBe(false);
  });
});
