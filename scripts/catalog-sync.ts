/**
 * npm run catalog:sync -- --from FILE [--as ADMIN_EMAIL] [--dry-run]
 * Updates model COSTS from a LiteLLM-format price file. Changes that keep or lower prices are
 * applied; changes that would raise a tenant's price are proposed as two-person approvals
 * (action catalog.set_cost) in the name of the administrator given with --as (another admin
 * approves them); without --as they are only reported and logged in model_cost_history.
 */
import fs from 'node:fs';
import path from 'node:path';
import { closeDb, getDbHandle } from '../lib/db/client';
import { and, eq, isNull } from 'drizzle-orm';
import { withPlatform } from '../lib/db/tenant';
import { modelCostHistory } from '../lib/db/schema';
import { formatSyncReport, parseCostMap, syncCosts } from '../lib/catalog/sync';
import { adminContextByEmail, proposeCostChange } from '../lib/catalog/cost-approvals';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const fromIdx = args.indexOf('--from');
  const file = fromIdx >= 0 ? args[fromIdx + 1] : undefined;
  if (!file) {
    console.error('usage: npm run catalog:sync -- --from model_prices_and_context_window.json [--dry-run]');
    process.exitCode = 2;
    return;
  }
  const dryRun = args.includes('--dry-run');
  const asIdx = args.indexOf('--as');
  const asEmail = asIdx >= 0 ? args[asIdx + 1] : undefined;
  const source = path.basename(file);
  const map = parseCostMap(fs.readFileSync(file, 'utf8'), source);
  await getDbHandle();
  const actor = asEmail ? await withPlatform((tx) => adminContextByEmail(tx, asEmail)) : null;
  const report = await withPlatform((tx) => syncCosts(tx, { map, source, dryRun }));
  if (actor && !dryRun) {
    // Proposed after the sync committed: each proposal is its own transaction.
    for (const change of report.pendingApproval) {
      const approvalId = await proposeCostChange({ ctx: actor, input: { change, source } });
      await withPlatform((tx) =>
        tx
          .update(modelCostHistory)
          .set({ approvalRequestId: approvalId })
          .where(and(eq(modelCostHistory.modelId, change.modelId), eq(modelCostHistory.raisesPrice, true), isNull(modelCostHistory.approvalRequestId))),
      );
      console.log(`  proposed approval ${approvalId} for ${change.modelName}`);
    }
  } else if (report.pendingApproval.length) {
    console.log('(pass --as <admin email> to propose the price-raising changes for two-person approval)');
  }
  console.log(formatSyncReport(report));
  if (dryRun) console.log('(dry run: nothing written)');
}

main()
  .catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
