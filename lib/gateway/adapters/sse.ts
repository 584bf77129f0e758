/**
 * Incremental Server-Sent Events parser and encoder (WHATWG HTML "event stream" rules).
 *
 * Hot path: every streamed token of every provider goes through `SseParser.push`. It keeps
 * only the unterminated tail of the input between calls, finds line ends with `indexOf`
 * (cached per buffer, so a stream without CRs is never rescanned for them), and allocates one
 * string per field line. No regular expressions.
 *
 * Handles: input split anywhere (inside a line, inside a CRLF pair, inside a multi-byte UTF-8
 * character), LF / CR / CRLF line ends, comments (`: keep-alive`), multi-line `data:`, `event:`,
 * `id:`, `retry:`, a leading BOM. One deliberate leniency: `end()` dispatches a final event that
 * was not followed by a blank line (the spec discards it), because some upstreams close the
 * stream right after their last `data:` line.
 */

export interface SseEvent {
  /** `event:` field, or null when absent (the spec's default type "message"). */
  event: string | null;
  data: string;
  /** Last event id seen on the stream, or null. */
  id: string | null;
  /** `retry:` field of this event in ms, or null. */
  retry: number | null;
}

const LF = '\n';
const CR = '\r';

export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private buf = '';
  /** The previous buffer ended with CR: a LF at the start of the next input belongs to it. */
  private pendingCR = false;
  private started = false;

  private data = '';
  private hasData = false;
  private eventType: string | null = null;
  private lastId: string | null = null;
  private retry: number | null = null;

  /** Feed bytes (decoded as streaming UTF-8) or an already-decoded string. */
  push(chunk: Uint8Array | string): SseEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (text.length === 0) return [];
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: SseEvent[] = [];
    this.scan(text, out);
    return out;
  }

  /** End of input: flushes the decoder and a trailing unterminated line/event. */
  end(): SseEvent[] {
    const out: SseEvent[] = [];
    const rest = this.decoder.decode();
    if (rest.length > 0) this.scan(rest, out);
    if (this.buf.length > 0) {
      this.processLine(this.buf, out);
      this.buf = '';
    }
    if (this.hasData) this.dispatch(out);
    this.pendingCR = false;
    return out;
  }

  private scan(text: string, out: SseEvent[]): void {
    const buf = this.buf.length > 0 ? this.buf + text : text;
    const len = buf.length;
    let start = 0;
    if (this.pendingCR) {
      this.pendingCR = false;
      if (buf.charCodeAt(0) === 10) start = 1;
    }
    let nextLF = -2; // -2: not computed yet for this buffer; -1: none left
    let nextCR = -2;
    while (start < len) {
      if (nextLF !== -1 && nextLF < start) nextLF = buf.indexOf(LF, start);
      if (nextCR !== -1 && nextCR < start) nextCR = buf.indexOf(CR, start);
      let end: number;
      let next: number;
      if (nextCR === -1 || (nextLF !== -1 && nextLF < nextCR)) {
        if (nextLF === -1) break;
        end = nextLF;
        next = end + 1;
      } else {
        end = nextCR;
        if (end + 1 < len) {
          next = buf.charCodeAt(end + 1) === 10 ? end + 2 : end + 1;
        } else {
          this.pendingCR = true;
          next = end + 1;
        }
      }
      this.processLine(end === start ? '' : buf.slice(start, end), out);
      start = next;
    }
    this.buf = start >= len ? '' : start === 0 ? buf : buf.slice(start);
  }

  private processLine(line: string, out: SseEvent[]): void {
    const n = line.length;
    if (n === 0) {
      this.dispatch(out);
      return;
    }
    // Fast path: "data: ..." (d=100 a=97 t=116 a=97 :=58 space=32)
    if (
      n >= 5 &&
      line.charCodeAt(0) === 100 &&
      line.charCodeAt(1) === 97 &&
      line.charCodeAt(2) === 116 &&
      line.charCodeAt(3) === 97 &&
      line.charCodeAt(4) === 58
    ) {
      const value = n > 5 && line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
      this.appendData(value);
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ":" comment
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon < 0) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        this.appendData(value);
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (value.indexOf('\u0000') < 0) this.lastId = value;
        break;
      case 'retry': {
        let ok = value.length > 0;
        for (let i = 0; ok && i < value.length; i++) {
          const c = value.charCodeAt(i);
          if (c < 48 || c > 57) ok = false;
        }
        if (ok) this.retry = Number(value);
        break;
      }
      default:
        break; // unknown fields are ignored
    }
  }

  private appendData(value: string): void {
    if (this.hasData) this.data = this.data + '\n' + value;
    else {
      this.data = value;
      this.hasData = true;
    }
  }

  private dispatch(out: SseEvent[]): void {
    if (this.hasData) {
      out.push({ event: this.eventType, data: this.data, id: this.lastId, retry: this.retry });
    }
    this.data = '';
    this.hasData = false;
    this.eventType = null;
    this.retry = null;
  }
}

/** Iterates the SSE events of a byte stream (e.g. `response.body` of a fetch). */
export async function* iterateSse(body: AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = new SseParser();
  const iterable: AsyncIterable<Uint8Array> =
    Symbol.asyncIterator in body ? (body as AsyncIterable<Uint8Array>) : readableToIterable(body as ReadableStream<Uint8Array>);
  for await (const chunk of iterable) {
    for (const ev of parser.push(chunk)) yield ev;
  }
  for (const ev of parser.end()) yield ev;
}

async function* readableToIterable(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value) yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** The terminator OpenAI sends after the last chunk. */
export const SSE_DONE = 'data: [DONE]\n\n';

/** `data: <json>\n\n` (with an `event:` line when given). JSON never contains raw newlines. */
export function encodeSse(obj: unknown, event?: string): string {
  const data = `data: ${JSON.stringify(obj)}\n\n`;
  return event ? `event: ${event}\n${data}` : data;
}

/** Encodes an arbitrary (possibly multi-line) string as one SSE event. */
export function encodeSseText(data: string, event?: string): string {
  let s = event ? `event: ${event}\n` : '';
  let start = 0;
  for (;;) {
    const nl = data.indexOf('\n', start);
    if (nl < 0) {
      s += `data: ${data.slice(start)}\n`;
      break;
    }
    s += `data: ${data.slice(start, nl)}\n`;
    start = nl + 1;
  }
  return s + '\n';
}
