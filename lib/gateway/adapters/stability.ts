/**
 * Stability AI images (provider `stability`, wire format 'stability').
 *
 * Reference followed: Stability REST API reference (platform.stability.ai/docs/api-reference),
 * v1 "generation" and v2beta "stable-image/generate". Base URL is the API root
 * (https://api.stability.ai); auth `Authorization: Bearer <STABILITY_API_KEY>`.
 *
 * - sdxl (engine stable-diffusion-xl-1024-v1-0): POST /v1/generation/{engine}/text-to-image,
 *   JSON { text_prompts: [{ text, weight }], width, height, samples (1-10) }, `accept:
 *   application/json` -> { artifacts: [{ base64, seed, finishReason: SUCCESS | ERROR |
 *   CONTENT_FILTERED }] }. SDXL takes only its nine trained sizes (1024x1024, 1152x896,
 *   896x1152, 1216x832, 832x1216, 1344x768, 768x1344, 1536x640, 640x1536). Errors
 *   { id, name, message }.
 * - sd3-large: POST /v2beta/stable-image/generate/sd3 and stable-image-ultra: POST
 *   /v2beta/stable-image/generate/ultra, multipart/form-data (prompt, aspect_ratio,
 *   output_format=png, model=sd3-large for sd3), `accept: application/json` -> { image (base64),
 *   finish_reason: SUCCESS | CONTENT_FILTERED, seed }. One image per request: n > 1 runs n
 *   requests concurrently (max 4). `size` picks the aspect ratio (1024x1024 1:1, 1344x768 16:9,
 *   768x1344 9:16, 1216x832 3:2, 832x1216 2:3, 1536x640 21:9, 640x1536 9:21); the provider
 *   chooses the pixel count (~1 MP for sd3-large, ~4 MP for ultra). Errors
 *   { id, name, errors: [string] }; a moderation refusal is 403 name `content_moderation`
 *   (a content-policy refusal, NOT a credential problem).
 * A CONTENT_FILTERED image is not returned and not counted; none left = content-policy error.
 * Stability returns bytes only, never URLs (spec.urls 'radiant'): for `response_format: url`
 * the images endpoint stores them and serves them from RADIANT (lib/gateway/media/image-store.ts).
 */
import {
  callJson,
  genericUpstreamError,
  multipartBody,
  times,
  upstreamError,
  invalidUpstream,
  type ErrorTranslator,
  type ImageAdapter,
  type ImageModelSpec,
  type ImageOut,
  type ImageRequest,
  type ImageResult,
  type MediaCallContext,
} from './media';
import { isRecord, type UpstreamErrorKind } from './shared';

const SDXL_SIZES = ['1024x1024', '1152x896', '896x1152', '1216x832', '832x1216', '1344x768', '768x1344', '1536x640', '640x1536'] as const;

export const ASPECT_BY_SIZE: Record<string, string> = {
  '1024x1024': '1:1',
  '1344x768': '16:9',
  '768x1344': '9:16',
  '1216x832': '3:2',
  '832x1216': '2:3',
  '1536x640': '21:9',
  '640x1536': '9:21',
};

const V2_SPEC: ImageModelSpec = {
  sizes: Object.keys(ASPECT_BY_SIZE),
  defaultSize: '1024x1024',
  qualities: ['standard'],
  defaultQuality: 'standard',
  styles: [],
  maxN: 4,
  urls: 'radiant',
  edits: false,
};

const SPECS: Record<string, ImageModelSpec> = {
  'stable-diffusion-xl-1024-v1-0': {
    sizes: SDXL_SIZES,
    defaultSize: '1024x1024',
    qualities: ['standard'],
    defaultQuality: 'standard',
    styles: [],
    maxN: 10,
    urls: 'radiant',
    edits: false,
  },
  'sd3-large': V2_SPEC,
  'stable-image-ultra': V2_SPEC,
};

function classify(parsed: unknown, status: number): UpstreamErrorKind | null {
  if (isRecord(parsed) && parsed.name === 'content_moderation') return 'content_policy';
  if (status === 403 && isRecord(parsed) && typeof parsed.name === 'string' && /moderat/i.test(parsed.name)) return 'content_policy';
  return null;
}

const stabilityError =
  (label: string): ErrorTranslator =>
  (status, text, headers) =>
    genericUpstreamError(label, status, text, headers, classify);

const refused = (label: string) =>
  upstreamError(label, 400, 'content_policy', `The upstream provider (${label}) filtered the generated image under its content policy.`);

function headers(ctx: MediaCallContext, contentType: string): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json', 'content-type': contentType };
  if (ctx.ep.apiKey) h.authorization = `Bearer ${ctx.ep.apiKey}`;
  return h;
}

async function sdxl(req: ImageRequest, ctx: MediaCallContext, deadline: number): Promise<ImageOut[]> {
  const [width, height] = req.size.split('x').map(Number);
  const body = { text_prompts: [{ text: req.prompt, weight: 1 }], width, height, samples: req.n };
  const parsed = await callJson(
    ctx,
    deadline,
    {
      url: `${ctx.ep.baseUrl}/v1/generation/${encodeURIComponent(ctx.providerModelId)}/text-to-image`,
      headers: headers(ctx, 'application/json'),
      body: JSON.stringify(body),
    },
    stabilityError(ctx.providerLabel),
  );
  if (!Array.isArray(parsed.artifacts)) throw invalidUpstream(ctx.providerLabel);
  return parsed.artifacts
    .filter((a): a is Record<string, unknown> => isRecord(a) && a.finishReason === 'SUCCESS' && typeof a.base64 === 'string')
    .map((a) => ({ b64Json: a.base64 as string, url: null, mediaType: 'image/png', revisedPrompt: null }));
}

async function v2(req: ImageRequest, ctx: MediaCallContext, deadline: number): Promise<ImageOut | null> {
  const service = ctx.providerModelId === 'stable-image-ultra' ? 'ultra' : 'sd3';
  const mp = multipartBody([
    { name: 'prompt', value: req.prompt },
    { name: 'aspect_ratio', value: ASPECT_BY_SIZE[req.size] ?? '1:1' },
    { name: 'output_format', value: 'png' },
    ...(service === 'sd3'
      ? [
          { name: 'model', value: ctx.providerModelId },
          { name: 'mode', value: 'text-to-image' },
        ]
      : []),
  ]);
  const parsed = await callJson(
    ctx,
    deadline,
    { url: `${ctx.ep.baseUrl}/v2beta/stable-image/generate/${service}`, headers: headers(ctx, mp.contentType), body: mp.stream(), contentLength: mp.length },
    stabilityError(ctx.providerLabel),
  );
  if (parsed.finish_reason === 'CONTENT_FILTERED') return null;
  if (typeof parsed.image !== 'string' || !parsed.image) throw invalidUpstream(ctx.providerLabel);
  return { b64Json: parsed.image, url: null, mediaType: 'image/png', revisedPrompt: null };
}

export const stabilityImages: ImageAdapter = {
  spec: (id) => SPECS[id] ?? null,

  async generate(req: ImageRequest, ctx: MediaCallContext): Promise<ImageResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const images =
      ctx.providerModelId === 'stable-diffusion-xl-1024-v1-0'
        ? await sdxl(req, ctx, deadline)
        : (await times(req.n, () => v2(req, ctx, deadline))).filter((x): x is ImageOut => x !== null);
    if (images.length === 0) throw refused(ctx.providerLabel);
    return { images, units: { images: images.length } };
  },
};
