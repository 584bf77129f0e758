'use server';

import { z } from 'zod';
import { runAction } from '@/lib/http/action';
import { deleteRoutingRule, proposeProviderBaseUrl, proposeProviderEnabled, saveRoutingRule } from '@/lib/admin-views/providers';
import { providerBaseUrlSchema, providerToggleSchema, routingRuleSchema } from '@/lib/admin-views/schemas';
import { requireAdmin } from '@/lib/auth/session';

export async function proposeProviderToggleAction(input: unknown) {
  return runAction(async () => proposeProviderEnabled({ ctx: await requireAdmin('catalog.propose'), input: providerToggleSchema.parse(input) }));
}

export async function proposeProviderBaseUrlAction(input: unknown) {
  return runAction(async () => proposeProviderBaseUrl({ ctx: await requireAdmin('catalog.propose'), input: providerBaseUrlSchema.parse(input) }));
}

export async function saveRoutingRuleAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('catalog.propose');
    routingRuleSchema.parse(input);
    return saveRoutingRule({ ctx, input });
  }, 'Proposed: the rule takes effect when a second administrator approves it.');
}

export async function deleteRoutingRuleAction(id: unknown) {
  return runAction(
    async () => deleteRoutingRule({ ctx: await requireAdmin('catalog.propose'), id: z.uuid().parse(id) }),
    'Deletion proposed: it takes effect when a second administrator approves it.',
  );
}
