/**
 * One advisory lock orders usage booking against invoice issuing and period transitions:
 *  - a rollup batch holds it SHARED while it decides which period each event is booked to and
 *    folds the events in (several rollup workers run side by side);
 *  - issuing/voiding an invoice and changing an accounting period's status hold it EXCLUSIVE.
 * So a rollup never books usage into a (tenant, period) whose invoice is being issued at the
 * same moment (that usage would be neither on the invoice nor moved to the next period), and a
 * period never closes under a rollup that still books into it. Transaction-scoped: released at
 * commit/rollback.
 */
import { sql } from 'drizzle-orm';
import type { Tx } from '@/lib/db/client';

/** Arbitrary constant: "radiant billing booking". */
export const BOOKING_LOCK_KEY = 7_207_505;

export async function lockBookingShared(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock_shared(${BOOKING_LOCK_KEY})`);
}

export async function lockBookingExclusive(tx: Tx): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${BOOKING_LOCK_KEY})`);
}
