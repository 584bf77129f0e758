/**
 * Stage: call upstream along the route plan's chain. Each model is tried with retries
 * (exponential backoff with jitter, Retry-After honoured up to maxRetryAfterMs) on retryable
 * failures; a provider in cooldown is skipped; a client error is returned at once; a
 * content-policy refusal falls back only along a routing rule's chain. What one attempt does is
 * the endpoint's business (`attempt`): chat streams or completes, an image endpoint generates,
 * and so on; this stage only decides what to try next from the typed failure it throws.
 */
import { recordUpstream, type UpstreamOutcome } from '../../observability/metrics';
import { GatewayError, TranslatedUpstreamError } from '../errors';
import { gatewayLog } from '../log';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { ProviderEndpoint } from '../providers';
import type { RoutePlan } from '../router';
import type { CatalogSnapshot, GatewayModel, GatewayProvider } from '../state';
import { isClientFault } from '../upstream/execute';

/** What happened upstream, for headers, metering and rejection records. */
export interface Trace {
  attempts: number;
  /** The model that answered, or the last one tried. */
  model: GatewayModel;
  /** Catalog id of the model the request fell back from (the plan's primary), or null. */
  fallbackFrom: string | null;
  primary: GatewayModel;
  refusals: Array<{ model: GatewayModel; code: string | null; message: string }>;
}

export function newTrace(plan: RoutePlan): Trace {
  return { attempts: 0, model: plan.primary, primary: plan.primary, fallbackFrom: null, refusals: [] };
}

/** Any answer an attempt produced. A `complete` answer that is a refusal may fall back; a
 * streamed one has already reached the client. */
export interface UpstreamAnswer {
  kind: string;
  refusal: boolean;
  status?: string;
}

export interface Attempt {
  model: GatewayModel;
  provider: GatewayProvider;
  ep: ProviderEndpoint;
}

export async function callUpstream<A extends UpstreamAnswer>(
  gw: GatewayServices,
  ctx: RequestContext,
  plan: RoutePlan,
  snap: CatalogSnapshot,
  trace: Trace,
  attempt: (a: Attempt) => Promise<A>,
): Promise<A> {
  const o = gw.options;
  let lastErr: unknown = null;
  let cooldownWait = 0;
  /** A refused answer kept in case every fallback fails. */
  let refused: { answer: A; model: GatewayModel; fallbackFrom: string | null } | null = null;
  for (let ci = 0; ci < plan.chain.length; ci++) {
    const model = plan.chain[ci]!;
    const provider = snap.providers.get(model.providerId)!;
    let ep: ProviderEndpoint;
    try {
      ep = gw.endpoint(provider, snap);
    } catch (err) {
      lastErr = err;
      continue;
    }
    for (let retry = 0; ; retry++) {
      const cool = gw.health.cooldownRemaining(provider.id);
      if (cool > 0) {
        cooldownWait = cooldownWait === 0 ? cool : Math.min(cooldownWait, cool);
        if (!(lastErr instanceof TranslatedUpstreamError)) lastErr = null;
        break;
      }
      if (ctx.req.signal.aborted) throw new GatewayError(499, 'client_disconnected', 'The client closed the connection.');
      trace.attempts++;
      trace.model = model;
      trace.fallbackFrom = ci > 0 ? plan.primary.id : null;
      const attemptStart = Date.now();
      try {
        const answer = await attempt({ model, provider, ep });
        gw.health.success(provider.id, Date.now() - attemptStart);
        const outcome: UpstreamOutcome = answer.refusal ? 'refused' : answer.status === 'cancelled' ? 'cancelled' : 'success';
        recordUpstream({ provider: provider.id, model: model.name, outcome }, (Date.now() - attemptStart) / 1000);
        if (answer.refusal) {
          trace.refusals.push({ model, code: 'content_filter', message: 'The provider refused to answer (content policy).' });
          if (answer.kind === 'complete' && plan.chainFromRule && ci < plan.chain.length - 1) {
            refused ??= { answer, model, fallbackFrom: trace.fallbackFrom };
            lastErr = null;
            break;
          }
        }
        return answer;
      } catch (err) {
        recordUpstream({ provider: provider.id, model: model.name, outcome: upstreamOutcome(err, ctx.req.signal.aborted) }, (Date.now() - attemptStart) / 1000);
        if (ctx.req.signal.aborted) throw err;
        if (isClientFault(err)) throw err;
        if (!(err instanceof TranslatedUpstreamError)) throw err;
        // What the provider said, as it said it: for operators only (tenants get our wording).
        if (err.translated.upstream) {
          gatewayLog.warn({ requestId: ctx.requestId, provider: provider.id, model: model.name, upstream: err.translated.upstream }, 'upstream error');
        }
        lastErr = err;
        const kind = err.translated.kind;
        if (kind === 'content_policy') {
          trace.refusals.push({ model, code: err.translated.body.error.code, message: err.translated.body.error.message });
          if (plan.chainFromRule && ci < plan.chain.length - 1) break;
          throw err;
        }
        if (kind === 'authentication' || kind === 'permission' || err.translated.retryable) {
          gw.health.failure(provider.id, `${kind}: HTTP ${err.translated.upstreamStatus}`);
        }
        if (!err.translated.retryable) break; // 401/403/404 upstream: next model
        if (retry >= o.maxRetries) break;
        if (gw.health.cooldownRemaining(provider.id) > 0) continue; // loop head moves on
        let wait = Math.min(o.maxBackoffMs, o.retryBaseMs * 2 ** retry);
        wait = wait / 2 + Math.random() * (wait / 2); // jitter
        if (err.retryAfterMs !== null) {
          if (err.retryAfterMs > o.maxRetryAfterMs) break; // too long: try the next model instead
          wait = Math.max(wait, err.retryAfterMs);
        }
        await sleepAbortable(wait, ctx.req.signal);
      }
    }
  }
  if (refused) {
    trace.model = refused.model;
    trace.fallbackFrom = refused.fallbackFrom;
    return refused.answer;
  }
  if (lastErr) throw lastErr;
  if (cooldownWait > 0) {
    throw new GatewayError(503, 'provider_unavailable', 'The provider for this model is temporarily unavailable after repeated failures; retry shortly.', {
      type: 'api_error',
      headers: { 'retry-after': String(Math.max(1, Math.ceil(cooldownWait / 1000))) },
    });
  }
  throw new GatewayError(503, 'provider_unavailable', 'No provider could serve this request.', { type: 'api_error' });
}

/** Headers that may be forwarded to the provider (configured list), as the client sent them. */
export function forwardedHeaders(gw: GatewayServices, ctx: RequestContext): Record<string, string> {
  const forward: Record<string, string> = {};
  for (const h of gw.options.forwardHeaders) {
    const v = ctx.req.header(h);
    if (v !== undefined) forward[h] = v;
  }
  return forward;
}

function upstreamOutcome(err: unknown, aborted: boolean): UpstreamOutcome {
  if (aborted) return 'cancelled';
  if (err instanceof TranslatedUpstreamError) {
    const t = err.translated;
    if (t.kind === 'rate_limit') return 'rate_limited';
    if (t.kind === 'timeout') return 'timeout';
    if (t.kind === 'content_policy') return 'refused';
    if (t.transport === 'connection') return 'connection_error';
  }
  return 'error';
}

function sleepAbortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
