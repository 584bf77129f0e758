/**
 * The metering quarantine, writer side: a row the database refuses (or an event that cannot even
 * be priced) is stored whole in metering_quarantine (reason, SQLSTATE, payload, first/last seen,
 * attempts) so everything else keeps flowing. The same (kind, request id) quarantined again only
 * bumps `attempts` and `last_seen_at`. While any row is open, admins holding billing.run get the
 * `metering.quarantined` notice (once an hour) and `radiant_metering_quarantine_open` is > 0.
 * Repair and replay: lib/admin-views/metering.ts (audited).
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../../db/client';
import { withPlatform } from '../../db/tenant';
import { notifyInBackground } from '../../notifications/notifier';
import { gatewayLog } from '../log';
import { recordQuarantined } from './metrics';

export interface QuarantineRecord {
  /** usage | log | rejection | unpriced */
  kind: string;
  requestId: string;
  tenantId: string | null;
  reason: string;
  sqlState: string | null;
  payload: unknown;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Writes quarantine records in one transaction (throws when the database is away: the caller
 * keeps them queued and journaled). */
export async function quarantineRows(db: Db, records: QuarantineRecord[]): Promise<void> {
  if (records.length === 0) return;
  const rows = records.map((r) => ({
    kind: r.kind.slice(0, 20),
    request_id: r.requestId.slice(0, 100),
    tenant_id: r.tenantId && UUID.test(r.tenantId) ? r.tenantId : null,
    reason: r.reason.slice(0, 2000),
    sql_state: r.sqlState,
    payload: r.payload ?? {},
  }));
  await withPlatform(async (tx) => {
    await tx.execute(sql`
      INSERT INTO metering_quarantine (kind, request_id, tenant_id, reason, sql_state, payload)
      SELECT DISTINCT ON (x.kind, x.request_id) x.kind, x.request_id, x.tenant_id, x.reason, x.sql_state, x.payload
      FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS x(kind varchar, request_id varchar, tenant_id uuid,
        reason text, sql_state varchar, payload jsonb)
      ON CONFLICT (kind, request_id) DO UPDATE SET
        attempts = metering_quarantine.attempts + 1,
        last_seen_at = now(),
        reason = excluded.reason,
        sql_state = excluded.sql_state,
        payload = excluded.payload,
        status = 'open',
        resolved_at = NULL,
        resolved_by = NULL`);
  }, db);
  recordQuarantined(records.length);
  for (const r of records.slice(0, 20)) {
    gatewayLog.error(
      { kind: r.kind, requestId: r.requestId, sqlState: r.sqlState, reason: r.reason.slice(0, 300) },
      'metering row refused; quarantined (admin: /admin/metering)',
    );
  }
  await raiseQuarantineNotice(db, records[0]!.reason).catch(() => {});
}

export async function openQuarantineCount(db: Db): Promise<number> {
  const [r] = await withPlatform((tx) => queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM metering_quarantine WHERE status = 'open'`), db);
  return Number(r?.n ?? 0);
}

/** Notice while any quarantined row is open (the notifier keeps it to one an hour). */
export async function raiseQuarantineNotice(db: Db, reason?: string | null): Promise<number> {
  const open = await openQuarantineCount(db);
  if (open > 0) notifyInBackground('metering.quarantined', { open, reason: reason ? reason.slice(0, 500) : null });
  return open;
}
