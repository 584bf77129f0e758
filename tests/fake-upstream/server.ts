/**
 * Fake AI provider for gateway tests and the benchmark: one Node `http` server (no framework)
 * that speaks three wire formats and can be told to fail.
 *
 *   OpenAI     POST /v1/chat/completions (stream + stream_options.include_usage, tool calls,
 *              json_object / json_schema), POST /v1/embeddings (float | base64), GET /v1/models.
 *              Auth: `Authorization: Bearer <key>`.
 *   Anthropic  POST /v1/messages (JSON or SSE events). Auth: `x-api-key` + `anthropic-version`.
 *   Gemini     POST /v1beta/models/{model}:generateContent and :streamGenerateContent?alt=sse
 *              (CRLF-framed SSE, like Google; without alt=sse a JSON array). Auth:
 *              `x-goog-api-key` header or `?key=`.
 *   The key `bad-key` is refused with each provider's authentication error.
 *
 * Deterministic answers: text is `Hello from fake-<provider>: <last user text>`.
 * Usage: prompt = max(1, ceil(chars of all message/system text / 4)) + cached, completion =
 * max(1, ceil(chars of the answer / 4)). Header `x-fake-cached-tokens: N` adds N cached prompt
 * tokens (OpenAI prompt_tokens_details.cached_tokens; Anthropic cache_read_input_tokens, with
 * input_tokens excluding them as Anthropic does; Gemini cachedContentTokenCount, included in
 * promptTokenCount as Gemini does). `x-fake-cache-write-tokens: N` sets Anthropic
 * cache_creation_input_tokens. When the request has tools and the last user message contains
 * "call a tool", the answer is a call of the first tool with arguments sampled from its schema.
 *
 * Behaviour: `setBehavior(b)` (one rule or a list, first matching rule with `times` left wins;
 * `times` omitted = until changed) or per request the header `x-fake-behavior` (JSON of a
 * FakeBehavior, or `mode[:arg]`, e.g. `status:503`, `delay:200`, `rate_limit:2`). Modes:
 *   ok | status (provider-style error JSON, default 500) | rate_limit (429 + Retry-After) |
 *   hang (never answers) | reset (destroys the socket) | truncate (a few chunks, then the socket
 *   is destroyed) | content_policy (provider-specific refusal) | slow_stream (`chunks` chunks,
 *   `chunkDelayMs` apart) | delay (answers after `delayMs`).
 * Every request is recorded (method, path, headers, parsed body, timestamp, ...); a request whose
 * client went away before the response finished gets `clientAborted = true`.
 *
 * Standalone (benchmark): `npx tsx tests/fake-upstream/server.ts --port 9999 [--record]
 * [--behavior slow_stream:10]` (the behaviour applies to every request, like setBehavior).
 */
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Provider = 'openai' | 'anthropic' | 'gemini';
export type FakeMode = 'ok' | 'status' | 'rate_limit' | 'hang' | 'reset' | 'truncate' | 'content_policy' | 'slow_stream' | 'delay';

export interface FakeBehavior {
  mode: FakeMode;
  /** Apply to the next N matching requests, then stop applying. Omitted: until changed. */
  times?: number;
  /** Only requests in this wire format. */
  provider?: Provider;
  /** Only requests for this (provider) model id. */
  model?: string;
  /** `status` mode: HTTP status (default 500). */
  status?: number;
  /** `rate_limit` mode: Retry-After seconds (default 1). */
  retryAfter?: number;
  /** `slow_stream`: pause between chunks (default 10 ms). */
  chunkDelayMs?: number;
  /** `slow_stream`: number of content chunks (default 20); `truncate`: chunks before the cut (default 2). */
  chunks?: number;
  /** `delay` mode: ms before answering (default 100). */
  delayMs?: number;
  /**
   * `content_policy`: 'error' = HTTP 400 policy error; 'finish' = 200 whose finish/stop reason
   * is the refusal; 'blocked' = Gemini prompt block (promptFeedback.blockReason). Defaults:
   * OpenAI 'error', Anthropic 'finish' (stop_reason "refusal"), Gemini 'blocked'.
   */
  contentPolicyVariant?: 'error' | 'finish' | 'blocked';
  /** OpenAI `ok` answers: the `usage` object to send instead of the real count (anything, e.g.
   * fractional or negative counts as a sloppy self-hosted server sends); null = no usage at all. */
  usage?: Record<string, unknown> | null;
  /** Error message override for status / rate_limit / content_policy. */
  message?: string;
}

export interface RecordedRequest {
  seq: number;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  timestamp: number;
  provider: Provider | null;
  model: string | null;
  stream: boolean;
  mode: FakeMode;
  /** HTTP status sent (undefined when nothing was sent). */
  status?: number;
  /** The response was fully written. */
  completed: boolean;
  /** The client closed the connection before the response was complete. */
  clientAborted: boolean;
  /** The fake itself cut the connection (reset / truncate). */
  serverTerminated: boolean;
}

export interface StartOptions {
  port?: number;
  host?: string;
  /** Record requests (default true; the standalone benchmark server turns it off). */
  record?: boolean;
}

