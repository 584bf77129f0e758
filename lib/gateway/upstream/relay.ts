/**
 * The one stream relay: reads an upstream SSE body and writes what a translator makes of it to
 * the client as it arrives. Both streamed attempts use it (chat completions in upstream/execute.ts,
 * Claude pass-through on /api/v1/messages in upstream/anthropic-passthrough.ts), so both get the
 * same rules:
 *  - the client's 200 goes out with the first bytes (commit); a failure before that throws the
 *    typed upstream error so the chain may retry or fall back;
 *  - an idle timer ends a stream whose provider stops sending;
 *  - a client that leaves aborts the upstream call;
 *  - a shutdown that reaches its deadline ends the stream (registerOpenStream) with a final event
 *    in the client's wire format; the attempt meters it `partial`, code `server_shutdown`.
 * What the translator does (pass the events on, or translate them) is the caller's business.
 */
import { SseParser, type SseEvent } from '../adapters/sse';
import { TranslatedUpstreamError } from '../errors';
import type { ResponseSink } from '../http/types';
import type { GatewayProvider } from '../state';
import { connectionToTranslated, type StreamedAnswer } from './execute';
import { UpstreamConnectionError, type UpstreamResponse } from './http-client';
import { registerOpenStream } from './open-streams';

export interface StreamHooks {
  sink: ResponseSink;
  /** Headers for the client's 200 (sent with the first chunk). */
  headers: () => Record<string, string>;
  startedAt: number;
}

/** Why a committed stream ended before the upstream finished its answer. */
export type EarlyEnd = 'server_shutdown' | 'upstream_timeout' | 'upstream_error' | 'upstream_stream_truncated';

export interface RelayTranslator {
  /** The client's bytes for a batch of upstream events ('' for none). `committed`: the client has its 200. */
  translate(events: SseEvent[], committed: boolean): string;
  /** An error event from the upstream was seen: the relay stops reading. */
  readonly upstreamFailed: boolean;
  /** The in-stream upstream error as a typed failure, thrown while nothing reached the client. */
  earlyError(): TranslatedUpstreamError | null;
  /** What the translator still holds when the upstream ends ('' for nothing). */
  flush(): string;
  /** The upstream finished its answer. */
  readonly complete: boolean;
  /** The final event for a stream ended early, in the client's wire format ('' for none). */
  closingEvent(code: EarlyEnd, message: string): string;
}

export interface RelayResult {
  status: StreamedAnswer['status'];
  errorCode: string | null;
  ttfbMs: number | null;
  /** Ended by the shutdown deadline (usage is then counted without waiting for the tokenizer). */
  shutdownEnded: boolean;
}

const MESSAGES: Record<Exclude<EarlyEnd, 'upstream_error'>, string> = {
  server_shutdown: 'The server is restarting; the response is incomplete. Retry the request.',
  upstream_timeout: 'The upstream provider stopped sending data; the response is incomplete.',
  upstream_stream_truncated: 'The upstream stream ended unexpectedly; the response is incomplete.',
};

export async function relayStream(
  res: UpstreamResponse,
  a: { provider: GatewayProvider; signal: AbortSignal; idleTimeoutMs: number },
  h: StreamHooks,
  t: RelayTranslator,
  /** The upstream's own message for an `upstream_error` end, when it has one. */
  upstreamMessage: () => string | null = () => null,
): Promise<RelayResult> {
  const parser = new SseParser();
  const { sink } = h;
  let committed = false;
  let ttfb: number | null = null;
  let idleTimedOut = false;

  let idle: NodeJS.Timeout | null = null;
  const armIdle = () => {
    if (idle) clearTimeout(idle);
    idle = setTimeout(() => {
      idleTimedOut = true;
      res.abort();
    }, a.idleTimeoutMs);
  };
  const onAbort = () => res.abort();
  a.signal.addEventListener('abort', onAbort, { once: true });
  let shutdownEnded = false;
  const unregister = registerOpenStream(() => {
    shutdownEnded = true;
    res.abort();
  });

  const write = async (out: string) => {
    if (!out) return;
    if (!committed) {
      committed = true;
      sink.start(200, h.headers());
    }
    if (ttfb === null) ttfb = Date.now() - h.startedAt;
    if (!sink.write(out)) await sink.drain();
  };
  const throwEarly = () => {
    const early = committed ? null : t.earlyError();
    if (early) throw early;
  };

  let truncated = false;
  try {
    armIdle();
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      armIdle();
      const out = t.translate(parser.push(chunk), committed);
      throwEarly();
      await write(out);
      if (t.upstreamFailed) break;
    }
    if (!t.upstreamFailed) {
      await write(t.translate(parser.end(), committed));
      throwEarly();
      await write(t.flush());
    }
  } catch (err) {
    if (err instanceof TranslatedUpstreamError) {
      res.abort();
      throw err;
    }
    if (!a.signal.aborted && !committed) {
      res.abort();
      throw connectionToTranslated(
        new UpstreamConnectionError(idleTimedOut ? 'stream idle timeout' : 'stream cut', idleTimedOut ? 'timeout' : 'connection'),
        a.provider,
      );
    }
    truncated = true;
  } finally {
    if (idle) clearTimeout(idle);
    a.signal.removeEventListener('abort', onAbort);
    unregister();
  }

  // The upstream said 200 and then nothing useful: a connection failure (retryable).
  if (!committed && !a.signal.aborted && !t.complete) throw connectionToTranslated(new UpstreamConnectionError('empty stream', 'connection'), a.provider);
  let status: StreamedAnswer['status'] = 'success';
  let errorCode: EarlyEnd | 'client_disconnected' | null = null;
  if (a.signal.aborted) {
    status = 'cancelled';
    errorCode = 'client_disconnected';
  } else if (t.upstreamFailed || truncated || !t.complete) {
    status = 'partial';
    const code: EarlyEnd = shutdownEnded
      ? 'server_shutdown'
      : idleTimedOut
        ? 'upstream_timeout'
        : t.upstreamFailed
          ? 'upstream_error'
          : 'upstream_stream_truncated';
    errorCode = code;
    const message = code === 'upstream_error' ? (upstreamMessage() ?? MESSAGES.upstream_stream_truncated) : MESSAGES[code];
    if (!sink.closed) await write(t.closingEvent(code, message));
  }
  if (!sink.closed) sink.end();
  else res.abort();
  return { status, errorCode, ttfbMs: ttfb, shutdownEnded };
}
