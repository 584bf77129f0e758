/**
 * OpenAI images, speech and transcription (providers `openai-images`, `openai-audio`).
 *
 * Reference followed: OpenAI API reference and the official `openai` npm SDK v6
 * (resources/images.ts, resources/audio/speech.ts, resources/audio/transcriptions.ts).
 * Auth: `Authorization: Bearer <OPENAI_API_KEY>`. Base URL ends in /v1.
 *
 * - POST /images/generations, JSON { model, prompt, n, size, quality, style, response_format,
 *   user } -> { created, data: [{ url | b64_json, revised_prompt }] }. dall-e-3 takes n = 1
 *   only (OpenAI answers 400 for more), so n > 1 is refused with a 400 naming `n` before any
 *   call; sizes 1024x1024, 1792x1024, 1024x1792; quality standard | hd; style vivid | natural.
 *   Catalog model `dall-e-3-hd` is not an OpenAI model id: it is sent as model dall-e-3 with
 *   quality hd. `url` answers are OpenAI's signed blob URLs (valid ~60 minutes, need no key):
 *   handed to the client as they are.
 * - POST /images/edits, multipart (image, mask, prompt, model, n, size, response_format). OpenAI
 *   serves edits for dall-e-2 / gpt-image-1 only, not dall-e-3: the spec of our catalog models
 *   says `edits: false`, so the endpoint answers 400 before calling OpenAI. `edit()` is kept for
 *   models that do support it.
 * - POST /audio/speech, JSON { model, input (<= 4096 chars), voice, response_format (mp3, opus,
 *   aac, flac, wav, pcm), speed (0.25-4) } -> audio bytes, chunked as generated: streamed on.
 * - POST /audio/transcriptions, multipart (file, model, language, prompt, response_format,
 *   temperature, timestamp_granularities[]). We always ask for verbose_json (it carries
 *   `duration`, `language`, `segments`, and `words` when asked) and render the client's format
 *   ourselves, identically for every transcription provider. The file is streamed, never held.
 * Errors: { error: { message, type, param, code } }; content-policy refusals carry code
 * `content_policy_violation` (fromOpenAIError recognises them).
 */
import { Readable } from 'node:stream';
import { fromOpenAIError } from './openai-passthrough';
import {
  audioUnits,
  callJson,
  countCharacters,
  download,
  multipartBody,
  send,
  bodyText,
  invalidUpstream,
  retryAfterFrom,
  SPEECH_CONTENT_TYPES,
  type ErrorTranslator,
  type ImageAdapter,
  type ImageEditRequest,
  type ImageModelSpec,
  type ImageOut,
  type ImageRequest,
  type ImageResult,
  type MediaCallContext,
  type SpeechAdapter,
  type SpeechModelSpec,
  type SpeechRequest,
  type SpeechResult,
  type TranscriptionAdapter,
  type TranscriptionRequest,
  type TranscriptionResult,
  type Transcript,
} from './media';
import { isRecord, num } from './shared';
import { TranslatedUpstreamError } from '../errors';

const openAIError =
  (label: string): ErrorTranslator =>
  (status, text, headers) =>
    new TranslatedUpstreamError(fromOpenAIError(status, text, label), retryAfterFrom(headers));

