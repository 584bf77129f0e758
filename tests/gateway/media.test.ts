/**
 * Images, speech and transcription through the gateway over HTTP with the official `openai`
 * client, against local fakes of each provider: answers in OpenAI's shapes, exact metering per
 * unit (images, characters, audio minutes from the file's real duration), validation before any
 * provider call, key scopes (incl. legacy keys), and per-unit budgets under 20 concurrent requests.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APIError, toFile } from 'openai';
import type { DbHandle } from '../../lib/db/client';
import { dec } from '../../lib/pricing/money';
import { testDb } from '../support/db';
import { fakeEnv, newTenant, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';
import { startFakeOpenAIMedia } from '../fake-providers/openai-media';
import { startFakeStability } from '../fake-providers/stability';
import { startFakeBfl, type FakeBfl } from '../fake-providers/bfl';
import { fakeOggOpus, startFakeElevenLabs } from '../fake-providers/elevenlabs';
import { startFakeDeepgram } from '../fake-providers/deepgram';
import { startFakeIdeogram } from '../fake-providers/ideogram';
import { startFakeAssemblyAI, type FakeAssemblyAI } from '../fake-providers/assemblyai';
import type { FakeProvider } from '../fake-providers/media-common';
import { mp3, PNG_SIGNATURE, wav } from '../fake-providers/media-fixtures';

let h: DbHandle;
let chatFake: FakeUpstream;
let openai: FakeProvider;
let stability: FakeProvider;
let bfl: FakeBfl;
let eleven: FakeProvider;
let deepgram: FakeProvider;
let ideogram: FakeProvider;
let assembly: FakeAssemblyAI;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  [chatFake, openai, stability, bfl, eleven, deepgram, ideogram, assembly] = await Promise.all([
    startFakeUpstream(),
    startFakeOpenAIMedia(),
    startFakeStability(),
    startFakeBfl(),
    startFakeElevenLabs(),
    startFakeDeepgram(),
    startFakeIdeogram(),
    startFakeAssemblyAI(),
  ]);
  bfl.pendingPolls = 0;
  assembly.pendingPolls = 0;
  g = await startGateway(h.db, chatFake, {
    env: {
      ...fakeEnv(chatFake),
      OPENAI_IMAGES_BASE_URL: `${openai.url}/v1`,
      OPENAI_AUDIO_BASE_URL: `${openai.url}/v1`,
      STABILITY_API_KEY: 'test-stability',
      STABILITY_BASE_URL: stability.url,
      BFL_API_KEY: 'test-bfl',
      FLUX_BASE_URL: bfl.url,
      ELEVENLABS_API_KEY: 'test-eleven',
      ELEVENLABS_BASE_URL: `${eleven.url}/v1`,
      DEEPGRAM_API_KEY: 'test-deepgram',
      DEEPGRAM_BASE_URL: `${deepgram.url}/v1`,
      IDEOGRAM_API_KEY: 'test-ideogram',
      IDEOGRAM_BASE_URL: ideogram.url,
      ASSEMBLYAI_API_KEY: 'test-assembly',
      ASSEMBLYAI_BASE_URL: `${assembly.url}/v2`,
      RADIANT_DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'radiant-media-')),
    },
  });
});
afterAll(async () => {
  await g?.close();
  await Promise.all([chatFake, openai, stability, bfl, eleven, deepgram, ideogram, assembly].map((f) => f?.close()));
});

async function rows(tenantId: string) {
  await g.gw.flushMetering();
  return usageRows(h.db, tenantId);
}

/** price = cost x (1 + markup / 100), exactly. */
function expectPrice(r: { cost: string; price: string; markupPercent: string }) {
  expect(dec(r.price).equals(dec(r.cost).times(dec(r.markupPercent).dividedBy(100).plus(1)))).toBe(true);
}

