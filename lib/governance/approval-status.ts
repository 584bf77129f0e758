/** The status of an approval request, for domains that keep a pointer to one (billing periods,
 * reconciliation entries). A plain read: no dependency on the approval workflow. */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { approvalRequests } from '../db/schema';

/** Status of an approval request (null when it does not exist). */
export async function approvalStatus(tx: Tx, approvalId: string): Promise<string | null> {
  const [row] = await tx.select({ status: approvalRequests.status }).from(approvalRequests).where(eq(approvalRequests.id, approvalId));
  return row?.status ?? null;
}
