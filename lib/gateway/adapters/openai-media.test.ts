import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openaiImages, openaiSpeech, openaiTranscription } from './openai-media';
import { renderTranscription, validateImageRequest, validateSpeechRequest } from './media';
import { audioFileFromBuffer } from '../media/audio-upload';
import { startFakeOpenAIMedia } from '../../../tests/fake-providers/openai-media';
import { ctxFor, failure } from '../../../tests/fake-providers/context';
import { PNG_SIGNATURE, wav, mp3 } from '../../../tests/fake-providers/media-fixtures';
import type { FakeProvider } from '../../../tests/fake-providers/media-common';

let fake: FakeProvider;
let base: string;
beforeAll(async () => {
  fake = await startFakeOpenAIMedia();
  base = `${fake.url}/v1`;
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const spec3 = openaiImages.spec('dall-e-3')!;
const specHd = openaiImages.spec('dall-e-3-hd')!;

describe('OpenAI images', () => {
  it('generates with dall-e-3 and hands out the signed URL OpenAI returned', async () => {
    const req = validateImageRequest({ prompt: 'a red fox', size: '1792x1024', style: 'natural' }, spec3, 'dall-e-3');
    const r = await openaiImages.generate(req, ctxFor(base, 'dall-e-3'));
    expect(r.units.images).toBe(1);
    expect(r.images[0]!.url).toMatch(new RegExp(`^${fake.url}/blob/.+sig=`));
    expect(r.images[0]!.revisedPrompt).toBe('revised: a red fox');
    const sent = JSON.parse(fake.requests[0]!.body.toString()) as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: 'dall-e-3',
      prompt: 'a red fox',
      n: 1,
      size: '1792x1024',
      quality: 'standard',
      style: 'natural',
      response_format: 'url',
    });
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer test-key');
    // the URL needs no key
    const img = await fetch(r.images[0]!.url!);
    expect(Buffer.from(await img.arrayBuffer()).subarray(0, 8)).toEqual(PNG_SIGNATURE);
  });

  it('sends dall-e-3-hd as dall-e-3 with quality hd and returns b64_json', async () => {
    const req = validateImageRequest({ prompt: 'x', response_format: 'b64_json' }, specHd, 'dall-e-3-hd');
    const r = await openaiImages.generate(req, ctxFor(base, 'dall-e-3-hd'));
    expect(Buffer.from(r.images[0]!.b64Json!, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(JSON.parse(fake.requests[0]!.body.toString())).toMatchObject({ model: 'dall-e-3', quality: 'hd', response_format: 'b64_json' });
  });

  it('refuses n>1, unknown sizes and qualities before calling OpenAI, naming the field', () => {
    expect(() => validateImageRequest({ prompt: 'x', n: 2 }, spec3, 'dall-e-3')).toThrow(expect.objectContaining({ param: 'n', httpStatus: 400 }));
    expect(() => validateImageRequest({ prompt: 'x', size: '512x512' }, spec3, 'dall-e-3')).toThrow(expect.objectContaining({ param: 'size' }));
    expect(() => validateImageRequest({ prompt: 'x', quality: 'standard' }, specHd, 'dall-e-3-hd')).toThrow(expect.objectContaining({ param: 'quality' }));
    expect(() => validateImageRequest({ prompt: '' }, spec3, 'dall-e-3')).toThrow(expect.objectContaining({ param: 'prompt' }));
    expect(() => validateImageRequest({ prompt: 'x', response_format: 'png' }, spec3, 'dall-e-3')).toThrow(
      expect.objectContaining({ param: 'response_format' }),
    );
    expect(fake.requests).toHaveLength(0);
    expect(spec3.edits).toBe(false);
  });

  it('translates failures: content policy, 429 with Retry-After, 500, bad key', async () => {
    const req = validateImageRequest({ prompt: 'x' }, spec3, 'dall-e-3');
    const ctx = ctxFor(base, 'dall-e-3');
    fake.fail({ kind: 'content_policy' });
    expect(await failure(() => openaiImages.generate(req, ctx))).toMatchObject({
      status: 400,
      kind: 'content_policy',
      retryable: false,
      body: { error: { code: 'content_policy_violation' } },
    });
    fake.fail({ kind: 'rate_limit', retryAfter: 3 });
    expect(await failure(() => openaiImages.generate(req, ctx))).toMatchObject({ status: 429, kind: 'rate_limit', retryable: true, retryAfterMs: 3000 });
    fake.fail({ kind: 'status', status: 500 });
    expect(await failure(() => openaiImages.generate(req, ctx))).toMatchObject({ status: 500, kind: 'server', retryable: true });
    const auth = await failure(() => openaiImages.generate(req, ctxFor(base, 'dall-e-3', { key: 'bad-key' })));
    expect(auth).toMatchObject({ status: 502, kind: 'authentication', retryable: false });
    expect(auth.body.error.message).not.toContain('bad-key');
  });

  it('times out a slow provider as a retryable timeout', async () => {
    fake.fail({ kind: 'slow', delayMs: 500 });
    const req = validateImageRequest({ prompt: 'x' }, spec3, 'dall-e-3');
    expect(await failure(() => openaiImages.generate(req, ctxFor(base, 'dall-e-3', { timeoutMs: 100 })))).toMatchObject({
      status: 504,
      kind: 'timeout',
      retryable: true,
    });
  });

  it('edits through multipart where the model supports it (dall-e-2), with OpenAI refusing dall-e-3', async () => {
    const req = {
      ...validateImageRequest({ prompt: 'add a hat', size: '1024x1024' }, { ...spec3, sizes: ['1024x1024'] }, 'dall-e-2'),
      image: { filename: 'in.png', mediaType: 'image/png', data: PNG_SIGNATURE } as never,
      mask: null,
      region: { width: 1, height: 1, edit: new Uint8Array([1]) },
    };
    const r = await openaiImages.edit!(
      { ...req, image: { filename: 'in.png', mediaType: 'image/png', data: Buffer.from(PNG_SIGNATURE) } },
      ctxFor(base, 'dall-e-2'),
    );
    expect(r.units.images).toBe(1);
    expect(String(fake.requests[0]!.headers['content-type'])).toMatch(/^multipart\/form-data; boundary=/);
    expect(Number(fake.requests[0]!.headers['content-length'])).toBe(fake.requests[0]!.body.length);
    expect(
      await failure(() =>
        openaiImages.edit!({ ...req, image: { filename: 'in.png', mediaType: 'image/png', data: Buffer.from(PNG_SIGNATURE) } }, ctxFor(base, 'dall-e-3')),
      ),
    ).toMatchObject({ status: 400, kind: 'invalid_request' });
  });
});

describe('OpenAI speech', () => {
  const spec = openaiSpeech.spec('tts-1')!;
  it('streams the audio as it arrives and counts input characters (code points)', async () => {
    const req = validateSpeechRequest({ input: 'Grüße 👋', voice: 'nova', speed: 1.5 }, spec, 'tts-1');
    const r = await openaiSpeech.synthesize(req, ctxFor(base, 'tts-1'));
    expect(r.units.characters).toBe(7);
    expect(r.contentType).toBe('audio/mpeg');
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks)).toEqual(mp3(20));
    expect(JSON.parse(fake.requests[0]!.body.toString())).toEqual({ model: 'tts-1', input: 'Grüße 👋', voice: 'nova', response_format: 'mp3', speed: 1.5 });
  });
  it('refuses unknown voices, formats and speeds before calling OpenAI', () => {
    expect(() => validateSpeechRequest({ input: 'x', voice: 'bob' }, spec, 'tts-1')).toThrow(expect.objectContaining({ param: 'voice' }));
    expect(() => validateSpeechRequest({ input: 'x', voice: 'nova', response_format: 'ogg' }, spec, 'tts-1')).toThrow(
      expect.objectContaining({ param: 'response_format' }),
    );
    expect(() => validateSpeechRequest({ input: 'x', voice: 'nova', speed: 5 }, spec, 'tts-1')).toThrow(expect.objectContaining({ param: 'speed' }));
    expect(() => validateSpeechRequest({ input: 'x'.repeat(4097), voice: 'nova' }, spec, 'tts-1')).toThrow(expect.objectContaining({ param: 'input' }));
    expect(() => validateSpeechRequest({ voice: 'nova' }, spec, 'tts-1')).toThrow(expect.objectContaining({ param: 'input' }));
    expect(fake.requests).toHaveLength(0);
  });
  it('translates a 429 with Retry-After', async () => {
    fake.fail({ kind: 'rate_limit', retryAfter: 2 });
    const req = validateSpeechRequest({ input: 'x', voice: 'nova' }, spec, 'tts-1');
    expect(await failure(() => openaiSpeech.synthesize(req, ctxFor(base, 'tts-1')))).toMatchObject({ status: 429, retryable: true, retryAfterMs: 2000 });
  });
});

