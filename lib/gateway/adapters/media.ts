/**
 * The normalized shapes the media adapters (images, speech, transcription) take and return, and
 * the helpers they share: one upstream call with typed failures, bounded task polling, per-model
 * request validation that runs BEFORE any provider is called, and the OpenAI transcription
 * renderings (json, text, verbose_json, srt, vtt).
 *
 * One adapter module per wire format (openai-media, stability, bfl, ideogram, elevenlabs,
 * deepgram, assemblyai), each framework-free: input = a normalized request, the provider's
 * endpoint ({ baseUrl, apiKey }), the provider's model id, an AbortSignal and a deadline; output =
 * a normalized result carrying the measured billing units. Upstream failures are thrown as
 * TranslatedUpstreamError with kind / retryable set, so the gateway's retries, fallbacks and
 * cooldown treat them exactly like chat failures.
 *
 * Billing units (what each result's `units` holds):
 *   - images: the number of images the provider actually returned (filtered / refused images are
 *     not counted; zero images is a content-policy error, never a 0-unit success);
 *   - characters: Unicode code points of the input text (what OpenAI and ElevenLabs bill);
 *   - audio seconds: the uploaded file's duration read by RADIANT from the file's own header
 *     (music-metadata, before the provider is called; the same figure the budget reserved). The
 *     provider's reported duration is kept beside it for cross-checking and is used only when
 *     the caller could not give a header duration. Never zero, never rounded.
 */
import { Readable } from 'node:stream';
import { GatewayError, TranslatedUpstreamError } from '../errors';
import type { ProviderEndpoint } from '../providers';
import { readAll, upstreamRequest, UpstreamConnectionError, type UpstreamResponse } from '../upstream/http-client';
import { buildTranslatedError, isRecord, kindForStatus, parseJsonBody, providerError, type TranslatedError, type UpstreamErrorKind } from './shared';

// ---------------------------------------------------------------------------------------------
// Call context
// ---------------------------------------------------------------------------------------------

