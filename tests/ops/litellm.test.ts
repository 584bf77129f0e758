/** LiteLLM export: the config.yaml parses and lists every enabled chat model with exactly the
 * catalog's cost per token; fallbacks use LiteLLM's format; disabled models stay out. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML, { isMap, isScalar, isSeq, type Document } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { CATALOG_PROVIDERS } from '../../lib/catalog/data/providers';
import { loadCatalog } from '../../lib/catalog/repository';
import type { Db } from '../../lib/db/client';
import { withPlatform } from '../../lib/db/tenant';
import { buildLiteLLMConfig, exportLiteLLMConfig, liteLLMMode, perTokenFromPer1k } from '../../lib/interop/litellm';
import { dec } from '../../lib/pricing/money';
import { inject } from 'vitest';
import { testDb } from '../support/db';

let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

interface Entry {
  model_name: string;
  litellm_params: { model: string; api_key: string; api_base?: string };
  model_info: Record<string, unknown> & { id: string; mode: string };
}

/** The literal text of each cost scalar (not a float), per model_name. */
function costSources(doc: Document): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  const list = doc.get('model_list', true);
  if (!isSeq(list)) throw new Error('model_list is not a list');
  for (const item of list.items) {
    if (!isMap(item)) continue;
    const name = String(item.get('model_name'));
    const info = item.get('model_info', true);
    const costs: Record<string, string> = {};
    if (isMap(info)) {
      for (const pair of info.items) {
        const k = String(isScalar(pair.key) ? pair.key.value : pair.key);
        if (/cost/.test(k) && isScalar(pair.value)) costs[k] = String(pair.value.source ?? pair.value.value);
      }
    }
    out.set(name, costs);
  }
  return out;
}

