/** What the portal frame shows about the signed-in tenant (its name). withTenant path. */
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { tenants } from '../db/schema';

export async function getPortalShell(q: Queryable, tenantId: string): Promise<{ tenantName: string }> {
  const [t] = await q.select({ name: tenants.name }).from(tenants).where(eq(tenants.id, tenantId));
  return { tenantName: t?.name ?? 'Your organisation' };
}