export interface FakeUpstream {
  url: string;
  port: number;
  /** Base URLs as SDKs expect them: OpenAI `${url}/v1`, Anthropic `${url}`, Gemini `${url}/v1beta`. */
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  geminiBaseUrl: string;
  requests: RecordedRequest[];
  setBehavior(b: FakeBehavior | FakeMode | FakeBehavior[]): void;
  /** Clears recorded requests and goes back to `ok`. */
  reset(): void;
  /** Resolves with the first recorded request matching `pred` (polling), or rejects after timeoutMs. */
  waitFor(pred: (r: RecordedRequest) => boolean, timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

interface Rule extends FakeBehavior {
  remaining: number; // Infinity when `times` is omitted
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  rec: RecordedRequest;
  provider: Provider;
  body: Record<string, unknown>;
  behavior: FakeBehavior;
  stream: boolean;
  model: string;
  seq: number;
}

const OK: FakeBehavior = { mode: 'ok' };
const JSON_HEADERS = { 'content-type': 'application/json' };
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' };
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

export async function startFakeUpstream(opts: StartOptions = {}): Promise<FakeUpstream> {
  const record = opts.record !== false;
  const requests: RecordedRequest[] = [];
  let rules: Rule[] = [];
  let seq = 0;

  const pickBehavior = (provider: Provider, model: string): FakeBehavior => {
    for (const r of rules) {
      if (r.remaining <= 0) continue;
      if (r.provider && r.provider !== provider) continue;
      if (r.model && r.model !== model) continue;
      r.remaining--;
      return r;
    }
    return OK;
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
      handle(req, res, raw).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, JSON_HEADERS);
          res.end(JSON.stringify({ error: { message: `fake-upstream crashed: ${String(err)}`, type: 'server_error', param: null, code: null } }));
        } else res.destroy();
      });
    });
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;

  async function handle(req: IncomingMessage, res: ServerResponse, raw: Buffer): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query: Record<string, string> = {};
    if (q >= 0) for (const [k, v] of new URLSearchParams(url.slice(q + 1))) query[k] = v;
    const method = req.method ?? 'GET';

    let provider: Provider | null = null;
    let model = '';
    let geminiStream = false;
    if (path === '/v1/chat/completions' || path === '/v1/embeddings' || path === '/v1/models') provider = 'openai';
    else if (path === '/v1/messages') provider = 'anthropic';
    else if (path.startsWith('/v1beta/models/')) {
      const rest = path.slice('/v1beta/models/'.length);
      const colon = rest.lastIndexOf(':');
      if (colon > 0) {
        const action = rest.slice(colon + 1);
        if (action === 'generateContent' || action === 'streamGenerateContent') {
          provider = 'gemini';
          model = decodeURIComponent(rest.slice(0, colon));
          geminiStream = action === 'streamGenerateContent';
        }
      }
    }

    let body: Record<string, unknown> = {};
    let bodyOk = true;
    if (raw.length > 0) {
      try {
        const parsed: unknown = JSON.parse(raw.toString('utf8'));
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
        else bodyOk = false;
      } catch {
        bodyOk = false;
      }
    }
    if (provider !== 'gemini' && typeof body.model === 'string') model = body.model;
    const stream = provider === 'gemini' ? geminiStream : body.stream === true;

    const header = req.headers['x-fake-behavior'];
    const behavior: FakeBehavior = typeof header === 'string' ? parseBehaviorHeader(header) : provider ? pickBehavior(provider, model) : OK;

    const rec: RecordedRequest = {
      seq: ++seq,
      method,
      path,
      query,
      headers: req.headers,
      body: raw.length > 0 ? (bodyOk ? body : raw.toString('utf8')) : null,
      timestamp: Date.now(),
      provider,
      model: model || null,
      stream,
      mode: behavior.mode,
      completed: false,
      clientAborted: false,
      serverTerminated: false,
    };
    if (record) requests.push(rec);
    res.on('close', () => {
      if (!res.writableFinished && !rec.serverTerminated) rec.clientAborted = true;
    });
    res.on('finish', () => {
      rec.completed = true;
    });

    if (!provider) {
      if (method === 'GET' && (path === '/' || path === '/health')) return send(res, rec, 200, { 'content-type': 'text/plain' }, 'ok');
      return send(res, rec, 404, JSON_HEADERS, JSON.stringify(openaiErrorBody(404, `Unknown path ${method} ${path}`)));
    }

    // Authentication (before any behaviour, like a real provider).
    const authError = checkAuth(provider, req, query);
    if (authError) return sendError(res, rec, provider, authError.status, authError.message, authError.extra);
    if (!bodyOk) return sendError(res, rec, provider, 400, 'We could not parse the JSON body of your request.');

    const ctx: Ctx = { req, res, rec, provider, body, behavior, stream, model, seq: rec.seq };
    await applyBehavior(ctx, () => route(ctx, method, path, query));
  }

  async function route(ctx: Ctx, method: string, path: string, query: Record<string, string>): Promise<void> {
    const { res, rec, provider } = ctx;
    if (provider === 'openai') {
      if (path === '/v1/models' && method === 'GET') return send(res, rec, 200, JSON_HEADERS, JSON.stringify(modelsList()));
      if (method !== 'POST') return sendError(res, rec, provider, 405, `Method ${method} not allowed`);
      if (path === '/v1/embeddings') return openaiEmbeddings(ctx);
      return openaiChat(ctx);
    }
    if (method !== 'POST') return sendError(res, rec, provider, 405, `Method ${method} not allowed`);
    if (provider === 'anthropic') return anthropicMessages(ctx);
    return geminiGenerate(ctx, query.alt === 'sse');
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${opts.host ?? '127.0.0.1'}:${port}`;

  return {
    url,
    port,
    openaiBaseUrl: `${url}/v1`,
    anthropicBaseUrl: url,
    geminiBaseUrl: `${url}/v1beta`,
    requests,
    setBehavior(b) {
      const list = Array.isArray(b) ? b : [typeof b === 'string' ? { mode: b } : b];
      rules = list.map((r) => ({ ...r, remaining: r.times ?? Infinity }));
    },
    reset() {
      requests.length = 0;
      rules = [];
    },
    async waitFor(pred, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const hit = requests.find(pred);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error('fake-upstream: waitFor timed out');
        await sleep(5);
      }
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Behaviour
// ---------------------------------------------------------------------------------------------

const MODES: ReadonlySet<string> = new Set(['ok', 'status', 'rate_limit', 'hang', 'reset', 'truncate', 'content_policy', 'slow_stream', 'delay']);

export function parseBehaviorHeader(value: string): FakeBehavior {
  const v = value.trim();
  if (v.startsWith('{')) {
    try {
      const b = JSON.parse(v) as FakeBehavior;
      if (b && MODES.has(b.mode)) return b;
    } catch {
      /* fall through */
    }
    return OK;
  }
  const [mode = 'ok', arg] = v.split(':');
  if (!MODES.has(mode)) return OK;
  const n = arg !== undefined ? Number(arg) : NaN;
  const b: FakeBehavior = { mode: mode as FakeMode };
  if (Number.isFinite(n)) {
    if (mode === 'status') b.status = n;
    else if (mode === 'rate_limit') b.retryAfter = n;
    else if (mode === 'delay') b.delayMs = n;
    else if (mode === 'slow_stream') b.chunkDelayMs = n;
    else if (mode === 'truncate') b.chunks = n;
  } else if (arg && mode === 'content_policy' && (arg === 'error' || arg === 'finish' || arg === 'blocked')) {
    b.contentPolicyVariant = arg;
  }
  return b;
}

async function applyBehavior(ctx: Ctx, ok: () => Promise<void> | void): Promise<void> {
  const { res, rec, provider, behavior: b } = ctx;
  switch (b.mode) {
    case 'ok':
    case 'truncate':
    case 'slow_stream':
    case 'content_policy':
      return ok(); // handled inside the provider handlers
    case 'status':
      return sendError(res, rec, provider, b.status ?? 500, b.message);
    case 'rate_limit':
      return sendRateLimit(ctx);
    case 'hang':
      return; // never answer; the close handler records a client abort
    case 'reset':
      rec.serverTerminated = true;
      ctx.req.socket.destroy();
      return;
    case 'delay': {
      await sleep(b.delayMs ?? 100);
      if (res.destroyed || rec.clientAborted) return;
      return ok();
    }
  }
}

function send(res: ServerResponse, rec: RecordedRequest, status: number, headers: http.OutgoingHttpHeaders, body: string): void {
  if (res.destroyed) return;
  rec.status = status;
  res.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(ctx: Ctx, obj: unknown): void {
  const body = JSON.stringify(obj);
  if (ctx.behavior.mode === 'truncate') {
    // Promise the whole body, send half of it, cut the connection.
    ctx.rec.status = 200;
    ctx.rec.serverTerminated = true;
    ctx.res.writeHead(200, { ...JSON_HEADERS, 'content-length': Buffer.byteLength(body) });
    ctx.res.write(body.slice(0, Math.floor(body.length / 2)), () => ctx.res.destroy());
    return;
  }
  if (ctx.behavior.mode === 'slow_stream') {
    const b = ctx.behavior;
    void sleep((b.chunkDelayMs ?? 10) * (b.chunks ?? 20)).then(() => send(ctx.res, ctx.rec, 200, JSON_HEADERS, body));
    return;
  }
  send(ctx.res, ctx.rec, 200, JSON_HEADERS, body);
}

/**
 * Writes SSE frames: all at once in `ok` mode; paced in `slow_stream`; cut after a few content
 * frames in `truncate` (`firstContentFrame`: frames before it are headers-like and always sent).
 */
async function sendStream(ctx: Ctx, frames: string[], firstContentFrame = 1, headers: http.OutgoingHttpHeaders = SSE_HEADERS): Promise<void> {
  const { res, rec, behavior: b } = ctx;
  if (res.destroyed) return;
  rec.status = 200;
  res.writeHead(200, headers);
  if (b.mode === 'truncate') {
    const upto = Math.min(frames.length - 1, firstContentFrame + (b.chunks ?? 2));
    res.write(frames.slice(0, upto).join(''), () => {
      rec.serverTerminated = true;
      res.destroy();
    });
    return;
  }
  if (b.mode === 'slow_stream') {
    const delay = b.chunkDelayMs ?? 10;
    for (let i = 0; i < frames.length; i++) {
      if (res.destroyed || rec.clientAborted) return;
      res.write(frames[i]!);
      if (i < frames.length - 1) await sleep(delay);
    }
    if (!res.destroyed) res.end();
    return;
  }
  res.end(frames.join(''));
}

// ---------------------------------------------------------------------------------------------
// Errors per provider
// ---------------------------------------------------------------------------------------------

function checkAuth(
  provider: Provider,
  req: IncomingMessage,
  query: Record<string, string>,
): { status: number; message: string; extra?: Record<string, unknown> } | null {
  if (provider === 'openai') {
    const auth = req.headers.authorization;
    if (!auth || !auth.startsWith('Bearer ') || auth.length <= 7) {
      return {
        status: 401,
        message:
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      };
    }
    if (auth.slice(7) === 'bad-key') return { status: 401, message: 'Incorrect API key provided: bad-key.', extra: { code: 'invalid_api_key' } };
    return null;
  }
  if (provider === 'anthropic') {
    const key = req.headers['x-api-key'];
    if (!key) return { status: 401, message: 'x-api-key header is required' };
    if (key === 'bad-key') return { status: 401, message: 'invalid x-api-key' };
    if (!req.headers['anthropic-version']) return { status: 400, message: 'anthropic-version: header is required' };
    return null;
  }
  const key = (req.headers['x-goog-api-key'] as string | undefined) ?? query.key;
  if (!key) {
    return {
      status: 403,
      message:
        "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
    };
  }
  if (key === 'bad-key') {
    return {
      status: 400,
      message: 'API key not valid. Please pass a valid API key.',
      extra: { details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com' }] },
    };
  }
  return null;
}

export function openaiErrorBody(status: number, message?: string, code?: string | null) {
  const [type, defCode, defMsg]: [string, string | null, string] =
    status === 400
      ? ['invalid_request_error', null, 'Invalid request.']
      : status === 401
        ? ['invalid_request_error', 'invalid_api_key', 'Incorrect API key provided.']
        : status === 403
          ? ['invalid_request_error', 'unsupported_country_region_territory', 'Country, region, or territory not supported.']
          : status === 404
            ? ['invalid_request_error', 'model_not_found', 'The model does not exist or you do not have access to it.']
            : status === 429
              ? ['requests', 'rate_limit_exceeded', 'Rate limit reached for requests. Please try again later.']
              : status === 503
                ? ['server_error', null, 'The engine is currently overloaded, please try again later.']
                : status >= 500
                  ? ['server_error', null, 'The server had an error while processing your request. Sorry about that!']
                  : ['invalid_request_error', null, `Request failed with status ${status}.`];
  return { error: { message: message ?? defMsg, type, param: null, code: code !== undefined ? code : defCode } };
}

const ANTHROPIC_ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function anthropicErrorBody(status: number, message?: string) {
  const type = ANTHROPIC_ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
  const defMsg =
    type === 'overloaded_error'
      ? 'Overloaded'
      : type === 'rate_limit_error'
        ? 'Number of requests has exceeded your rate limit.'
        : type === 'api_error'
          ? 'Internal server error'
          : `Error ${status}`;
  return { type: 'error', error: { type, message: message ?? defMsg }, request_id: `req_fake_${status}` };
}

const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function geminiErrorBody(status: number, message?: string, extra?: Record<string, unknown>) {
  const gStatus = GOOGLE_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION');
  const defMsg =
    gStatus === 'RESOURCE_EXHAUSTED'
      ? 'Resource has been exhausted (e.g. check quota).'
      : gStatus === 'UNAVAILABLE'
        ? 'The model is overloaded. Please try again later.'
        : gStatus === 'INTERNAL'
          ? 'An internal error has occurred.'
          : `Request failed (${gStatus}).`;
  return { error: { code: status, message: message ?? defMsg, status: gStatus, ...(extra ?? {}) } };
}

function sendError(
  res: ServerResponse,
  rec: RecordedRequest,
  provider: Provider,
  status: number,
  message?: string,
  extra?: Record<string, unknown>,
  headers: http.OutgoingHttpHeaders = {},
): void {
  const body =
    provider === 'openai'
      ? openaiErrorBody(status, message, extra?.code as string | undefined)
      : provider === 'anthropic'
        ? anthropicErrorBody(status, message)
        : geminiErrorBody(status, message, extra);
  send(res, rec, status, { ...JSON_HEADERS, ...headers }, JSON.stringify(body));
}

function sendRateLimit(ctx: Ctx): void {
  const after = ctx.behavior.retryAfter ?? 1;
  const headers: http.OutgoingHttpHeaders = { 'retry-after': String(after) };
  if (ctx.provider === 'openai') {
    Object.assign(headers, {
      'x-ratelimit-limit-requests': '60',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': `${after}s`,
    });
  } else if (ctx.provider === 'anthropic') {
    Object.assign(headers, {
      'anthropic-ratelimit-requests-limit': '50',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': new Date(Date.now() + after * 1000).toISOString(),
    });
  }
  const extra = ctx.provider === 'gemini' ? { details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${after}s` }] } : undefined;
  sendError(ctx.res, ctx.rec, ctx.provider, 429, ctx.behavior.message, extra, headers);
}

