'use server';

import { runAction } from '@/lib/http/action';
import { clearMarkupSchema, defaultMarkupSchema } from '@/lib/admin-views/schemas';
import { requireAdmin } from '@/lib/auth/session';
import { proposeChange } from '@/lib/governance/approvals';

export async function proposeDefaultMarkupAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('pricing.propose');
    const p = defaultMarkupSchema.parse(input);
    const v = await proposeChange({
      ctx,
      input: { action: 'markup.set_default', payload: { scope: p.scope, markupPercent: p.markupPercent, reason: p.reason }, description: p.reason },
    });
    return { id: v.id, title: v.title };
  });
}

export async function proposeClearMarkupAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('pricing.propose');
    const p = clearMarkupSchema.parse(input);
    const v = await proposeChange({ ctx, input: { action: 'markup.clear', payload: p, description: p.reason } });
    return { id: v.id, title: v.title };
  });
}
