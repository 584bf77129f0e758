import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeExa, type FakeExa } from '../../../tests/fake-providers/exa';
import { startFakeTavily, type FakeTavily } from '../../../tests/fake-providers/tavily';
import { TranslatedUpstreamError } from '../errors';
import { callExaSearch, fromExaError, fromExaResponse, toExaRequest } from './exa';
import { searchRequestSchema, type SearchRequest, type SearchResponse } from './search-types';
import { UnsupportedFeatureError } from './shared';
import { callTavilySearch, fromTavilyError, fromTavilyResponse, toTavilyRequest } from './tavily';

const req = (body: Record<string, unknown>): SearchRequest => searchRequestSchema.parse({ model: 'exa-search', query: 'vector databases', ...body });
const meta = { model: 'exa-search', query: 'vector databases', requestId: 'req_abc123', created: 1700000000 };

describe('searchRequestSchema', () => {
  it('accepts the documented fields and refuses unknown ones by name', () => {
    expect(
      req({ max_results: 5, include_domains: ['arxiv.org'], start_published_date: '2024-01-01', include_content: true, provider_options: { type: 'neural' } })
        .max_results,
    ).toBe(5);
    const bad = searchRequestSchema.safeParse({ model: 'exa-search', query: 'x', max_result: 3 });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error!.issues)).toContain('max_result');
    expect(searchRequestSchema.safeParse({ model: 'exa-search', query: '   ' }).success).toBe(false);
    expect(searchRequestSchema.safeParse({ model: 'exa-search', query: 'x', max_results: 101 }).success).toBe(false);
    expect(searchRequestSchema.safeParse({ model: 'exa-search', query: 'x', start_published_date: '2024-13-45' }).success).toBe(false);
  });
});

describe('Exa mapping', () => {
  it('builds Exa request fields, highlights always, text with include_content, options merged', () => {
    expect(
      toExaRequest(
        req({
          max_results: 3,
          include_domains: ['arxiv.org'],
          exclude_domains: ['x.com'],
          start_published_date: '2024-01-01',
          end_published_date: '2024-06-30T12:00:00Z',
          include_content: true,
          provider_options: { type: 'keyword', contents: { summary: true } },
        }),
      ),
    ).toEqual({
      type: 'keyword',
      query: 'vector databases',
      numResults: 3,
      contents: { highlights: true, text: true, summary: true },
      includeDomains: ['arxiv.org'],
      excludeDomains: ['x.com'],
      startPublishedDate: '2024-01-01T00:00:00.000Z',
      endPublishedDate: '2024-06-30T12:00:00Z',
    });
    expect(toExaRequest(req({}))).toEqual({ query: 'vector databases', numResults: 10, contents: { highlights: true } });
  });

  it('normalizes results, keeps extras under provider and never passes costDollars', () => {
    const out = fromExaResponse(
      {
        requestId: 'r1',
        resolvedSearchType: 'neural',
        costDollars: { total: 0.005 },
        results: [
          {
            id: 'u1',
            title: 'T',
            url: 'https://a.example/1',
            publishedDate: '2024-02-03T04:05:06.000Z',
            author: 'Ann',
            score: 0.81,
            highlights: ['Key line.'],
            highlightScores: [0.5],
            text: 'Full text',
          },
          { id: 'u2', title: null, url: 'https://b.example/2', publishedDate: 'sometime', text: '  Long  text  ' },
        ],
      },
      meta,
    )!;
    expect(out).toEqual({
      id: 'search_abc123',
      object: 'search.result',
      created: 1700000000,
      model: 'exa-search',
      query: 'vector databases',
      results: [
        {
          title: 'T',
          url: 'https://a.example/1',
          snippet: 'Key line.',
          published_at: '2024-02-03T04:05:06.000Z',
          score: 0.81,
          provider: { id: 'u1', author: 'Ann', highlights: ['Key line.'], highlightScores: [0.5], text: 'Full text' },
        },
        {
          title: null,
          url: 'https://b.example/2',
          snippet: 'Long text',
          published_at: null,
          score: null,
          provider: { id: 'u2', text: '  Long  text  ', publishedDate: 'sometime' },
        },
      ],
      provider: { requestId: 'r1', resolvedSearchType: 'neural' },
    });
    expect(fromExaResponse({ nope: 1 }, meta)).toBeNull();
  });

  it('maps Exa errors: 402 (no credits) moves on like a permission failure', () => {
    expect(fromExaError(400, { requestId: 'x', error: 'numResults: too big', tag: 'INVALID_REQUEST_BODY' })).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      body: { error: { message: 'The provider rejected the request (Exa 400 INVALID_REQUEST_BODY): numResults: too big' } },
    });
    expect(fromExaError(402, { error: 'out of credits' })).toMatchObject({ status: 502, kind: 'permission', retryable: false });
    expect(fromExaError(429, 'nope')).toMatchObject({ status: 429, kind: 'rate_limit', retryable: true });
  });
});