describe('LiteLLM export', () => {
  it('parses as YAML and lists every enabled chat model with its exact cost per token', async () => {
    const { yaml } = await exportLiteLLMConfig({ db });
    const parsed = YAML.parse(yaml) as { model_list: Entry[]; router_settings: { fallbacks: Array<Record<string, string[]>> } };
    const doc = YAML.parseDocument(yaml);
    expect(doc.errors).toEqual([]);
    const sources = costSources(doc);
    const catalog = await withPlatform((tx) => loadCatalog(tx), db);
    const providers = new Map(catalog.providers.map((p) => [p.id, p]));
    const byName = new Map(parsed.model_list.map((e) => [e.model_name, e]));

    // The shipped catalog's providers only: other test files on the shared PostgreSQL database
    // add providers of their own (without an API-key setting) while this one runs.
    const shipped = new Set(CATALOG_PROVIDERS.map((p) => p.id));
    const chat = catalog.models.filter((m) => shipped.has(m.providerId) && m.enabled && providers.get(m.providerId)?.enabled && liteLLMMode(m) === 'chat');
    expect(chat.length).toBeGreaterThan(20);
    for (const m of chat) {
      const e = byName.get(m.name);
      expect(e, m.name).toBeDefined();
      expect(e!.litellm_params.model).toBe(m.litellmId);
      expect(e!.litellm_params.api_key).toBe(`os.environ/${providers.get(m.providerId)!.apiKeyEnv}`);
      expect(e!.model_info).toMatchObject({ id: m.id, mode: 'chat' });
      const src = sources.get(m.name)!;
      // Exactly the catalog's per-1K cost / 1000, as written in the file.
      expect(dec(src.input_cost_per_token!).eq(dec(m.cost.inputPer1k!).div(1000)), `${m.name} input`).toBe(true);
      expect(dec(src.output_cost_per_token!).eq(dec(m.cost.outputPer1k!).div(1000)), `${m.name} output`).toBe(true);
      if (m.cost.cachedInputPer1k !== null) expect(dec(src.cache_read_input_token_cost!).eq(dec(m.cost.cachedInputPer1k).div(1000))).toBe(true);
      // PyYAML (LiteLLM) reads "2e-8" as a string: plain decimals only.
      for (const v of Object.values(src)) expect(v, `${m.name} ${v}`).toMatch(/^\d+\.\d+$|^\d+$/);
      if (m.maxOutput) expect(e!.model_info.max_tokens).toBe(m.maxOutput);
    }
    // Embeddings are there too; nothing that is not chat/embedding priced per token.
    expect(parsed.model_list.some((e) => e.model_info.mode === 'embedding')).toBe(true);
    for (const e of parsed.model_list) expect(['chat', 'embedding']).toContain(e.model_info.mode);
    const images = catalog.models.filter((m) => m.category === 'image_generation').map((m) => m.name);
    for (const n of images) expect(byName.has(n)).toBe(false);
    // Self-hosted endpoints carry their api_base.
    for (const e of parsed.model_list.filter((x) => x.litellm_params.model.startsWith('hosted_vllm/')))
      expect(e.litellm_params.api_base).toMatch(/^https?:\/\//);

    // Fallbacks: LiteLLM's [{ model: [fallbacks...] }] shape, from DEFAULT_FALLBACK_CHAINS, every name exported.
    expect(parsed.router_settings.fallbacks).toEqual(
      expect.arrayContaining([{ 'gpt-4o': ['claude-sonnet-4', 'gemini-2.0-flash'] }, { 'claude-opus-4': ['gpt-4o', 'gemini-2.5-pro'] }]),
    );
    for (const f of parsed.router_settings.fallbacks) for (const [k, vs] of Object.entries(f)) for (const n of [k, ...vs]) expect(byName.has(n), n).toBe(true);
    expect(yaml).not.toMatch(/sk-|rk_live/); // keys only by env reference
  });

  it('leaves out disabled models and models of disabled providers; writes api_base for a moved provider', async () => {
    const catalog = await withPlatform((tx) => loadCatalog(tx), db);
    const target = catalog.models.find((m) => m.name === 'gpt-4o')!;
    const models = catalog.models.map((m) => (m.id === target.id ? { ...m, enabled: false } : m));
    const providers = catalog.providers.map((p) =>
      p.id === 'mistral' ? { ...p, enabled: false } : p.id === 'deepseek' ? { ...p, apiBaseUrl: 'https://llm-proxy.internal/deepseek/v1/' } : p,
    );
    const cfg = buildLiteLLMConfig({ models, providers });
    const names = new Set(cfg.model_list.map((e) => e.model_name));
    expect(names.has('gpt-4o')).toBe(false);
    expect(cfg.model_list.some((e) => e.litellm_params.model.startsWith('mistral/'))).toBe(false);
    expect(names.has('mistral-small-24b-instruct')).toBe(true); // self-hosted, not the Mistral provider
    expect(cfg.model_list.find((e) => e.model_name === 'deepseek-chat')!.litellm_params.api_base).toBe('https://llm-proxy.internal/deepseek/v1');
    expect(cfg.model_list.find((e) => e.model_name === 'gpt-4.1')!.litellm_params.api_base).toBeUndefined();
    // A chain whose primary is gone is dropped; targets that are gone are skipped.
    expect(cfg.router_settings.fallbacks).toEqual([{ 'claude-opus-4': ['gemini-2.5-pro'] }]);
  });

  it('converts per-1K decimals to per-token decimals exactly', () => {
    expect(perTokenFromPer1k('0.0025')).toBe('0.0000025');
    expect(perTokenFromPer1k('0.00002')).toBe('0.00000002');
    expect(perTokenFromPer1k('0.0018199007')).toBe('0.0000018199007');
    expect(perTokenFromPer1k('15')).toBe('0.015');
  });

  it('npm run litellm:export -- --out FILE writes the file (PostgreSQL run)', () => {
    const cfg = inject('testDb');
    if (cfg.kind !== 'postgres') return; // the embedded test database lives in this process only
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'litellm-')), 'config.yaml');
    const r = spawnSync(process.execPath, [require.resolve('tsx/cli'), 'scripts/litellm-export.ts', '--out', out], {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, DATABASE_URL: cfg.url },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote .*config\.yaml: \d+ models, 2 fallback chains/);
    const parsed = YAML.parse(fs.readFileSync(out, 'utf8')) as { model_list: Entry[] };
    expect(parsed.model_list.length).toBeGreaterThan(20);
  });
});