describe('POST /api/v1/images/generations', () => {
  it('dall-e-3: images.generate answers with the provider signed URL; one image metered at the per-image cost', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await t.client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse at dusk', size: '1792x1024' });
    expect(res.data).toHaveLength(1);
    expect(res.data![0]!.url).toMatch(new RegExp(`^${openai.url}/blob/.+sig=`));
    expect(res.data![0]!.revised_prompt).toBe('revised: a lighthouse at dusk');
    const [r] = await rows(t.tenantId);
    expect(r).toMatchObject({ endpoint: 'images.generations', modelId: 'openai-dall-e-3', imageCount: 1, status: 'success', httpStatus: 200 });
    expect(dec(r!.cost).equals(dec('0.04'))).toBe(true);
    expectPrice(r!);
  });

  it('sdxl (Stability, bytes only): b64_json with n=2 meters 2 images; url answers point to RADIANT, owning tenant only', async () => {
    const t = await newTenant(h.db, g.baseURL);
    stability.reset();
    const res = await t.client.images.generate({ model: 'sdxl', prompt: 'a fox', n: 2, response_format: 'b64_json' });
    expect(res.data).toHaveLength(2);
    expect(Buffer.from(res.data![0]!.b64_json!, 'base64').subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const viaUrl = await t.client.images.generate({ model: 'sdxl', prompt: 'a fox' });
    const url = viaUrl.data![0]!.url!;
    expect(url).toMatch(new RegExp(`^${g.url}/api/v1/images/files/img_[0-9a-f]{32}$`));
    const own = await fetch(url, { headers: { authorization: `Bearer ${t.key}` } });
    expect(own.status).toBe(200);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await own.arrayBuffer()).subarray(0, 8)).toEqual(PNG_SIGNATURE);
    const other = await newTenant(h.db, g.baseURL);
    expect((await fetch(url, { headers: { authorization: `Bearer ${other.key}` } })).status).toBe(404);
    expect((await fetch(url)).status).toBe(401);
    expect(stability.requests).toHaveLength(2);
    const r = await rows(t.tenantId);
    expect(r.map((x) => x.imageCount)).toEqual([2, 1]);
    expect(r[0]).toMatchObject({ modelId: 'stability-sdxl' });
    expect(dec(r[0]!.cost).equals(dec(r[1]!.cost).times(2))).toBe(true);
  });

  it('flux-pro-1.1 goes to Black Forest Labs (task + polling) and hands out its signed delivery URL', async () => {
    const t = await newTenant(h.db, g.baseURL);
    bfl.reset();
    const res = await t.client.images.generate({ model: 'flux-pro-1.1', prompt: 'a castle' });
    expect(res.data![0]!.url).toMatch(/\/delivery\/.+sig=/);
    expect(bfl.requests[0]!.headers['x-key']).toBe('test-bfl');
    expect((await rows(t.tenantId))[0]).toMatchObject({ modelId: 'flux-pro-11', imageCount: 1 });
  });

  it('ideogram-v2-turbo: n=3 through Ideogram, three images metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await t.client.images.generate({ model: 'ideogram-v2-turbo', prompt: 'a sign saying RADIANT', n: 3, size: '1344x768' });
    expect(res.data).toHaveLength(3);
    expect(res.data![0]!.url).toMatch(/\/api\/images\/ephemeral\/.+signature=/);
    expect((await rows(t.tenantId))[0]).toMatchObject({ modelId: 'ideogram-v2-turbo', imageCount: 3 });
  });

  it('/api/v1/models lists the media models with their endpoint, and not midjourney-v6 or flux-schnell', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await fetch(`${g.baseURL}/models`, { headers: { authorization: `Bearer ${t.key}` } });
    const list = ((await res.json()) as { data: Array<{ id: string; endpoints?: string[] }> }).data;
    const by = new Map(list.map((m) => [m.id, m]));
    for (const id of ['dall-e-3', 'dall-e-3-hd', 'sdxl', 'sd3-large', 'stable-image-ultra', 'flux-pro-1.1', 'flux-pro-1.1-ultra']) {
      expect(by.get(id)?.endpoints, id).toEqual(['/v1/images/generations']);
    }
    for (const id of ['ideogram-v2', 'ideogram-v2-turbo']) expect(by.get(id)?.endpoints, id).toEqual(['/v1/images/generations', '/v1/images/edits']);
    for (const id of ['tts-1', 'tts-1-hd', 'multilingual-v2', 'turbo-v2.5']) expect(by.get(id)?.endpoints, id).toEqual(['/v1/audio/speech']);
    for (const id of ['whisper-1', 'nova-2', 'nova-2-medical', 'assemblyai-best']) expect(by.get(id)?.endpoints, id).toEqual(['/v1/audio/transcriptions']);
    expect(by.has('midjourney-v6')).toBe(false);
    expect(by.has('flux-schnell')).toBe(false);
  });

  it('bad input is a 400 naming the field before any provider call; nothing metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    openai.reset();
    for (const [body, param] of [
      [{ model: 'dall-e-3', prompt: 'x', n: 2 }, 'n'],
      [{ model: 'dall-e-3', prompt: 'x', size: '256x256' }, 'size'],
      [{ model: 'dall-e-3', prompt: '' }, 'prompt'],
      [{ model: 'dall-e-3-hd', prompt: 'x', quality: 'standard' }, 'quality'],
      [{ prompt: 'x' }, 'model'],
    ] as const) {
      const e = (await t.client.images.generate(body as never).catch((x: unknown) => x)) as APIError;
      expect(e.status, JSON.stringify(body)).toBe(400);
      expect(e.param).toBe(param);
    }
    const e = (await t.client.images.generate({ model: 'gpt-4.1-mini', prompt: 'x' }).catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(400);
    const mj = (await t.client.images.generate({ model: 'midjourney-v6', prompt: 'x' }).catch((x: unknown) => x)) as APIError;
    expect([400, 404]).toContain(mj.status);
    expect(openai.requests).toHaveLength(0);
    expect(await rows(t.tenantId)).toHaveLength(0);
  });

  it('a content-policy refusal is a 400 content_policy_violation and is not metered as a sale', async () => {
    const t = await newTenant(h.db, g.baseURL);
    openai.fail({ kind: 'content_policy' });
    const e = (await t.client.images.generate({ model: 'dall-e-3', prompt: 'x' }).catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(400);
    expect(e.code).toBe('content_policy_violation');
    const [r] = await rows(t.tenantId);
    expect(r).toMatchObject({ status: 'error', imageCount: 0 });
    expect(dec(r!.price).isZero()).toBe(true);
  });

  it('retries a 500 and meters once', async () => {
    const t = await newTenant(h.db, g.baseURL);
    openai.fail({ kind: 'status', status: 500, path: '/v1/images' });
    const res = await t.client.images.generate({ model: 'dall-e-3', prompt: 'x', response_format: 'b64_json' });
    expect(res.data).toHaveLength(1);
    const r = await rows(t.tenantId);
    expect(r).toHaveLength(1);
    expect(r[0]).toMatchObject({ attemptCount: 2, imageCount: 1 });
  });

  it('key scopes: a key without `images` gets 403; a legacy all-access key (chat, embeddings, models) may call images', async () => {
    const chatOnly = await newTenant(h.db, g.baseURL, { key: { scopes: ['chat'] } });
    const e = (await chatOnly.client.images.generate({ model: 'dall-e-3', prompt: 'x' }).catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(403);
    const legacy = await newTenant(h.db, g.baseURL, { key: { scopes: ['chat', 'embeddings', 'models'] } });
    expect((await legacy.client.images.generate({ model: 'dall-e-3', prompt: 'x' })).data).toHaveLength(1);
    const imagesOnly = await newTenant(h.db, g.baseURL, { key: { scopes: ['images'] } });
    const s = (await imagesOnly.client.audio.speech.create({ model: 'tts-1', input: 'x', voice: 'nova' }).catch((x: unknown) => x)) as APIError;
    expect(s.status).toBe(403);
  });

  it('the monthly budget holds per image under 20 concurrent requests', async () => {
    const probe = await newTenant(h.db, g.baseURL);
    await probe.client.images.generate({ model: 'dall-e-3', prompt: 'probe' });
    const per = dec((await rows(probe.tenantId))[0]!.price);
    const cap = per.times(5).plus(per.dividedBy(2)); // room for 5 images, not 6
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap.toFixed() } });
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.client.images
          .generate({ model: 'dall-e-3', prompt: `race ${i}` })
          .then(() => 'ok' as const)
          .catch((x: unknown) => x),
      ),
    );
    const ok = results.filter((r) => r === 'ok').length;
    const quota = results.filter((r) => r instanceof APIError && r.status === 429 && r.code === 'insufficient_quota').length;
    expect(ok).toBe(5);
    expect(quota).toBe(15);
    const r = await rows(t.tenantId);
    const spent = r.reduce((s, x) => s.plus(dec(x.price)), dec(0));
    expect(spent.equals(per.times(5))).toBe(true);
    expect(spent.lessThanOrEqualTo(cap)).toBe(true);
  });
});