describe('Tavily mapping', () => {
  it('builds Tavily request fields and refuses more than 20 results before any call', () => {
    expect(
      toTavilyRequest(
        req({
          max_results: 7,
          include_domains: ['bbc.co.uk'],
          start_published_date: '2024-01-01T10:00:00Z',
          end_published_date: '2024-02-01',
          include_content: true,
          provider_options: { topic: 'news', include_answer: true },
        }),
      ),
    ).toEqual({
      topic: 'news',
      include_answer: true,
      query: 'vector databases',
      max_results: 7,
      include_domains: ['bbc.co.uk'],
      start_date: '2024-01-01',
      end_date: '2024-02-01',
      include_raw_content: 'markdown',
    });
    try {
      toTavilyRequest(req({ max_results: 21 }));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnsupportedFeatureError);
      expect((e as UnsupportedFeatureError).param).toBe('max_results');
    }
  });

  it('normalizes results (RFC 1123 dates to ISO), drops usage credits', () => {
    const out = fromTavilyResponse(
      {
        query: 'q',
        answer: 'An answer',
        images: [],
        results: [
          {
            title: 'T',
            url: 'https://n.example/1',
            content: 'Snippet.',
            score: 0.7,
            raw_content: '# Page',
            published_date: 'Wed, 15 Jan 2025 14:30:00 GMT',
            favicon: 'f',
          },
        ],
        response_time: '0.4',
        request_id: 'rid',
        usage: { credits: 1 },
      },
      { ...meta, model: 'tavily-search' },
      true,
    )!;
    expect(out.results).toEqual([
      {
        title: 'T',
        url: 'https://n.example/1',
        snippet: 'Snippet.',
        published_at: '2025-01-15T14:30:00.000Z',
        score: 0.7,
        content: '# Page',
        provider: { favicon: 'f' },
      },
    ]);
    expect(out.provider).toEqual({ answer: 'An answer', images: [], response_time: '0.4', request_id: 'rid' });
  });

  it('maps Tavily errors: 432/433 plan limits move on like a permission failure', () => {
    expect(fromTavilyError(400, { detail: { error: 'Query is missing.' } })).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      body: { error: { message: 'The provider rejected the request (Tavily 400): Query is missing.' } },
    });
    expect(fromTavilyError(432, { detail: { error: 'plan limit' } })).toMatchObject({ status: 502, kind: 'permission', retryable: false });
    expect(fromTavilyError(433, { detail: { error: 'paygo limit' } })).toMatchObject({ status: 502, kind: 'permission' });
  });
});

const noMoney = (out: SearchResponse) => {
  const s = JSON.stringify(out);
  expect(s).not.toMatch(/cost|credits|dollar/i);
};

describe('search adapters through HTTP (fakes speaking the real wire formats)', () => {
  let exa: FakeExa;
  let tavily: FakeTavily;
  beforeAll(async () => {
    [exa, tavily] = await Promise.all([startFakeExa(), startFakeTavily()]);
  });
  afterAll(() => Promise.all([exa.close(), tavily.close()]));

  it('Exa: x-api-key, numResults, domains, normalized answer', async () => {
    exa.reset();
    const out = await callExaSearch(
      { baseUrl: exa.url, apiKey: 'test-exa-key', timeoutMs: 2000 },
      req({ max_results: 4, include_domains: ['arxiv.org', 'nature.com'] }),
      meta,
    );
    expect(exa.requests[0]!.path).toBe('/search');
    expect(exa.requests[0]!.headers['x-api-key']).toBe('test-exa-key');
    expect(exa.requests[0]!.headers.authorization).toBeUndefined();
    expect(out.results).toHaveLength(4);
    expect(out.results.map((r) => new URL(r.url).host)).toEqual(['arxiv.org', 'nature.com', 'arxiv.org', 'nature.com']);
    for (const r of out.results) {
      expect(r.snippet).toContain('vector databases');
      expect(r.published_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(typeof r.score).toBe('number');
      expect(r.provider).toHaveProperty('favicon');
      expect(r).not.toHaveProperty('content');
    }
    expect(out.provider).toHaveProperty('requestId');
    noMoney(out);
  });

  it('Exa: include_content returns the page text as content', async () => {
    const out = await callExaSearch({ baseUrl: exa.url, apiKey: 'test-exa-key', timeoutMs: 2000 }, req({ max_results: 1, include_content: true }), meta);
    expect(out.results[0]!.content).toContain('article 1');
    expect(out.results[0]!.provider).not.toHaveProperty('text');
  });

  it('Tavily: Bearer auth, max_results, normalized answer with the answer kept', async () => {
    tavily.reset();
    const out = await callTavilySearch(
      { baseUrl: tavily.url, apiKey: 'tvly-test-key', timeoutMs: 2000 },
      req({ model: 'tavily-search', max_results: 3, provider_options: { topic: 'news', include_answer: true, include_usage: true } }),
      { ...meta, model: 'tavily-search' },
    );
    const sent = tavily.requests[0]!;
    expect(sent.path).toBe('/search');
    expect(sent.headers.authorization).toBe('Bearer tvly-test-key');
    expect(sent.body).toEqual({ topic: 'news', include_answer: true, include_usage: true, query: 'vector databases', max_results: 3 });
    expect(out.model).toBe('tavily-search');
    expect(out.results).toHaveLength(3);
    expect(out.results[0]!.published_at).toBe('2025-01-15T14:30:00.000Z');
    expect(out.provider.answer).toContain('vector databases');
    noMoney(out);
  });

  it("passes a provider's 400 on as the client's", async () => {
    const e = (await callTavilySearch(
      { baseUrl: tavily.url, apiKey: 'tvly-test-key', timeoutMs: 2000 },
      req({ provider_options: { search_depth: 'extreme' } }),
      meta,
    ).catch((x: unknown) => x)) as TranslatedUpstreamError;
    expect(e).toBeInstanceOf(TranslatedUpstreamError);
    expect(e.translated).toMatchObject({
      status: 400,
      kind: 'invalid_request',
      body: { error: { message: 'The provider rejected the request (Tavily 400): Invalid search_depth.' } },
    });
  });
});
