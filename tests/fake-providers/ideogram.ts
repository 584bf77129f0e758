/**
 * Fake Ideogram API (base URL = API root), from Ideogram's API reference (legacy Generate):
 *   POST /generate  JSON { image_request: { prompt, model: V_2 | V_2_TURBO, aspect_ratio,
 *        num_images (1-8), magic_prompt_option } } -> { created, data: [{ prompt, resolution,
 *        is_image_safe, seed, url, style_type }] }; url = a signed ephemeral link on this fake
 *        (GET /api/images/ephemeral/<id>.png?exp=..&signature=.., no key needed).
 *   POST /edit (legacy), multipart: image_file (JPEG/WebP/PNG, <= 10 MB), mask (black and white,
 *        the image's size; black = edit), prompt, model (required; /edit takes V_2 and V_2_TURBO
 *        only), num_images (1-8), magic_prompt_option -> the same answer as /generate, at the
 *        image's resolution. Each edit is kept in `edits` (fields, image, mask as received).
 * Auth header `Api-Key`; missing or `bad-key` -> 401. Errors { error: string } (400, 401, 422,
 * 429). Content policy -> 422 "Prompt failed the safety check." Failure kind `status` with status
 * 200 is not used; `unsafeImages` marks every other image is_image_safe: false (no url).
 */
import { randomUUID } from 'node:crypto';
import { PNG } from 'pngjs';
import { parseMultipart, sendJson, startFake, type FakeProvider } from './media-common';
import { png } from './media-fixtures';

const ASPECTS = new Set([
  'ASPECT_10_16',
  'ASPECT_16_10',
  'ASPECT_9_16',
  'ASPECT_16_9',
  'ASPECT_3_2',
  'ASPECT_2_3',
  'ASPECT_4_3',
  'ASPECT_3_4',
  'ASPECT_1_1',
  'ASPECT_1_3',
  'ASPECT_3_1',
]);
const RES: Record<string, string> = {
  ASPECT_1_1: '1024x1024',
  ASPECT_16_9: '1312x736',
  ASPECT_9_16: '736x1312',
  ASPECT_3_2: '1248x832',
  ASPECT_2_3: '832x1248',
};

export interface FakeIdeogramEdit {
  fields: Record<string, string[]>;
  image: { filename: string; mimeType: string; data: Buffer };
  mask: { filename: string; mimeType: string; data: Buffer };
}

export interface FakeIdeogram extends FakeProvider {
  unsafeImages: boolean;
  edits: FakeIdeogramEdit[];
}

const MAX_FILE = 10 * 1024 * 1024;

function dimensions(data: Buffer): { width: number; height: number } | null {
  try {
    const p = PNG.sync.read(data);
    return { width: p.width, height: p.height };
  } catch {
    return null;
  }
}