function authHeaders(ctx: MediaCallContext, contentType: string | null): Record<string, string> {
  const h: Record<string, string> = {};
  if (contentType) h['content-type'] = contentType;
  if (ctx.ep.apiKey) h.authorization = `Bearer ${ctx.ep.apiKey}`;
  return h;
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

const DALLE3_SIZES = ['1024x1024', '1792x1024', '1024x1792'] as const;

const IMAGE_SPECS: Record<string, ImageModelSpec> = {
  'dall-e-3': {
    sizes: DALLE3_SIZES,
    defaultSize: '1024x1024',
    qualities: ['standard', 'hd'],
    defaultQuality: 'standard',
    styles: ['vivid', 'natural'],
    maxN: 1,
    urls: 'provider_signed',
    edits: false,
  },
  'dall-e-3-hd': {
    sizes: DALLE3_SIZES,
    defaultSize: '1024x1024',
    qualities: ['hd'],
    defaultQuality: 'hd',
    styles: ['vivid', 'natural'],
    maxN: 1,
    urls: 'provider_signed',
    edits: false,
  },
};

/** Catalog provider model id -> what OpenAI is sent. */
function wireModel(providerModelId: string, quality: string): { model: string; quality: string } {
  if (providerModelId === 'dall-e-3-hd') return { model: 'dall-e-3', quality: 'hd' };
  return { model: providerModelId, quality };
}

function imagesFrom(parsed: Record<string, unknown>, label: string): ImageOut[] {
  if (!Array.isArray(parsed.data)) throw invalidUpstream(label);
  const out: ImageOut[] = [];
  for (const d of parsed.data) {
    if (!isRecord(d)) continue;
    const b64 = typeof d.b64_json === 'string' ? d.b64_json : null;
    const url = typeof d.url === 'string' ? d.url : null;
    if (!b64 && !url) continue;
    out.push({ b64Json: b64, url, mediaType: 'image/png', revisedPrompt: typeof d.revised_prompt === 'string' ? d.revised_prompt : null });
  }
  return out;
}

function checkImages(images: ImageOut[], label: string): ImageResult {
  if (images.length === 0) throw invalidUpstream(label, 'returned no image');
  return { images, units: { images: images.length } };
}

export const openaiImages: ImageAdapter = {
  spec: (id) => IMAGE_SPECS[id] ?? null,

  async generate(req: ImageRequest, ctx: MediaCallContext): Promise<ImageResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const { model, quality } = wireModel(ctx.providerModelId, req.quality);
    const body: Record<string, unknown> = { model, prompt: req.prompt, n: req.n, size: req.size, quality, response_format: req.responseFormat };
    if (req.style) body.style = req.style;
    if (req.user) body.user = req.user;
    const parsed = await callJson(
      ctx,
      deadline,
      { url: `${ctx.ep.baseUrl}/images/generations`, headers: authHeaders(ctx, 'application/json'), body: JSON.stringify(body) },
      openAIError(ctx.providerLabel),
    );
    return checkImages(imagesFrom(parsed, ctx.providerLabel), ctx.providerLabel);
  },

  async edit(req: ImageEditRequest, ctx: MediaCallContext): Promise<ImageResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const { model } = wireModel(ctx.providerModelId, req.quality);
    const asFile = (f: { filename: string; mediaType: string; data: Buffer }) => ({
      filename: f.filename,
      mediaType: f.mediaType,
      size: f.data.length,
      open: () => Readable.from([f.data]),
    });
    const mp = multipartBody([
      { name: 'model', value: model },
      { name: 'prompt', value: req.prompt },
      { name: 'n', value: String(req.n) },
      { name: 'size', value: req.size },
      { name: 'response_format', value: req.responseFormat },
      { name: 'image', file: asFile(req.image) },
      { name: 'mask', file: req.mask ? asFile(req.mask) : null },
    ]);
    const parsed = await callJson(
      ctx,
      deadline,
      { url: `${ctx.ep.baseUrl}/images/edits`, headers: authHeaders(ctx, mp.contentType), body: mp.stream(), contentLength: mp.length },
      openAIError(ctx.providerLabel),
    );
    return checkImages(imagesFrom(parsed, ctx.providerLabel), ctx.providerLabel);
  },
};

/** b64_json for a provider URL (used by adapters whose provider only answers with URLs). */
export async function toB64(ctx: MediaCallContext, deadline: number, url: string): Promise<{ b64Json: string; mediaType: string }> {
  const { data, mediaType } = await download(ctx, deadline, url);
  return { b64Json: data.toString('base64'), mediaType };
}

