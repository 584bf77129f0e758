/**
 * POST /api/v1/images/edits through HTTP with the official `openai` client (`images.edit`) against
 * the local fake of Ideogram's /edit (its real multipart body and `Api-Key` header): OpenAI's mask
 * (alpha 0 = edit) arrives at Ideogram as its black-is-edit PNG of the image's size, one usage
 * event per request metering each image returned at the per-image cost, markup and price, the
 * per-image budget, and the 400/413s naming the field before any provider call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIError, toFile } from 'openai';
import type { DbHandle } from '../../lib/db/client';
import { dec } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { fakeEnv, newTenant, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';
import { startFakeIdeogram, type FakeIdeogram } from '../fake-providers/ideogram';
import { startFakeOpenAIMedia } from '../fake-providers/openai-media';
import type { FakeProvider } from '../fake-providers/media-common';
import { PNG_SIGNATURE } from '../fake-providers/media-fixtures';

let h: DbHandle;
let chatFake: FakeUpstream;
let ideogram: FakeIdeogram;
let openai: FakeProvider;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  [chatFake, ideogram, openai] = await Promise.all([startFakeUpstream(), startFakeIdeogram(), startFakeOpenAIMedia()]);
  g = await startGateway(h.db, chatFake, {
    env: {
      ...fakeEnv(chatFake),
      OPENAI_IMAGES_BASE_URL: `${openai.url}/v1`,
      IDEOGRAM_API_KEY: 'test-ideogram',
      IDEOGRAM_BASE_URL: ideogram.url,
      RADIANT_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-edits-')),
    },
  });
});
afterAll(async () => {
  await g?.close();
  await Promise.all([chatFake, ideogram, openai].map((f) => f?.close()));
});

async function rows(tenantId: string) {
  await g.gw.flushMetering();
  return usageRows(h.db, tenantId);
}

/** An RGBA PNG; `alpha(x, y)` gives each pixel's alpha. */
function rgba(width: number, height: number, alpha: (x: number, y: number) => number, rgb: [number, number, number] = [30, 120, 200]): Buffer {
  const p = new PNG({ width, height });
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      p.data[i] = rgb[0];
      p.data[i + 1] = rgb[1];
      p.data[i + 2] = rgb[2];
      p.data[i + 3] = alpha(x, y);
    }
  return PNG.sync.write(p);
}

/** Opaque image, and a mask whose left half (x < 4) of an 8x6 image is transparent = edit. */
const IMAGE = rgba(8, 6, () => 255);
const MASK = rgba(8, 6, (x) => (x < 4 ? 0 : 255), [0, 0, 0]);

const png = (data: Buffer, name: string) => toFile(data, name, { type: 'image/png' });

/** The fake's received mask, as 1 (black = edit) / 0 per pixel. */
function receivedMask(data: Buffer): { width: number; height: number; edit: number[] } {
  const p = PNG.sync.read(data);
  const edit: number[] = [];
  for (let i = 0; i < p.width * p.height; i++) {
    const [r, gg, b] = [p.data[i * 4]!, p.data[i * 4 + 1]!, p.data[i * 4 + 2]!];
    expect([0, 255]).toContain(r);
    expect(gg).toBe(r);
    expect(b).toBe(r);
    edit.push(r === 0 ? 1 : 0);
  }
  return { width: p.width, height: p.height, edit };
}

function expectPrice(r: { cost: string; price: string; markupPercent: string }) {
  expect(dec(r.price).equals(dec(r.cost).times(dec(r.markupPercent).dividedBy(100).plus(1)))).toBe(true);
}

async function rawEdit(key: string, form: FormData): Promise<{ status: number; error: { code: string | null; param: string | null; message: string } }> {
  const res = await fetch(`${g.baseURL}/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${key}` }, body: form });
  return { status: res.status, error: ((await res.json()) as { error: { code: string | null; param: string | null; message: string } }).error };
}

