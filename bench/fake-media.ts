/**
 * The benchmark's fake OpenAI images + transcription provider: answers at once, in OpenAI's wire
 * format, and keeps nothing (tests/fake-providers/openai-media.ts records every request and
 * buffers bodies, which a load of 10 MB uploads must not do).
 *   POST /v1/images/generations   -> { created, data: [{ url, revised_prompt }] } (a signed blob URL)
 *   POST /v1/audio/transcriptions -> the multipart body is drained as it arrives (never held),
 *        then verbose_json with `duration` = --audio-seconds (the file the bench uploads).
 *   GET  /v1/models               -> 200 (readiness)
 *   npx tsx bench/fake-media.ts --port 19003 [--audio-seconds 327.68]
 */
import http from 'node:http';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const PORT = Number(opt('--port', '19003'));
const AUDIO_SECONDS = Number(opt('--audio-seconds', '60'));

function json(res: http.ServerResponse, status: number, body: unknown): void {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method === 'GET' && path === '/v1/models') return json(res, 200, { object: 'list', data: [] });
  if (req.headers.authorization?.startsWith('Bearer ') !== true) {
    req.resume();
    return json(res, 401, { error: { message: 'Missing API key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  }
  if (req.method === 'POST' && path === '/v1/images/generations') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { prompt?: string };
      json(res, 200, {
        created: Math.floor(Date.now() / 1000),
        data: [{ url: `http://127.0.0.1:${PORT}/blob/img-${Date.now()}.png?se=2099-01-01&sig=fakesig`, revised_prompt: `revised: ${b.prompt ?? ''}` }],
      });
    });
    return;
  }
  if (req.method === 'POST' && path === '/v1/audio/transcriptions') {
    let bytes = 0;
    req.on('data', (c: Buffer) => (bytes += c.length));
    req.on('end', () =>
      json(res, 200, {
        task: 'transcribe',
        language: 'english',
        duration: AUDIO_SECONDS,
        text: `Fake transcript of ${bytes} bytes.`,
        segments: [{ id: 0, seek: 0, start: 0, end: AUDIO_SECONDS, text: ' Fake transcript.', tokens: [1], temperature: 0, avg_logprob: -0.2 }],
      }),
    );
    return;
  }
  req.resume();
  json(res, 404, { error: { message: `Unknown request URL: ${req.method} ${path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
});
server.keepAliveTimeout = 30_000;
server.listen(PORT, '127.0.0.1');
