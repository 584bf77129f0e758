/**
 * AssemblyAI transcription (provider `assemblyai`, wire format 'assemblyai').
 *
 * Reference followed: AssemblyAI API reference (Upload a media file, Transcribe audio, Get
 * transcript) and the official assemblyai-node-sdk. Base URL ends in /v2; auth header
 * `authorization: <ASSEMBLYAI_API_KEY>` (the bare key, no scheme).
 *
 * 1. POST /upload, raw bytes (application/octet-stream), streamed from the upload -> { upload_url }.
 * 2. POST /transcript, JSON { audio_url, speech_model: "best", punctuate, format_text,
 *    language_code | language_detection: true } -> { id, status: "queued", ... }.
 * 3. GET /transcript/{id} until status is `completed` or `error` (bounded by the request's
 *    deadline; media.ts pollTask: from MediaCallContext.pollIntervalMs, default 500 ms, growing) -> { status, text,
 *    words: [{ text, start, end, confidence }] (milliseconds), language_code, audio_duration
 *    (seconds), error }.
 * `prompt` and `temperature` have no AssemblyAI equivalent and are not sent.
 * Errors: { error: string } with 400 / 401 ("Authentication error, API token missing/invalid") /
 * 429 / 5xx. A transcript that ends in `error` because of the file (no audio, unsupported format)
 * is the client's fault (400, not retried); any other task error is a retryable provider failure.
 * Units: audio seconds from the file header (audio_duration kept as the provider's figure).
 */
import {
  afterSubmit,
  audioUnits,
  callJson,
  genericUpstreamError,
  invalidUpstream,
  pollTask,
  segmentsFromWords,
  providerUpstreamError,
  type ErrorTranslator,
  type MediaCallContext,
  type TranscriptionAdapter,
  type TranscriptionRequest,
  type TranscriptionResult,
} from './media';
import { isRecord, num } from './shared';

const aaiError =
  (label: string): ErrorTranslator =>
  (status, text, headers) =>
    genericUpstreamError(label, status, text, headers);

export const assemblyaiTranscription: TranscriptionAdapter = {
  supports: (id) => id === 'best',

  async transcribe(req: TranscriptionRequest, ctx: MediaCallContext): Promise<TranscriptionResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const label = ctx.providerLabel;
    const auth: Record<string, string> = ctx.ep.apiKey ? { authorization: ctx.ep.apiKey } : {};
    const up = await callJson(
      ctx,
      deadline,
      {
        url: `${ctx.ep.baseUrl}/upload`,
        headers: { ...auth, 'content-type': 'application/octet-stream' },
        body: req.file.open(),
        contentLength: req.file.size,
      },
      aaiError(label),
    );
    if (typeof up.upload_url !== 'string') throw invalidUpstream(label);
    const create: Record<string, unknown> = {
      audio_url: up.upload_url,
      speech_model: ctx.providerModelId,
      punctuate: true,
      format_text: true,
    };
    if (req.language) create.language_code = req.language;
    else create.language_detection = true;
    const job = await callJson(
      ctx,
      deadline,
      {
        url: `${ctx.ep.baseUrl}/transcript`,
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(create),
      },
      aaiError(label),
    );
    if (typeof job.id !== 'string') throw invalidUpstream(label);
    const id = job.id;
    return afterSubmit(label, 'transcription', () => poll(req, ctx, deadline, id, auth));
  },
};

async function poll(
  req: TranscriptionRequest,
  ctx: MediaCallContext,
  deadline: number,
  id: string,
  auth: Record<string, string>,
): Promise<TranscriptionResult> {
  const label = ctx.providerLabel;
  return pollTask(ctx, deadline, 'transcription', async () => {
    const t = await callJson(
      ctx,
      deadline,
      {
        method: 'GET',
        url: `${ctx.ep.baseUrl}/transcript/${encodeURIComponent(id)}`,
        headers: auth,
      },
      aaiError(label),
    );
    if (t.status === 'completed') {
      const words = Array.isArray(t.words)
        ? t.words.filter(isRecord).map((w) => ({
            word: typeof w.text === 'string' ? w.text : '',
            start: num(w.start) / 1000,
            end: num(w.end) / 1000,
          }))
        : [];
      const providerDurationSeconds = typeof t.audio_duration === 'number' ? t.audio_duration : null;
      const transcript = {
        text: typeof t.text === 'string' ? t.text : '',
        language: typeof t.language_code === 'string' ? t.language_code : req.language,
        providerDurationSeconds,
        segments: segmentsFromWords(words),
        words,
      };
      return {
        transcript,
        units: audioUnits(req.file, providerDurationSeconds, label),
      };
    }
    if (t.status === 'error') {
      const msg = typeof t.error === 'string' ? t.error : 'transcription failed';
      if (/audio|file|format|transcod|duration|decode/i.test(msg)) throw providerUpstreamError(label, 400, 'invalid_request', { message: msg }, null, 'file');
      throw providerUpstreamError(label, 502, 'server', { message: msg });
    }
    return undefined;
  });
}
