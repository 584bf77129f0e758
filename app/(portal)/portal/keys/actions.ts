'use server';

import { z } from 'zod';
import { runAction } from '@/lib/http/action';
import { requireTenantUser } from '@/lib/auth/session';
import { createApiKey, revokeApiKey } from '@/lib/gateway/keys';
import { portalKeyCtx } from '@/lib/gateway/key-routes';
import { createKeyFormSchema } from '@/lib/portal-views/schemas';

export async function createKeyAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser(['owner', 'member']);
    const p = createKeyFormSchema.parse(input);
    return createApiKey({
      ctx: portalKeyCtx(ctx),
      input: {
        name: p.name,
        scopes: p.scopes,
        ...(p.expiresInDays !== undefined ? { expiresInDays: p.expiresInDays } : {}),
        ...(p.rateLimitRpm !== undefined ? { rateLimitRpm: p.rateLimitRpm } : {}),
        ...(p.rateLimitTpm !== undefined ? { rateLimitTpm: p.rateLimitTpm } : {}),
        ...(p.monthlyBudget !== undefined ? { monthlyBudget: p.monthlyBudget } : {}),
      },
    });
  });
}

export async function revokeKeyAction(id: unknown) {
  return runAction(async () => {
    const ctx = await requireTenantUser(['owner', 'member']);
    const v = await revokeApiKey({ ctx: portalKeyCtx(ctx), input: { id: z.uuid().parse(id) } });
    return { id: v.id };
  });
}