// ---------------------------------------------------------------------------------------------
// Content helpers
// ---------------------------------------------------------------------------------------------

const tokens = (chars: number) => Math.max(1, Math.ceil(chars / 4));

function headerInt(req: IncomingMessage, name: string): number {
  const v = req.headers[name];
  const n = typeof v === 'string' ? Number.parseInt(v, 10) : NaN;
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Sum of the lengths of every `text` / string content in a message list. */
function textChars(value: unknown): number {
  if (typeof value === 'string') return value.length;
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += textChars(v);
    return n;
  }
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    let n = 0;
    if (typeof o.text === 'string') n += o.text.length;
    if (o.content !== undefined) n += textChars(o.content);
    if (Array.isArray(o.parts)) n += textChars(o.parts);
    return n;
  }
  return 0;
}

function lastUserText(messages: unknown, roleKey: 'role', userRole = 'user'): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i] as Record<string, unknown> | undefined;
    if (!m || (m[roleKey] !== undefined && m[roleKey] !== userRole)) continue;
    const c = m.content ?? m.parts;
    if (typeof c === 'string') return c;
    if (Array.isArray(c)) {
      const texts = c
        .filter(
          (p): p is Record<string, unknown> =>
            !!p && typeof p === 'object' && typeof (p as Record<string, unknown>).text === 'string' && (p as Record<string, unknown>).type !== 'tool_result',
        )
        .map((p) => p.text as string);
      if (texts.length > 0) return texts.join('');
      if (c.some((p) => p && typeof p === 'object' && ('tool_result' === (p as Record<string, unknown>).type || 'functionResponse' in (p as object))))
        return '';
    }
  }
  return '';
}

