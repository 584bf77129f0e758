/** ElevenLabs, Deepgram and AssemblyAI adapters, each against its fake over HTTP. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { elevenlabsSpeech, ELEVENLABS_VOICES } from './elevenlabs';
import { deepgramTranscription } from './deepgram';
import { assemblyaiTranscription } from './assemblyai';
import { renderTranscription, validateSpeechRequest, type TranscriptionRequest } from './media';
import { audioFileFromBuffer } from '../media/audio-upload';
import { fakeOggOpus, startFakeElevenLabs } from '../../../tests/fake-providers/elevenlabs';
import { startFakeDeepgram } from '../../../tests/fake-providers/deepgram';
import { startFakeAssemblyAI, type FakeAssemblyAI } from '../../../tests/fake-providers/assemblyai';
import { ctxFor, failure } from '../../../tests/fake-providers/context';
import { mp3, pcm, wav } from '../../../tests/fake-providers/media-fixtures';
import type { FakeProvider } from '../../../tests/fake-providers/media-common';

const tr = (data: Buffer, seconds: number | null, extra: Partial<TranscriptionRequest> = {}): TranscriptionRequest => ({
  file: audioFileFromBuffer(data, 'clip.wav', 'audio/wav', seconds),
  language: null,
  prompt: null,
  responseFormat: 'json',
  temperature: null,
  timestampGranularities: [],
  ...extra,
});

describe('ElevenLabs', () => {
  let fake: FakeProvider;
  let base: string;
  beforeAll(async () => {
    fake = await startFakeElevenLabs();
    base = `${fake.url}/v1`;
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());
  const spec = elevenlabsSpeech.spec('eleven_multilingual_v2')!;

  it('maps OpenAI voice names, streams mp3 as it arrives, counts characters', async () => {
    const req = validateSpeechRequest({ input: 'Bonjour à tous', voice: 'alloy', speed: 1.1 }, spec, 'multilingual-v2');
    const r = await elevenlabsSpeech.synthesize(req, ctxFor(base, 'eleven_multilingual_v2'));
    expect(r.units.characters).toBe(14);
    expect(r.contentType).toBe('audio/mpeg');
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c as Buffer);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks)).toEqual(mp3(20));
    const rec = fake.requests[0]!;
    expect(rec.path).toBe(`/v1/text-to-speech/${ELEVENLABS_VOICES.alloy}/stream`);
    expect(rec.query.get('output_format')).toBe('mp3_44100_128');
    expect(rec.headers['xi-api-key']).toBe('test-key');
    expect(JSON.parse(rec.body.toString())).toEqual({
      text: 'Bonjour à tous',
      model_id: 'eleven_multilingual_v2',
      voice_settings: { stability: 0.5, similarity_boost: 0.75, speed: 1.1 },
    });
  });

  it('pcm -> pcm_24000; ElevenLabs voice ids accepted; unknown ids -> 400 naming voice', async () => {
    const turbo = elevenlabsSpeech.spec('eleven_turbo_v2_5')!;
    const r = await elevenlabsSpeech.synthesize(
      validateSpeechRequest({ input: 'hi', voice: 'pNInz6obpgDQGcFmaJgB', response_format: 'pcm' }, turbo, 'turbo-v2.5'),
      ctxFor(base, 'eleven_turbo_v2_5'),
    );
    const chunks: Buffer[] = [];
    for await (const c of r.body) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks)).toEqual(pcm(0.5));
    expect(fake.requests[0]!.query.get('output_format')).toBe('pcm_24000');
    const unknown = validateSpeechRequest({ input: 'hi', voice: 'AAAAAAAAAAAAAAAAAAAA' }, turbo, 'turbo-v2.5');
    expect(await failure(() => elevenlabsSpeech.synthesize(unknown, ctxFor(base, 'eleven_turbo_v2_5')))).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      retryable: false,
      body: { error: { param: 'voice' } },
    });
    expect(() => validateSpeechRequest({ input: 'hi', voice: 'bob' }, turbo, 'turbo-v2.5')).toThrow(expect.objectContaining({ param: 'voice' }));
    expect(() => validateSpeechRequest({ input: 'hi', voice: 'nova', response_format: 'flac' }, turbo, 'turbo-v2.5')).toThrow(
      expect.objectContaining({ param: 'response_format' }),
    );
    expect(() => validateSpeechRequest({ input: 'hi', voice: 'nova', speed: 2 }, turbo, 'turbo-v2.5')).toThrow(expect.objectContaining({ param: 'speed' }));
  });

  it('opus -> opus_48000_128 streamed; wav -> wav_24000 on the non-streaming endpoint; aac and flac -> 400 naming response_format', async () => {
    const collect = async (r: { body: AsyncIterable<unknown> }) => {
      const chunks: Buffer[] = [];
      for await (const c of r.body) chunks.push(c as Buffer);
      return chunks;
    };
    const opus = await elevenlabsSpeech.synthesize(
      validateSpeechRequest({ input: 'hi', voice: 'nova', response_format: 'opus' }, spec, 'multilingual-v2'),
      ctxFor(base, 'eleven_multilingual_v2'),
    );
    expect(opus.contentType).toBe('audio/ogg');
    const opusChunks = await collect(opus);
    expect(opusChunks.length).toBeGreaterThan(1); // streamed as it arrives
    expect(Buffer.concat(opusChunks)).toEqual(fakeOggOpus());
    expect(fake.requests[0]!.path).toBe(`/v1/text-to-speech/${ELEVENLABS_VOICES.nova}/stream`);
    expect(fake.requests[0]!.query.get('output_format')).toBe('opus_48000_128');

    const w = await elevenlabsSpeech.synthesize(
      validateSpeechRequest({ input: 'hi', voice: 'nova', response_format: 'wav' }, spec, 'multilingual-v2'),
      ctxFor(base, 'eleven_multilingual_v2'),
    );
    expect(w.contentType).toBe('audio/wav');
    expect(Buffer.concat(await collect(w))).toEqual(wav(0.5, 24000));
    expect(fake.requests[1]!.path).toBe(`/v1/text-to-speech/${ELEVENLABS_VOICES.nova}`);
    expect(fake.requests[1]!.query.get('output_format')).toBe('wav_24000');

    for (const rf of ['aac', 'flac', 'ogg']) {
      expect(() => validateSpeechRequest({ input: 'hi', voice: 'nova', response_format: rf }, spec, 'multilingual-v2')).toThrow(
        expect.objectContaining({ httpStatus: 400, param: 'response_format', message: expect.stringContaining('Supported: mp3, pcm, opus, wav') }),
      );
    }
    expect(fake.requests).toHaveLength(2); // the refused formats never reached the provider
  });

  it('401 invalid_api_key -> auth (credentials never echoed); 429 retryable with Retry-After', async () => {
    const req = validateSpeechRequest({ input: 'hi', voice: 'nova' }, spec, 'multilingual-v2');
    const a = await failure(() => elevenlabsSpeech.synthesize(req, ctxFor(base, 'eleven_multilingual_v2', { key: 'bad-key' })));
    expect(a).toMatchObject({ status: 502, kind: 'authentication', retryable: false });
    fake.fail({ kind: 'rate_limit', retryAfter: 2 });
    expect(await failure(() => elevenlabsSpeech.synthesize(req, ctxFor(base, 'eleven_multilingual_v2')))).toMatchObject({
      status: 429,
      kind: 'rate_limit',
      retryable: true,
      retryAfterMs: 2000,
    });
    fake.fail({ kind: 'status', status: 500 });
    expect(await failure(() => elevenlabsSpeech.synthesize(req, ctxFor(base, 'eleven_multilingual_v2')))).toMatchObject({ status: 500, retryable: true });
  });
});

describe('Deepgram', () => {
  let fake: FakeProvider;
  let base: string;
  beforeAll(async () => {
    fake = await startFakeDeepgram();
    base = `${fake.url}/v1`;
  });
  afterAll(() => fake.close());
  beforeEach(() => fake.reset());

  it('nova-2: raw audio body streamed with its length, Token auth, header duration metered exactly', async () => {
    const audio = wav(2.5);
    const r = await deepgramTranscription.transcribe(tr(audio, 2.5), ctxFor(base, 'nova-2'));
    expect(r.units).toEqual({ audioSeconds: 2.5, source: 'header' });
    expect(r.transcript.providerDurationSeconds).toBe(2.5);
    expect(r.transcript.text).toBe('Hello from fake Deepgram.');
    expect(r.transcript.language).toBe('en');
    expect(r.transcript.words[0]).toEqual({ word: 'Hello', start: 0, end: 0.625 });
    const rec = fake.requests[0]!;
    expect(rec.headers.authorization).toBe('Token test-key');
    expect(rec.headers['content-type']).toBe('audio/wav');
    expect(Number(rec.headers['content-length'])).toBe(audio.length);
    expect(rec.body.equals(audio)).toBe(true);
    expect(Object.fromEntries(rec.query)).toEqual({ model: 'nova-2', smart_format: 'true', punctuate: 'true', utterances: 'true', detect_language: 'true' });
    const verbose = JSON.parse(renderTranscription(r.transcript, 'verbose_json', r.units.audioSeconds, ['word', 'segment']).body) as Record<string, unknown>;
    expect(verbose).toMatchObject({ task: 'transcribe', language: 'en', duration: 2.5, text: 'Hello from fake Deepgram.' });
    expect((verbose.segments as unknown[]).length).toBe(1);
    expect(renderTranscription(r.transcript, 'srt', 2.5).body).toBe('1\n00:00:00,000 --> 00:00:02,500\nHello from fake Deepgram.\n');
    expect(renderTranscription(r.transcript, 'vtt', 2.5).body).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello from fake Deepgram.\n');
    expect(renderTranscription(r.transcript, 'text', 2.5).body).toBe('Hello from fake Deepgram.\n');
  });

  it('nova-2-medical with a language; provider duration used only without a header duration', async () => {
    const r = await deepgramTranscription.transcribe(tr(wav(0.75), null, { language: 'en' }), ctxFor(base, 'nova-2-medical'));
    expect(r.units).toEqual({ audioSeconds: 0.75, source: 'provider' });
    expect(r.transcript.text).toBe('Patient reports mild headache.');
    expect(fake.requests[0]!.query.get('language')).toBe('en');
    expect(fake.requests[0]!.query.get('detect_language')).toBeNull();
  });

  it('errors: bad audio 400, INVALID_AUTH -> auth, 429 Retry-After, 502 retryable', async () => {
    expect(await failure(() => deepgramTranscription.transcribe(tr(Buffer.from('nope'), null), ctxFor(base, 'nova-2')))).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      retryable: false,
    });
    expect(await failure(() => deepgramTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'nova-2', { key: 'bad-key' })))).toMatchObject({
      status: 502,
      kind: 'authentication',
    });
    fake.fail({ kind: 'rate_limit', retryAfter: 5 });
    expect(await failure(() => deepgramTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'nova-2')))).toMatchObject({
      status: 429,
      retryAfterMs: 5000,
      retryable: true,
    });
    fake.fail({ kind: 'status', status: 502 });
    expect(await failure(() => deepgramTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'nova-2')))).toMatchObject({
      status: 502,
      kind: 'server',
      retryable: true,
    });
  });
});

describe('AssemblyAI', () => {
  let fake: FakeAssemblyAI;
  let base: string;
  beforeAll(async () => {
    fake = await startFakeAssemblyAI();
    base = `${fake.url}/v2`;
  });
  afterAll(() => fake.close());
  beforeEach(() => {
    fake.reset();
    fake.pendingPolls = 2;
  });

  it('uploads the raw bytes, creates the transcript, polls to completed; header duration metered (not the rounded audio_duration)', async () => {
    const audio = wav(1.3);
    const r = await assemblyaiTranscription.transcribe(tr(audio, 1.3), ctxFor(base, 'best'));
    expect(r.units).toEqual({ audioSeconds: 1.3, source: 'header' });
    expect(r.transcript.providerDurationSeconds).toBe(1);
    expect(r.transcript.text).toBe('Hello from fake AssemblyAI.');
    expect(r.transcript.words[1]).toEqual({ word: 'from', start: 0.325, end: 0.65 });
    expect(r.transcript.segments).toHaveLength(1);
    expect(fake.requests.map((q) => `${q.method} ${q.path.replace(/[0-9a-f-]{36}/, ':id')}`)).toEqual([
      'POST /v2/upload',
      'POST /v2/transcript',
      'GET /v2/transcript/:id',
      'GET /v2/transcript/:id',
      'GET /v2/transcript/:id',
    ]);
    expect(fake.requests.every((q) => q.headers.authorization === 'test-key')).toBe(true);
    expect(fake.requests[0]!.body.equals(audio)).toBe(true);
    expect(JSON.parse(fake.requests[1]!.body.toString())).toMatchObject({ speech_model: 'best', language_detection: true });
  });

  it('a transcript that fails because the file is not audio -> 400 naming file; 401 auth; deadline -> non-retryable timeout', async () => {
    expect(await failure(() => assemblyaiTranscription.transcribe(tr(Buffer.from('hello'), 1), ctxFor(base, 'best')))).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      retryable: false,
      body: { error: { param: 'file' } },
    });
    expect(await failure(() => assemblyaiTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'best', { key: 'bad-key' })))).toMatchObject({
      status: 502,
      kind: 'authentication',
    });
    fake.pendingPolls = 10_000;
    expect(
      await failure(() => assemblyaiTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'best', { timeoutMs: 200, pollIntervalMs: 20 }))),
    ).toMatchObject({ status: 504, kind: 'timeout', retryable: false });
    fake.pendingPolls = 2;
    fake.fail({ kind: 'status', status: 500, path: '/v2/upload' });
    expect(await failure(() => assemblyaiTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'best')))).toMatchObject({ status: 500, retryable: true });
  });

  it('a client that goes away stops the polling', async () => {
    fake.pendingPolls = 10_000;
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 80);
    const started = Date.now();
    await expect(
      assemblyaiTranscription.transcribe(tr(wav(0.2), 0.2), ctxFor(base, 'best', { signal: ac.signal, timeoutMs: 5000, pollIntervalMs: 20 })),
    ).rejects.toThrow(/client went away/);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
