/**
 * Fake OpenAI images + audio API (base URL `<url>/v1`), from OpenAI's API reference:
 *   POST /v1/images/generations  JSON; dall-e-3: n must be 1, size 1024x1024 | 1792x1024 |
 *        1024x1792, quality standard | hd -> { created, data: [{ url | b64_json, revised_prompt }] }.
 *        URLs point to GET /blob/<id>.png?se=..&sig=.. on this fake (signed, no auth, like
 *        OpenAI's blob storage links).
 *   POST /v1/images/edits        multipart (image, prompt, model dall-e-2 only).
 *   POST /v1/audio/speech        JSON { model, input, voice, response_format, speed } -> audio,
 *        written in several chunks 20 ms apart (streamed).
 *   POST /v1/audio/transcriptions multipart (file, model, response_format, ...): the duration is
 *        measured from the file (music-metadata), as OpenAI reports it in verbose_json.
 * Auth `Authorization: Bearer <key>`; `bad-key` or none -> 401 invalid_api_key. Errors
 * { error: { message, type, param, code } }; content policy -> 400 content_policy_violation.
 */
import { audioDuration, fakeWords, parseMultipart, sendJson, sleep, startFake, type FakeProvider } from './media-common';
import { mp3, pcm, png, wav } from './media-fixtures';

const VOICES = new Set(['alloy', 'ash', 'coral', 'echo', 'fable', 'onyx', 'nova', 'sage', 'shimmer']);
const err = (message: string, type = 'invalid_request_error', param: string | null = null, code: string | null = null) => ({
  error: { message, type, param, code },
});

