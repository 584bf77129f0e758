'use server';

import { runAction } from '@/lib/http/action';
import { runOptimizer } from '@/lib/admin-views/optimizer';
import { optimizerFormSchema } from '@/lib/admin-views/schemas';
import { requireAdmin } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';

export async function runOptimizerAction(input: unknown) {
  return runAction(async () => {
    await requireAdmin('pricing.read');
    const data = optimizerFormSchema.parse(input);
    return withPlatform((tx) => runOptimizer(tx, data));
  });
}