describe('OpenAI transcription', () => {
  it('streams the file as multipart, asks verbose_json, meters the header duration exactly', async () => {
    const audio = wav(1.25);
    const file = audioFileFromBuffer(audio, 'a.wav', 'audio/wav', 1.25);
    const r = await openaiTranscription.transcribe(
      { file, language: 'de', prompt: 'names', responseFormat: 'json', temperature: 0, timestampGranularities: ['word', 'segment'] },
      ctxFor(base, 'whisper-1'),
    );
    expect(r.units).toEqual({ audioSeconds: 1.25, source: 'header' });
    expect(r.transcript.providerDurationSeconds).toBe(1.25);
    expect(r.transcript.text).toBe('Hello from fake whisper.');
    expect(r.transcript.words.length).toBe(4);
    const rec = fake.requests[0]!;
    expect(Number(rec.headers['content-length'])).toBe(rec.body.length);
    const body = rec.body.toString('latin1');
    expect(body).toContain('name="response_format"\r\n\r\nverbose_json');
    expect(body).toContain('name="timestamp_granularities[]"\r\n\r\nword');
    expect(rec.body.includes(audio)).toBe(true);
    expect(JSON.parse(renderTranscription(r.transcript, 'json', r.units.audioSeconds).body)).toEqual({
      text: 'Hello from fake whisper.',
      usage: { type: 'duration', seconds: 1.25 },
    });
  });
  it("passes OpenAI's 400 for a file it cannot decode", async () => {
    const file = audioFileFromBuffer(Buffer.from('not audio'), 'a.txt', 'text/plain', null);
    expect(
      await failure(() =>
        openaiTranscription.transcribe(
          { file, language: null, prompt: null, responseFormat: 'json', temperature: null, timestampGranularities: [] },
          ctxFor(base, 'whisper-1'),
        ),
      ),
    ).toMatchObject({ status: 400, kind: 'invalid_request', retryable: false });
  });
});
