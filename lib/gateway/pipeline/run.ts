/**
 * The runner: finds the endpoint for a request in the route table, runs it with a fresh request
 * context, answers any error in OpenAI's shape, and records metrics and the access line. Adding an
 * endpoint is one row in ROUTES (plus its composition under endpoints/).
 */
import { recordGatewayRequest } from '../../observability/metrics';
import { completionEndpoint } from '../endpoints/chat';
import { messagesEndpoint } from '../endpoints/messages';
import { listModelsEndpoint, optimizeEndpoint } from '../endpoints/models';
import { imageFileEndpoint, imageGenerationsEndpoint } from '../endpoints/images';
import { imageEditsEndpoint } from '../endpoints/image-edits';
import { speechEndpoint } from '../endpoints/speech';
import { transcriptionsEndpoint } from '../endpoints/transcriptions';
import { searchEndpoint } from '../endpoints/search';
import { jobCallbackEndpoint, jobsCollectionEndpoint, jobItemEndpoint } from '../endpoints/jobs';
import { GatewayError, toOpenAIError } from '../errors';
import { sendJson, type GatewayRequest, type ResponseSink } from '../http/types';
import { logGatewayRequest } from '../log';
import { newContext, type RequestContext } from './context';
import type { GatewayServices } from './services';

/** An endpoint: a composition of stages. `respondError` answers an error in OpenAI's shape (used by
 * stages that must answer inside a recording, such as idempotency). */
export type EndpointHandler = (gw: GatewayServices, ctx: RequestContext, respondError: (err: unknown) => void) => Promise<void>;

type Method = 'POST' | 'GET' | 'DELETE';

interface Route {
  /** Route template (metrics, logs). */
  template: string;
  method: Method | Method[];
  /** Exact path, or a prefix whose remainder is the endpoint's parameter. */
  match: { exact: string } | { prefix: string };
  handler: (param: string) => EndpointHandler;
}

const chat = completionEndpoint('chat');
const embeddings = completionEndpoint('embeddings');
const listAll = listModelsEndpoint(null);

const ROUTES: Route[] = [
  { template: '/api/v1/chat/completions', method: 'POST', match: { exact: '/api/v1/chat/completions' }, handler: () => chat },
  { template: '/api/v1/chat', method: 'POST', match: { exact: '/api/v1/chat' }, handler: () => chat },
  { template: '/api/v1/embeddings', method: 'POST', match: { exact: '/api/v1/embeddings' }, handler: () => embeddings },
  { template: '/api/v1/images/generations', method: 'POST', match: { exact: '/api/v1/images/generations' }, handler: () => imageGenerationsEndpoint },
  { template: '/api/v1/images/edits', method: 'POST', match: { exact: '/api/v1/images/edits' }, handler: () => imageEditsEndpoint },
  { template: '/api/v1/images/files/{id}', method: 'GET', match: { prefix: '/api/v1/images/files/' }, handler: (id) => imageFileEndpoint(id) },
  { template: '/api/v1/audio/speech', method: 'POST', match: { exact: '/api/v1/audio/speech' }, handler: () => speechEndpoint },
  { template: '/api/v1/audio/transcriptions', method: 'POST', match: { exact: '/api/v1/audio/transcriptions' }, handler: () => transcriptionsEndpoint },
  { template: '/api/v1/messages', method: 'POST', match: { exact: '/api/v1/messages' }, handler: () => messagesEndpoint },
  { template: '/api/v1/search', method: 'POST', match: { exact: '/api/v1/search' }, handler: () => searchEndpoint },
  { template: '/api/v1/models', method: 'GET', match: { exact: '/api/v1/models' }, handler: () => listAll },
  { template: '/api/v1/models/{model}', method: 'GET', match: { prefix: '/api/v1/models/' }, handler: (one) => listModelsEndpoint(one) },
  { template: '/api/v1/pricing/optimize', method: 'POST', match: { exact: '/api/v1/pricing/optimize' }, handler: () => optimizeEndpoint },
  { template: '/api/v1/videos', method: ['POST', 'GET'], match: { exact: '/api/v1/videos' }, handler: () => jobsCollectionEndpoint('video') },
  { template: '/api/v1/videos/{id}', method: ['GET', 'DELETE'], match: { prefix: '/api/v1/videos/' }, handler: (rest) => jobItemEndpoint('video', rest) },
  { template: '/api/v1/3d/generations', method: ['POST', 'GET'], match: { exact: '/api/v1/3d/generations' }, handler: () => jobsCollectionEndpoint('3d') },
  {
    template: '/api/v1/3d/generations/{id}',
    method: ['GET', 'DELETE'],
    match: { prefix: '/api/v1/3d/generations/' },
    handler: (rest) => jobItemEndpoint('3d', rest),
  },
  {
    template: '/api/v1/jobs/callbacks/{provider}/{id}',
    method: 'POST',
    match: { prefix: '/api/v1/jobs/callbacks/' },
    handler: (rest) => jobCallbackEndpoint(rest),
  },
];

