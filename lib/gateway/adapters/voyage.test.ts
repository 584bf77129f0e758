import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeVoyage, voyageEmbedding, voyageTokens, type FakeVoyage } from '../../../tests/fake-providers/voyage';
import { TranslatedUpstreamError } from '../errors';
import { embeddingRequestSchema, type EmbeddingRequest } from './openai-types';
import { UnsupportedFeatureError } from './shared';
import { callVoyageEmbeddings, floatsToBase64, fromVoyageError, toVoyageRequest } from './voyage';

const req = (body: Record<string, unknown>): EmbeddingRequest => embeddingRequestSchema.parse({ model: 'voyage-3', ...body });

describe('toVoyageRequest', () => {
  it('maps dimensions and passes Voyage fields, dropping OpenAI-only ones', () => {
    expect(
      toVoyageRequest(
        req({ input: ['a', 'b'], dimensions: 512, input_type: 'query', truncation: false, output_dtype: 'int8', user: 'u1', encoding_format: 'base64' }),
        'voyage-code-3',
      ),
    ).toEqual({
      input: ['a', 'b'],
      model: 'voyage-code-3',
      input_type: 'query',
      truncation: false,
      output_dimension: 512,
      output_dtype: 'int8',
    });
    expect(toVoyageRequest(req({ input: 'x' }), 'voyage-3')).toEqual({ input: 'x', model: 'voyage-3' });
  });

  it('refuses token arrays and unknown input types before any call', () => {
    expect(() => toVoyageRequest(req({ input: [1, 2, 3] }), 'voyage-3')).toThrow(UnsupportedFeatureError);
    try {
      toVoyageRequest(req({ input: 'x', input_type: 'passage' }), 'voyage-3');
      expect.unreachable();
    } catch (e) {
      expect((e as UnsupportedFeatureError).param).toBe('input_type');
    }
  });

  it('reads FastAPI detail errors', () => {
    expect(fromVoyageError(400, '{"detail":"bad dim"}')).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      retryable: false,
      body: { error: { message: 'The provider rejected the request (Voyage AI 400): bad dim' } },
    });
    expect(fromVoyageError(422, { detail: [{ msg: 'field required' }] }).body.error.message).toBe(
      'The provider rejected the request (Voyage AI 422): field required',
    );
  });
});

describe('Voyage through HTTP (fake speaking the real wire format)', () => {
  let fake: FakeVoyage;
  const call = (over: Partial<{ apiKey: string; timeoutMs: number; signal: AbortSignal }> = {}) => ({
    baseUrl: fake.baseUrl,
    apiKey: 'test-voyage-key',
    timeoutMs: 2000,
    ...over,
  });
  beforeAll(async () => {
    fake = await startFakeVoyage();
  });
  afterAll(() => fake.close());

  it('returns OpenAI embeddings (floats) with Voyage usage, echoing the client model', async () => {
    fake.reset();
    const out = await callVoyageEmbeddings(call(), req({ input: ['hello world', 'second text'], input_type: 'document' }), 'voyage-3', 'voyage-3');
    const sent = fake.requests[0]!;
    expect(sent.path).toBe('/v1/embeddings');
    expect(sent.headers.authorization).toBe('Bearer test-voyage-key');
    expect(sent.body).toEqual({ input: ['hello world', 'second text'], model: 'voyage-3', input_type: 'document' });
    expect(out.body.object).toBe('list');
    expect(out.body.model).toBe('voyage-3');
    expect(out.body.data.map((d) => d.index)).toEqual([0, 1]);
    expect(out.body.data[0]!.embedding).toEqual(voyageEmbedding('hello world', 1024));
    const tokens = voyageTokens('hello world') + voyageTokens('second text');
    expect(out.body.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    expect(out.usage).toEqual({ prompt_tokens: tokens, completion_tokens: 0, total_tokens: tokens });
  });

  it('encodes base64 like OpenAI (little-endian float32) for encoding_format base64', async () => {
    const out = await callVoyageEmbeddings(call(), req({ input: 'code here', dimensions: 256, encoding_format: 'base64' }), 'voyage-code-3', 'voyage-code-3');
    const b64 = out.body.data[0]!.embedding as string;
    expect(typeof b64).toBe('string');
    const buf = Buffer.from(b64, 'base64');
    const floats = Array.from(new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4));
    expect(floats).toEqual(voyageEmbedding('code here', 256));
    expect(floatsToBase64([1, -0.5])).toBe(Buffer.from(new Float32Array([1, -0.5]).buffer).toString('base64'));
  });

  it("passes the provider's validation error on as the client's 400", async () => {
    const e = (await callVoyageEmbeddings(call(), req({ input: 'x', dimensions: 300 }), 'voyage-3', 'voyage-3').catch(
      (x: unknown) => x,
    )) as TranslatedUpstreamError;
    expect(e).toBeInstanceOf(TranslatedUpstreamError);
    expect(e.translated).toMatchObject({ status: 400, kind: 'invalid_request', retryable: false });
    expect(e.translated.body.error.message).toContain('output_dimension');
  });

  it('turns a rejected gateway key into a 502 that does not echo the provider message', async () => {
    const e = (await callVoyageEmbeddings(call({ apiKey: 'wrong' }), req({ input: 'x' }), 'voyage-3', 'voyage-3').catch(
      (x: unknown) => x,
    )) as TranslatedUpstreamError;
    expect(e.translated).toMatchObject({ status: 502, upstreamStatus: 401, kind: 'authentication', retryable: false });
    expect(e.translated.body.error.message).not.toContain('Provided API key');
  });
});
