/**
 * Fake ElevenLabs API (base URL `<url>/v1`), from ElevenLabs' API reference ("Stream speech"):
 *   POST /v1/text-to-speech/{voice_id}/stream?output_format=mp3_44100_128 | pcm_24000 |
 *        opus_48000_128 | ... JSON { text, model_id, voice_settings } -> audio written in chunks
 *        20 ms apart. wav_* is not a streaming format (422 here).
 *   POST /v1/text-to-speech/{voice_id}?output_format=... (non-streaming; also wav_8000..wav_48000)
 *        -> the whole file at once.
 * Auth header `xi-api-key`; missing or `bad-key` -> 401 { detail: { status: "invalid_api_key",
 * message } }. Unknown voice -> 404 { detail: { status: "voice_not_found", message } }. FastAPI
 * validation -> 422 { detail: [{ loc, msg, type }] }. Rate limit -> 429 { detail: { status:
 * "too_many_concurrent_requests", message } }.
 */
import { sendJson, sleep, startFake, type FakeProvider } from './media-common';
import { mp3, pcm, wav } from './media-fixtures';

export const FAKE_ELEVENLABS_VOICES = new Set([
  '21m00Tcm4TlvDq8ikWAM',
  'ErXwobaYiN019PkySvjV',
  'AZnzlk1XvdvUeBnXmlld',
  'pNInz6obpgDQGcFmaJgB',
  'EXAVITQu4vr4xnSDxMaL',
  'MF3mGyEYCl7XYWbV9V6O',
]);
/** ElevenLabs' output_format values (elevenlabs-js TextToSpeechOutputFormat; wav only without /stream). */
const FORMATS = new Set([
  ...['mp3_22050_32', 'mp3_24000_48', 'mp3_44100_32', 'mp3_44100_64', 'mp3_44100_96', 'mp3_44100_128', 'mp3_44100_192'],
  ...['pcm_8000', 'pcm_16000', 'pcm_22050', 'pcm_24000', 'pcm_32000', 'pcm_44100', 'pcm_48000', 'ulaw_8000', 'alaw_8000'],
  ...['opus_48000_32', 'opus_48000_64', 'opus_48000_96', 'opus_48000_128', 'opus_48000_192'],
]);
const WAV_FORMATS = new Set(['wav_8000', 'wav_16000', 'wav_22050', 'wav_24000', 'wav_32000', 'wav_44100', 'wav_48000']);

/** A first Ogg page carrying an OpusHead (enough for a client to recognise Ogg Opus). */
export function fakeOggOpus(): Buffer {
  const head = Buffer.concat([Buffer.from('OpusHead'), Buffer.from([1, 1, 0x38, 0x01, 0x80, 0xbb, 0, 0, 0, 0, 0])]);
  const page = Buffer.alloc(27 + 1);
  page.write('OggS', 0, 'ascii');
  page[5] = 2; // beginning of stream
  page[26] = 1; // one segment
  page[27] = head.length;
  return Buffer.concat([page, head, Buffer.alloc(64, 0x55)]);
}

function audioFor(fmt: string): { audio: Buffer; contentType: string } {
  if (fmt.startsWith('pcm')) return { audio: pcm(0.5), contentType: 'audio/pcm' };
  if (fmt.startsWith('opus')) return { audio: fakeOggOpus(), contentType: 'audio/opus' };
  if (fmt.startsWith('wav')) return { audio: wav(0.5, Number(fmt.slice(4))), contentType: 'audio/wav' };
  return { audio: mp3(20), contentType: 'audio/mpeg' };
}

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
      const m = /^\/v1\/text-to-speech\/([^/]+?)(\/stream)?$/.exec(c.path);
      if (c.method !== 'POST' || !m) return false;
      const voice = decodeURIComponent(m[1]!);
      const streaming = m[2] !== undefined;
      const fmt = c.query.get('output_format') ?? 'mp3_44100_128';
      const allowed = streaming ? FORMATS : new Set([...FORMATS, ...WAV_FORMATS]);
      if (!allowed.has(fmt))
        return (
          sendJson(c.res, 422, { detail: [{ loc: ['query', 'output_format'], msg: `Input should be one of ${[...allowed].join(', ')}`, type: 'enum' }] }),
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
      const { audio, contentType } = audioFor(fmt);
      if (!streaming) {
        c.res.writeHead(200, { 'content-type': contentType, 'content-length': audio.length, 'request-id': 'fake-req' });
        c.res.end(audio);
        return true;
      }
      c.res.writeHead(200, { 'content-type': contentType, 'transfer-encoding': 'chunked', 'request-id': 'fake-req' });
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
