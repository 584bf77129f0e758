'use server';

import { runAction } from '@/lib/http/action';
import { previewMarkupChange, proposeMarkupChange } from '@/lib/admin-views/models';
import { markupPreviewSchema, markupProposalSchema } from '@/lib/admin-views/schemas';
import { requireAdmin } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';

export async function previewMarkupAction(input: unknown) {
  return runAction(async () => {
    await requireAdmin('pricing.read');
    const data = markupPreviewSchema.parse(input);
    return withPlatform((tx) => previewMarkupChange(tx, data));
  });
}

export async function proposeMarkupAction(input: unknown) {
  return runAction(async () => {
    const ctx = await requireAdmin('pricing.propose');
    const data = markupProposalSchema.parse(input);
    return proposeMarkupChange({ ctx, input: data });
  }, 'Submitted for approval');
}