/** A route as the runner uses it: its methods as a list, the Allow header, and (exact routes) the
 * handler already made, so a request allocates none of these. */
interface CompiledRoute {
  route: Route;
  methods: readonly string[];
  allow: string;
  handler: EndpointHandler | null;
}

function compile(r: Route): CompiledRoute {
  const methods = Array.isArray(r.method) ? r.method : [r.method];
  return { route: r, methods, allow: methods.join(', '), handler: 'exact' in r.match ? r.handler('') : null };
}

const EXACT = new Map<string, CompiledRoute>();
const PREFIXED: CompiledRoute[] = [];
for (const r of ROUTES) {
  if ('exact' in r.match) EXACT.set(r.match.exact, compile(r));
  else PREFIXED.push(compile(r));
}

function findRoute(path: string): { compiled: CompiledRoute; param: string } | null {
  const p = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const exact = EXACT.get(p);
  if (exact) return { compiled: exact, param: '' };
  for (const c of PREFIXED) {
    const prefix = (c.route.match as { prefix: string }).prefix;
    if (p.startsWith(prefix)) return { compiled: c, param: p.slice(prefix.length) };
  }
  return null;
}

/** Runs one request through its endpoint. Never throws: every failure is answered. */
export async function runRequest(gw: GatewayServices, req: GatewayRequest, sink: ResponseSink): Promise<void> {
  const found = findRoute(req.path);
  const ctx = newContext(req, sink, found?.compiled.route.template ?? '/api/v1/{unknown}');
  const respondError = (err: unknown) => answerError(ctx, err);
  try {
    if (!found) throw new GatewayError(404, 'unknown_url', `Unknown request URL: ${req.method} ${req.path}.`);
    const { compiled } = found;
    const allowed = compiled.methods.includes(req.method) || (req.method === 'HEAD' && compiled.methods.includes('GET'));
    if (!allowed) {
      const allow = compiled.allow;
      throw new GatewayError(405, 'method_not_allowed', `Method ${req.method} is not allowed on ${req.path}; use ${allow}.`, { headers: { allow } });
    }
    const handler = compiled.handler ?? compiled.route.handler(decodeParam(found.param));
    await handler(gw, ctx, respondError);
  } catch (err) {
    respondError(err);
  } finally {
    const status = req.signal.aborted && !ctx.sink.headersSent ? 499 : ctx.sink.statusCode || 500;
    const ms = Date.now() - ctx.start;
    recordGatewayRequest({ route: ctx.route, model: ctx.model, provider: ctx.provider, status }, ms / 1000);
    logGatewayRequest({
      requestId: ctx.requestId,
      tenantId: ctx.tenantId,
      route: ctx.route,
      method: req.method,
      status,
      latencyMs: ms,
      model: ctx.model,
      provider: ctx.provider,
    });
  }
}

function answerError(ctx: RequestContext, err: unknown): void {
  const m = toOpenAIError(err, ctx.requestId); // also logs an unexpected error, answered or not
  if (ctx.sink.headersSent) {
    if (!ctx.sink.closed) ctx.sink.end();
    return;
  }
  sendJson(ctx.sink, m.status, { ...ctx.headers, ...m.headers }, JSON.stringify(m.body));
}

/** A path parameter as the client meant it; a malformed percent-encoding is the client's error. */
function decodeParam(param: string): string {
  if (param === '') return param;
  try {
    return decodeURIComponent(param);
  } catch {
    throw new GatewayError(400, 'invalid_url', 'The request URL is not valid percent-encoded UTF-8.', { param: 'url' });
  }
}
