/**
 * Deepgram pre-recorded transcription (provider `deepgram`, wire format 'deepgram').
 *
 * Reference followed: Deepgram API reference ("Transcribe pre-recorded audio", POST /v1/listen)
 * and the official deepgram-js-sdk. Base URL ends in /v1; auth `Authorization: Token <key>`.
 *
 * - POST /listen?model=<nova-2 | nova-2-medical>&smart_format=true&punctuate=true&utterances=true
 *   plus language=<code> when the client gave one, else detect_language=true. The body is the raw
 *   audio (content-type = the file's media type), streamed from the upload, never held.
 * - Answer: { metadata: { request_id, duration (seconds, float), channels, models },
 *   results: { channels: [{ detected_language?, alternatives: [{ transcript, confidence,
 *   words: [{ word, start, end, confidence, punctuated_word }] }] }], utterances: [{ start, end,
 *   transcript }] } }. Segments come from utterances (else from words).
 * - Errors: { err_code, err_msg, request_id }: 400 (e.g. corrupt or unsupported audio), 401
 *   INVALID_AUTH, 402 ASR_PAYMENT_REQUIRED, 429 TOO_MANY_REQUESTS, 5xx.
 * Units: audio seconds from the file header (metadata.duration kept as the provider's figure).
 */
import {
  audioUnits,
  callJson,
  genericUpstreamError,
  invalidUpstream,
  segmentsFromWords,
  type MediaCallContext,
  type TranscriptionAdapter,
  type TranscriptionRequest,
  type TranscriptionResult,
  type TranscriptSegment,
  type TranscriptWord,
} from './media';
import { isRecord, num } from './shared';

const MODELS = new Set(['nova-2', 'nova-2-medical']);

export const deepgramTranscription: TranscriptionAdapter = {
  supports: (id) => MODELS.has(id),

  async transcribe(req: TranscriptionRequest, ctx: MediaCallContext): Promise<TranscriptionResult> {
    const deadline = Date.now() + ctx.timeoutMs;
    const label = ctx.providerLabel;
    const q = new URLSearchParams({ model: ctx.providerModelId, smart_format: 'true', punctuate: 'true', utterances: 'true' });
    if (req.language) q.set('language', req.language);
    else q.set('detect_language', 'true');
    const headers: Record<string, string> = { 'content-type': req.file.mediaType || 'application/octet-stream', accept: 'application/json' };
    if (ctx.ep.apiKey) headers.authorization = `Token ${ctx.ep.apiKey}`;
    const parsed = await callJson(
      ctx,
      deadline,
      { url: `${ctx.ep.baseUrl}/listen?${q.toString()}`, headers, body: req.file.open(), contentLength: req.file.size },
      (status, text, h) => genericUpstreamError(label, status, text, h),
    );
    const results = parsed.results;
    const channel = isRecord(results) && Array.isArray(results.channels) && isRecord(results.channels[0]) ? results.channels[0] : null;
    const alt = channel && Array.isArray(channel.alternatives) && isRecord(channel.alternatives[0]) ? channel.alternatives[0] : null;
    if (!alt) throw invalidUpstream(label);
    const words: TranscriptWord[] = Array.isArray(alt.words)
      ? alt.words.filter(isRecord).map((w) => ({
          word: typeof w.punctuated_word === 'string' ? w.punctuated_word : typeof w.word === 'string' ? w.word : '',
          start: num(w.start),
          end: num(w.end),
        }))
      : [];
    const utterances = isRecord(results) && Array.isArray(results.utterances) ? results.utterances.filter(isRecord) : [];
    const segments: TranscriptSegment[] = utterances.length
      ? utterances.map((u, i) => ({ id: i, start: num(u.start), end: num(u.end), text: typeof u.transcript === 'string' ? u.transcript : '' }))
      : segmentsFromWords(words);
    const meta = isRecord(parsed.metadata) ? parsed.metadata : {};
    const providerDurationSeconds = typeof meta.duration === 'number' ? meta.duration : null;
    const transcript = {
      text: typeof alt.transcript === 'string' ? alt.transcript : '',
      language: req.language ?? (channel && typeof channel.detected_language === 'string' ? channel.detected_language : null),
      providerDurationSeconds,
      segments,
      words,
    };
    return { transcript, units: audioUnits(req.file, providerDurationSeconds, label) };
  },
};