export interface MediaCallContext {
  ep: ProviderEndpoint;
  /** CatalogModel.providerModelId */
  providerModelId: string;
  /** Provider display name, used in error messages. */
  providerLabel: string;
  signal: AbortSignal;
  /** Deadline for the whole call, polling included (ms). */
  timeoutMs: number;
  /** Pause between polls of an async task (BFL, AssemblyAI). Default 500 ms. */
  pollIntervalMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Images
// ---------------------------------------------------------------------------------------------

export type ImageResponseFormat = 'url' | 'b64_json';

export interface ImageRequest {
  prompt: string;
  n: number;
  size: string;
  quality: string;
  style: string | null;
  responseFormat: ImageResponseFormat;
  user: string | null;
}

export interface UploadedImage {
  filename: string;
  mediaType: string;
  data: Buffer;
}

/**
 * Where to edit, in OpenAI's terms, decoded once by the endpoint: `edit[i]` is 1 where pixel i
 * (row-major) is fully transparent (alpha 0) in the mask, or in the image when no mask was sent.
 * Adapters whose provider wants another mask format build it from this (Ideogram: black = edit).
 */
export interface EditRegion {
  width: number;
  height: number;
  edit: Uint8Array;
}

export interface ImageEditRequest extends ImageRequest {
  /** The client's PNG, as uploaded. */
  image: UploadedImage;
  /** The client's mask PNG as uploaded (OpenAI's format), or null: the image's own alpha. */
  mask: UploadedImage | null;
  region: EditRegion;
}

/** One image: bytes (base64) or a provider's signed, key-less URL. */
export interface ImageOut {
  b64Json: string | null;
  url: string | null;
  mediaType: string;
  revisedPrompt: string | null;
}

export interface ImageResult {
  images: ImageOut[];
  units: { images: number };
}

/**
 * What a model accepts. `urls`: 'provider_signed' = the provider answers with a signed URL that
 * needs no key (handed to the client as is); 'radiant' = the provider gives bytes only, so a
 * `url` answer is served by RADIANT (lib/gateway/media/image-store.ts).
 */
export interface ImageModelSpec {
  sizes: readonly string[];
  defaultSize: string;
  qualities: readonly string[];
  defaultQuality: string;
  styles: readonly string[];
  maxN: number;
  urls: 'provider_signed' | 'radiant';
  /** false: no /images/edits for this model. `sizes: 'input'`: an edit keeps the input image's size. */
  edits: false | { sizes: 'input' | readonly string[] };
}

export interface ImageAdapter {
  /** null: the provider cannot serve this model id. */
  spec(providerModelId: string): ImageModelSpec | null;
  generate(req: ImageRequest, ctx: MediaCallContext): Promise<ImageResult>;
  edit?(req: ImageEditRequest, ctx: MediaCallContext): Promise<ImageResult>;
}

const badParam = (param: string, message: string) => new GatewayError(400, 'invalid_value', message, { param });

/**
 * Validates an images/generations (or edits) body against a model's spec; every failure is a
 * 400 naming the field. Runs before any provider is called.
 */
export function validateImageRequest(body: unknown, spec: ImageModelSpec, modelName: string): ImageRequest {
  if (!isRecord(body)) throw badParam('prompt', 'The request body must be a JSON object.');
  const prompt = body.prompt;
  if (typeof prompt !== 'string' || prompt.trim() === '') throw badParam('prompt', "'prompt' is required and must be a non-empty string.");
  if (prompt.length > 4000) throw badParam('prompt', `'prompt' is too long: ${prompt.length} characters, at most 4000.`);
  let n = 1;
  if (body.n !== undefined && body.n !== null) {
    const v = typeof body.n === 'string' && /^\d+$/.test(body.n) ? Number(body.n) : body.n;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw badParam('n', "'n' must be an integer of at least 1.");
    if (v > spec.maxN) {
      throw badParam(
        'n',
        spec.maxN === 1
          ? `The model '${modelName}' generates one image per request: 'n' must be 1.`
          : `The model '${modelName}' generates at most ${spec.maxN} images per request: 'n' must be between 1 and ${spec.maxN}.`,
      );
    }
    n = v;
  }
  const size = body.size === undefined || body.size === null || body.size === 'auto' ? spec.defaultSize : body.size;
  if (typeof size !== 'string' || !spec.sizes.includes(size)) {
    throw badParam('size', `The size '${String(size)}' is not supported by the model '${modelName}'. Supported sizes: ${spec.sizes.join(', ')}.`);
  }
  const quality = body.quality === undefined || body.quality === null || body.quality === 'auto' ? spec.defaultQuality : body.quality;
  if (typeof quality !== 'string' || !spec.qualities.includes(quality)) {
    throw badParam('quality', `The quality '${String(quality)}' is not supported by the model '${modelName}'. Supported: ${spec.qualities.join(', ')}.`);
  }
  let style: string | null = null;
  if (body.style !== undefined && body.style !== null) {
    if (typeof body.style !== 'string' || !spec.styles.includes(body.style)) {
      throw badParam(
        'style',
        spec.styles.length
          ? `The style '${String(body.style)}' is not supported by the model '${modelName}'. Supported: ${spec.styles.join(', ')}.`
          : `The model '${modelName}' does not take a 'style'.`,
      );
    }
    style = body.style;
  }
  const rf = body.response_format ?? 'url';
  if (rf !== 'url' && rf !== 'b64_json') throw badParam('response_format', "'response_format' must be 'url' or 'b64_json'.");
  let user: string | null = null;
  if (body.user !== undefined && body.user !== null) {
    if (typeof body.user !== 'string') throw badParam('user', "'user' must be a string.");
    user = body.user;
  }
  return { prompt, n, size, quality, style, responseFormat: rf, user };
}

/**
 * Validates the fields of an images/edits request against a model's edit spec (the same checks
 * as generations, except `size`: one of the edit sizes, or the input image's own size where the
 * provider keeps it). Every failure is a 400 naming the field, before any provider is called.
 */
export function validateImageEditRequest(
  fields: Record<string, unknown>,
  spec: ImageModelSpec,
  modelName: string,
  files: { image: UploadedImage; mask: UploadedImage | null; region: EditRegion },
): ImageEditRequest {
  if (!spec.edits) {
    throw new GatewayError(400, 'model_not_supported', `The model '${modelName}' does not support image editing through this API.`, { param: 'model' });
  }
  const { size: asked, ...rest } = fields;
  const base = validateImageRequest(rest, spec, modelName);
  const inputSize = `${files.region.width}x${files.region.height}`;
  const sizes = spec.edits.sizes === 'input' ? [inputSize] : spec.edits.sizes;
  const size = asked === undefined || asked === null || asked === '' || asked === 'auto' ? sizes[0]! : asked;
  if (typeof size !== 'string' || !sizes.includes(size)) {
    throw badParam(
      'size',
      spec.edits.sizes === 'input'
        ? `The model '${modelName}' edits an image at its own size (${inputSize}): 'size' must be omitted, 'auto' or '${inputSize}'.`
        : `The size '${String(size)}' is not supported for edits by the model '${modelName}'. Supported sizes: ${sizes.join(', ')}.`,
    );
  }
  return { ...base, size, image: files.image, mask: files.mask, region: files.region };
}

// ---------------------------------------------------------------------------------------------
// Speech
// ---------------------------------------------------------------------------------------------

export const SPEECH_FORMATS = ['mp3', 'opus', 'aac', 'flac', 'wav', 'pcm'] as const;
export type SpeechFormat = (typeof SPEECH_FORMATS)[number];

export const SPEECH_CONTENT_TYPES: Record<SpeechFormat, string> = {
  mp3: 'audio/mpeg',
  opus: 'audio/ogg',
  aac: 'audio/aac',
  flac: 'audio/flac',
  wav: 'audio/wav',
  pcm: 'audio/pcm',
};

export interface SpeechRequest {
  input: string;
  /** The provider's voice id (already resolved from the client's name). */
  voice: string;
  responseFormat: SpeechFormat;
  speed: number | null;
}

export interface SpeechModelSpec {
  formats: readonly SpeechFormat[];
  maxChars: number;
  speed: { min: number; max: number } | null;
  /** The client's voice -> the provider's voice id; null = unknown voice. */
  resolveVoice(voice: string): string | null;
  /** Voice names listed in the 400 for an unknown voice. */
  voiceNames: readonly string[];
}

export interface SpeechResult {
  contentType: string;
  /** The provider's audio, as it arrives. */
  body: Readable;
  abort(): void;
  units: { characters: number };
}

export interface SpeechAdapter {
  spec(providerModelId: string): SpeechModelSpec | null;
  synthesize(req: SpeechRequest, ctx: MediaCallContext): Promise<SpeechResult>;
}

/** Characters as billed: Unicode code points. */
export function countCharacters(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function validateSpeechRequest(body: unknown, spec: SpeechModelSpec, modelName: string): SpeechRequest {
  if (!isRecord(body)) throw badParam('input', 'The request body must be a JSON object.');
  const input = body.input;
  if (typeof input !== 'string' || input.length === 0) throw badParam('input', "'input' is required and must be a non-empty string.");
  const chars = countCharacters(input);
  if (chars > spec.maxChars) throw badParam('input', `'input' is too long for '${modelName}': ${chars} characters, at most ${spec.maxChars}.`);
  if (typeof body.voice !== 'string' || body.voice === '') throw badParam('voice', "'voice' is required.");
  const voice = spec.resolveVoice(body.voice);
  if (!voice) throw badParam('voice', `The voice '${body.voice}' is not available for '${modelName}'. Voices: ${spec.voiceNames.join(', ')}.`);
  const rf = body.response_format ?? 'mp3';
  if (typeof rf !== 'string' || !spec.formats.includes(rf as SpeechFormat)) {
    throw badParam('response_format', `The response_format '${String(rf)}' is not supported by '${modelName}'. Supported: ${spec.formats.join(', ')}.`);
  }
  let speed: number | null = null;
  if (body.speed !== undefined && body.speed !== null) {
    if (!spec.speed) throw badParam('speed', `The model '${modelName}' does not take a 'speed'.`);
    if (typeof body.speed !== 'number' || !Number.isFinite(body.speed) || body.speed < spec.speed.min || body.speed > spec.speed.max) {
      throw badParam('speed', `'speed' must be a number between ${spec.speed.min} and ${spec.speed.max} for '${modelName}'.`);
    }
    speed = body.speed;
  }
  return { input, voice, responseFormat: rf as SpeechFormat, speed };
}

// ---------------------------------------------------------------------------------------------
// Transcription
// ---------------------------------------------------------------------------------------------

export const TRANSCRIPTION_FORMATS = ['json', 'text', 'verbose_json', 'srt', 'vtt'] as const;
export type TranscriptionFormat = (typeof TRANSCRIPTION_FORMATS)[number];

/** An uploaded audio file (on disk or in memory); `open()` may be called once per attempt. */
export interface AudioFile {
  filename: string;
  mediaType: string;
  size: number;
  open(): Readable;
  /** Duration read from the file's own header by RADIANT; null when unknown. */
  durationSeconds: number | null;
}

export interface TranscriptionRequest {
  file: AudioFile;
  language: string | null;
  prompt: string | null;
  responseFormat: TranscriptionFormat;
  temperature: number | null;
  timestampGranularities: Array<'word' | 'segment'>;
}

export interface TranscriptSegment {
  id: number;
  start: number;
  end: number;
  text: string;
}

export interface TranscriptWord {
  word: string;
  start: number;
  end: number;
}

export interface Transcript {
  text: string;
  language: string | null;
  /** What the provider reported, when it did. */
  providerDurationSeconds: number | null;
  segments: TranscriptSegment[];
  words: TranscriptWord[];
}

export interface TranscriptionResult {
  transcript: Transcript;
  units: { audioSeconds: number; source: 'header' | 'provider' };
}

export interface TranscriptionAdapter {
  supports(providerModelId: string): boolean;
  transcribe(req: TranscriptionRequest, ctx: MediaCallContext): Promise<TranscriptionResult>;
}

/** Header duration first (what RADIANT measured and reserved), else the provider's report. */
export function audioUnits(file: AudioFile, providerSeconds: number | null, label: string): TranscriptionResult['units'] {
  if (file.durationSeconds !== null && file.durationSeconds > 0) return { audioSeconds: file.durationSeconds, source: 'header' };
  if (providerSeconds !== null && providerSeconds > 0) return { audioSeconds: providerSeconds, source: 'provider' };
  throw invalidUpstream(label, 'reported no audio duration');
}

/** Groups words into segments at sentence ends (., ?, !) or every 30 words. */
export function segmentsFromWords(words: TranscriptWord[]): TranscriptSegment[] {
  const out: TranscriptSegment[] = [];
  let cur: TranscriptWord[] = [];
  const flush = () => {
    if (!cur.length) return;
    out.push({ id: out.length, start: cur[0]!.start, end: cur[cur.length - 1]!.end, text: cur.map((w) => w.word).join(' ') });
    cur = [];
  };
  for (const w of words) {
    cur.push(w);
    if (/[.?!]$/.test(w.word) || cur.length >= 30) flush();
  }
  flush();
  return out;
}

function stamp(sec: number, sep: ',' | '.'): string {
  const ms = Math.max(0, Math.round(sec * 1000));
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (v: number, w = 2) => String(v).padStart(w, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${sep}${pad(ms % 1000, 3)}`;
}

/** The client's answer in OpenAI's transcription shape for the requested format. */
export function renderTranscription(
  t: Transcript,
  format: TranscriptionFormat,
  audioSeconds: number,
  granularities: Array<'word' | 'segment'> = ['segment'],
): { contentType: string; body: string } {
  const segments = t.segments.length ? t.segments : t.text ? [{ id: 0, start: 0, end: audioSeconds, text: t.text }] : [];
  switch (format) {
    case 'json':
      return { contentType: 'application/json', body: JSON.stringify({ text: t.text, usage: { type: 'duration', seconds: audioSeconds } }) };
    case 'text':
      return { contentType: 'text/plain; charset=utf-8', body: t.text + '\n' };
    case 'verbose_json': {
      const out: Record<string, unknown> = { task: 'transcribe', language: t.language ?? 'unknown', duration: audioSeconds, text: t.text };
      if (granularities.includes('segment') || !granularities.length) {
        out.segments = segments.map((s) => ({
          id: s.id,
          seek: 0,
          start: s.start,
          end: s.end,
          text: s.text,
          tokens: [],
          temperature: 0,
          avg_logprob: 0,
          compression_ratio: 0,
          no_speech_prob: 0,
        }));
      }
      if (granularities.includes('word')) out.words = t.words.map((w) => ({ word: w.word, start: w.start, end: w.end }));
      out.usage = { type: 'duration', seconds: audioSeconds };
      return { contentType: 'application/json', body: JSON.stringify(out) };
    }
    case 'srt':
      return {
        contentType: 'text/plain; charset=utf-8',
        body: segments.map((s, i) => `${i + 1}\n${stamp(s.start, ',')} --> ${stamp(s.end, ',')}\n${s.text.trim()}\n`).join('\n'),
      };
    case 'vtt':
      return {
        contentType: 'text/vtt; charset=utf-8',
        body: 'WEBVTT\n\n' + segments.map((s) => `${stamp(s.start, '.')} --> ${stamp(s.end, '.')}\n${s.text.trim()}\n`).join('\n'),
      };
  }
}

// ---------------------------------------------------------------------------------------------
// Upstream calls, errors, polling
// ---------------------------------------------------------------------------------------------

/** Retry-After (seconds or HTTP date) or retry-after-ms, in ms. */
export function retryAfterFrom(headers: Record<string, string | string[] | undefined>): number | null {
  const ms = headers['retry-after-ms'];
  if (typeof ms === 'string' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const ra = headers['retry-after'];
  if (typeof ra === 'string' && ra !== '') {
    const n = Number(ra);
    if (Number.isFinite(n)) return Math.max(0, n * 1000);
    const d = Date.parse(ra);
    if (Number.isFinite(d)) return Math.max(0, d - Date.now());
  }
  return null;
}

/** The message of an error body in any of the shapes our providers use. */
export function errorMessageOf(parsed: unknown): string {
  if (!isRecord(parsed)) return '';
  const e = parsed.error;
  if (typeof e === 'string') return e;
  if (isRecord(e) && typeof e.message === 'string') return e.message;
  if (typeof parsed.message === 'string') return parsed.message;
  if (typeof parsed.err_msg === 'string') return parsed.err_msg;
  if (Array.isArray(parsed.errors)) return parsed.errors.filter((x) => typeof x === 'string').join('; ');
  const d = parsed.detail;
  if (typeof d === 'string') return d;
  if (isRecord(d) && typeof d.message === 'string') return d.message;
  if (Array.isArray(d)) {
    return d
      .map((x) => (isRecord(x) ? `${Array.isArray(x.loc) ? x.loc.join('.') + ': ' : ''}${typeof x.msg === 'string' ? x.msg : ''}` : ''))
      .filter(Boolean)
      .join('; ');
  }
  return '';
}

export function upstreamError(
  label: string,
  status: number,
  kind: UpstreamErrorKind,
  message: string,
  retryAfterMs: number | null = null,
  param: string | null = null,
): TranslatedUpstreamError {
  const t: TranslatedError = buildTranslatedError(status, kind, message, label);
  if (param && t.body.error) t.body.error.param = param;
  return new TranslatedUpstreamError(t, retryAfterMs);
}

/** Generic translation: status -> kind, message from the body, Retry-After kept. */
export function genericUpstreamError(
  label: string,
  status: number,
  text: string,
  headers: Record<string, string | string[] | undefined>,
  classify?: (parsed: unknown, status: number) => UpstreamErrorKind | null,
): TranslatedUpstreamError {
  const parsed = parseJsonBody(text);
  const kind = classify?.(parsed, status) ?? kindForStatus(status);
  return providerUpstreamError(label, status, kind, { type: errorTypeOf(parsed), message: errorMessageOf(parsed) }, retryAfterFrom(headers));
}

/** A provider's own error (its message kept for admins; tenants get our wording: shared.ts `providerError`). */
export function providerUpstreamError(
  label: string,
  status: number,
  kind: UpstreamErrorKind,
  detail: { type?: unknown; message: string },
  retryAfterMs: number | null = null,
  param: string | null = null,
): TranslatedUpstreamError {
  const t = providerError(status, kind, detail, label);
  if (param && t.body.error) t.body.error.param = param;
  return new TranslatedUpstreamError(t, retryAfterMs);
}

/** The provider's error type or code where its body names one. */
function errorTypeOf(parsed: unknown): string | null {
  if (!isRecord(parsed)) return null;
  const e = parsed.error;
  if (isRecord(e)) return typeof e.type === 'string' ? e.type : typeof e.code === 'string' ? e.code : null;
  const d = parsed.detail;
  if (isRecord(d) && typeof d.status === 'string') return d.status;
  return typeof parsed.code === 'string' ? parsed.code : typeof parsed.type === 'string' ? parsed.type : null;
}

export function invalidUpstream(label: string, what = 'sent an invalid response'): TranslatedUpstreamError {
  return upstreamError(label, 502, 'server', `The upstream provider (${label}) ${what}.`);
}

function fromConnection(err: UpstreamConnectionError, label: string): TranslatedUpstreamError {
  if (err.kind === 'timeout') {
    const t = upstreamError(label, 504, 'timeout', `The upstream provider (${label}) did not answer in time.`);
    t.translated.transport = 'timeout';
    return t;
  }
  const e = upstreamError(label, 502, 'server', `Could not reach the upstream provider (${label}).`);
  e.translated.retryable = true;
  e.translated.transport = 'connection';
  return e;
}

/**
 * Once a task was accepted (BFL, AssemblyAI), a failure while waiting for it is never retried:
 * the provider may still finish and bill the task. A timeout becomes the polling deadline error.
 */
export async function afterSubmit<T>(label: string, what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof TranslatedUpstreamError) {
      if (err.translated.kind === 'timeout') throw pollingDeadline(label, what);
      err.translated.retryable = false;
    }
    throw err;
  }
}

export interface MediaHttpRequest {
  method?: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer | Readable;
  contentLength?: number;
}

/** Sends a request; connection failures become TranslatedUpstreamError, a client abort stays as is. */
export async function send(ctx: MediaCallContext, deadline: number, r: MediaHttpRequest): Promise<UpstreamResponse> {
  try {
    return await upstreamRequest({
      url: r.url,
      method: r.method ?? 'POST',
      headers: r.headers,
      body: r.body,
      contentLength: r.contentLength,
      timeoutMs: Math.max(1, deadline - Date.now()),
      signal: ctx.signal,
    });
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw fromConnection(err, ctx.providerLabel);
    throw err;
  }
}

export async function bodyText(ctx: MediaCallContext, deadline: number, res: UpstreamResponse, limit = 64 * 1024 * 1024): Promise<Buffer> {
  try {
    return await readAll(res, Math.max(1, deadline - Date.now()), ctx.signal, limit);
  } catch (err) {
    if (err instanceof UpstreamConnectionError && err.kind !== 'aborted') throw fromConnection(err, ctx.providerLabel);
    throw err;
  }
}

export type ErrorTranslator = (status: number, text: string, headers: Record<string, string | string[] | undefined>) => TranslatedUpstreamError;

/**
 * One request whose answer is read whole. Non-2xx answers go through `onError`; a 2xx answer is
 * returned as the raw buffer and response headers.
 */
export async function callUpstream(
  ctx: MediaCallContext,
  deadline: number,
  r: MediaHttpRequest,
  onError: ErrorTranslator,
): Promise<{ status: number; headers: UpstreamResponse['headers']; body: Buffer }> {
  const res = await send(ctx, deadline, r);
  if (res.status < 200 || res.status >= 300) {
    let text = '';
    try {
      text = (await bodyText(ctx, deadline, res, 1024 * 1024)).toString('utf8');
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      /* the status alone decides */
    }
    throw onError(res.status, text, res.headers);
  }
  return { status: res.status, headers: res.headers, body: await bodyText(ctx, deadline, res) };
}

export async function callJson(ctx: MediaCallContext, deadline: number, r: MediaHttpRequest, onError: ErrorTranslator): Promise<Record<string, unknown>> {
  const res = await callUpstream(ctx, deadline, r, onError);
  const parsed = parseJsonBody(res.body.toString('utf8'));
  if (!isRecord(parsed)) throw invalidUpstream(ctx.providerLabel);
  return parsed;
}

/** Waits `ms` unless the client goes away first. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new UpstreamConnectionError('client went away', 'aborted'));
    const t = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new UpstreamConnectionError('client went away', 'aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * create -> poll -> result, inside the request (BFL, AssemblyAI): calls `check` until it returns
 * the result (undefined: still running), pausing between polls. The pause starts at
 * `pollIntervalMs` (default 500 ms) and grows by half each time up to four times that, so a long
 * task costs fewer polls; the deadline ends it with `pollingDeadline` (not retried).
 */
export async function pollTask<T>(ctx: MediaCallContext, deadline: number, what: string, check: () => Promise<T | undefined>): Promise<T> {
  const first = ctx.pollIntervalMs ?? 500;
  let interval = first;
  for (;;) {
    const done = await check();
    if (done !== undefined) return done;
    if (Date.now() + interval >= deadline) throw pollingDeadline(ctx.providerLabel, what);
    await pause(interval, ctx.signal);
    interval = Math.min(Math.round(interval * 1.5), first * 4);
  }
}

/**
 * The task was accepted but did not finish before the deadline. Not retryable: the provider may
 * still finish (and bill) it, so running it again elsewhere would pay twice.
 */
export function pollingDeadline(label: string, what: string): TranslatedUpstreamError {
  const e = upstreamError(label, 504, 'timeout', `The upstream provider (${label}) did not finish the ${what} in time.`);
  e.translated.retryable = false;
  return e;
}

/** Downloads a provider's signed (key-less) delivery URL, e.g. to answer b64_json. */
export async function download(ctx: MediaCallContext, deadline: number, url: string): Promise<{ data: Buffer; mediaType: string }> {
  const res = await callUpstream(ctx, deadline, { method: 'GET', url, headers: { accept: 'image/*' } }, (status, text, headers) =>
    genericUpstreamError(ctx.providerLabel, status, text, headers),
  );
  const ct = res.headers['content-type'];
  return { data: res.body, mediaType: typeof ct === 'string' ? ct.split(';')[0]!.trim() : 'image/png' };
}

/**
 * Runs `n` copies of a one-image call concurrently (providers that make one image per request).
 * The images that were made are returned (and metered) even when a sibling failed; only when
 * every call failed is the first failure thrown.
 */
export async function times<T>(n: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const settled = await Promise.allSettled(Array.from({ length: n }, (_, i) => fn(i)));
  const ok = settled.filter((s): s is PromiseFulfilledResult<Awaited<T>> => s.status === 'fulfilled').map((s) => s.value);
  if (ok.length === 0) throw (settled[0] as PromiseRejectedResult).reason;
  return ok;
}

/** A ready multipart/form-data body: fields first, then files (streams allowed), with its length. */
export interface MultipartPart {
  name: string;
  value?: string;
  file?: { filename: string; mediaType: string; size: number; open(): Readable } | null;
}

export function multipartBody(parts: MultipartPart[]): { contentType: string; length: number; stream: () => Readable } {
  const boundary = `----radiant${Math.random().toString(16).slice(2)}${Date.now().toString(16)}`;
  const segments: Array<Buffer | MultipartPart['file']> = [];
  let length = 0;
  for (const p of parts) {
    if (p.file) {
      const head = Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"; filename="${p.file.filename.replace(/["\r\n]/g, '_')}"\r\nContent-Type: ${p.file.mediaType}\r\n\r\n`,
      );
      segments.push(head, p.file, Buffer.from('\r\n'));
      length += head.length + p.file.size + 2;
    } else if (p.value !== undefined) {
      const b = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`);
      segments.push(b);
      length += b.length;
    }
  }
  const tail = Buffer.from(`--${boundary}--\r\n`);
  segments.push(tail);
  length += tail.length;
  const stream = (): Readable => {
    async function* gen() {
      for (const s of segments) {
        if (Buffer.isBuffer(s)) yield s;
        else if (s) for await (const c of s.open()) yield c as Buffer;
      }
    }
    return Readable.from(gen(), { objectMode: false });
  };
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, stream };
}
