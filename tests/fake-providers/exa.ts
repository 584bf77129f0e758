/**
 * Fake Exa search API (https://docs.exa.ai/reference/search): POST /search with
 * `x-api-key: <key>` (default 'test-exa-key'); a missing or wrong key gets Exa's 401
 * `{ requestId, error, tag }`. Validates query / numResults (1..100) / domain lists / dates with
 * Exa-style 400s. Answers `{ requestId, resolvedSearchType, searchType, results[], costDollars }`;
 * each result has id, title, url, publishedDate, author, score, image, favicon, and `highlights` +
 * `highlightScores` / `text` / `summary` when `contents` asks for them. Deterministic per query;
 * includeDomains picks the result hosts, excludeDomains removes them.
 * Failures: `setBehavior` (json-fake.ts).
 */
import crypto from 'node:crypto';
import { seeded, startJsonFake, type FakeAnswer, type JsonFake } from './json-fake';

export type FakeExa = JsonFake;

const HOSTS = [
  'arxiv.org',
  'en.wikipedia.org',
  'nature.com',
  'github.com',
  'openai.com',
  'anthropic.com',
  'blog.example.org',
  'news.ycombinator.com',
  'theverge.com',
  'acm.org',
  'ieee.org',
  'medium.com',
];

const err = (status: number, error: string, tag = 'INVALID_REQUEST_BODY'): FakeAnswer => ({
  status,
  body: { requestId: crypto.randomUUID().replace(/-/g, ''), error, tag },
});

const isStrList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

function search(body: unknown): FakeAnswer {
  if (!body || typeof body !== 'object') return err(400, 'Request body must be a JSON object');
  const b = body as Record<string, unknown>;
  if (typeof b.query !== 'string' || !b.query.trim()) return err(400, 'query: Required');
  const n = b.numResults ?? 10;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 100) return err(400, 'numResults: Number must be between 1 and 100');
  if (b.includeDomains !== undefined && !isStrList(b.includeDomains)) return err(400, 'includeDomains: Expected array of strings');
  if (b.excludeDomains !== undefined && !isStrList(b.excludeDomains)) return err(400, 'excludeDomains: Expected array of strings');
  for (const f of ['startPublishedDate', 'endPublishedDate']) {
    if (b[f] !== undefined && (typeof b[f] !== 'string' || !Number.isFinite(Date.parse(b[f] as string)))) return err(400, `${f}: Invalid ISO 8601 date`);
  }
  const contents = (b.contents && typeof b.contents === 'object' ? b.contents : {}) as Record<string, unknown>;
  const include = (b.includeDomains as string[] | undefined) ?? HOSTS;
  const exclude = new Set((b.excludeDomains as string[] | undefined) ?? []);
  const hosts = include.filter((h) => !exclude.has(h));
  const rnd = seeded(b.query);
  const slug = b.query
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  const start = Date.parse(typeof b.startPublishedDate === 'string' ? b.startPublishedDate : '2023-01-01T00:00:00Z');
  const results = [];
  const count = Math.min(n, hosts.length === 0 ? 0 : 25);
  for (let i = 0; i < count; i++) {
    const host = hosts[i % hosts.length]!;
    const url = `https://${host}/${slug}-${i + 1}`;
    const text = `${b.query} — article ${i + 1} from ${host}. ${'Lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(6)}`;
    const r: Record<string, unknown> = {
      id: url,
      title: `${b.query} (${host}, part ${i + 1})`,
      url,
      publishedDate: new Date(start + Math.floor(rnd() * 300) * 86_400_000).toISOString(),
      author: i % 3 === 0 ? null : `Author ${i + 1}`,
      score: Math.round((0.95 - i * 0.03) * 1000) / 1000,
      image: `https://${host}/img/${i + 1}.png`,
      favicon: `https://${host}/favicon.ico`,
    };
    if (contents.text) r.text = text;
    if (contents.highlights) {
      r.highlights = [`${b.query} is discussed in part ${i + 1}: the key finding holds.`];
      r.highlightScores = [Math.round(rnd() * 1000) / 1000];
    }
    if (contents.summary) r.summary = `Summary of part ${i + 1} about ${b.query}.`;
    results.push(r);
  }
  const contentCost = (contents.text ? 0.001 : 0) * results.length;
  return {
    status: 200,
    body: {
      requestId: crypto.randomUUID().replace(/-/g, ''),
      resolvedSearchType: b.type === 'keyword' ? 'keyword' : 'neural',
      searchType: typeof b.type === 'string' ? b.type : 'auto',
      results,
      costDollars: { total: 0.005 + contentCost, search: { neural: 0.005 }, ...(contentCost ? { contents: { text: contentCost } } : {}) },
    },
  };
}

export async function startFakeExa(opts: { key?: string } = {}): Promise<FakeExa> {
  const key = opts.key ?? 'test-exa-key';
  return startJsonFake({
    routes: { 'POST /search': search },
    auth: (req) => {
      const k = req.headers['x-api-key'];
      if (k === undefined) return err(401, 'x-api-key header is required', 'MISSING_API_KEY');
      return k === key ? null : err(401, 'Invalid API key', 'INVALID_API_KEY');
    },
    errorBody: (status, message) => err(status, message, status === 429 ? 'RATE_LIMIT_EXCEEDED' : status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_REQUEST').body,
  });
}
