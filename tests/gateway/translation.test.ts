/**
 * Anthropic Messages and Google Gemini through the gateway: OpenAI wire format in and out,
 * streaming and not, tool calls, and usage (input, output, cached) mapped and metered.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type OpenAI from 'openai';
import type { DbHandle } from '../../lib/db/client';
import { testDb } from '../support/db';
import { newTenant, startFakeUpstream, startGateway, usageRows, type FakeUpstream, type RunningGateway } from './harness';

let h: DbHandle;
let fake: FakeUpstream;
let g: RunningGateway;

beforeAll(async () => {
  h = await testDb();
  fake = await startFakeUpstream();
  g = await startGateway(h.db, fake);
});
afterAll(async () => {
  await g?.close();
  await fake?.close();
});
beforeEach(() => fake.reset());

const tools: OpenAI.ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'lookup_order',
      description: 'Find an order',
      parameters: { type: 'object', properties: { orderId: { type: 'string' } }, required: ['orderId'] },
    },
  },
];

async function collect(stream: AsyncIterable<OpenAI.ChatCompletionChunk>) {
  let text = '';
  let usage: OpenAI.CompletionUsage | null = null;
  let finish: string | null = null;
  const toolArgs: string[] = [];
  const models = new Set<string>();
  for await (const c of stream) {
    models.add(c.model);
    const ch = c.choices[0];
    text += ch?.delta.content ?? '';
    for (const tc of ch?.delta.tool_calls ?? []) if (tc.function?.arguments) toolArgs.push(tc.function.arguments);
    if (ch?.finish_reason) finish = ch.finish_reason;
    if (c.usage) usage = c.usage;
  }
  return { text, usage, finish, toolArgs: toolArgs.join(''), models };
}

describe('Anthropic', () => {
  it('non-streamed: translates request and response, maps usage with cached tokens, meters it', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const { data, response } = await t.client.chat.completions
      .create(
        {
          model: 'claude-sonnet-4.5',
          messages: [
            { role: 'system', content: 'Be brief.' },
            { role: 'user', content: 'hello claude' },
          ],
          max_tokens: 256,
          temperature: 0.3,
        },
        { headers: { 'x-fake-cached-tokens': '40' } },
      )
      .withResponse();
    expect(response.headers.get('x-radiant-model')).toBe('claude-sonnet-4.5');
    expect(data.model).toBe('claude-sonnet-4.5');
    expect(data.choices[0]!.message.content).toBe('Hello from fake-anthropic: hello claude');
    expect(data.choices[0]!.finish_reason).toBe('stop');
    expect(data.usage!.prompt_tokens_details!.cached_tokens).toBe(40);
    const up = fake.requests[0]!;
    expect(up.path).toBe('/v1/messages');
    expect(up.headers['x-api-key']).toBe('test-anthropic-key');
    expect(up.headers['anthropic-version']).toBeTruthy();
    const body = up.body as { model: string; max_tokens: number; system: Array<{ text: string }>; messages: unknown[] };
    expect(body.model).toBe('claude-sonnet-4-5-20250929');
    expect(body.max_tokens).toBe(256);
    expect(body.system[0]!.text).toBe('Be brief.');
    expect(body.messages).toHaveLength(1);
    await g.gw.flushMetering();
    const [r] = await usageRows(h.db, t.tenantId);
    expect(r!.providerId).toBe('anthropic');
    expect(r!.inputTokens).toBe(data.usage!.prompt_tokens);
    expect(r!.cachedInputTokens).toBe(40);
    expect(r!.outputTokens).toBe(data.usage!.completion_tokens);
  });

  it('streamed: OpenAI chunks, [DONE], include_usage, and a tool call', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const s = await collect(
      await t.client.chat.completions.create({
        model: 'claude-haiku-4.5',
        messages: [{ role: 'user', content: 'stream from claude' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(s.text).toBe('Hello from fake-anthropic: stream from claude');
    expect(s.finish).toBe('stop');
    expect(s.usage!.completion_tokens).toBeGreaterThan(0);
    expect([...s.models]).toEqual(['claude-haiku-4.5']);
    const tc = await collect(
      await t.client.chat.completions.create({ model: 'claude-haiku-4.5', messages: [{ role: 'user', content: 'please call a tool' }], tools, stream: true }),
    );
    expect(tc.finish).toBe('tool_calls');
    expect(JSON.parse(tc.toolArgs)).toHaveProperty('orderId');
    expect(tc.usage).toBeNull();
    await g.gw.flushMetering();
    const rows = await usageRows(h.db, t.tenantId);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.outputTokens).toBe(s.usage!.completion_tokens);
    expect(rows.every((r) => !r.tokensEstimated && r.status === 'success')).toBe(true);
  });

  it('non-streamed tool calls round-trip (assistant tool_calls + tool result back to Anthropic)', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const first = await t.client.chat.completions.create({ model: 'claude-sonnet-4.5', messages: [{ role: 'user', content: 'please call a tool' }], tools });
    const call = first.choices[0]!.message.tool_calls![0]!;
    expect(first.choices[0]!.finish_reason).toBe('tool_calls');
    const second = await t.client.chat.completions.create({
      model: 'claude-sonnet-4.5',
      tools,
      messages: [
        { role: 'user', content: 'please call a tool' },
        { role: 'assistant', content: null, tool_calls: [call] },
        { role: 'tool', tool_call_id: call.id, content: '{"status":"shipped"}' },
        { role: 'user', content: 'thanks' },
      ],
    });
    expect(second.choices[0]!.message.content).toContain('thanks');
    const sent = fake.requests[1]!.body as { messages: Array<{ role: string; content: Array<{ type: string }> }> };
    expect(sent.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.messages[2]!.content[0]!.type).toBe('tool_result');
  });
});

describe('Gemini', () => {
  it('non-streamed: translates, maps usage (cached included in prompt), meters it', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const r = await t.client.chat.completions.create(
      {
        model: 'gemini-2.5-flash',
        messages: [
          { role: 'system', content: 'Answer well.' },
          { role: 'user', content: 'hello gemini' },
        ],
      },
      { headers: { 'x-fake-cached-tokens': '12' } },
    );
    expect(r.model).toBe('gemini-2.5-flash');
    expect(r.choices[0]!.message.content).toBe('Hello from fake-gemini: hello gemini');
    expect(r.usage!.prompt_tokens_details!.cached_tokens).toBe(12);
    const up = fake.requests[0]!;
    expect(up.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(up.headers['x-goog-api-key']).toBe('test-google-key');
    expect((up.body as { systemInstruction: { parts: Array<{ text: string }> } }).systemInstruction.parts[0]!.text).toBe('Answer well.');
    await g.gw.flushMetering();
    const [row] = await usageRows(h.db, t.tenantId);
    expect(row!.providerId).toBe('google');
    expect(row!.inputTokens).toBe(r.usage!.prompt_tokens);
    expect(row!.cachedInputTokens).toBe(12);
    expect(row!.outputTokens).toBe(r.usage!.completion_tokens);
  });

  it('streamed (SSE with CRLF framing): chunks, usage, tool calls with thought signatures', async () => {
    const t = await newTenant(h.db, g.baseURL);
    const s = await collect(
      await t.client.chat.completions.create({
        model: 'gemini-2.5-pro',
        messages: [{ role: 'user', content: 'stream from gemini please' }],
        stream: true,
        stream_options: { include_usage: true },
      }),
    );
    expect(s.text).toBe('Hello from fake-gemini: stream from gemini please');
    expect(s.finish).toBe('stop');
    expect(s.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(fake.requests[0]!.path).toBe('/v1beta/models/gemini-2.5-pro:streamGenerateContent');
    expect(fake.requests[0]!.query.alt).toBe('sse');
    const tc = await t.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'please call a tool' }], tools });
    const call = tc.choices[0]!.message.tool_calls![0]! as OpenAI.ChatCompletionMessageToolCall & {
      extra_content?: { google?: { thought_signature?: string } };
    };
    expect(tc.choices[0]!.finish_reason).toBe('tool_calls');
    expect(call.extra_content?.google?.thought_signature).toMatch(/^fake-sig-/);
    await g.gw.flushMetering();
    const rows = await usageRows(h.db, t.tenantId);
    expect(rows).toHaveLength(2);
    expect(rows[0]!.outputTokens).toBe(s.usage!.completion_tokens);
  });

  it('a translated provider error keeps the OpenAI error shape', async () => {
    const t = await newTenant(h.db, g.baseURL);
    fake.setBehavior({ mode: 'status', status: 400, provider: 'gemini', message: 'Invalid value at contents[0]' });
    const err = await t.client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect((err as { status: number }).status).toBe(400);
    expect((err as { message: string }).message).toContain('Invalid value');
    expect(fake.requests).toHaveLength(1); // a client error is not retried
  });
});
