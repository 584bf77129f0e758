/**
 * Fake Tavily search API (https://docs.tavily.com/documentation/api-reference/endpoint/search):
 * POST /search with `Authorization: Bearer <key>` (default 'tvly-test-key'); a missing or wrong
 * key gets Tavily's 401 `{"detail": {"error": "Unauthorized: missing or invalid API key."}}`.
 * Validates query, max_results (0..20), search_depth, topic, domain lists and dates with
 * `{"detail": {"error": ...}}` 400s. Answers `{ query, follow_up_questions, answer, images,
 * results[{title, url, content, score, raw_content, published_date (topic news), favicon}],
 * response_time, request_id }` (+ `usage.credits` with include_usage). Deterministic per query.
 * Failures: `setBehavior` (json-fake.ts); 432 / 433 are Tavily's plan / pay-as-you-go limits.
 */
import crypto from 'node:crypto';
import { bearer, seeded, startJsonFake, type FakeAnswer, type JsonFake } from './json-fake';

export type FakeTavily = JsonFake;

const HOSTS = ['en.wikipedia.org', 'reuters.com', 'bbc.co.uk', 'nytimes.com', 'github.com', 'stackoverflow.com', 'arxiv.org', 'techcrunch.com'];

const err = (status: number, error: string): FakeAnswer => ({ status, body: { detail: { error } } });
const isStrList = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');

function search(body: unknown): FakeAnswer {
  if (!body || typeof body !== 'object') return err(400, 'Invalid request body.');
  const b = body as Record<string, unknown>;
  if ('api_key' in b) return err(400, 'Passing api_key in the body is no longer supported; use the Authorization header.');
  if (typeof b.query !== 'string' || !b.query.trim()) return err(400, 'Query is missing.');
  const n = b.max_results ?? 5;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 20) return err(400, 'max_results must be an integer between 0 and 20.');
  if (b.search_depth !== undefined && !['basic', 'advanced', 'fast', 'ultra-fast'].includes(String(b.search_depth))) return err(400, 'Invalid search_depth.');
  if (b.topic !== undefined && !['general', 'news', 'finance'].includes(String(b.topic))) return err(400, 'Invalid topic.');
  if (b.include_domains !== undefined && !isStrList(b.include_domains)) return err(400, 'include_domains must be a list of strings.');
  if (b.exclude_domains !== undefined && !isStrList(b.exclude_domains)) return err(400, 'exclude_domains must be a list of strings.');
  for (const f of ['start_date', 'end_date']) {
    if (b[f] !== undefined && (typeof b[f] !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(b[f] as string)))
      return err(400, `${f} must be in the format YYYY-MM-DD.`);
  }
  const include = (b.include_domains as string[] | undefined)?.length ? (b.include_domains as string[]) : HOSTS;
  const exclude = new Set((b.exclude_domains as string[] | undefined) ?? []);
  const hosts = include.filter((h) => !exclude.has(h));
  const rnd = seeded(b.query);
  const slug = b.query
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  const news = b.topic === 'news';
  const raw = b.include_raw_content;
  const results = [];
  for (let i = 0; i < Math.min(n, hosts.length === 0 ? 0 : 20); i++) {
    const host = hosts[i % hosts.length]!;
    const r: Record<string, unknown> = {
      url: `https://${host}/${slug}/${i + 1}`,
      title: `${b.query} - ${host}`,
      content: `${b.query}: relevant passage ${i + 1} from ${host}, with the facts a model needs to answer.`,
      score: Math.round((0.9 - i * 0.04 - rnd() * 0.01) * 100000) / 100000,
      raw_content: raw ? `# ${b.query}\n\nFull page ${i + 1} from ${host}.\n\n${'Body text. '.repeat(20)}` : null,
    };
    if (news) r.published_date = new Date(Date.UTC(2025, 0, 15 - i, 14, 30)).toUTCString();
    if (b.include_favicon) r.favicon = `https://${host}/favicon.ico`;
    results.push(r);
  }
  const out: Record<string, unknown> = {
    query: b.query,
    follow_up_questions: null,
    answer: b.include_answer ? `In short: ${b.query} — see the sources.` : null,
    images: [],
    results,
    response_time: '0.42',
    request_id: crypto.randomUUID(),
  };
  if (b.include_usage) out.usage = { credits: b.search_depth === 'advanced' ? 2 : 1 };
  return { status: 200, body: out };
}

export async function startFakeTavily(opts: { key?: string } = {}): Promise<FakeTavily> {
  const key = opts.key ?? 'tvly-test-key';
  return startJsonFake({
    routes: { 'POST /search': search },
    auth: (req) => (bearer(req) === key ? null : err(401, 'Unauthorized: missing or invalid API key.')),
    errorBody: (_status, message) => ({ detail: { error: message } }),
  });
}
