'use server';

import { z } from 'zod';
import { runAction } from '@/lib/http/action';
import { requireAdmin } from '@/lib/auth/session';
import { proposeChange } from '@/lib/governance/approvals';

const tierSchema = z.object({ tenantId: z.uuid(), tier: z.number().int().min(1).max(5), reason: z.string().trim().max(1000).optional() });

export async function proposeTierAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('tenants.propose');
    const p = tierSchema.parse(input);
    const v = await proposeChange({ ctx, input: { action: 'tenant.set_tier', payload: { tenantId: p.tenantId, tier: p.tier, ...(p.reason ? { reason: p.reason } : {}) }, ...(p.reason ? { description: p.reason } : {}) } });
    return { id: v.id, title: v.title };
  });
}
