/**
 * The COST and PRICE totals of one usage as canonical decimal strings (what a usage event
 * stores), for the request path: exact scaled-integer arithmetic (BigInt) instead of decimal.js.
 *
 * Same rules and same results as `priceUsage` (price.ts, usage.ts): every rate is a decimal
 * string m / 10^s, a quantity is an integer, so each component is an integer at a common scale
 * and the total is exact; the markup (also m / 10^s) multiplies the total, which equals marking
 * up each component and summing (one markup per request). Nothing rounds.
 *
 * Anything outside the common case (batch requests, fractional seconds or minutes, a quantity
 * that fails validation, a rate or markup not in plain notation, a negative markup) goes through
 * `priceUsage` itself, so its validation errors and results are the only ones.
 */
import type { ModelCost } from '@/lib/catalog/types';
import { priceUsage } from './price';
import type { UsageInput } from './usage';

/** m / 10^scale. */
interface Scaled {
  m: bigint;
  scale: number;
}

const PLAIN = /^(\d+)(?:\.(\d*))?$/;
const TEN = 10n;
const POW10: bigint[] = [];
function pow10(n: number): bigint {
  let p = POW10[n];
  if (p === undefined) {
    p = TEN ** BigInt(n);
    POW10[n] = p;
  }
  return p;
}

/** Plain non-negative decimal notation only ("0.00015", "12", "12.5"); else null. */
function parsePlain(s: string): Scaled | null {
  const x = PLAIN.exec(s);
  if (!x) return null;
  const frac = (x[2] ?? '').replace(/0+$/, '');
  return { m: BigInt(x[1]! + frac), scale: frac.length };
}

/** The rates of one ModelCost, parsed once (the catalog snapshot keeps the same object). */
interface ParsedRates {
  input: Scaled | null;
  output: Scaled | null;
  cached: Scaled | null;
  lcInput: Scaled | null;
  lcOutput: Scaled | null;
  perImage: Scaled | null;
  perSecond: Scaled | null;
  perMinute: Scaled | null;
  perRequest: Scaled | null;
  perToolCall: Scaled | null;
  per1kCharacters: Scaled | null;
  warmup: Scaled | null;
  /** The scale every component is summed at: the finest rate's, plus 3 for the per-1K ones. */
  scale: number;
}

const parsedRates = new WeakMap<ModelCost, ParsedRates | false>();
const parsedMarkups = new Map<string, Scaled | false>();

function rate(s: string | null, ok: { v: boolean }): Scaled | null {
  if (s === null) return null;
  const r = parsePlain(s);
  if (r === null) ok.v = false;
  return r;
}

function ratesOf(cost: ModelCost): ParsedRates | false {
  let r = parsedRates.get(cost);
  if (r === undefined) {
    const ok = { v: true };
    const parsed: ParsedRates = {
      input: rate(cost.inputPer1k, ok),
      output: rate(cost.outputPer1k, ok),
      cached: rate(cost.cachedInputPer1k, ok),
      lcInput: rate(cost.longContextInputPer1k, ok),
      lcOutput: rate(cost.longContextOutputPer1k, ok),
      perImage: rate(cost.perImage, ok),
      perSecond: rate(cost.perSecond, ok),
      perMinute: rate(cost.perMinute, ok),
      perRequest: rate(cost.perRequest, ok),
      perToolCall: rate(cost.perToolCall, ok),
      per1kCharacters: rate(cost.per1kCharacters, ok),
      warmup: rate(cost.warmupCost, ok),
      scale: 0,
    };
    for (const k of [
      'input',
      'output',
      'cached',
      'lcInput',
      'lcOutput',
      'perImage',
      'perSecond',
      'perMinute',
      'perRequest',
      'perToolCall',
      'per1kCharacters',
      'warmup',
    ] as const) {
      const v = parsed[k];
      if (v !== null && v.scale + 3 > parsed.scale) parsed.scale = v.scale + 3;
    }
    r = ok.v ? parsed : false;
    parsedRates.set(cost, r);
  }
  return r;
}

