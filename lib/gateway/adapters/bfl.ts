/**
 * Black Forest Labs' own FLUX API (provider `flux`, wire format 'bfl').
 *
 * Reference followed: BFL API reference (docs.bfl.ai, OpenAPI at https://api.bfl.ai/openapi.json).
 * Base URL is the API root (https://api.bfl.ai); auth header `x-key: <BFL_API_KEY>`.
 *
 * - Submit: POST /v1/flux-pro-1.1 JSON { prompt, width, height (multiples of 32, 256-1440),
 *   output_format, prompt_upsampling, safety_tolerance } or POST /v1/flux-pro-1.1-ultra JSON
 *   { prompt, aspect_ratio ("16:9" ...), output_format, raw } -> { id, polling_url }.
 * - Poll: GET polling_url (x-key) -> { id, status: Pending | Ready | Error | "Request Moderated" |
 *   "Content Moderated" | "Task not found", result: { sample, prompt, seed, ... } | null }, until
 *   Ready, within the request's deadline (bounded wait; media.ts pollTask: the pause starts at
 *   MediaCallContext.pollIntervalMs, default 500 ms, and grows to at most four times that). The key is sent only to a polling URL on
 *   the base URL's host or a *.bfl.ai host; any other host is replaced by GET /v1/get_result?id=.
 * - `result.sample` is BFL's signed delivery URL (expires after 10 minutes, needs no key): it is
 *   handed to the client as the `url` (spec.urls 'provider_signed'); for `b64_json` RADIANT
 *   downloads it.
 * - One image per task: n > 1 submits n tasks concurrently (max 4).
 * - Errors: FastAPI shape { detail: string | [{ loc, msg, type }] }: 422 validation, 403 "Not
 *   authenticated" (bad key), 402 insufficient credits, 429 too many active tasks. A moderated
 *   task is a content-policy refusal.
 * flux-schnell is not on BFL's API (it is an open-weight model BFL does not host): spec() is null
 * for it, and the catalog does not offer it (lib/catalog/not-served.ts).
 */
import {
  afterSubmit,
  callJson,
  genericUpstreamError,
  invalidUpstream,
  pollTask,
  times,
  upstreamError,
  type ErrorTranslator,
  type ImageAdapter,
  type ImageModelSpec,
  type ImageOut,
  type ImageRequest,
  type ImageResult,
  type MediaCallContext,
} from './media';
import { toB64 } from './openai-media';
import { ASPECT_BY_SIZE } from './stability';

const PRO_SIZES = ['1024x1024', '1344x768', '768x1344', '1216x832', '832x1216'] as const;

const SPECS: Record<string, ImageModelSpec> = {
  'flux-pro-1.1': {
    sizes: PRO_SIZES,
    defaultSize: '1024x1024',
    qualities: ['standard'],
    defaultQuality: 'standard',
    styles: [],
    maxN: 4,
    urls: 'provider_signed',
    edits: false,
  },
  'flux-pro-1.1-ultra': {
    sizes: PRO_SIZES,
    defaultSize: '1024x1024',
    qualities: ['standard'],
    defaultQuality: 'standard',
    styles: [],
    maxN: 4,
    urls: 'provider_signed',
    edits: false,
  },
};

const bflError =
  (label: string): ErrorTranslator =>
  (status, text, headers) =>
    genericUpstreamError(label, status, text, headers);

function keyHeaders(ctx: MediaCallContext, json: boolean): Record<string, string> {
  const h: Record<string, string> = { accept: 'application/json' };
  if (json) h['content-type'] = 'application/json';
  if (ctx.ep.apiKey) h['x-key'] = ctx.ep.apiKey;
  return h;
}

/** Where to poll: BFL's polling_url when it is on a host we may send the key to. */
export function pollUrlFor(baseUrl: string, id: string, pollingUrl: unknown): string {
  const fallback = `${baseUrl}/v1/get_result?id=${encodeURIComponent(id)}`;
  if (typeof pollingUrl !== 'string') return fallback;
  try {
    const u = new URL(pollingUrl);
    const base = new URL(baseUrl);
    if (u.host === base.host || (u.protocol === 'https:' && (u.hostname === 'bfl.ai' || u.hostname.endsWith('.bfl.ai')))) return u.toString();
  } catch {
    /* not a URL */
  }
  return fallback;
}

async function one(req: ImageRequest, ctx: MediaCallContext, deadline: number): Promise<ImageOut> {
  const label = ctx.providerLabel;
  const body: Record<string, unknown> =
    ctx.providerModelId === 'flux-pro-1.1-ultra'
      ? { prompt: req.prompt, aspect_ratio: ASPECT_BY_SIZE[req.size] ?? '1:1', output_format: 'png', raw: false }
      : (() => {
          const [width, height] = req.size.split('x').map(Number);
          return { prompt: req.prompt, width, height, output_format: 'png', prompt_upsampling: false };
        })();
  const task = await callJson(
    ctx,
    deadline,
    { url: `${ctx.ep.baseUrl}/v1/${ctx.providerModelId}`, headers: keyHeaders(ctx, true), body: JSON.stringify(body) },
    bflError(label),
  );
  if (typeof task.id !== 'string') throw invalidUpstream(label);
  const pollUrl = pollUrlFor(ctx.ep.baseUrl, task.id, task.polling_url);
  return afterSubmit(label, 'image', () => poll(req, ctx, deadline, pollUrl));
}

function poll(req: ImageRequest, ctx: MediaCallContext, deadline: number, pollUrl: string): Promise<ImageOut> {
  const label = ctx.providerLabel;
  return pollTask(ctx, deadline, 'image', async () => {
    const r = await callJson(ctx, deadline, { method: 'GET', url: pollUrl, headers: keyHeaders(ctx, false) }, bflError(label));
    const status = r.status;
    if (status === 'Ready') {
      const result = r.result as Record<string, unknown> | null | undefined;
      const sample = result && typeof result.sample === 'string' ? result.sample : null;
      if (!sample) throw invalidUpstream(label, 'reported a finished task without an image');
      if (req.responseFormat === 'b64_json') {
        const { b64Json, mediaType } = await toB64(ctx, deadline, sample);
        return { b64Json, url: null, mediaType, revisedPrompt: null };
      }
      return { b64Json: null, url: sample, mediaType: 'image/png', revisedPrompt: null };
    }
    if (status === 'Request Moderated' || status === 'Content Moderated') {
      throw upstreamError(label, 400, 'content_policy', `The upstream provider (${label}) refused the request under its content policy (${status}).`);
    }
    if (status === 'Error' || status === 'Task not found') {
      throw upstreamError(label, 502, 'server', `The upstream provider (${label}) failed the generation task (${status}).`);
    }
    return undefined;
  });
}

export const bflImages: ImageAdapter = {
  spec: (id) => SPECS[id] ?? null,

  async generate(req: ImageRequest, ctx: MediaCallContext): Promise<ImageResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const images = await times(req.n, () => one(req, ctx, deadline));
    return { images, units: { images: images.length } };
  },
};
