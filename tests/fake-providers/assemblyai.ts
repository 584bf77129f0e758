/**
 * Fake AssemblyAI API (base URL `<url>/v2`), from AssemblyAI's API reference:
 *   POST /v2/upload       raw bytes -> { upload_url } (a URL on this fake)
 *   POST /v2/transcript   JSON { audio_url, speech_model, language_code | language_detection }
 *        -> { id, status: "queued", audio_url, ... }
 *   GET  /v2/transcript/{id} -> queued, then processing for `pendingPolls` polls (default 2), then
 *        completed { text, words: [{ text, start, end, confidence }] (ms), language_code,
 *        audio_duration (whole seconds, as AssemblyAI reports it) }, or status "error" with
 *        `error` when the upload is not audio ("Transcoding failed. File does not appear to
 *        contain audio.").
 * Auth header `authorization: <key>`; missing or `bad-key` -> 401 { error: "Authentication
 * error, API token missing/invalid" }. Errors { error: string }.
 */
import { randomUUID } from 'node:crypto';
import { audioDuration, fakeWords, sendJson, startFake, type FakeProvider } from './media-common';

export interface FakeAssemblyAI extends FakeProvider {
  pendingPolls: number;
}

export async function startFakeAssemblyAI(): Promise<FakeAssemblyAI> {
  const uploads = new Map<string, Buffer>();
  const jobs = new Map<string, { polls: number; audioUrl: string; language: string | null; model: string }>();
  const self = { pendingPolls: 2 } as FakeAssemblyAI;
  const fake = await startFake({
    name: 'assemblyai',
    authFailure(h) {
      const a = h.authorization;
      return typeof a === 'string' && a && a !== 'bad-key' && !a.startsWith('Bearer ')
        ? null
        : { status: 401, body: { error: 'Authentication error, API token missing/invalid' } };
    },
    errorBody: (status, message) => ({ error: message }),
    async handle(c) {
      if (c.method === 'POST' && c.path === '/v2/upload') {
        if (!c.body.length)
          return (
            sendJson(c.res, 400, { error: 'Upload failed, please try again. If you continue to have issues please reach out to support@assemblyai.com' }),
            true
          );
        const id = randomUUID();
        uploads.set(id, c.body);
        return (sendJson(c.res, 200, { upload_url: `${c.base}/upload-store/${id}` }), true);
      }
      if (c.method === 'POST' && c.path === '/v2/transcript') {
        const b = c.json() as Record<string, unknown>;
        if (typeof b.audio_url !== 'string') return (sendJson(c.res, 400, { error: 'audio_url: field required' }), true);
        const model = typeof b.speech_model === 'string' ? b.speech_model : 'best';
        if (!['best', 'nano', 'slam-1', 'universal'].includes(model)) return (sendJson(c.res, 400, { error: `Invalid speech_model: ${model}` }), true);
        const id = randomUUID();
        jobs.set(id, { polls: 0, audioUrl: b.audio_url, language: typeof b.language_code === 'string' ? b.language_code : null, model });
        return (
          sendJson(c.res, 200, { id, status: 'queued', audio_url: b.audio_url, speech_model: model, text: null, words: null, audio_duration: null }),
          true
        );
      }
      const m = /^\/v2\/transcript\/([^/]+)$/.exec(c.path);
      if (c.method === 'GET' && m) {
        const job = jobs.get(m[1]!);
        if (!job) return (sendJson(c.res, 404, { error: 'Transcript not found' }), true);
        job.polls++;
        if (job.polls <= self.pendingPolls) return (sendJson(c.res, 200, { id: m[1], status: job.polls === 1 ? 'queued' : 'processing', text: null }), true);
        const audio = uploads.get(job.audioUrl.split('/').pop() ?? '');
        const duration = audio ? await audioDuration(audio) : null;
        if (duration === null)
          return (
            sendJson(c.res, 200, {
              id: m[1],
              status: 'error',
              error: 'Transcoding failed. File does not appear to contain audio. File type is text/plain (ASCII text).',
            }),
            true
          );
        const text = 'Hello from fake AssemblyAI.';
        const words = fakeWords(text, duration).map((w) => ({
          text: w.word,
          start: Math.round(w.start * 1000),
          end: Math.round(w.end * 1000),
          confidence: 0.97,
          speaker: null,
        }));
        return (
          sendJson(c.res, 200, {
            id: m[1],
            status: 'completed',
            speech_model: job.model,
            language_code: job.language ?? 'en_us',
            text,
            words,
            audio_duration: Math.round(duration),
            confidence: 0.97,
          }),
          true
        );
      }
      return false;
    },
  });
  return Object.assign(self, fake);
}
