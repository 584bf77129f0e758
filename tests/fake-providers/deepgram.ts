/**
 * Fake Deepgram API (base URL `<url>/v1`), from Deepgram's API reference (pre-recorded):
 *   POST /v1/listen?model=nova-2|nova-2-medical&language=..|detect_language=true&utterances=true
 *        raw audio body -> { metadata: { request_id, duration, channels, models }, results:
 *        { channels: [{ detected_language?, alternatives: [{ transcript, confidence, words }] }],
 *        utterances? } }. The duration is measured from the audio (music-metadata), like Deepgram.
 * Auth `Authorization: Token <key>`; missing or `bad-key` -> 401 { err_code: "INVALID_AUTH",
 * err_msg: "Invalid credentials.", request_id }. Audio it cannot decode -> 400 { err_code:
 * "Bad Request", err_msg: "Bad Request: failed to process audio: corrupt or unsupported data" }.
 */
import { randomUUID } from 'node:crypto';
import { audioDuration, fakeWords, sendJson, startFake, type FakeProvider } from './media-common';

export async function startFakeDeepgram(): Promise<FakeProvider> {
  return startFake({
    name: 'deepgram',
    authFailure(h) {
      const a = h.authorization;
      return typeof a === 'string' && a.startsWith('Token ') && a !== 'Token bad-key' && a.length > 6
        ? null
        : { status: 401, body: { err_code: 'INVALID_AUTH', err_msg: 'Invalid credentials.', request_id: randomUUID() } };
    },
    errorBody: (status, message) => ({
      err_code: status === 429 ? 'TOO_MANY_REQUESTS' : status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'Bad Request',
      err_msg: message,
      request_id: randomUUID(),
    }),
    async handle(c) {
      if (c.method !== 'POST' || c.path !== '/v1/listen') return false;
      const model = c.query.get('model') ?? 'base';
      if (!['nova-2', 'nova-2-medical', 'nova-3', 'base', 'enhanced'].includes(model))
        return (
          sendJson(c.res, 400, {
            err_code: 'INVALID_QUERY_PARAMETER',
            err_msg: `No such model/language/tier combination found. model=${model}`,
            request_id: randomUUID(),
          }),
          true
        );
      const ct = String(c.req.headers['content-type'] ?? '');
      const duration = await audioDuration(c.body, ct.startsWith('audio/') ? ct : undefined);
      if (duration === null)
        return (
          sendJson(c.res, 400, {
            err_code: 'Bad Request',
            err_msg: 'Bad Request: failed to process audio: corrupt or unsupported data',
            request_id: randomUUID(),
          }),
          true
        );
      const transcript = model === 'nova-2-medical' ? 'Patient reports mild headache.' : 'Hello from fake Deepgram.';
      const words = fakeWords(transcript, duration).map((w) => ({
        word: w.word.toLowerCase().replace(/[.,]/g, ''),
        start: w.start,
        end: w.end,
        confidence: 0.98,
        punctuated_word: w.word,
      }));
      const channel: Record<string, unknown> = { alternatives: [{ transcript, confidence: 0.98, words }] };
      if (c.query.get('detect_language') === 'true') channel.detected_language = 'en';
      const results: Record<string, unknown> = { channels: [channel] };
      if (c.query.get('utterances') === 'true')
        results.utterances = [{ start: 0, end: duration, confidence: 0.98, channel: 0, transcript, words, speaker: 0, id: randomUUID() }];
      return (
        sendJson(c.res, 200, {
          metadata: {
            transaction_key: 'deprecated',
            request_id: randomUUID(),
            sha256: 'x',
            created: new Date().toISOString(),
            duration,
            channels: 1,
            models: [randomUUID()],
            model_info: {},
          },
          results,
        }),
        true
      );
    },
  });
}
