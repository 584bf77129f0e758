/**
 * Token counts.
 *  - `estimatePromptTokens`: a cheap admission-time estimate (characters / 4, plus a few tokens
 *    per message), used for tpm limits, budget reservations and model: "auto". Never billed.
 *  - `countTokens`: a real tokenizer (js-tiktoken; o200k_base for current OpenAI-style models,
 *    cl100k_base for older ones), used for billing when a provider sent no usage (stream cut
 *    short, client gone, provider without usage); the event is then flagged tokens_estimated.
 *    The encodings load lazily, in a worker thread, on first use.
 */
import { Worker } from 'node:worker_threads';

export function estimatePromptTokens(body: Record<string, unknown>): number {
  let chars = 0;
  let messages = 0;
  const msgs = body.messages;
  if (Array.isArray(msgs)) {
    for (const m of msgs) {
      messages++;
      chars += contentChars((m as Record<string, unknown>)?.content);
      const tc = (m as Record<string, unknown>)?.tool_calls;
      if (Array.isArray(tc)) chars += JSON.stringify(tc).length;
    }
  }
  const input = body.input;
  if (typeof input === 'string') chars += input.length;
  else if (Array.isArray(input)) {
    for (const x of input) chars += typeof x === 'string' ? x.length : Array.isArray(x) ? x.length * 4 : 4;
  }
  if (Array.isArray(body.tools)) chars += JSON.stringify(body.tools).length;
  return Math.ceil(chars / 4) + messages * 4 + (messages > 0 ? 3 : 0);
}

function contentChars(c: unknown): number {
  if (typeof c === 'string') return c.length;
  if (!Array.isArray(c)) return 0;
  let n = 0;
  for (const p of c) {
    const part = p as Record<string, unknown>;
    if (typeof part?.text === 'string') n += part.text.length;
    else if (part?.type === 'image_url')
      n += 340 * 4; // ~ a low-detail image tile
    else n += 64;
  }
  return n;
}

/**
 * The tokenizer runs in a worker thread: building an encoding takes seconds and ~100 MB, which
 * must neither stall the event loop (every other request) nor be paid by instances that never
 * need it. The worker starts on first use and is unref'd. If it cannot start, counts fall back
 * to characters / 4 (still flagged as estimated).
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createRequire } = require('node:module');
const path = require('node:path');
const req = createRequire(path.join(process.cwd(), 'index.js'));
const { Tiktoken } = req('js-tiktoken/lite');
const encs = {};
const enc = (name) => (encs[name] ??= new Tiktoken(req('js-tiktoken/ranks/' + name)));
parentPort.on('message', ({ id, name, texts }) => {
  try {
    parentPort.postMessage({ id, counts: texts.map((t) => (t ? enc(name).encode(t, 'all').length : 0)) });
  } catch (err) {
    parentPort.postMessage({ id, error: String(err) });
  }
});
`;

interface Pending {
  resolve: (counts: number[]) => void;
  reject: (err: Error) => void;
}

let worker: Worker | null = null;
let workerBroken = false;
let nextId = 0;
const pending = new Map<number, Pending>();

function tokenizer(): Worker | null {
  if (worker || workerBroken) return worker;
  try {
    const w = new Worker(WORKER_SOURCE, { eval: true });
    w.on('message', (m: { id: number; counts?: number[]; error?: string }) => {
      const p = pending.get(m.id);
      if (!p) return;
      pending.delete(m.id);
      if (pending.size === 0) w.unref();
      if (m.counts) p.resolve(m.counts);
      else p.reject(new Error(m.error ?? 'tokenizer failed'));
    });
    const fail = (err: unknown) => {
      workerBroken = true;
      worker = null;
      for (const p of pending.values()) p.reject(err instanceof Error ? err : new Error(String(err)));
      pending.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => code !== 0 && fail(new Error(`tokenizer worker exited with ${code}`)));
    // Only keep the process alive while a count is pending (listeners re-ref: unref after them).
    w.unref();
    worker = w;
  } catch {
    workerBroken = true;
  }
  return worker;
}

/** Models whose tokenizer is cl100k_base (GPT-4 / 3.5 era); everything else uses o200k_base. */
function encodingFor(providerModelId: string): 'cl100k_base' | 'o200k_base' {
  return /^(gpt-4(?!o|\.1)|gpt-3\.5|text-embedding-3|text-embedding-ada)/.test(providerModelId) ? 'cl100k_base' : 'o200k_base';
}

export async function countTokens(text: string, providerModelId: string): Promise<number> {
  if (!text) return 0;
  const w = tokenizer();
  if (w) {
    try {
      const id = nextId++;
      const counts = await new Promise<number[]>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (pending.size === 1) w.ref();
        w.postMessage({ id, name: encodingFor(providerModelId), texts: [text] });
      });
      return counts[0] ?? 0;
    } catch {
      /* fall through */
    }
  }
  return Math.ceil(text.length / 4);
}

/** Prompt tokens of a chat request with OpenAI's per-message overhead (3 per message + 3). */
export async function countPromptTokens(body: Record<string, unknown>, providerModelId: string): Promise<number> {
  const parts: string[] = [];
  let messages = 0;
  if (Array.isArray(body.messages)) {
    for (const m of body.messages as Array<Record<string, unknown>>) {
      messages++;
      if (typeof m.role === 'string') parts.push(m.role);
      const c = m.content;
      if (typeof c === 'string') parts.push(c);
      else if (Array.isArray(c)) for (const p of c as Array<Record<string, unknown>>) if (typeof p.text === 'string') parts.push(p.text);
      if (Array.isArray(m.tool_calls)) parts.push(JSON.stringify(m.tool_calls));
    }
  }
  const input = body.input;
  if (typeof input === 'string') parts.push(input);
  else if (Array.isArray(input)) for (const x of input) if (typeof x === 'string') parts.push(x);
  if (Array.isArray(body.tools)) parts.push(JSON.stringify(body.tools));
  const n = await countTokens(parts.join('\n'), providerModelId);
  return n + messages * 3 + (messages > 0 ? 3 : 0);
}