describe('POST /api/v1/images/edits', () => {
  it('ideogram-v2: images.edit with a mask reaches Ideogram /edit as black = edit of the same size; one event metering n images', async () => {
    const t = await newTenant(h.db, g.baseURL);
    ideogram.reset();
    const res = await t.client.images.edit({
      model: 'ideogram-v2',
      image: await png(IMAGE, 'photo.png'),
      mask: await png(MASK, 'mask.png'),
      prompt: 'a red door on the left',
      n: 2,
    });
    expect(res.data).toHaveLength(2);
    for (const d of res.data!) expect(d.url).toMatch(new RegExp(`^${ideogram.url}/api/images/ephemeral/.+signature=`));

    expect(ideogram.requests).toHaveLength(1);
    const req = ideogram.requests[0]!;
    expect(req).toMatchObject({ method: 'POST', path: '/edit' });
    expect(req.headers['api-key']).toBe('test-ideogram');
    expect(String(req.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    const [sent] = ideogram.edits;
    expect(sent!.fields).toMatchObject({ model: ['V_2'], prompt: ['a red door on the left'], num_images: ['2'], magic_prompt_option: ['OFF'] });
    expect(sent!.image.data.equals(IMAGE)).toBe(true);
    const m = receivedMask(sent!.mask.data);
    expect([m.width, m.height]).toEqual([8, 6]);
    const expected = Array.from({ length: 48 }, (_, i) => (i % 8 < 4 ? 1 : 0));
    expect(m.edit).toEqual(expected);

    const r = await rows(t.tenantId);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ endpoint: 'images.edits', modelId: 'ideogram-v2', imageCount: 2, status: 'success', httpStatus: 200 });
    expect(dec(r[0]!.cost).equals(dec('0.08').times(2))).toBe(true);
    expect(dec(r[0]!.markupPercent).greaterThan(0)).toBe(true);
    expectPrice(r[0]!);
  });

  it('without a mask the image’s own alpha marks the edit; b64_json answers the downloaded image; ideogram-v2-turbo is V_2_TURBO', async () => {
    const t = await newTenant(h.db, g.baseURL);
    ideogram.reset();
    // Transparent in a 2x2 square at (1,1)..(2,2) of a 5x4 image.
    const img = rgba(5, 4, (x, y) => (x >= 1 && x <= 2 && y >= 1 && y <= 2 ? 0 : 255));
    const res = await t.client.images.edit({
      model: 'ideogram-v2-turbo',
      image: await png(img, 'cut.png'),
      prompt: 'fill the hole',
      response_format: 'b64_json',
    });
    expect(res.data).toHaveLength(1);
    expect(Buffer.from(res.data![0]!.b64_json!, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const [sent] = ideogram.edits;
    expect(sent!.fields.model).toEqual(['V_2_TURBO']);
    const m = receivedMask(sent!.mask.data);
    expect([m.width, m.height]).toEqual([5, 4]);
    expect(m.edit).toEqual(Array.from({ length: 20 }, (_, i) => (i % 5 >= 1 && i % 5 <= 2 && Math.floor(i / 5) >= 1 && Math.floor(i / 5) <= 2 ? 1 : 0)));
    const r = await rows(t.tenantId);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ endpoint: 'images.edits', modelId: 'ideogram-v2-turbo', imageCount: 1 });
    expect(dec(r[0]!.cost).equals(dec('0.05'))).toBe(true);
    expectPrice(r[0]!);
  });

  it('/api/v1/models lists /v1/images/edits for the Ideogram models only', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await fetch(`${g.baseURL}/models`, { headers: { authorization: `Bearer ${t.key}` } });
    const list = ((await res.json()) as { data: Array<{ id: string; endpoints: string[] }> }).data;
    const withEdits = list.filter((m) => m.endpoints.includes('/v1/images/edits')).map((m) => m.id);
    expect(withEdits.sort()).toEqual(['ideogram-v2', 'ideogram-v2-turbo']);
    expect(list.find((m) => m.id === 'ideogram-v2')!.endpoints).toEqual(['/v1/images/generations', '/v1/images/edits']);
    expect(list.find((m) => m.id === 'dall-e-3')!.endpoints).toEqual(['/v1/images/generations']);
  });

  it('bad input is a 400/413 naming the field before any provider call; nothing metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    ideogram.reset();
    openai.reset();
    const edit = async (over: Record<string, unknown>) =>
      (await t.client.images
        .edit({ model: 'ideogram-v2', image: await png(IMAGE, 'a.png'), mask: await png(MASK, 'm.png'), prompt: 'x', ...over } as never)
        .catch((x: unknown) => x)) as APIError;

    for (const model of ['dall-e-3', 'sdxl', 'flux-pro-1.1']) {
      const e = await edit({ model });
      expect(e.status, model).toBe(400);
      expect(e.param, model).toBe('model');
      expect(e.code, model).toBe('model_not_supported');
    }
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ prompt: '' }, 'prompt'],
      [
        {
          mask: await png(
            rgba(4, 4, () => 0),
            'small.png',
          ),
        },
        'mask',
      ],
      [
        {
          mask: await png(
            rgba(8, 6, () => 255),
            'opaque.png',
          ),
        },
        'mask',
      ],
      [{ image: await toFile(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]), 'photo.jpg', { type: 'image/jpeg' }) }, 'image'],
      [{ image: await png(IMAGE, 'a.png'), mask: undefined }, 'image'],
      [{ size: '1024x1024' }, 'size'],
      [{ n: 9 }, 'n'],
      [{ response_format: 'gif' }, 'response_format'],
    ];
    for (const [over, param] of cases) {
      const e = await edit(over);
      expect(e.status, JSON.stringify(Object.keys(over))).toBe(400);
      expect(e.param, JSON.stringify(over)).toBe(param);
    }
    const fine = await edit({ size: '8x6' });
    expect(fine.status).toBeUndefined(); // the image's own size is accepted
    ideogram.reset();

    const noImage = new FormData();
    noImage.set('model', 'ideogram-v2');
    noImage.set('prompt', 'x');
    expect(await rawEdit(t.key, noImage)).toMatchObject({ status: 400, error: { param: 'image' } });
    const noModel = new FormData();
    noModel.set('prompt', 'x');
    noModel.set('image', new Blob([new Uint8Array(IMAGE)], { type: 'image/png' }), 'a.png');
    expect(await rawEdit(t.key, noModel)).toMatchObject({ status: 400, error: { param: 'model' } });
    const big = new FormData();
    big.set('model', 'ideogram-v2');
    big.set('prompt', 'x');
    big.set('image', new Blob([new Uint8Array(IMAGE)], { type: 'image/png' }), 'a.png');
    big.set('mask', new Blob([new Uint8Array(10 * 1024 * 1024 + 1)], { type: 'image/png' }), 'huge.png');
    expect(await rawEdit(t.key, big)).toMatchObject({ status: 413, error: { param: 'mask', code: 'file_too_large' } });

    expect(ideogram.requests).toHaveLength(0);
    expect(openai.requests).toHaveLength(0);
    expect((await rows(t.tenantId)).map((r) => r.imageCount)).toEqual([1]); // the one accepted edit
  });

  it('scope `images` is required; the budget reserves n x the per-image price', async () => {
    const chatOnly = await newTenant(h.db, g.baseURL, { key: { scopes: ['chat'] } });
    const e = (await chatOnly.client.images
      .edit({ model: 'ideogram-v2', image: await png(IMAGE, 'a.png'), mask: await png(MASK, 'm.png'), prompt: 'x' })
      .catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(403);
    expect(e.code).toBe('insufficient_scope');

    const probe = await newTenant(h.db, g.baseURL);
    await probe.client.images.edit({ model: 'ideogram-v2', image: await png(IMAGE, 'a.png'), mask: await png(MASK, 'm.png'), prompt: 'probe' });
    const per = dec((await rows(probe.tenantId))[0]!.price);
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: per.times(2).plus(per.dividedBy(2)).toFixed() } });
    ideogram.reset();
    const three = (await t.client.images
      .edit({ model: 'ideogram-v2', image: await png(IMAGE, 'a.png'), mask: await png(MASK, 'm.png'), prompt: 'x', n: 3 })
      .catch((x: unknown) => x)) as APIError;
    expect(three.status).toBe(429);
    expect(three.code).toBe('insufficient_quota');
    expect(ideogram.requests).toHaveLength(0);
    const two = await t.client.images.edit({ model: 'ideogram-v2', image: await png(IMAGE, 'a.png'), mask: await png(MASK, 'm.png'), prompt: 'x', n: 2 });
    expect(two.data).toHaveLength(2);
    const r = await rows(t.tenantId);
    expect(r).toHaveLength(1);
    expect(dec(r[0]!.price).equals(per.times(2))).toBe(true);
  });

  it('an Idempotency-Key replays the answer without a second provider call or event', async () => {
    const t = await newTenant(h.db, g.baseURL);
    ideogram.reset();
    const call = async () =>
      t.client.images.edit(
        { model: 'ideogram-v2', image: await png(IMAGE, 'a.png'), mask: await png(MASK, 'm.png'), prompt: 'same' },
        { headers: { 'Idempotency-Key': 'edit-once-1' } },
      );
    const a = await call();
    const b = await call();
    expect(b.data![0]!.url).toBe(a.data![0]!.url);
    expect(ideogram.edits).toHaveLength(1);
    expect(await rows(t.tenantId)).toHaveLength(1);
  });
});