describe('POST /api/v1/audio/speech', () => {
  it('tts-1: audio.speech.create streams the audio; input characters metered exactly', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const input = 'Grüße aus RADIANT 👋';
    const res = await t.client.audio.speech.create({ model: 'tts-1', input, voice: 'alloy' });
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(mp3(20));
    const [r] = await rows(t.tenantId);
    expect(r).toMatchObject({ endpoint: 'audio.speech', modelId: 'openai-tts-1', characters: [...input].length, status: 'success' });
    expect(
      dec(r!.cost).equals(
        dec('0.015')
          .times([...input].length)
          .dividedBy(1000),
      ),
    ).toBe(true);
    expectPrice(r!);
  });

  it('ElevenLabs multilingual-v2 with an OpenAI voice name; an unknown voice is a 400 naming voice', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await t.client.audio.speech.create({ model: 'multilingual-v2', input: 'Bonjour', voice: 'onyx', response_format: 'mp3' });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(mp3(20));
    expect((await rows(t.tenantId))[0]).toMatchObject({ modelId: 'elevenlabs-multilingual-v2', characters: 7 });
    const e = (await t.client.audio.speech.create({ model: 'multilingual-v2', input: 'x', voice: 'bob' as never }).catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(400);
    expect(e.param).toBe('voice');
  });

  it('ElevenLabs: response_format opus and wav map to its output_format; aac (it cannot produce it) is a 400 naming response_format', async () => {
    const t = await newTenant(h.db, g.baseURL);
    eleven.reset();
    const opus = await t.client.audio.speech.create({ model: 'turbo-v2.5', input: 'Hallo', voice: 'nova', response_format: 'opus' });
    expect(opus.headers.get('content-type')).toBe('audio/ogg');
    expect(Buffer.from(await opus.arrayBuffer())).toEqual(fakeOggOpus());
    const wavRes = await t.client.audio.speech.create({ model: 'turbo-v2.5', input: 'Hallo', voice: 'nova', response_format: 'wav' });
    expect(Buffer.from(await wavRes.arrayBuffer())).toEqual(wav(0.5, 24000));
    expect(eleven.requests.map((r) => r.query.get('output_format'))).toEqual(['opus_48000_128', 'wav_24000']);
    const e = (await t.client.audio.speech
      .create({ model: 'turbo-v2.5', input: 'Hallo', voice: 'nova', response_format: 'aac' })
      .catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(400);
    expect(e.param).toBe('response_format');
    expect(e.message).toContain('Supported: mp3, pcm, opus, wav');
    expect(eleven.requests).toHaveLength(2); // refused before any provider call
    const metered = await rows(t.tenantId);
    expect(metered.map((r) => r.characters)).toEqual([5, 5]);
  });

  it('a client that leaves mid-audio is still metered for the whole input (the provider produced it)', async () => {
    const t = await newTenant(h.db, g.baseURL);
    await new Promise<void>((resolve, reject) => {
      const req = http.request(
        `${g.baseURL}/audio/speech`,
        { method: 'POST', headers: { authorization: `Bearer ${t.key}`, 'content-type': 'application/json' } },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        },
      );
      req.on('error', (e) => ((e as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve() : reject(e)));
      req.end(JSON.stringify({ model: 'tts-1', input: 'left early', voice: 'echo' }));
    });
    let r: Awaited<ReturnType<typeof rows>> = [];
    for (let i = 0; i < 50 && r.length === 0; i++) {
      await new Promise((res) => setTimeout(res, 50));
      r = await rows(t.tenantId);
    }
    expect(r[0]).toMatchObject({ status: 'cancelled', characters: 10 });
    expect(dec(r[0]!.price).greaterThan(0)).toBe(true);
  });

  it('the monthly budget holds per character under 20 concurrent requests', async () => {
    const input = 'x'.repeat(1000);
    const probe = await newTenant(h.db, g.baseURL);
    await (await probe.client.audio.speech.create({ model: 'tts-1', input, voice: 'nova' })).arrayBuffer();
    const per = dec((await rows(probe.tenantId))[0]!.price);
    const cap = per.times(3).plus(per.dividedBy(2));
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap.toFixed() } });
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        t.client.audio.speech
          .create({ model: 'tts-1', input, voice: 'nova' })
          .then((r) => r.arrayBuffer())
          .then(() => 'ok' as const)
          .catch((x: unknown) => x),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(3);
    const spent = (await rows(t.tenantId)).reduce((s, x) => s.plus(dec(x.price)), dec(0));
    expect(spent.equals(per.times(3))).toBe(true);
  });
});

