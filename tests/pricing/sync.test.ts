/**
 * Cost sync from a LiteLLM-format price file. The fixture is a verbatim slice of the real
 * `model_prices_and_context_window.json` shipped by the llm-cost npm package (an older LiteLLM
 * snapshot): a file nobody here wrote, in the format operators actually have.
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { Db } from '../../lib/db/client';
import { modelCostHistory, models } from '../../lib/db/schema';
import { withPlatform } from '../../lib/db/tenant';
import { loadCatalog } from '../../lib/catalog/repository';
import { parseCostMap, planCostSync, syncCosts, type ModelCostChange } from '../../lib/catalog/sync';
import { ValidationError } from '../../lib/errors';
import { testDb } from '../support/db';

const FIXTURE = path.resolve(__dirname, '../fixtures/litellm-model-prices.sample.json');
let db: Db;
beforeAll(async () => {
  db = (await testDb()).db;
});

describe('LiteLLM cost map import', () => {
  it('reads per-token, per-character and per-second figures exactly and maps them to our units', async () => {
    const map = parseCostMap(fs.readFileSync(FIXTURE, 'utf8'), 'fixture');
    const { models: catalog } = await withPlatform((tx) => loadCatalog(tx), db);
    const plan = planCostSync(catalog, map);
    const byName = new Map(plan.changes.map((c) => [c.modelName, c]));

    // gpt-4o: 5e-06 / 1.5e-05 per token -> 0.005 / 0.015 per 1K, exactly (no float residue).
    const gpt4o = byName.get('gpt-4o')!;
    expect(gpt4o.matchedKey).toBe('gpt-4o');
    expect(gpt4o.changes.find((c) => c.field === 'inputPer1k')!.to).toBe('0.005');
    expect(gpt4o.changes.find((c) => c.field === 'outputPer1k')!.to).toBe('0.015');
    // deepseek-chat: 1.4e-07 -> 0.00014 per 1K
    const ds = byName.get('deepseek-chat');
    if (ds) expect(ds.newCost.inputPer1k).toBe('0.00014');
    // tts-1 is priced per character in LiteLLM and per 1K characters here: 1.5e-05 -> 0.015
    const tts = plan.changes.find((c) => c.modelName === 'tts-1');
    const ttsModel = catalog.find((m) => m.name === 'tts-1')!;
    expect((tts?.newCost ?? ttsModel.cost).per1kCharacters).toBe('0.015');
    // whisper-1: 0.0001 per second -> 0.006 per minute (the catalog already has it: unchanged)
    const whisper = catalog.find((m) => m.name === 'whisper-1')!;
    expect(plan.changes.find((c) => c.modelName === 'whisper-1')).toBeUndefined();
    expect(whisper.cost.perMinute).toBe('0.006');
    expect(plan.matched).toBeGreaterThanOrEqual(5);
    expect(plan.unmatched).toContain('claude-3-haiku-20240307');
  });

  it('applies changes that lower prices, holds those that raise them for approval, and records history', async () => {
    const map = parseCostMap(fs.readFileSync(FIXTURE, 'utf8'), 'fixture');
    // Everything happens in one transaction that is rolled back at the end, so the shared
    // catalog other test files read (in parallel, on PostgreSQL) never changes.
    const ROLLBACK = new Error('rollback');
    await expect(
      withPlatform(async (tx) => {
        const proposed: ModelCostChange[] = [];
        const report = await syncCosts(tx, {
          map,
          source: 'fixture.json',
          onPriceRaise: async (c) => {
            proposed.push(c);
            return null;
          },
        });
        // The old snapshot's gpt-4o (5/15 per 1M) is dearer than the catalog's: a raise, not applied.
        const gpt4oRaise = report.pendingApproval.find((c) => c.modelName === 'gpt-4o');
        expect(gpt4oRaise?.raisesPrice).toBe(true);
        expect(proposed.map((c) => c.modelName)).toEqual(report.pendingApproval.map((c) => c.modelName));
        const [gpt4oRow] = await tx.select().from(models).where(eq(models.name, 'gpt-4o'));
        expect(gpt4oRow!.inputCostPer1k).not.toBe('0.005');

        expect(report.applied.length).toBeGreaterThan(0);
        for (const applied of report.applied) {
          expect(applied.raisesPrice).toBe(false);
          const [row] = await tx.select().from(models).where(eq(models.id, applied.modelId));
          expect(row!.costSource).toBe('registry_sync');
          const stored: Record<string, string | null> = {
            inputPer1k: row!.inputCostPer1k,
            outputPer1k: row!.outputCostPer1k,
            cachedInputPer1k: row!.cachedInputCostPer1k,
            per1kCharacters: row!.costPer1kCharacters,
            perMinute: row!.costPerMinute,
          };
          for (const ch of applied.changes) if (ch.field in stored) expect(stored[ch.field]).toBe(ch.to);
        }
        const history = await tx.select().from(modelCostHistory).where(eq(modelCostHistory.source, 'registry_sync'));
        expect(history.length).toBe(report.applied.length + report.pendingApproval.length);
        expect(history.filter((h) => h.raisesPrice).length).toBe(report.pendingApproval.length);

        // Running it again applies nothing new.
        const again = await syncCosts(tx, { map, source: 'fixture.json', dryRun: true });
        expect(again.applied).toHaveLength(0);
        throw ROLLBACK;
      }, db),
    ).rejects.toBe(ROLLBACK);
  });

  it('refuses files that are not cost maps', () => {
    expect(() => parseCostMap('not json', 'x')).toThrow(ValidationError);
    expect(() => parseCostMap('[1,2]', 'x')).toThrow(ValidationError);
  });
});
