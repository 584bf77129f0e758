/**
 * Fake ElevenLabs API (base URL `<url>/v1`), from ElevenLabs' API reference ("Stream speech"):
 *   POST /v1/text-to-speech/{voice_id}/stream?output_format=mp3_44100_128 | pcm_24000 | ...
 *        JSON { text, model_id, voice_settings } -> audio written in chunks 20 ms apart.
 * Auth header `xi-api-key`; missing or `bad-key` -> 401 { detail: { status: "invalid_api_key",
 * message } }. Unknown voice -> 404 { detail: { status: "voice_not_found", message } }. FastAPI
 * validation -> 422 { detail: [{ loc, msg, type }] }. Rate limit -> 429 { detail: { status:
 * "too_many_concurrent_requests", message } }.
 */
import { sendJson, sleep, startFake, type FakeProvider } from './media-common';
import { mp3, pcm } from './media-fixtures';

export const FAKE_ELEVENLABS_VOICES = new Set([
  '21m00Tcm4TlvDq8ikWAM',
  'ErXwobaYiN019PkySvjV',
  'AZnzlk1XvdvUeBnXmlld',
  'pNInz6obpgDQGcFmaJgB',
  'EXAVITQu4vr4xnSDxMaL',
  'MF3mGyEYCl7XYWbV9V6O',
]);
const FORMATS = new Set(['mp3_22050_32', 'mp3_44100_64', 'mp3_44100_128', 'mp3_44100_192', 'pcm_16000', 'pcm_22050', 'pcm_24000', 'pcm_44100', 'ulaw_8000']);

export async function startFakeElevenLabs(): Promise<FakeProvider> {
  return startFake({
    name: 'elevenlabs',
    authFailure(h) {
      const k = h['xi-api-key'];
      return typeof k === 'string' && k && k !== 'bad-key'
        ? null
        : { status: 401, body: { detail: { status: 'invalid_api_key', message: 'Invalid API key' } } };
    },
    errorBody: (status, message) => ({
      detail: { status: status === 429 ? 'too_many_concurrent_requests' : status >= 500 ? 'internal_server_error' : 'bad_request', message },
    }),
    async handle(c) {
      const m = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(c.path);
      if (c.method !== 'POST' || !m) return false;
      const voice = decodeURIComponent(m[1]!);
      const fmt = c.query.get('output_format') ?? 'mp3_44100_128';
      if (!FORMATS.has(fmt))
        return (
          sendJson(c.res, 422, { detail: [{ loc: ['query', 'output_format'], msg: `Input should be one of ${[...FORMATS].join(', ')}`, type: 'enum' }] }),
          true
        );
      const b = c.json() as Record<string, unknown>;
      if (typeof b.text !== 'string' || !b.text)
        return (sendJson(c.res, 422, { detail: [{ loc: ['body', 'text'], msg: 'Field required', type: 'missing' }] }), true);
      if (b.model_id !== 'eleven_multilingual_v2' && b.model_id !== 'eleven_turbo_v2_5')
        return (sendJson(c.res, 400, { detail: { status: 'model_not_found', message: 'A model with this ID does not exist' } }), true);
      if (!FAKE_ELEVENLABS_VOICES.has(voice))
        return (sendJson(c.res, 404, { detail: { status: 'voice_not_found', message: `A voice with the voice_id ${voice} was not found.` } }), true);
      const vs = b.voice_settings as Record<string, unknown> | undefined;
      if (vs && typeof vs.speed === 'number' && (vs.speed < 0.7 || vs.speed > 1.2))
        return (
          sendJson(c.res, 422, { detail: [{ loc: ['body', 'voice_settings', 'speed'], msg: 'speed must be between 0.7 and 1.2', type: 'value_error' }] }),
          true
        );
      const audio = fmt.startsWith('pcm') ? pcm(0.5) : mp3(20);
      c.res.writeHead(200, { 'content-type': fmt.startsWith('pcm') ? 'audio/pcm' : 'audio/mpeg', 'transfer-encoding': 'chunked', 'request-id': 'fake-req' });
      const parts = 4;
      const step = Math.ceil(audio.length / parts);
      for (let i = 0; i < parts; i++) {
        c.res.write(audio.subarray(i * step, (i + 1) * step));
        await sleep(20);
      }
      c.res.end();
      return true;
    },
  });
}