/** A value conforming (loosely) to a JSON schema: enough for deterministic fake tool calls. */
export function sampleFromSchema(schema: unknown, depth = 0): unknown {
  if (!schema || typeof schema !== 'object' || depth > 6) return 'test';
  const s = schema as Record<string, unknown>;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if (s.const !== undefined) return s.const;
  const any = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(any) && any.length > 0) return sampleFromSchema(any[0], depth + 1);
  const type = String(Array.isArray(s.type) ? s.type[0] : (s.type ?? (s.properties ? 'object' : 'string'))).toLowerCase();
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = (s.properties ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(props)) out[k] = sampleFromSchema(v, depth + 1);
      return out;
    }
    case 'array':
      return [sampleFromSchema(s.items, depth + 1)];
    case 'integer':
    case 'number':
      return typeof s.minimum === 'number' ? s.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'test';
  }
}

/** Splits text into `n` pieces (padding with '.' when shorter), or into words when n is undefined. */
function pieces(text: string, n?: number): string[] {
  if (n === undefined) {
    const words = text.match(/\S+\s*|\s+/g);
    return words && words.length > 0 ? words : [text];
  }
  const count = Math.max(1, n);
  const padded = text.length >= count ? text : text + '.'.repeat(count - text.length);
  const out: string[] = [];
  const size = padded.length / count;
  for (let i = 0; i < count; i++) out.push(padded.slice(Math.round(i * size), Math.round((i + 1) * size)));
  return out;
}