export async function startFakeOpenAIMedia(): Promise<FakeProvider> {
  return startFake({
    name: 'openai',
    authFailure(h, path) {
      if (path.startsWith('/blob/')) return null;
      const a = h.authorization;
      if (typeof a === 'string' && a.startsWith('Bearer ') && a !== 'Bearer bad-key' && a.length > 7) return null;
      return {
        status: 401,
        body: err(
          'Incorrect API key provided: bad-key. You can find your API key at https://platform.openai.com/account/api-keys.',
          'invalid_request_error',
          null,
          'invalid_api_key',
        ),
      };
    },
    errorBody: (status, message) =>
      err(message, status === 429 ? 'requests' : status >= 500 ? 'server_error' : 'invalid_request_error', null, status === 429 ? 'rate_limit_exceeded' : null),
    async handle(c) {
      if (c.method === 'GET' && c.path.startsWith('/blob/')) {
        if (!c.query.get('sig')) return (sendJson(c.res, 403, { error: 'AuthenticationFailed' }), true);
        const img = png(4, 4);
        c.res.writeHead(200, { 'content-type': 'image/png', 'content-length': img.length });
        c.res.end(img);
        return true;
      }
      if (c.method === 'POST' && c.path === '/v1/images/generations') {
        const b = c.json() as Record<string, unknown>;
        if (c.contentPolicy)
          return (
            sendJson(c.res, 400, err('Your request was rejected as a result of our safety system.', 'invalid_request_error', null, 'content_policy_violation')),
            true
          );
        if (typeof b.prompt !== 'string' || !b.prompt)
          return (sendJson(c.res, 400, err("Missing required parameter: 'prompt'.", 'invalid_request_error', 'prompt')), true);
        if (b.model !== 'dall-e-3' && b.model !== 'dall-e-2')
          return (sendJson(c.res, 404, err(`The model '${String(b.model)}' does not exist.`, 'invalid_request_error', null, 'model_not_found')), true);
        const n = typeof b.n === 'number' ? b.n : 1;
        if (b.model === 'dall-e-3' && n !== 1) return (sendJson(c.res, 400, err('You must provide n=1 for this model.', 'invalid_request_error', 'n')), true);
        if (b.model === 'dall-e-3' && b.size !== undefined && !['1024x1024', '1792x1024', '1024x1792'].includes(String(b.size))) {
          return (
            sendJson(c.res, 400, err(`'${String(b.size)}' is not one of ['1024x1024', '1024x1792', '1792x1024'] - 'size'`, 'invalid_request_error', 'size')),
            true
          );
        }
        const data = Array.from({ length: n }, (_, i) =>
          b.response_format === 'b64_json'
            ? { b64_json: png(4, 4).toString('base64'), revised_prompt: `revised: ${String(b.prompt)}` }
            : { url: `${c.base}/blob/img-${Date.now()}-${i}.png?se=2099-01-01&sig=fakesig`, revised_prompt: `revised: ${String(b.prompt)}` },
        );
        return (sendJson(c.res, 200, { created: Math.floor(Date.now() / 1000), data }), true);
      }
      if (c.method === 'POST' && c.path === '/v1/images/edits') {
        const { fields, files } = await parseMultipart(c.req, c.body);
        if (!files.image) return (sendJson(c.res, 400, err("Missing required parameter: 'image'.", 'invalid_request_error', 'image')), true);
        if (fields.model?.[0] === 'dall-e-3')
          return (sendJson(c.res, 400, err('Invalid model dall-e-3. The model must be dall-e-2 or gpt-image-1.', 'invalid_request_error', 'model')), true);
        return (sendJson(c.res, 200, { created: Math.floor(Date.now() / 1000), data: [{ b64_json: png(4, 4).toString('base64') }] }), true);
      }
      if (c.method === 'POST' && c.path === '/v1/audio/speech') {
        const b = c.json() as Record<string, unknown>;
        if (typeof b.input !== 'string' || !b.input)
          return (sendJson(c.res, 400, err("Missing required parameter: 'input'.", 'invalid_request_error', 'input')), true);
        if (b.input.length > 4096) return (sendJson(c.res, 400, err('string too long', 'invalid_request_error', 'input')), true);
        if (!VOICES.has(String(b.voice))) return (sendJson(c.res, 400, err(`Invalid value for 'voice'`, 'invalid_request_error', 'voice')), true);
        if (b.model !== 'tts-1' && b.model !== 'tts-1-hd')
          return (sendJson(c.res, 404, err('model not found', 'invalid_request_error', null, 'model_not_found')), true);
        const fmt = String(b.response_format ?? 'mp3');
        const audio = fmt === 'pcm' ? pcm(0.5) : fmt === 'wav' ? wav(0.5, 24000) : mp3(20);
        const ct = fmt === 'pcm' ? 'audio/pcm' : fmt === 'wav' ? 'audio/wav' : 'audio/mpeg';
        c.res.writeHead(200, { 'content-type': ct, 'transfer-encoding': 'chunked' });
        const parts = 4;
        const step = Math.ceil(audio.length / parts);
        for (let i = 0; i < parts; i++) {
          c.res.write(audio.subarray(i * step, (i + 1) * step));
          await sleep(20);
        }
        c.res.end();
        return true;
      }
      if (c.method === 'POST' && c.path === '/v1/audio/transcriptions') {
        const { fields, files } = await parseMultipart(c.req, c.body);
        const f = files.file;
        if (!f) return (sendJson(c.res, 400, err("Missing required parameter: 'file'.", 'invalid_request_error', 'file')), true);
        if (fields.model?.[0] !== 'whisper-1') return (sendJson(c.res, 400, err('Invalid model', 'invalid_request_error', 'model')), true);
        const duration = await audioDuration(f.data, f.mimeType);
        if (duration === null)
          return (
            sendJson(c.res, 400, err('Invalid file format. Supported formats: [flac m4a mp3 mp4 mpeg mpga oga ogg wav webm]', 'invalid_request_error', 'file')),
            true
          );
        const text = 'Hello from fake whisper.';
        const fmt = fields.response_format?.[0] ?? 'json';
        if (fmt === 'text') return (c.res.writeHead(200, { 'content-type': 'text/plain' }), c.res.end(text + '\n'), true);
        if (fmt !== 'verbose_json') return (sendJson(c.res, 200, { text, usage: { type: 'duration', seconds: Math.ceil(duration) } }), true);
        const gran = fields['timestamp_granularities[]'] ?? ['segment'];
        const out: Record<string, unknown> = { task: 'transcribe', language: fields.language?.[0] === 'de' ? 'german' : 'english', duration, text };
        if (gran.includes('segment'))
          out.segments = [
            {
              id: 0,
              seek: 0,
              start: 0,
              end: duration,
              text: ' ' + text,
              tokens: [1],
              temperature: 0,
              avg_logprob: -0.2,
              compression_ratio: 1,
              no_speech_prob: 0.01,
            },
          ];
        if (gran.includes('word')) out.words = fakeWords(text, duration);
        return (sendJson(c.res, 200, out), true);
      }
      return false;
    },
  });
}
