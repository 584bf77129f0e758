/**
 * Fake Stability AI REST API (base URL = API root), from Stability's API reference:
 *   POST /v1/generation/{engine}/text-to-image  JSON { text_prompts, width, height, samples };
 *        SDXL sizes only; accept application/json -> { artifacts: [{ base64, seed, finishReason }] }.
 *        Errors { id, name, message }.
 *   POST /v2beta/stable-image/generate/{sd3|ultra}  multipart (prompt, aspect_ratio,
 *        output_format, model); accept application/json -> { image, finish_reason, seed }, accept
 *        image/* -> PNG bytes with finish-reason / seed headers. Errors { id, name, errors }.
 * Auth `Authorization: Bearer <key>`; bad -> 401 { name: "unauthorized" }. Content policy:
 * v2beta -> 403 { name: "content_moderation" }; v1 -> artifacts with finishReason CONTENT_FILTERED.
 */
import { randomUUID } from 'node:crypto';
import { parseMultipart, sendJson, startFake, type FakeProvider } from './media-common';
import { png } from './media-fixtures';

const SDXL = new Set(['1024x1024', '1152x896', '896x1152', '1216x832', '832x1216', '1344x768', '768x1344', '1536x640', '640x1536']);
const RATIOS = new Set(['16:9', '1:1', '21:9', '2:3', '3:2', '4:5', '5:4', '9:16', '9:21']);

export async function startFakeStability(): Promise<FakeProvider> {
  const v2err = (status: number, name: string, errors: string[]) => ({ id: randomUUID().replace(/-/g, ''), name, errors });
  return startFake({
    name: 'stability',
    authFailure(h, path) {
      const a = h.authorization;
      if (typeof a === 'string' && a.startsWith('Bearer ') && a !== 'Bearer bad-key' && a.length > 7) return null;
      return path.startsWith('/v1/')
        ? { status: 401, body: { id: randomUUID(), name: 'unauthorized', message: 'missing authorization header' } }
        : { status: 401, body: v2err(401, 'unauthorized', ['authorization: invalid or missing header']) };
    },
    errorBody: (status, message) => v2err(status, status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'internal_error' : 'bad_request', [message]),
    async handle(c) {
      const v1 = /^\/v1\/generation\/([^/]+)\/text-to-image$/.exec(c.path);
      if (c.method === 'POST' && v1) {
        if (v1[1] !== 'stable-diffusion-xl-1024-v1-0')
          return (sendJson(c.res, 404, { id: 'x', name: 'not_found', message: `engine: ${v1[1]} not found` }), true);
        const b = c.json() as Record<string, unknown>;
        const tp = Array.isArray(b.text_prompts) ? (b.text_prompts as Array<Record<string, unknown>>) : [];
        if (!tp.length || typeof tp[0]!.text !== 'string')
          return (sendJson(c.res, 400, { id: 'x', name: 'invalid_prompts', message: 'text_prompts: cannot be blank' }), true);
        if (!SDXL.has(`${String(b.width)}x${String(b.height)}`)) {
          return (
            sendJson(c.res, 400, {
              id: 'x',
              name: 'invalid_sdxl_v1_dimensions',
              message:
                'for stable-diffusion-xl-1024-v1-0 the allowed dimensions are 1024x1024, 1152x896, 1216x832, 1344x768, 1536x640, 640x1536, 768x1344, 832x1216, 896x1152',
            }),
            true
          );
        }
        if (c.req.headers.accept !== 'application/json')
          return (sendJson(c.res, 406, { id: 'x', name: 'invalid_accept_header', message: 'accept must be application/json or image/png' }), true);
        const samples = typeof b.samples === 'number' ? b.samples : 1;
        const artifacts = Array.from({ length: samples }, (_, i) => ({
          base64: png(4, 4).toString('base64'),
          seed: 1000 + i,
          // content_policy: every second image is filtered (blurred by Stability, not returned by us)
          finishReason: c.contentPolicy && (samples === 1 || i % 2 === 1) ? 'CONTENT_FILTERED' : 'SUCCESS',
        }));
        return (sendJson(c.res, 200, { artifacts }), true);
      }
      const v2 = /^\/v2beta\/stable-image\/generate\/(sd3|ultra|core)$/.exec(c.path);
      if (c.method === 'POST' && v2) {
        if (!String(c.req.headers['content-type']).startsWith('multipart/form-data'))
          return (sendJson(c.res, 400, v2err(400, 'bad_request', ['content-type: must be multipart/form-data'])), true);
        const { fields } = await parseMultipart(c.req, c.body);
        const prompt = fields.prompt?.[0];
        if (!prompt) return (sendJson(c.res, 400, v2err(400, 'bad_request', ['prompt: cannot be empty'])), true);
        const ratio = fields.aspect_ratio?.[0] ?? '1:1';
        if (!RATIOS.has(ratio)) return (sendJson(c.res, 400, v2err(400, 'bad_request', [`aspect_ratio: must be one of ${[...RATIOS].join(', ')}`])), true);
        if (v2[1] === 'sd3' && fields.model?.[0] && !['sd3-large', 'sd3-large-turbo', 'sd3-medium', 'sd3.5-large'].includes(fields.model[0])) {
          return (sendJson(c.res, 400, v2err(400, 'bad_request', ['model: invalid'])), true);
        }
        if (c.contentPolicy) {
          return (
            sendJson(
              c.res,
              403,
              v2err(403, 'content_moderation', [
                'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.',
              ]),
            ),
            true
          );
        }
        const img = png(4, 4);
        if (c.req.headers.accept === 'application/json')
          return (sendJson(c.res, 200, { image: img.toString('base64'), finish_reason: 'SUCCESS', seed: 42 }), true);
        c.res.writeHead(200, { 'content-type': 'image/png', 'finish-reason': 'SUCCESS', seed: '42' });
        c.res.end(img);
        return true;
      }
      return false;
    },
  });
}
