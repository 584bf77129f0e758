'use server';

import { runAction } from '@/lib/http/action';
import { proposeCostAdjustment, transitionAlert } from '@/lib/admin-views/alerts';
import { adjustCostSchema, alertActionSchema } from '@/lib/admin-views/schemas';
import { requireAdmin } from '@/lib/auth/session';

export async function acknowledgeAlertAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('pricing.propose');
    return transitionAlert({ ctx, input: alertActionSchema.parse(input), to: 'acknowledged' });
  });
}

export async function resolveAlertAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('pricing.propose');
    return transitionAlert({ ctx, input: alertActionSchema.parse(input), to: 'resolved' });
  });
}

export async function adjustCostAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('catalog.propose');
    return proposeCostAdjustment({ ctx, input: adjustCostSchema.parse(input) });
  });
}