function streamPieces(ctx: Ctx, text: string): string[] {
  return ctx.behavior.mode === 'slow_stream' ? pieces(text, ctx.behavior.chunks ?? 20) : pieces(text);
}

function wantsToolCall(text: string, hasTools: boolean): boolean {
  return hasTools && text.toLowerCase().includes('call a tool');
}

function contentPolicyVariant(ctx: Ctx): 'error' | 'finish' | 'blocked' | null {
  if (ctx.behavior.mode !== 'content_policy') return null;
  return ctx.behavior.contentPolicyVariant ?? (ctx.provider === 'openai' ? 'error' : ctx.provider === 'anthropic' ? 'finish' : 'blocked');
}

// ---------------------------------------------------------------------------------------------
// OpenAI
// ---------------------------------------------------------------------------------------------

function modelsList() {
  const created = 1_700_000_000;
  return {
    object: 'list',
    data: ['gpt-4o', 'gpt-4o-mini', 'text-embedding-3-small'].map((id) => ({ id, object: 'model', created, owned_by: 'fake-openai' })),
  };
}

async function openaiChat(ctx: Ctx): Promise<void> {
  const { body, rec, res } = ctx;
  const messages = body.messages;
  if (typeof body.model !== 'string' || !Array.isArray(messages) || messages.length === 0) {
    return sendError(res, rec, 'openai', 400, "Missing required parameter: 'messages'.");
  }
  const variant = contentPolicyVariant(ctx);
  if (variant === 'error' || variant === 'blocked') {
    return sendError(res, rec, 'openai', 400, ctx.behavior.message ?? 'Your request was rejected as a result of our safety system.', {
      code: 'content_policy_violation',
    });
  }
  const model = body.model;
  const cached = headerInt(ctx.req, 'x-fake-cached-tokens');
  const promptTokens = tokens(textChars(messages)) + cached;
  const user = lastUserText(messages, 'role');
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, unknown>>) : [];
  // After a tool result, answer in text (so agent loops terminate).
  const afterToolResult = (messages[messages.length - 1] as Record<string, unknown> | undefined)?.role === 'tool';
  const id = `chatcmpl-fake-${ctx.seq}`;
  const created = Math.floor(Date.now() / 1000);

  let content: string | null;
  let toolCall: { id: string; name: string; arguments: string } | null = null;
  let finish: string = 'stop';
  if (variant === 'finish') {
    content = '';
    finish = 'content_filter';
  } else if (!afterToolResult && wantsToolCall(user, tools.length > 0)) {
    const fn = (tools[0]!.function ?? {}) as Record<string, unknown>;
    toolCall = {
      id: `call_fake_${ctx.seq}`,
      name: String(fn.name ?? 'tool'),
      arguments: JSON.stringify(sampleFromSchema(fn.parameters ?? { type: 'object' })),
    };
    content = null;
    finish = 'tool_calls';
  } else {
    const rf = body.response_format as Record<string, unknown> | undefined;
    if (rf?.type === 'json_object') content = JSON.stringify({ reply: 'Hello from fake-openai', echo: user });
    else if (rf?.type === 'json_schema')
      content = JSON.stringify(sampleFromSchema((rf.json_schema as Record<string, unknown> | undefined)?.schema ?? { type: 'object' }));
    else content = `Hello from fake-openai: ${user}`;
  }
  const outChars = (content ?? '').length + (toolCall ? toolCall.name.length + toolCall.arguments.length : 0);
  const completionTokens = tokens(outChars);
  const usage = {
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: promptTokens + completionTokens,
    prompt_tokens_details: { cached_tokens: cached, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
  const sentUsage = ctx.behavior.usage !== undefined ? ctx.behavior.usage : usage;

  if (!ctx.stream) {
    return sendJson(ctx, {
      id,
      object: 'chat.completion',
      created,
      model,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content,
            refusal: null,
            annotations: [],
            ...(toolCall ? { tool_calls: [{ id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: toolCall.arguments } }] } : {}),
          },
          logprobs: null,
          finish_reason: finish,
        },
      ],
      ...(sentUsage === null ? {} : { usage: sentUsage }),
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    });
  }

  const streamOptions = body.stream_options as Record<string, unknown> | undefined;
  const includeUsage = streamOptions?.include_usage === true;
  const frame = (choices: unknown[], extra?: Record<string, unknown>) =>
    `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model, service_tier: 'default', system_fingerprint: 'fp_fake', choices, ...(includeUsage ? { usage: null } : {}), ...(extra ?? {}) })}\n\n`;
  const delta = (d: Record<string, unknown>, finishReason: string | null = null) =>
    frame([{ index: 0, delta: d, logprobs: null, finish_reason: finishReason }]);

  const frames: string[] = [];
  if (toolCall) {
    frames.push(
      delta({
        role: 'assistant',
        content: null,
        tool_calls: [{ index: 0, id: toolCall.id, type: 'function', function: { name: toolCall.name, arguments: '' } }],
        refusal: null,
      }),
    );
    for (const p of streamPieces(ctx, toolCall.arguments)) frames.push(delta({ tool_calls: [{ index: 0, function: { arguments: p } }] }));
  } else {
    frames.push(delta({ role: 'assistant', content: '', refusal: null }));
    if (content) for (const p of streamPieces(ctx, content)) frames.push(delta({ content: p }));
  }
  frames.push(delta({}, finish));
  if (includeUsage && sentUsage !== null) frames.push(frame([], { usage: sentUsage }));
  frames.push('data: [DONE]\n\n');
  return sendStream(ctx, frames);
}