function markupOf(s: string): Scaled | false {
  let m = parsedMarkups.get(s);
  if (m === undefined) {
    m = parsePlain(s) ?? false;
    if (parsedMarkups.size > 1000) parsedMarkups.clear();
    parsedMarkups.set(s, m);
  }
  return m;
}

const count = (v: number | undefined): number => (v === undefined ? 0 : Number.isSafeInteger(v) && v >= 0 ? v : -1);

/** Canonical decimal string of m / 10^scale (m >= 0), as Decimal#toFixed() writes it. */
function format(m: bigint, scale: number): string {
  if (m === 0n) return '0';
  let s = m.toString();
  if (scale === 0) return s;
  if (s.length <= scale) s = '0'.repeat(scale - s.length + 1) + s;
  const int = s.slice(0, s.length - scale);
  const frac = s.slice(s.length - scale).replace(/0+$/, '');
  return frac ? `${int}.${frac}` : int;
}

/** rate x quantity as an integer at `scale` (the caller's scale minus 3 for a per-1K rate). */
function component(rt: Scaled | null, q: number, scale: number): bigint {
  return rt === null || q === 0 ? 0n : rt.m * BigInt(q) * pow10(scale - rt.scale);
}

interface PriceTotals {
  cost: string;
  price: string;
}

/**
 * COST and PRICE of one usage of a model at a markup. Throws as `priceUsage` does (invalid
 * quantities, negative markup).
 */
export function priceTotals(cost: ModelCost, usage: UsageInput, markupPercent: string): PriceTotals {
  return fastTotals(cost, usage, markupPercent) ?? slowTotals(cost, usage, markupPercent);
}

function slowTotals(cost: ModelCost, usage: UsageInput, markupPercent: string): PriceTotals {
  const p = priceUsage({ cost, usage, markupPercent });
  return { cost: p.cost.total.toFixed(), price: p.price.toFixed() };
}

/** The common case in scaled integers, or null for `priceUsage` to handle. */
function fastTotals(cost: ModelCost, usage: UsageInput, markupPercent: string): PriceTotals | null {
  if (usage.batch === true) return null;
  const inputTokens = count(usage.inputTokens);
  const outputTokens = count(usage.outputTokens);
  const cachedTokens = count(usage.cachedInputTokens);
  const images = count(usage.images);
  const seconds = count(usage.seconds);
  const minutes = count(usage.minutes);
  const requests = count(usage.requests);
  const toolCalls = count(usage.toolCalls);
  const characters = count(usage.characters);
  if ((inputTokens | outputTokens | cachedTokens | images | seconds | minutes | requests | toolCalls | characters) < 0) {
    // Some quantity is negative, fractional or unsafe: a single check covers all (each is -1 or
    // a safe integer; the bitwise OR of safe integers above 2^31 can also be negative, which
    // merely sends those rare requests the exact slow way).
    return null;
  }
  if (cachedTokens > inputTokens) return null;
  const r = ratesOf(cost);
  const mk = markupOf(markupPercent);
  if (r === false || mk === false) return null;

  const longContext = cost.longContextThreshold !== null && (r.lcInput !== null || r.lcOutput !== null) && inputTokens > cost.longContextThreshold;
  const inRate = longContext ? (r.lcInput ?? r.input) : r.input;
  const outRate = longContext ? (r.lcOutput ?? r.output) : r.output;
  const cachedRate = r.cached ?? inRate;

  const scale = r.scale;
  const total =
    component(inRate, inputTokens - cachedTokens, scale - 3) +
    component(cachedRate, cachedTokens, scale - 3) +
    component(outRate, outputTokens, scale - 3) +
    component(r.perImage, images, scale) +
    component(r.perSecond, seconds, scale) +
    component(r.perMinute, minutes, scale) +
    component(r.perRequest, requests, scale) +
    component(r.perToolCall, toolCalls, scale) +
    component(r.per1kCharacters, characters, scale - 3) +
    (usage.coldStart === true ? component(r.warmup, 1, scale) : 0n);
  // price = total x (1 + markup / 100) = total x (100 x 10^ms + mm) / 10^(ms + 2)
  return { cost: format(total, scale), price: format(total * (100n * pow10(mk.scale) + mk.m), scale + mk.scale + 2) };
}
