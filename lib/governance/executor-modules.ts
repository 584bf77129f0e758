/**
 * Loads every module that registers approval executors, once, before an approval is proposed
 * or executed. Other domains: register yours with `registerExecutor` in your own module and add
 * one line below (e.g. `await import('../billing/executors');`).
 */
import { registerBuiltInExecutors } from './changes';
import { onChangeExecuted } from './executors';

let loaded: Promise<void> | null = null;

export function loadExecutors(): Promise<void> {
  loaded ??= (async () => {
    registerBuiltInExecutors();
    // --- other domains' executors (one import each) ---
    await import('../billing/executors'); // billing.close_period, billing.reconciliation_adjustment
    (await import('../catalog/cost-approvals')).registerCostExecutors(); // catalog.set_cost
    // After an approved change commits, the gateway's cached catalog/tenant config must not wait
    // for its TTL: drop it on every instance (in-process, and over Redis when configured).
    const { invalidateCatalog, invalidateTenant } = await import('../gateway/invalidation');
    onChangeExecuted(({ changes }) => {
      const tenants = new Set(changes.map((c) => c.tenantId).filter((t): t is string => !!t));
      if (tenants.size === changes.length && tenants.size > 0) for (const t of tenants) invalidateTenant(t);
      else invalidateCatalog();
    });
  })();
  return loaded;
}
