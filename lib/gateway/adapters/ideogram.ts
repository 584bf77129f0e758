/**
 * Ideogram images (provider `ideogram`, wire format 'ideogram').
 *
 * Reference followed: Ideogram API reference (developer.ideogram.ai, "Generate" legacy endpoint
 * for the V_2 models). Base URL is the API root (https://api.ideogram.ai); auth header
 * `Api-Key: <IDEOGRAM_API_KEY>`.
 *
 * - POST /generate, JSON { image_request: { prompt, model: V_2 | V_2_TURBO, aspect_ratio
 *   (ASPECT_1_1, ASPECT_16_9, ASPECT_9_16, ASPECT_3_2, ASPECT_2_3, ...), num_images (1-8),
 *   magic_prompt_option: AUTO | ON | OFF } } -> { created, data: [{ prompt, resolution,
 *   is_image_safe, seed, url, style_type }] }. We send magic_prompt_option OFF so the prompt is
 *   used as given. `size` picks the aspect ratio (1024x1024 1:1, 1344x768 16:9, 768x1344 9:16,
 *   1216x832 3:2, 832x1216 2:3); Ideogram chooses the resolution for it.
 * - Images flagged `is_image_safe: false` come without a URL: they are not returned and not
 *   counted; none left = content-policy error.
 * - `url` is Ideogram's signed, expiring link (needs no key): handed to the client as is
 *   (spec.urls 'provider_signed'); for `b64_json` RADIANT downloads it.
 * - POST /edit (legacy; V_2 and V_2_TURBO only), multipart: `image_file` (the image, JPEG, WebP
 *   or PNG, at most 10 MB), `mask` (black and white, the image's size: black = edit, white =
 *   keep), `prompt`, `model`, `num_images` (1-8), `magic_prompt_option` -> the same answer as
 *   /generate; the edited image keeps the input's size. OpenAI's mask (alpha 0 = edit) arrives
 *   decoded as the request's EditRegion and is sent as Ideogram's black-is-edit PNG.
 * - Errors: 400 bad request, 401 not authorized, 422 "Prompt failed the safety check"
 *   (content policy), 429 rate limited; the message is read from `error` / `message` / `detail`.
 */
import { Readable } from 'node:stream';
import {
  callJson,
  errorMessageOf,
  genericUpstreamError,
  invalidUpstream,
  upstreamError,
  type ErrorTranslator,
  multipartBody,
  type ImageAdapter,
  type ImageEditRequest,
  type ImageModelSpec,
  type ImageOut,
  type ImageRequest,
  type ImageResult,
  type MediaCallContext,
} from './media';
import { blackIsEditMask } from '../media/image-upload';
import { toB64 } from './openai-media';
import { isRecord } from './shared';

const ASPECTS: Record<string, string> = {
  '1024x1024': 'ASPECT_1_1',
  '1344x768': 'ASPECT_16_9',
  '768x1344': 'ASPECT_9_16',
  '1216x832': 'ASPECT_3_2',
  '832x1216': 'ASPECT_2_3',
};

const SPEC: ImageModelSpec = {
  sizes: Object.keys(ASPECTS),
  defaultSize: '1024x1024',
  qualities: ['standard'],
  defaultQuality: 'standard',
  styles: [],
  maxN: 8,
  urls: 'provider_signed',
  edits: { sizes: 'input' },
};

const WIRE_MODEL: Record<string, string> = { 'ideogram-v2': 'V_2', 'ideogram-v2-turbo': 'V_2_TURBO' };

const ideogramError =
  (label: string): ErrorTranslator =>
  (status, text, headers) =>
    genericUpstreamError(label, status, text, headers, (parsed, st) =>
      st === 422 && /safety|unsafe|policy/i.test(errorMessageOf(parsed)) ? 'content_policy' : null,
    );

function authHeaders(ctx: MediaCallContext, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': contentType, accept: 'application/json' };
  if (ctx.ep.apiKey) headers['api-key'] = ctx.ep.apiKey;
  return headers;
}

/** /generate and /edit answer alike: the safe images, as URLs or (b64_json) downloaded. */
async function imagesOf(parsed: Record<string, unknown>, req: ImageRequest, ctx: MediaCallContext, deadline: number): Promise<ImageResult> {
  const label = ctx.providerLabel;
  if (!Array.isArray(parsed.data)) throw invalidUpstream(label);
  const safe = parsed.data.filter((d): d is Record<string, unknown> => isRecord(d) && d.is_image_safe !== false && typeof d.url === 'string' && d.url !== '');
  if (safe.length === 0)
    throw upstreamError(label, 400, 'content_policy', `The upstream provider (${label}) withheld the generated image under its safety policy.`);
  const images: ImageOut[] = [];
  for (const d of safe) {
    const url = d.url as string;
    if (req.responseFormat === 'b64_json') {
      const { b64Json, mediaType } = await toB64(ctx, deadline, url);
      images.push({ b64Json, url: null, mediaType, revisedPrompt: null });
    } else images.push({ b64Json: null, url, mediaType: 'image/png', revisedPrompt: null });
  }
  return { images, units: { images: images.length } };
}

export const ideogramImages: ImageAdapter = {
  spec: (id) => (WIRE_MODEL[id] ? SPEC : null),

  async generate(req: ImageRequest, ctx: MediaCallContext): Promise<ImageResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const label = ctx.providerLabel;
    const headers = authHeaders(ctx, 'application/json');
    const body = {
      image_request: {
        prompt: req.prompt,
        model: WIRE_MODEL[ctx.providerModelId],
        aspect_ratio: ASPECTS[req.size] ?? 'ASPECT_1_1',
        num_images: req.n,
        magic_prompt_option: 'OFF',
      },
    };
    const parsed = await callJson(ctx, deadline, { url: `${ctx.ep.baseUrl}/generate`, headers, body: JSON.stringify(body) }, ideogramError(label));
    return imagesOf(parsed, req, ctx, deadline);
  },

  async edit(req: ImageEditRequest, ctx: MediaCallContext): Promise<ImageResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const file = (filename: string, mediaType: string, data: Buffer) => ({ filename, mediaType, size: data.length, open: () => Readable.from([data]) });
    const mp = multipartBody([
      { name: 'prompt', value: req.prompt },
      { name: 'model', value: WIRE_MODEL[ctx.providerModelId] },
      { name: 'num_images', value: String(req.n) },
      { name: 'magic_prompt_option', value: 'OFF' },
      { name: 'image_file', file: file(req.image.filename, 'image/png', req.image.data) },
      { name: 'mask', file: file('mask.png', 'image/png', await blackIsEditMask(req.region)) },
    ]);
    const parsed = await callJson(
      ctx,
      deadline,
      { url: `${ctx.ep.baseUrl}/edit`, headers: authHeaders(ctx, mp.contentType), body: mp.stream(), contentLength: mp.length },
      ideogramError(ctx.providerLabel),
    );
    return imagesOf(parsed, req, ctx, deadline);
  },
};
