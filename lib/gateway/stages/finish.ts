/**
 * Stage: finish. The one tail of every paid endpoint, in this order:
 *
 *   usage event (buildUsageEvent) -> meter (journaled, budget reservation settled on the real
 *   price) -> send the complete answer, if there is one to send -> settle or refund the token
 *   limits -> content refusals met on the way -> request log -> rethrow the failure, if any
 *   (the runner answers it).
 *
 * Why the answer waits for the meter: `meter` appends the event to the write-ahead journal before
 * it returns, so a process killed after the client has its answer still finds the event on disk
 * when it restarts (a kill -9 between answer and journal lost an event before chat adopted this
 * order). Streamed answers are on the wire before their usage is known; they are metered as soon
 * as the stream ends.
 */
import type { UsageInput } from '../../pricing/usage';
import type { KeyRecord } from '../auth';
import { toOpenAIError, TranslatedUpstreamError, type MappedError } from '../errors';
import type { UsageStatus } from '../metering/writer';
import type { RequestContext } from '../pipeline/context';
import type { GatewayServices } from '../pipeline/services';
import type { RoutePlan } from '../router';
import type { CatalogSnapshot, TenantConfig } from '../state';
import type { Admission } from './admit';
import { logRequest } from './log';
import { buildUsageEvent, meter, meterRefusals } from './meter';
import type { Trace } from './upstream';
import { JSON_CT, sendComplete } from './respond';
import type { CompleteAnswer, StreamedAnswer } from '../upstream/execute';

/** The facts of a request that got no answer (an error, or the client left first). */
export interface FailureFacts {
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  /** The error as the client is (or would have been) answered, for the request log. */
  mapped: MappedError;
}

/** Status, HTTP status and error code of a failed request, mapped once. */
export function failureFacts(ctx: RequestContext, failure: unknown): FailureFacts {
  const mapped = toOpenAIError(failure, ctx.requestId);
  const aborted = ctx.req.signal.aborted;
  return {
    status: aborted ? 'cancelled' : 'error',
    httpStatus: mapped.status,
    errorCode: aborted ? 'client_disconnected' : (mapped.body.error.code ?? mapped.body.error.type),
    mapped,
  };
}

/** Who asked for what, and what the pipeline decided: the same for every outcome of a request. */
export interface RequestFacts {
  key: KeyRecord;
  tenant: TenantConfig;
  snap: CatalogSnapshot;
  plan: Pick<RoutePlan, 'requested' | 'auto'>;
  trace: Trace;
  /** Null only where nothing was admitted (nothing to settle). */
  admission: Admission | null;
  /** usage_events.endpoint, e.g. "chat.completions", "messages", "images.generations". */
  endpoint: string;
}

/**
 * How the request ended. One fixed shape on the hot path: every field is set by the constructor
 * (defaults below), the endpoint then assigns what differs, so `finish` reads one hidden class
 * and nothing is spread or closed over per request.
 */
export class Outcome {
  /** A provider answered (or the cache did). A request with no answer is free and gives its tokens back. */
  readonly answered: boolean;
  usage: UsageInput;
  /** Defaults to "free unless unanswered" (cache hits are answered and free). */
  free: boolean;
  cacheHit = false;
  tokensEstimated = false;
  /** Tokens really used, to settle the per-minute token limits on; null: they are refunded. */
  tokensUsed: number | null = null;
  /** Completions (chat, messages, embeddings): a self-hosted model's cold start is metered (usage and
   * metadata), and the metadata says whether `auto` chose the model and which models refused. */
  completion = false;
  ttfbMs: number | null = null;
  status: UsageStatus = 'success';
  httpStatus = 200;
  errorCode: string | null = null;
  /** Null: max(1, trace.attempts) (a cache hit made no attempt: 0). */
  attemptCount: number | null = null;
  metadata: Record<string, unknown> | null = null;
  /** The complete answer, sent once its usage event is journaled; null: nothing to send (a stream
   * already on the wire, a failure, a client gone). */
  body: string | Uint8Array | null = null;
  contentType: string = JSON_CT;
  /** For the request log. */
  requestBody: unknown = null;
  responseBody: unknown = null;
  /** The upstream failure, rethrown at the end for the runner (or the endpoint) to answer. */
  failure: unknown = null;

  constructor(answered: boolean, usage: UsageInput) {
    this.answered = answered;
    this.usage = usage;
    this.free = !answered;
  }

  /** A request that got no answer: its status, HTTP status and error code, and the failure to rethrow. */
  failed(f: FailureFacts, failure: unknown): this {
    this.status = f.status;
    this.httpStatus = f.httpStatus;
    this.errorCode = f.errorCode;
    this.failure = failure;
    return this;
  }
}