export async function startFakeIdeogram(): Promise<FakeIdeogram> {
  const self = { unsafeImages: false, edits: [] } as unknown as FakeIdeogram;
  const fake = await startFake({
    name: 'ideogram',
    authFailure(h, path) {
      if (path.startsWith('/api/images/ephemeral/')) return null;
      const k = h['api-key'];
      return typeof k === 'string' && k && k !== 'bad-key' ? null : { status: 401, body: { error: 'Unauthorized: invalid or missing Api-Key' } };
    },
    errorBody: (status, message) => ({ error: message }),
    async handle(c) {
      if (c.method === 'POST' && c.path === '/generate') {
        const b = c.json() as { image_request?: Record<string, unknown> };
        const r = b.image_request;
        if (!r || typeof r.prompt !== 'string' || !r.prompt) return (sendJson(c.res, 400, { error: 'image_request.prompt is required' }), true);
        if (r.model !== undefined && r.model !== 'V_2' && r.model !== 'V_2_TURBO' && r.model !== 'V_1' && r.model !== 'V_1_TURBO')
          return (sendJson(c.res, 400, { error: 'Invalid model' }), true);
        if (r.aspect_ratio !== undefined && !ASPECTS.has(String(r.aspect_ratio))) return (sendJson(c.res, 400, { error: 'Invalid aspect_ratio' }), true);
        const n = typeof r.num_images === 'number' ? r.num_images : 1;
        if (n < 1 || n > 8) return (sendJson(c.res, 400, { error: 'num_images must be between 1 and 8' }), true);
        if (c.contentPolicy) return (sendJson(c.res, 422, { error: 'Prompt failed the safety check.' }), true);
        const data = Array.from({ length: n }, (_, i) => {
          const safe = !(self.unsafeImages && i % 2 === 1);
          const img: Record<string, unknown> = {
            prompt: r.prompt,
            resolution: RES[String(r.aspect_ratio ?? 'ASPECT_1_1')] ?? '1024x1024',
            is_image_safe: safe,
            seed: 100 + i,
            style_type: 'GENERAL',
          };
          if (safe) img.url = `${c.base}/api/images/ephemeral/${randomUUID()}.png?exp=4102444800&signature=fakesig`;
          return img;
        });
        return (sendJson(c.res, 200, { created: new Date().toISOString(), data }), true);
      }
      if (c.method === 'POST' && c.path === '/edit') {
        if (!/^multipart\/form-data/.test(String(c.req.headers['content-type'])))
          return (sendJson(c.res, 400, { error: 'Expected multipart/form-data' }), true);
        const { fields, files } = await parseMultipart(c.req, c.body);
        const image = files.image_file;
        const mask = files.mask;
        const prompt = fields.prompt?.[0];
        const model = fields.model?.[0];
        if (!image) return (sendJson(c.res, 400, { error: 'image_file is required' }), true);
        if (!mask) return (sendJson(c.res, 400, { error: 'mask is required' }), true);
        if (!prompt) return (sendJson(c.res, 400, { error: 'prompt is required' }), true);
        if (model !== 'V_2' && model !== 'V_2_TURBO') return (sendJson(c.res, 400, { error: 'Edit is only supported for V_2 and V_2_TURBO models' }), true);
        if (image.data.length > MAX_FILE || mask.data.length > MAX_FILE) return (sendJson(c.res, 400, { error: 'File too large (max 10MB)' }), true);
        const di = dimensions(image.data);
        const dm = dimensions(mask.data);
        if (!di || !dm) return (sendJson(c.res, 400, { error: 'Unsupported image format' }), true);
        if (di.width !== dm.width || di.height !== dm.height) return (sendJson(c.res, 400, { error: 'Mask must be the same size as the image' }), true);
        const n = fields.num_images?.[0] ? Number(fields.num_images[0]) : 1;
        if (!Number.isInteger(n) || n < 1 || n > 8) return (sendJson(c.res, 400, { error: 'num_images must be between 1 and 8' }), true);
        if (c.contentPolicy) return (sendJson(c.res, 422, { error: 'Prompt failed the safety check.' }), true);
        self.edits.push({ fields, image, mask });
        const data = Array.from({ length: n }, (_, i) => ({
          prompt,
          resolution: `${di.width}x${di.height}`,
          is_image_safe: true,
          seed: 200 + i,
          style_type: 'GENERAL',
          url: `${c.base}/api/images/ephemeral/${randomUUID()}.png?exp=4102444800&signature=fakesig`,
        }));
        return (sendJson(c.res, 200, { created: new Date().toISOString(), data }), true);
      }
      if (c.method === 'GET' && c.path.startsWith('/api/images/ephemeral/')) {
        if (!c.query.get('signature')) return (sendJson(c.res, 403, { error: 'Forbidden' }), true);
        const img = png(4, 4);
        c.res.writeHead(200, { 'content-type': 'image/png', 'content-length': img.length });
        c.res.end(img);
        return true;
      }
      return false;
    },
  });
  const reset = fake.reset;
  return Object.assign(self, fake, {
    reset() {
      reset();
      self.edits.length = 0;
    },
  });
}