describe('POST /api/v1/audio/transcriptions', () => {
  it('whisper-1: transcriptions.create with a real WAV; audio minutes metered from its exact duration', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const res = await t.client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(wav(3), 'clip.wav', { type: 'audio/wav' }) });
    expect(res.text).toBe('Hello from fake whisper.');
    const [r] = await rows(t.tenantId);
    expect(r).toMatchObject({ endpoint: 'audio.transcriptions', modelId: 'openai-whisper-1', status: 'success' });
    expect(dec(r!.audioMinutes).equals(dec('0.05'))).toBe(true);
    expect(dec(r!.cost).equals(dec('0.006').times('0.05'))).toBe(true);
    expect(r!.metadata).toMatchObject({ audioSeconds: 3, durationSource: 'header', providerDurationSeconds: 3 });
    expectPrice(r!);
  });

  it('Deepgram nova-2: verbose_json, srt and text in OpenAI shapes', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const file = () => toFile(wav(1.5), 'clip.wav', { type: 'audio/wav' });
    const v = await t.client.audio.transcriptions.create({
      model: 'nova-2',
      file: await file(),
      response_format: 'verbose_json',
      timestamp_granularities: ['word'],
    });
    expect(v).toMatchObject({ task: 'transcribe', duration: 1.5, text: 'Hello from fake Deepgram.' });
    expect(v.words).toHaveLength(4);
    const srt = (await t.client.audio.transcriptions.create({ model: 'nova-2', file: await file(), response_format: 'srt' })) as unknown as string;
    expect(srt).toBe('1\n00:00:00,000 --> 00:00:01,500\nHello from fake Deepgram.\n');
    const r = await rows(t.tenantId);
    expect(r).toHaveLength(2);
    expect(r.every((x) => dec(x.audioMinutes).equals(dec('0.025')))).toBe(true);
  });

  it('AssemblyAI best: upload, transcript, polling; vtt answer; minutes from the header, not the whole-second audio_duration', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const vtt = (await t.client.audio.transcriptions.create({
      model: 'assemblyai-best',
      file: await toFile(wav(1.2), 'clip.wav', { type: 'audio/wav' }),
      response_format: 'vtt',
    })) as unknown as string;
    expect(vtt).toBe('WEBVTT\n\n00:00:00.000 --> 00:00:01.200\nHello from fake AssemblyAI.\n');
    const [r] = await rows(t.tenantId);
    expect(r).toMatchObject({ modelId: 'assemblyai-best' });
    expect(dec(r!.audioMinutes).equals(dec('0.02'))).toBe(true);
    expect(r!.metadata).toMatchObject({ audioSeconds: 1.2, durationSource: 'header', providerDurationSeconds: 1 });
  });

  it('a file that is not audio is a 400 naming file; a missing file too; nothing is sent upstream or metered', async () => {
    const t = await newTenant(h.db, g.baseURL);
    deepgram.reset();
    const e = (await t.client.audio.transcriptions
      .create({ model: 'nova-2', file: await toFile(Buffer.from('just text '.repeat(50)), 'notes.wav', { type: 'audio/wav' }) })
      .catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(400);
    expect(e.param).toBe('file');
    const form = new FormData();
    form.set('model', 'nova-2');
    const res = await fetch(`${g.baseURL}/audio/transcriptions`, { method: 'POST', headers: { authorization: `Bearer ${t.key}` }, body: form });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe('file');
    expect(deepgram.requests).toHaveLength(0);
    expect(await rows(t.tenantId)).toHaveLength(0);
  });

  it('a file over 25 MB is a 413 naming file', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const big = Buffer.concat([wav(1), Buffer.alloc(25 * 1024 * 1024 + 10)]);
    const e = (await t.client.audio.transcriptions
      .create({ model: 'whisper-1', file: await toFile(big, 'big.wav', { type: 'audio/wav' }) })
      .catch((x: unknown) => x)) as APIError;
    expect(e.status).toBe(413);
    expect(e.param).toBe('file');
  });

  it('the monthly budget holds per audio minute under 20 concurrent uploads', async () => {
    const audio = wav(6);
    const probe = await newTenant(h.db, g.baseURL);
    await probe.client.audio.transcriptions.create({ model: 'whisper-1', file: await toFile(audio, 'a.wav', { type: 'audio/wav' }) });
    const per = dec((await rows(probe.tenantId))[0]!.price);
    const cap = per.times(4).plus(per.dividedBy(2));
    const t = await newTenant(h.db, g.baseURL, { tenant: { monthlyBudget: cap.toFixed() } });
    const results = await Promise.all(
      Array.from({ length: 20 }, async () =>
        t.client.audio.transcriptions
          .create({ model: 'whisper-1', file: await toFile(audio, 'a.wav', { type: 'audio/wav' }) })
          .then(() => 'ok' as const)
          .catch((x: unknown) => x),
      ),
    );
    expect(results.filter((r) => r === 'ok')).toHaveLength(4);
    const spent = (await rows(t.tenantId)).reduce((s, x) => s.plus(dec(x.price)), dec(0));
    expect(spent.equals(per.times(4))).toBe(true);
  });
});