function openaiEmbeddings(ctx: Ctx): void {
  const { body, rec, res } = ctx;
  const input = body.input;
  let inputs: string[];
  if (typeof input === 'string') inputs = [input];
  else if (Array.isArray(input) && input.length > 0) inputs = input.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  else return sendError(res, rec, 'openai', 400, "'input' is a required property");
  const dims = typeof body.dimensions === 'number' && body.dimensions > 0 ? Math.min(4096, Math.floor(body.dimensions)) : 16;
  const base64 = body.encoding_format === 'base64';
  let chars = 0;
  const data = inputs.map((text, index) => {
    chars += text.length;
    const vec = fakeEmbedding(text, dims);
    return {
      object: 'embedding',
      index,
      embedding: base64 ? Buffer.from(new Float32Array(vec).buffer).toString('base64') : vec,
    };
  });
  const promptTokens = tokens(chars);
  sendJson(ctx, {
    object: 'list',
    data,
    model: String(body.model ?? 'text-embedding-3-small'),
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  });
}

/** Deterministic unit vector from an FNV-1a hash of the text. */
export function fakeEmbedding(text: string, dims: number): number[] {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  const v: number[] = [];
  let norm = 0;
  for (let i = 0; i < dims; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    const x = (h / 0xffffffff) * 2 - 1;
    v.push(x);
    norm += x * x;
  }
  const n = Math.sqrt(norm) || 1;
  // Round through Float32 so float and base64 encodings decode to the same numbers.
  return v.map((x) => Math.fround(x / n));
}

