/** Stability, Black Forest Labs and Ideogram adapters, each against its fake over HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stabilityImages } from './stability';
import { bflImages, pollUrlFor } from './bfl';
import { ideogramImages } from './ideogram';
import { validateImageRequest } from './media';
import { startFakeStability } from '../../../tests/fake-providers/stability';
import { startFakeBfl, type FakeBfl } from '../../../tests/fake-providers/bfl';
import { startFakeIdeogram, type FakeIdeogram } from '../../../tests/fake-providers/ideogram';
import { ctxFor, failure } from '../../../tests/fake-providers/context';
import { PNG_SIGNATURE } from '../../../tests/fake-providers/media-fixtures';
import type { FakeProvider } from '../../../tests/fake-providers/media-common';

const isPng = (b64: string | null) => expect(Buffer.from(b64 ?? '', 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);

describe('Stability', () => {
  let fake: FakeProvider;
  beforeAll(async () => (fake = await startFakeStability()));
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('sdxl: v1 text-to-image with samples = n, bytes only (no provider URL)', async () => {
    const spec = stabilityImages.spec('stable-diffusion-xl-1024-v1-0')!;
    expect(spec.urls).toBe('radiant');
    const req = validateImageRequest({ prompt: 'a lighthouse', n: 3, size: '1344x768' }, spec, 'sdxl');
    const r = await stabilityImages.generate(req, ctxFor(fake.url, 'stable-diffusion-xl-1024-v1-0'));
    expect(r.units.images).toBe(3);
    r.images.forEach((i) => isPng(i.b64Json));
    const rec = fake.requests[0]!;
    expect(rec.path).toBe('/v1/generation/stable-diffusion-xl-1024-v1-0/text-to-image');
    expect(rec.headers.accept).toBe('application/json');
    expect(JSON.parse(rec.body.toString())).toEqual({ text_prompts: [{ text: 'a lighthouse', weight: 1 }], width: 1344, height: 768, samples: 3 });
  });

  it('sdxl: filtered images are neither returned nor counted; all filtered = content policy', async () => {
    const spec = stabilityImages.spec('stable-diffusion-xl-1024-v1-0')!;
    fake.fail({ kind: 'content_policy' });
    const r = await stabilityImages.generate(validateImageRequest({ prompt: 'x', n: 4 }, spec, 'sdxl'), ctxFor(fake.url, 'stable-diffusion-xl-1024-v1-0'));
    expect(r.units.images).toBe(2);
    fake.fail({ kind: 'content_policy' });
    expect(
      await failure(() => stabilityImages.generate(validateImageRequest({ prompt: 'x' }, spec, 'sdxl'), ctxFor(fake.url, 'stable-diffusion-xl-1024-v1-0'))),
    ).toMatchObject({ status: 400, kind: 'content_policy' });
    expect(() => validateImageRequest({ prompt: 'x', size: '1024x1792' }, spec, 'sdxl')).toThrow(expect.objectContaining({ param: 'size' }));
  });

  it('sd3-large and ultra: v2beta multipart with aspect ratio, one request per image', async () => {
    for (const [id, path] of [
      ['sd3-large', '/v2beta/stable-image/generate/sd3'],
      ['stable-image-ultra', '/v2beta/stable-image/generate/ultra'],
    ] as const) {
      fake.reset();
      const req = validateImageRequest({ prompt: 'a castle', n: 2, size: '768x1344', response_format: 'b64_json' }, stabilityImages.spec(id)!, id);
      const r = await stabilityImages.generate(req, ctxFor(fake.url, id));
      expect(r.units.images).toBe(2);
      isPng(r.images[0]!.b64Json);
      expect(fake.requests.map((q) => q.path)).toEqual([path, path]);
      const body = fake.requests[0]!.body.toString();
      expect(body).toContain('name="aspect_ratio"\r\n\r\n9:16');
      expect(body).toContain('name="output_format"\r\n\r\npng');
      if (id === 'sd3-large') expect(body).toContain('name="model"\r\n\r\nsd3-large');
      expect(fake.requests[0]!.headers.authorization).toBe('Bearer test-key');
    }
  });

  it('v2beta: 403 content_moderation is a content-policy refusal, not a credential problem; 401 is auth', async () => {
    const req = validateImageRequest({ prompt: 'x' }, stabilityImages.spec('stable-image-ultra')!, 'stable-image-ultra');
    fake.fail({ kind: 'content_policy' });
    expect(await failure(() => stabilityImages.generate(req, ctxFor(fake.url, 'stable-image-ultra')))).toMatchObject({
      status: 403,
      kind: 'content_policy',
      retryable: false,
      body: { error: { code: 'content_policy_violation' } },
    });
    expect(await failure(() => stabilityImages.generate(req, ctxFor(fake.url, 'stable-image-ultra', { key: 'bad-key' })))).toMatchObject({
      status: 502,
      kind: 'authentication',
    });
    fake.fail({ kind: 'rate_limit', retryAfter: 4 });
    expect(await failure(() => stabilityImages.generate(req, ctxFor(fake.url, 'stable-image-ultra')))).toMatchObject({
      status: 429,
      retryable: true,
      retryAfterMs: 4000,
    });
    fake.fail({ kind: 'status', status: 500, message: 'boom' });
    expect(await failure(() => stabilityImages.generate(req, ctxFor(fake.url, 'stable-image-ultra')))).toMatchObject({
      status: 500,
      kind: 'server',
      retryable: true,
      // Our wording for the tenant; the provider's own message kept for operators.
      body: { error: { message: expect.stringMatching(/^The provider failed while processing the request \(Fake 500/) } },
      upstream: { message: 'boom' },
    });
  });

  it('n>1 on v2beta: the images that were made are returned and counted when a sibling failed', async () => {
    fake.fail({ kind: 'status', status: 500 });
    const req = validateImageRequest({ prompt: 'x', n: 3 }, stabilityImages.spec('sd3-large')!, 'sd3-large');
    const r = await stabilityImages.generate(req, ctxFor(fake.url, 'sd3-large'));
    expect(r.units.images).toBe(2);
  });
});

describe('Black Forest Labs', () => {
  let fake: FakeBfl;
  beforeAll(async () => (fake = await startFakeBfl()));
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.pendingPolls = 2;
  });

  it('flux-pro-1.1: submits, polls until Ready, hands out the signed delivery URL', async () => {
    const spec = bflImages.spec('flux-pro-1.1')!;
    const r = await bflImages.generate(validateImageRequest({ prompt: 'a fox', size: '1216x832' }, spec, 'flux-pro-1.1'), ctxFor(fake.url, 'flux-pro-1.1'));
    expect(r.units.images).toBe(1);
    expect(r.images[0]!.url).toMatch(new RegExp(`^${fake.url}/delivery/.+sig=`));
    expect(fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /v1/flux-pro-1.1',
      'GET /v1/get_result',
      'GET /v1/get_result',
      'GET /v1/get_result',
    ]);
    expect(fake.requests.every((q) => q.headers['x-key'] === 'test-key')).toBe(true);
    expect(JSON.parse(fake.requests[0]!.body.toString())).toEqual({
      prompt: 'a fox',
      width: 1216,
      height: 832,
      output_format: 'png',
      prompt_upsampling: false,
    });
  });

  it('flux-pro-1.1-ultra: aspect ratio, n tasks in parallel, b64_json downloaded from the delivery URL', async () => {
    const spec = bflImages.spec('flux-pro-1.1-ultra')!;
    const r = await bflImages.generate(
      validateImageRequest({ prompt: 'x', n: 2, size: '1344x768', response_format: 'b64_json' }, spec, 'flux-pro-1.1-ultra'),
      ctxFor(fake.url, 'flux-pro-1.1-ultra'),
    );
    expect(r.units.images).toBe(2);
    r.images.forEach((i) => isPng(i.b64Json));
    const posts = fake.requests.filter((q) => q.method === 'POST');
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[0]!.body.toString())).toMatchObject({ aspect_ratio: '16:9', raw: false });
    expect(fake.requests.filter((q) => q.path.startsWith('/delivery/'))).toHaveLength(2);
    expect(fake.requests.filter((q) => q.path.startsWith('/delivery/')).every((q) => q.headers['x-key'] === undefined)).toBe(true);
  });

  it('a moderated task is a content-policy refusal; a bad key is 403 "Not authenticated" -> auth', async () => {
    const req = validateImageRequest({ prompt: 'x' }, bflImages.spec('flux-pro-1.1')!, 'flux-pro-1.1');
    fake.fail({ kind: 'content_policy' });
    expect(await failure(() => bflImages.generate(req, ctxFor(fake.url, 'flux-pro-1.1')))).toMatchObject({
      status: 400,
      kind: 'content_policy',
      retryable: false,
    });
    expect(await failure(() => bflImages.generate(req, ctxFor(fake.url, 'flux-pro-1.1', { key: 'bad-key' })))).toMatchObject({
      status: 502,
      kind: 'permission',
      retryable: false,
    });
    fake.fail({ kind: 'rate_limit', retryAfter: 1, path: '/v1/flux' });
    expect(await failure(() => bflImages.generate(req, ctxFor(fake.url, 'flux-pro-1.1')))).toMatchObject({ status: 429, retryable: true, retryAfterMs: 1000 });
  });

  it('bounded wait: a task still pending at the deadline is a non-retryable timeout', async () => {
    fake.pendingPolls = 1000;
    const req = validateImageRequest({ prompt: 'x' }, bflImages.spec('flux-pro-1.1')!, 'flux-pro-1.1');
    expect(await failure(() => bflImages.generate(req, ctxFor(fake.url, 'flux-pro-1.1', { timeoutMs: 200, pollIntervalMs: 20 })))).toMatchObject({
      status: 504,
      kind: 'timeout',
      retryable: false,
    });
  });

  it('flux-schnell is not served by BFL; the key only goes to BFL hosts', () => {
    expect(bflImages.spec('flux-schnell')).toBeNull();
    expect(pollUrlFor('https://api.bfl.ai', 'abc', 'https://api.us1.bfl.ai/v1/get_result?id=abc')).toBe('https://api.us1.bfl.ai/v1/get_result?id=abc');
    expect(pollUrlFor('https://api.bfl.ai', 'abc', 'https://evil.example/v1/get_result?id=abc')).toBe('https://api.bfl.ai/v1/get_result?id=abc');
    expect(pollUrlFor('https://api.bfl.ai', 'abc', undefined)).toBe('https://api.bfl.ai/v1/get_result?id=abc');
  });
});

describe('Ideogram', () => {
  let fake: FakeIdeogram;
  beforeAll(async () => (fake = await startFakeIdeogram()));
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.unsafeImages = false;
  });

  it('ideogram-v2 and -turbo: image_request with model, aspect ratio, num_images; signed URLs', async () => {
    for (const [id, wire] of [
      ['ideogram-v2', 'V_2'],
      ['ideogram-v2-turbo', 'V_2_TURBO'],
    ] as const) {
      fake.reset();
      const r = await ideogramImages.generate(
        validateImageRequest({ prompt: 'logo with text RADIANT', n: 3, size: '1344x768' }, ideogramImages.spec(id)!, id),
        ctxFor(fake.url, id),
      );
      expect(r.units.images).toBe(3);
      expect(r.images[0]!.url).toMatch(/\/api\/images\/ephemeral\/.+signature=/);
      expect(JSON.parse(fake.requests[0]!.body.toString())).toEqual({
        image_request: { prompt: 'logo with text RADIANT', model: wire, aspect_ratio: 'ASPECT_16_9', num_images: 3, magic_prompt_option: 'OFF' },
      });
      expect(fake.requests[0]!.headers['api-key']).toBe('test-key');
    }
  });

  it('unsafe images are dropped and not counted; b64_json is downloaded', async () => {
    fake.unsafeImages = true;
    const r = await ideogramImages.generate(
      validateImageRequest({ prompt: 'x', n: 4, response_format: 'b64_json' }, ideogramImages.spec('ideogram-v2')!, 'ideogram-v2'),
      ctxFor(fake.url, 'ideogram-v2'),
    );
    expect(r.units.images).toBe(2);
    r.images.forEach((i) => isPng(i.b64Json));
  });

  it('422 safety check -> content policy; 401 -> auth; 500 retryable', async () => {
    const req = validateImageRequest({ prompt: 'x' }, ideogramImages.spec('ideogram-v2')!, 'ideogram-v2');
    fake.fail({ kind: 'content_policy' });
    expect(await failure(() => ideogramImages.generate(req, ctxFor(fake.url, 'ideogram-v2')))).toMatchObject({
      status: 422,
      kind: 'content_policy',
      retryable: false,
    });
    expect(await failure(() => ideogramImages.generate(req, ctxFor(fake.url, 'ideogram-v2', { key: 'bad-key' })))).toMatchObject({
      status: 502,
      kind: 'authentication',
    });
    fake.fail({ kind: 'status', status: 503 });
    expect(await failure(() => ideogramImages.generate(req, ctxFor(fake.url, 'ideogram-v2')))).toMatchObject({ status: 503, retryable: true });
    expect(() => validateImageRequest({ prompt: 'x', n: 9 }, ideogramImages.spec('ideogram-v2')!, 'ideogram-v2')).toThrow(
      expect.objectContaining({ param: 'n' }),
    );
  });
});