// ---------------------------------------------------------------------------------------------
// Speech
// ---------------------------------------------------------------------------------------------

export const OPENAI_VOICES = ['alloy', 'ash', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer'] as const;

const TTS_SPEC: SpeechModelSpec = {
  formats: ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'],
  maxChars: 4096,
  speed: { min: 0.25, max: 4 },
  resolveVoice: (v) => ((OPENAI_VOICES as readonly string[]).includes(v) ? v : null),
  voiceNames: OPENAI_VOICES,
};

export const openaiSpeech: SpeechAdapter = {
  spec: (id) => (id === 'tts-1' || id === 'tts-1-hd' ? TTS_SPEC : null),

  async synthesize(req: SpeechRequest, ctx: MediaCallContext): Promise<SpeechResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const body: Record<string, unknown> = { model: ctx.providerModelId, input: req.input, voice: req.voice, response_format: req.responseFormat };
    if (req.speed !== null) body.speed = req.speed;
    const res = await send(ctx, deadline, { url: `${ctx.ep.baseUrl}/audio/speech`, headers: authHeaders(ctx, 'application/json'), body: JSON.stringify(body) });
    if (res.status < 200 || res.status >= 300) {
      const text = (await bodyText(ctx, deadline, res, 1024 * 1024).catch(() => Buffer.alloc(0))).toString('utf8');
      throw openAIError(ctx.providerLabel)(res.status, text, res.headers);
    }
    const ct = res.headers['content-type'];
    return {
      contentType: typeof ct === 'string' && ct.startsWith('audio/') ? ct : SPEECH_CONTENT_TYPES[req.responseFormat],
      body: res.body,
      abort: res.abort,
      units: { characters: countCharacters(req.input) },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Transcription
// ---------------------------------------------------------------------------------------------

function transcriptFromVerbose(p: Record<string, unknown>): Transcript {
  const segments = Array.isArray(p.segments)
    ? p.segments
        .filter(isRecord)
        .map((s, i) => ({ id: typeof s.id === 'number' ? s.id : i, start: num(s.start), end: num(s.end), text: typeof s.text === 'string' ? s.text : '' }))
    : [];
  const words = Array.isArray(p.words)
    ? p.words.filter(isRecord).map((w) => ({ word: typeof w.word === 'string' ? w.word : '', start: num(w.start), end: num(w.end) }))
    : [];
  return {
    text: typeof p.text === 'string' ? p.text : '',
    language: typeof p.language === 'string' ? p.language : null,
    providerDurationSeconds: typeof p.duration === 'number' ? p.duration : null,
    segments,
    words,
  };
}

export const openaiTranscription: TranscriptionAdapter = {
  supports: (id) => id === 'whisper-1',

  async transcribe(req: TranscriptionRequest, ctx: MediaCallContext): Promise<TranscriptionResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const parts = [
      { name: 'model', value: ctx.providerModelId },
      { name: 'response_format', value: 'verbose_json' },
      ...(req.language ? [{ name: 'language', value: req.language }] : []),
      ...(req.prompt ? [{ name: 'prompt', value: req.prompt }] : []),
      ...(req.temperature !== null ? [{ name: 'temperature', value: String(req.temperature) }] : []),
      ...req.timestampGranularities.map((g) => ({ name: 'timestamp_granularities[]', value: g })),
      { name: 'file', file: req.file },
    ];
    const mp = multipartBody(parts);
    const parsed = await callJson(
      ctx,
      deadline,
      { url: `${ctx.ep.baseUrl}/audio/transcriptions`, headers: authHeaders(ctx, mp.contentType), body: mp.stream(), contentLength: mp.length },
      openAIError(ctx.providerLabel),
    );
    const transcript = transcriptFromVerbose(parsed);
    return { transcript, units: audioUnits(req.file, transcript.providerDurationSeconds, ctx.providerLabel) };
  },
};