// ---------------------------------------------------------------------------------------------
// Anthropic
// ---------------------------------------------------------------------------------------------

async function anthropicMessages(ctx: Ctx): Promise<void> {
  const { body, rec, res } = ctx;
  const messages = body.messages;
  if (typeof body.model !== 'string') return sendError(res, rec, 'anthropic', 400, 'model: Field required');
  if (typeof body.max_tokens !== 'number') return sendError(res, rec, 'anthropic', 400, 'max_tokens: Field required');
  if (!Array.isArray(messages) || messages.length === 0) return sendError(res, rec, 'anthropic', 400, 'messages: Field required');
  const variant = contentPolicyVariant(ctx);
  if (variant === 'error' || variant === 'blocked') {
    return sendError(res, rec, 'anthropic', 400, ctx.behavior.message ?? 'Output blocked by content filtering policy');
  }
  const model = body.model;
  const cacheRead = headerInt(ctx.req, 'x-fake-cached-tokens');
  const cacheWrite = headerInt(ctx.req, 'x-fake-cache-write-tokens');
  const inputTokens = tokens(textChars(messages) + textChars(body.system ?? ''));
  const user = lastUserText(messages, 'role');
  const tools = Array.isArray(body.tools) ? (body.tools as Array<Record<string, unknown>>) : [];
  const id = `msg_fake_${ctx.seq}`;

  let text = '';
  let toolUse: { id: string; name: string; input: unknown } | null = null;
  let stopReason = 'end_turn';
  if (variant === 'finish') stopReason = 'refusal';
  else if (wantsToolCall(user, tools.length > 0)) {
    const t = tools[0]!;
    toolUse = { id: `toolu_fake_${ctx.seq}`, name: String(t.name ?? 'tool'), input: sampleFromSchema(t.input_schema ?? { type: 'object' }) };
    text = 'Calling a tool.';
    stopReason = 'tool_use';
  } else {
    const oc = body.output_config as Record<string, unknown> | undefined;
    const format = oc?.format as Record<string, unknown> | undefined;
    text = format?.type === 'json_schema' ? JSON.stringify(sampleFromSchema(format.schema)) : `Hello from fake-anthropic: ${user}`;
  }
  const toolJson = toolUse ? JSON.stringify(toolUse.input) : '';
  const outputTokens = tokens(text.length + toolJson.length);
  const usage = {
    input_tokens: inputTokens,
    cache_creation_input_tokens: cacheWrite,
    cache_read_input_tokens: cacheRead,
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
  const content: Array<Record<string, unknown>> = [];
  if (text) content.push({ type: 'text', text });
  if (toolUse) content.push({ type: 'tool_use', ...toolUse });

  if (!ctx.stream) {
    return sendJson(ctx, { id, type: 'message', role: 'assistant', model, content, stop_reason: stopReason, stop_sequence: null, usage });
  }

  const ev = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
  const frames: string[] = [
    ev('message_start', {
      type: 'message_start',
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } },
    }),
  ];
  let firstContentFrame = frames.length;
  let index = 0;
  if (text) {
    frames.push(ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
    frames.push(ev('ping', { type: 'ping' }));
    firstContentFrame = frames.length;
    for (const p of streamPieces(ctx, text))
      frames.push(ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: p } }));
    frames.push(ev('content_block_stop', { type: 'content_block_stop', index }));
    index++;
  }
  if (toolUse) {
    frames.push(
      ev('content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: toolUse.id, name: toolUse.name, input: {} } }),
    );
    frames.push(ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } }));
    for (const p of pieces(toolJson))
      frames.push(ev('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: p } }));
    frames.push(ev('content_block_stop', { type: 'content_block_stop', index }));
  }
  frames.push(
    ev('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { input_tokens: inputTokens, cache_creation_input_tokens: cacheWrite, cache_read_input_tokens: cacheRead, output_tokens: outputTokens },
    }),
  );
  frames.push(ev('message_stop', { type: 'message_stop' }));
  return sendStream(ctx, frames, firstContentFrame);
}

// ---------------------------------------------------------------------------------------------
// Gemini
// ---------------------------------------------------------------------------------------------

