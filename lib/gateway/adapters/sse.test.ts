import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SSE_DONE, SseParser, encodeSse, encodeSseText, iterateSse, type SseEvent } from './sse';

const enc = new TextEncoder();

function parseAll(input: string | Uint8Array): SseEvent[] {
  const p = new SseParser();
  return [...p.push(input), ...p.end()];
}

function simplify(events: SseEvent[]) {
  return events.map((e) => ({ event: e.event, data: e.data, id: e.id }));
}

describe('SseParser', () => {
  it('parses OpenAI-style data events and [DONE]', () => {
    const events = parseAll('data: {"a":1}\n\ndata: {"b":2}\n\n' + SSE_DONE);
    expect(events.map((e) => e.data)).toEqual(['{"a":1}', '{"b":2}', '[DONE]']);
    expect(events[0]?.event).toBeNull();
  });

  it('parses Anthropic-style named events', () => {
    const events = parseAll('event: message_start\ndata: {"type":"message_start"}\n\nevent: ping\ndata: {"type": "ping"}\n\n');
    expect(simplify(events)).toEqual([
      { event: 'message_start', data: '{"type":"message_start"}', id: null },
      { event: 'ping', data: '{"type": "ping"}', id: null },
    ]);
  });

  it('handles CRLF (Gemini) and lone CR line endings', () => {
    expect(parseAll('data: x\r\n\r\ndata: y\r\n\r\n').map((e) => e.data)).toEqual(['x', 'y']);
    expect(parseAll('data: x\r\rdata: y\r\r').map((e) => e.data)).toEqual(['x', 'y']);
  });

  it('joins multi-line data with \\n, ignores comments and unknown fields', () => {
    const events = parseAll(': keep-alive\ndata: line1\nfoo: bar\ndata: line2\ndata\n\n');
    expect(events.map((e) => e.data)).toEqual(['line1\nline2\n']);
  });

  it('handles id, retry, no-space values and field-only lines', () => {
    const events = parseAll('id: 7\nretry: 1500\nevent:custom\ndata:no-space\n\ndata\n\n');
    expect(events[0]).toEqual({ event: 'custom', data: 'no-space', id: '7', retry: 1500 });
    expect(events[1]).toEqual({ event: null, data: '', id: '7', retry: null });
  });

  it('does not dispatch events without data lines', () => {
    expect(parseAll('event: x\n\n: comment\n\n')).toEqual([]);
  });

  it('strips a leading BOM', () => {
    expect(parseAll('\uFEFFdata: a\n\n').map((e) => e.data)).toEqual(['a']);
  });

  it('dispatches a trailing event without a blank line on end()', () => {
    const p = new SseParser();
    expect(p.push('data: a\n\ndata: b')).toHaveLength(1);
    expect(p.end().map((e) => e.data)).toEqual(['b']);
  });

  it('handles a CRLF split across chunks without an extra blank line', () => {
    const p = new SseParser();
    const out = [...p.push('data: a\r'), ...p.push('\ndata: b\r'), ...p.push('\n\r'), ...p.push('\n')];
    expect(out.map((e) => e.data)).toEqual(['a\nb']);
  });

  it('decodes multi-byte UTF-8 split across chunks', () => {
    const bytes = enc.encode('data: héllo 🌍 世界\n\n');
    const p = new SseParser();
    const out: SseEvent[] = [];
    for (const b of bytes) out.push(...p.push(new Uint8Array([b])));
    out.push(...p.end());
    expect(out.map((e) => e.data)).toEqual(['héllo 🌍 世界']);
  });

  it('iterates a ReadableStream', async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(enc.encode('data: 1\n'));
        c.enqueue(enc.encode('\ndata: 2\n\n'));
        c.close();
      },
    });
    const seen: string[] = [];
    for await (const ev of iterateSse(stream)) seen.push(ev.data);
    expect(seen).toEqual(['1', '2']);
  });

  it('is not quadratic on long streams without CR', () => {
    const line = `data: ${JSON.stringify({ choices: [{ delta: { content: 'x'.repeat(40) } }] })}\n\n`;
    const big = line.repeat(20_000);
    const p = new SseParser();
    const t0 = performance.now();
    let n = 0;
    for (let i = 0; i < big.length; i += 4096) n += p.push(big.slice(i, i + 4096)).length;
    n += p.end().length;
    expect(n).toBe(20_000);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});

describe('SseParser property: random chunking yields identical events', () => {
  const safeText = fc.string({ unit: 'grapheme', maxLength: 30 }).map((s) => s.replace(/[\r\n]/g, ' '));
  const eventArb = fc.record({
    event: fc.option(fc.constantFrom('message_start', 'content_block_delta', 'ping', 'x'), { nil: null }),
    lines: fc.array(safeText, { minLength: 1, maxLength: 4 }),
    comment: fc.boolean(),
  });
  const eol = fc.constantFrom('\n', '\r\n', '\r');

  it('splitting bytes anywhere does not change the parse', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 8 }), eol, fc.array(fc.nat(), { maxLength: 12 }), (events, nl, cutsRaw) => {
        let text = '';
        for (const e of events) {
          if (e.comment) text += `: comment${nl}`;
          if (e.event) text += `event: ${e.event}${nl}`;
          for (const l of e.lines) text += `data: ${l}${nl}`;
          text += nl;
        }
        const bytes = enc.encode(text);
        const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const p = new SseParser();
        const got: SseEvent[] = [];
        let prev = 0;
        for (const c of [...cuts, bytes.length]) {
          got.push(...p.push(bytes.subarray(prev, c)));
          prev = c;
        }
        got.push(...p.end());
        const expected = events.map((e) => ({ event: e.event, data: e.lines.join('\n'), id: null }));
        expect(simplify(got)).toEqual(expected);
        expect(simplify(got)).toEqual(simplify(parseAll(text)));
      }),
      { numRuns: 300 },
    );
  });
});

describe('encodeSse', () => {
  it('round-trips objects and multi-line text', () => {
    const obj = { text: 'line1\nline2', n: 1 };
    const events = parseAll(encodeSse(obj) + encodeSse({ type: 'ping' }, 'ping') + encodeSseText('a\nb'));
    expect(JSON.parse(events[0]!.data)).toEqual(obj);
    expect(events[1]?.event).toBe('ping');
    expect(events[2]?.data).toBe('a\nb');
  });
});
