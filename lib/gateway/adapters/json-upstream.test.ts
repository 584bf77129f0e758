/**
 * Failure modes of the JSON adapters, the same for the three providers: each fake is told to
 * fail, and the adapter must throw the typed error the router uses for retries, fallbacks and
 * cooldown (kind, retryable, Retry-After), or pass the client's abort through untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExa } from '../../../tests/fake-providers/exa';
import type { JsonFake } from '../../../tests/fake-providers/json-fake';
import { startFakeTavily } from '../../../tests/fake-providers/tavily';
import { startFakeVoyage } from '../../../tests/fake-providers/voyage';
import { TranslatedUpstreamError } from '../errors';
import { UpstreamConnectionError } from '../upstream/http-client';
import { callExaSearch } from './exa';
import { retryAfterFromHeaders } from './json-upstream';
import { embeddingRequestSchema } from './openai-types';
import { searchRequestSchema } from './search-types';
import { callTavilySearch } from './tavily';
import { callVoyageEmbeddings } from './voyage';

type Caller = (timeoutMs: number, signal?: AbortSignal) => Promise<unknown>;
const fakes: Record<string, { fake: JsonFake; call: Caller }> = {};

beforeAll(async () => {
  const [voyage, exa, tavily] = await Promise.all([startFakeVoyage(), startFakeExa(), startFakeTavily()]);
  const search = searchRequestSchema.parse({ model: 'm', query: 'q' });
  const meta = { model: 'm', query: 'q', requestId: 'req_1' };
  fakes.voyage = {
    fake: voyage,
    call: (timeoutMs, signal) =>
      callVoyageEmbeddings(
        { baseUrl: voyage.baseUrl, apiKey: 'test-voyage-key', timeoutMs, signal },
        embeddingRequestSchema.parse({ model: 'voyage-3', input: 'x' }),
        'voyage-3',
        'voyage-3',
      ),
  };
  fakes.exa = { fake: exa, call: (timeoutMs, signal) => callExaSearch({ baseUrl: exa.url, apiKey: 'test-exa-key', timeoutMs, signal }, search, meta) };
  fakes.tavily = {
    fake: tavily,
    call: (timeoutMs, signal) => callTavilySearch({ baseUrl: tavily.url, apiKey: 'tvly-test-key', timeoutMs, signal }, search, meta),
  };
});
afterAll(() => Promise.all(Object.values(fakes).map((f) => f.fake.close())));

const failure = async (p: Promise<unknown>) =>
  (await p.then(
    () => expect.unreachable(),
    (e: unknown) => e,
  )) as TranslatedUpstreamError;

describe.each(['voyage', 'exa', 'tavily'])('%s failures', (name) => {
  it('500 -> retryable server error with the provider message', async () => {
    const { fake, call } = fakes[name]!;
    fake.setBehavior({ status: 500, message: 'boom inside', times: 1 });
    const e = await failure(call(2000));
    expect(e).toBeInstanceOf(TranslatedUpstreamError);
    expect(e.translated).toMatchObject({ status: 500, upstreamStatus: 500, kind: 'server', retryable: true });
    // Tenants get our wording with the provider's status; the provider's message stays with operators.
    expect(e.translated.body.error.message).toMatch(/^The provider failed while processing the request \(\S.* 500\b/);
    expect(e.translated.body.error.message).not.toContain('boom inside');
    expect(e.translated.upstream?.message).toBe('boom inside');
    await expect(call(2000)).resolves.toBeTruthy();
  });

  it('429 + Retry-After -> rate_limit, retryable, the delay kept', async () => {
    const { fake, call } = fakes[name]!;
    fake.setBehavior({ status: 429, retryAfter: 2, times: 1 });
    const e = await failure(call(2000));
    expect(e.translated).toMatchObject({
      status: 429,
      kind: 'rate_limit',
      retryable: true,
      body: { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
    });
    expect(e.retryAfterMs).toBe(2000);
  });

  it('503 -> overloaded (retryable)', async () => {
    const { fake, call } = fakes[name]!;
    fake.setBehavior({ status: 503, times: 1 });
    expect((await failure(call(2000))).translated).toMatchObject({ status: 503, kind: 'overloaded', retryable: true });
  });

  it('connection reset and a non-JSON 200 -> retryable 502', async () => {
    const { fake, call } = fakes[name]!;
    fake.setBehavior([
      { mode: 'reset', times: 1 },
      { mode: 'invalid_json', times: 1 },
    ]);
    expect((await failure(call(2000))).translated).toMatchObject({ status: 502, kind: 'server', retryable: true });
    expect((await failure(call(2000))).translated).toMatchObject({ status: 502, kind: 'server', retryable: true });
  });

  it('no answer in time -> 504 timeout (retryable)', async () => {
    const { fake, call } = fakes[name]!;
    fake.setBehavior({ mode: 'hang', times: 1 });
    expect((await failure(call(150))).translated).toMatchObject({ status: 504, kind: 'timeout', retryable: true });
  });

  it('the client going away is not a provider failure', async () => {
    const { fake, call } = fakes[name]!;
    fake.setBehavior({ mode: 'hang', times: 1 });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 50);
    const e = await failure(call(5000, ac.signal));
    expect(e).toBeInstanceOf(UpstreamConnectionError);
    expect((e as unknown as UpstreamConnectionError).kind).toBe('aborted');
  });
});

describe('retryAfterFromHeaders', () => {
  it('reads ms, seconds and HTTP dates', () => {
    expect(retryAfterFromHeaders({ 'retry-after-ms': '250' })).toBe(250);
    expect(retryAfterFromHeaders({ 'retry-after': '3' })).toBe(3000);
    const d = retryAfterFromHeaders({ 'retry-after': new Date(Date.now() + 5000).toUTCString() })!;
    expect(d).toBeGreaterThan(3000);
    expect(d).toBeLessThanOrEqual(5000);
    expect(retryAfterFromHeaders({})).toBeNull();
  });
});