async function geminiGenerate(ctx: Ctx, sse: boolean): Promise<void> {
  const { body, rec, res } = ctx;
  const contents = body.contents;
  if (!Array.isArray(contents) || contents.length === 0) {
    return sendError(res, rec, 'gemini', 400, '* GenerateContentRequest.contents: contents is not specified');
  }
  const variant = contentPolicyVariant(ctx);
  if (variant === 'error') {
    return sendError(res, rec, 'gemini', 400, ctx.behavior.message ?? 'The request was blocked because it violates the safety policy.');
  }
  const cached = headerInt(ctx.req, 'x-fake-cached-tokens');
  const systemChars = textChars((body.systemInstruction as Record<string, unknown> | undefined)?.parts ?? []);
  const promptTokens = tokens(textChars(contents) + systemChars) + cached;
  const user = lastUserText(contents, 'role');
  const decls: Array<Record<string, unknown>> = [];
  if (Array.isArray(body.tools)) {
    for (const t of body.tools as Array<Record<string, unknown>>) {
      if (Array.isArray(t.functionDeclarations)) decls.push(...(t.functionDeclarations as Array<Record<string, unknown>>));
    }
  }
  const modelVersion = ctx.model;
  const responseId = `fake-gemini-${ctx.seq}`;

  let parts: Array<Record<string, unknown>> = [];
  let text = '';
  let finishReason = 'STOP';
  let blocked = false;
  if (variant === 'blocked') blocked = true;
  else if (variant === 'finish') finishReason = 'SAFETY';
  else if (wantsToolCall(user, decls.length > 0)) {
    const d = decls[0]!;
    parts = [
      {
        functionCall: { name: String(d.name ?? 'tool'), args: sampleFromSchema(d.parametersJsonSchema ?? d.parameters ?? { type: 'object' }) },
        thoughtSignature: `fake-sig-${ctx.seq}`,
      },
    ];
  } else {
    const gc = body.generationConfig as Record<string, unknown> | undefined;
    if (gc?.responseMimeType === 'application/json') {
      text = JSON.stringify(
        gc.responseJsonSchema || gc.responseSchema
          ? sampleFromSchema(gc.responseJsonSchema ?? gc.responseSchema)
          : { reply: 'Hello from fake-gemini', echo: user },
      );
    } else text = `Hello from fake-gemini: ${user}`;
    parts = [{ text }];
  }
  const outChars = text.length + (parts[0]?.functionCall ? JSON.stringify(parts[0].functionCall).length : 0);
  const candidatesTokens = blocked ? 0 : tokens(outChars);
  const usageMetadata = {
    promptTokenCount: promptTokens,
    ...(blocked ? {} : { candidatesTokenCount: candidatesTokens }),
    totalTokenCount: promptTokens + candidatesTokens,
    ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: promptTokens }],
  };
  const full = blocked
    ? { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata, modelVersion, responseId }
    : {
        candidates: [{ content: { role: 'model', parts: finishReason === 'SAFETY' ? [] : parts }, finishReason, index: 0 }],
        usageMetadata,
        modelVersion,
        responseId,
      };

  if (!ctx.stream) return sendJson(ctx, full);

  // Stream: text split into chunks with running usage; the last chunk carries finishReason.
  const chunks: unknown[] = [];
  if (blocked || finishReason === 'SAFETY' || !text) chunks.push(full);
  else {
    const ps = streamPieces(ctx, text);
    let soFar = 0;
    ps.forEach((p, i) => {
      soFar += p.length;
      const last = i === ps.length - 1;
      const running = last ? candidatesTokens : tokens(soFar);
      chunks.push({
        candidates: [{ content: { role: 'model', parts: [{ text: p }] }, ...(last ? { finishReason: 'STOP' } : {}), index: 0 }],
        usageMetadata: {
          promptTokenCount: promptTokens,
          candidatesTokenCount: running,
          totalTokenCount: promptTokens + running,
          ...(cached > 0 ? { cachedContentTokenCount: cached } : {}),
        },
        modelVersion,
        responseId,
      });
    });
  }
  const frames = sse
    ? chunks.map((c) => `data: ${JSON.stringify(c)}\r\n\r\n`)
    : chunks.map((c, i) => (i === 0 ? '[' : ',\r\n') + JSON.stringify(c) + (i === chunks.length - 1 ? ']' : ''));
  return sendStream(ctx, frames, 0, sse ? SSE_HEADERS : JSON_HEADERS);
}

// ---------------------------------------------------------------------------------------------
// Standalone
// ---------------------------------------------------------------------------------------------

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i >= 0) return args[i + 1];
  const eq = args.find((a) => a.startsWith(`${name}=`));
  return eq ? eq.slice(name.length + 1) : undefined;
}

const entry = process.argv[1] ?? '';
if (/fake-upstream[\\/]server\.(ts|js|mjs|cjs)$/.test(entry)) {
  const args = process.argv.slice(2);
  const port = Number(argValue(args, '--port') ?? process.env.FAKE_UPSTREAM_PORT ?? 9999);
  const host = argValue(args, '--host') ?? '127.0.0.1';
  const behavior = argValue(args, '--behavior');
  startFakeUpstream({ port, host, record: args.includes('--record') })
    .then((fake) => {
      if (behavior) fake.setBehavior(parseBehaviorHeader(behavior));
      process.stdout.write(`fake-upstream listening on ${fake.url}\n`);
      const stop = () => {
        void fake.close().then(() => process.exit(0));
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    })
    .catch((err: unknown) => {
      process.stderr.write(`fake-upstream failed to start: ${String(err)}\n`);
      process.exit(1);
    });
}