export function finish(gw: GatewayServices, ctx: RequestContext, f: RequestFacts, o: Outcome): void {
  const trace = f.trace;
  const model = trace.model;
  ctx.model ??= model.name;
  ctx.provider ??= model.providerId;
  let usage = o.usage;
  let metadata = o.metadata;
  if (o.completion) {
    const coldStart = o.answered && model.isSelfHosted && gw.thermal.coldStart(model.id, ctx.start);
    if (coldStart) usage = { ...usage, coldStart: true };
    if (coldStart || f.plan.auto || trace.refusals.length > 0) metadata = completionMetadata(coldStart, Boolean(f.plan.auto), metadata, trace);
  }
  meter(
    gw,
    buildUsageEvent(ctx, {
      key: f.key,
      tenant: f.tenant,
      snap: f.snap,
      model,
      requested: f.plan.requested,
      endpoint: f.endpoint,
      usage,
      free: o.free,
      tokensEstimated: o.tokensEstimated,
      cacheHit: o.cacheHit,
      ttfbMs: o.ttfbMs,
      status: o.status,
      httpStatus: o.httpStatus,
      errorCode: o.errorCode,
      attemptCount: o.attemptCount ?? Math.max(1, trace.attempts),
      fallbackFrom: trace.fallbackFrom,
      metadata: metadata ?? {},
    }),
    f.admission,
  );
  if (o.body !== null) sendComplete(ctx, o.body, o.contentType);
  if (f.admission) {
    if (o.answered && o.tokensUsed !== null) f.admission.settleTokens(o.tokensUsed);
    else f.admission.refundTokens();
  }
  if (trace.refusals.length > 0) meterRefusals(gw, ctx, f.key, trace, o.status);
  // A provider's own error text goes to the request log under `upstream` (shown to admins; the
  // portal leaves it out, lib/tenants/request-logs.ts): the tenant-facing error is our wording.
  let responseBody = o.responseBody;
  if (o.failure instanceof TranslatedUpstreamError) {
    const upstream = o.failure.translated.upstream;
    if (upstream && responseBody !== null && typeof responseBody === 'object') responseBody = { ...responseBody, upstream };
  }
  logRequest(gw, ctx, f.key, f.tenant, model.name, o.requestBody, responseBody);
  if (o.failure !== undefined && o.failure !== null) throw o.failure;
}

/** A completion's event metadata: cold start and auto first, the endpoint's own, then the models
 * that refused (only built when one of these is there). */
function completionMetadata(coldStart: boolean, auto: boolean, own: Record<string, unknown> | null, trace: Trace): Record<string, unknown> {
  const m: Record<string, unknown> = {};
  if (coldStart) m.coldStart = true;
  if (auto) m.auto = true;
  if (own !== null) Object.assign(m, own);
  if (trace.refusals.length > 0) m.refusedBy = trace.refusals.map((r) => r.model.name);
  return m;
}

/**
 * The finish of a completion (chat, embeddings, messages): a complete answer is sent once metered;
 * a stream has already reached the client; a failure is free and rethrown. `failureShape` gives a
 * failure's HTTP status and logged error where the endpoint answers in another shape (messages
 * answers Anthropic's).
 */
export function completionOutcome(
  ctx: RequestContext,
  stream: boolean,
  answer: CompleteAnswer | StreamedAnswer | null,
  failure: unknown,
  requestBody: unknown,
  metadata: Record<string, unknown> | null = null,
  failureShape?: (f: FailureFacts) => { httpStatus: number; error: unknown },
): Outcome {
  let o: Outcome;
  if (answer === null) {
    const f = failureFacts(ctx, failure);
    const shaped = failureShape ? failureShape(f) : null;
    o = new Outcome(false, { inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, requests: 1 }).failed(f, failure);
    if (shaped) o.httpStatus = shaped.httpStatus;
    o.responseBody = { error: shaped ? shaped.error : f.mapped.body.error };
  } else {
    const u = answer.usage;
    o = new Outcome(true, { inputTokens: u.input, cachedInputTokens: u.cached, outputTokens: u.output, requests: 1 });
    o.tokensEstimated = u.estimated;
    o.tokensUsed = u.input + u.output;
    if (answer.kind === 'complete') {
      o.ttfbMs = Date.now() - ctx.start;
      o.body = answer.body;
      o.responseBody = answer.parsed;
    } else {
      o.ttfbMs = answer.ttfbMs;
      o.status = answer.status;
      o.errorCode = answer.errorCode;
      o.responseBody = { stream: true, content: answer.summary.content, finish_reason: answer.summary.finishReason, status: answer.status };
    }
  }
  o.completion = true;
  o.requestBody = requestBody;
  o.metadata = stream ? { stream: true, ...metadata } : metadata;
  return o;
}
