/**
 * Read models for the portal (a tenant's jobs, PRICE only) and the console (jobs across tenants,
 * stuck or failing ones, per-provider success rate and time to complete). Server-side pagination.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '../../db/client';

export const PAGE_SIZE = 20;

export interface PortalJobRow {
  id: string;
  publicId: string;
  kind: 'video' | '3d';
  model: string;
  status: string;
  progress: number;
  /** Charged, or held while running (decimal strings; never cost). */
  price: string | null;
  estimatedPrice: string | null;
  seconds: string | null;
  hasPreview: boolean;
  hasContent: boolean;
  error: string | null;
  createdAt: Date;
  completedAt: Date | null;
}

interface RawJob extends Record<string, unknown> {
  id: string;
  kind: 'video' | '3d';
  requested_model: string;
  status: string;
  progress: number;
  price: string | null;
  reserved_amount: string;
  requested_seconds: string | null;
  produced_seconds: string | null;
  files: unknown;
  error_message: string | null;
  created_at: string | Date;
  completed_at: string | Date | null;
}

const d = (v: string | Date | null) => (v === null ? null : new Date(v));
const roles = (files: unknown) => (Array.isArray(files) ? files.map((f) => String((f as { role?: unknown }).role)) : []);

export async function portalJobsPage(tx: Tx, tenantId: string, page: number): Promise<{ rows: PortalJobRow[]; total: number; page: number; pages: number }> {
  const p = Math.max(1, Math.floor(page) || 1);
  const rows = await queryRows<RawJob>(
    tx,
    sql`SELECT id, kind, requested_model, status, progress, price::text, reserved_amount::text, requested_seconds::text, produced_seconds::text,
          files, error_message, created_at, completed_at
        FROM generation_jobs WHERE tenant_id = ${tenantId}
        ORDER BY created_at DESC, id DESC LIMIT ${PAGE_SIZE} OFFSET ${(p - 1) * PAGE_SIZE}`,
  );
  const [c] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM generation_jobs WHERE tenant_id = ${tenantId}`);
  const total = Number(c?.n ?? 0);
  return {
    page: p,
    total,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    rows: rows.map((r) => {
      const open = r.status === 'queued' || r.status === 'in_progress';
      const have = roles(r.files);
      return {
        id: r.id,
        publicId: `${r.kind === 'video' ? 'video_' : 'gen3d_'}${r.id}`,
        kind: r.kind,
        model: r.requested_model,
        status: r.status,
        progress: r.status === 'completed' ? 100 : Number(r.progress),
        price: open ? null : r.price,
        estimatedPrice: open ? r.reserved_amount : null,
        seconds: r.produced_seconds ?? r.requested_seconds,
        hasPreview: have.includes('preview'),
        hasContent: r.status === 'completed' && (have.includes('video') || have.includes('model')),
        error: r.error_message,
        createdAt: d(r.created_at)!,
        completedAt: d(r.completed_at),
      };
    }),
  };
}

export interface ConsoleJobRow {
  id: string;
  tenantName: string;
  kind: string;
  model: string;
  providerId: string;
  status: string;
  progress: number;
  price: string | null;
  attempts: number;
  pollErrors: number;
  error: string | null;
  createdAt: Date;
  deadlineAt: Date;
  stuck: boolean;
}

export interface ProviderJobStats {
  providerId: string;
  total: number;
  completed: number;
  failed: number;
  open: number;
  /** completed / finished, percent with one decimal (display figure, not money). */
  successRate: number | null;
  avgSecondsToComplete: number | null;
  p95SecondsToComplete: number | null;
}

/** A job is stuck when it has been open for more than 15 minutes or keeps failing to poll. */
const STUCK = sql`(status IN ('queued', 'in_progress') AND (created_at < now() - interval '15 minutes' OR poll_errors >= 3))`;

export async function consoleJobsPage(tx: Tx, opts: { page: number; filter: 'all' | 'stuck' | 'failed' }) {
  const p = Math.max(1, Math.floor(opts.page) || 1);
  const where = opts.filter === 'stuck' ? STUCK : opts.filter === 'failed' ? sql`status IN ('failed', 'expired')` : sql`true`;
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`SELECT j.id, t.name AS tenant_name, j.kind, j.requested_model, j.provider_id, j.status, j.progress, j.price::text AS price,
          j.attempts, j.poll_errors, j.error_message, j.created_at, j.deadline_at, j.stuck
        FROM (SELECT *, ${STUCK} AS stuck FROM generation_jobs WHERE ${where}) j JOIN tenants t ON t.id = j.tenant_id
        ORDER BY j.created_at DESC, j.id DESC LIMIT ${PAGE_SIZE} OFFSET ${(p - 1) * PAGE_SIZE}`,
  );
  const [c] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM generation_jobs WHERE ${where}`);
  const [s] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM generation_jobs WHERE ${STUCK}`);
  const total = Number(c?.n ?? 0);
  return {
    page: p,
    total,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    stuckCount: Number(s?.n ?? 0),
    rows: rows.map((r): ConsoleJobRow => ({
      id: String(r.id),
      tenantName: String(r.tenant_name),
      kind: String(r.kind),
      model: String(r.requested_model),
      providerId: String(r.provider_id),
      status: String(r.status),
      progress: Number(r.progress),
      price: (r.price as string | null) ?? null,
      attempts: Number(r.attempts),
      pollErrors: Number(r.poll_errors),
      error: (r.error_message as string | null) ?? null,
      createdAt: new Date(r.created_at as string),
      deadlineAt: new Date(r.deadline_at as string),
      stuck: r.stuck === true || r.stuck === 't',
    })),
  };
}

/** Per provider over the last `days` days. */
export async function providerJobStats(tx: Tx, days = 30): Promise<ProviderJobStats[]> {
  const rows = await queryRows<Record<string, unknown>>(
    tx,
    sql`SELECT provider_id,
          count(*) AS total,
          count(*) FILTER (WHERE status = 'completed') AS completed,
          count(*) FILTER (WHERE status IN ('failed', 'expired')) AS failed,
          count(*) FILTER (WHERE status IN ('queued', 'in_progress')) AS open,
          avg(extract(epoch FROM completed_at - created_at)) FILTER (WHERE status = 'completed') AS avg_s,
          percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM completed_at - created_at)) FILTER (WHERE status = 'completed') AS p95_s
        FROM generation_jobs
        WHERE created_at >= now() - make_interval(days => ${days})
        GROUP BY provider_id ORDER BY provider_id`,
  );
  return rows.map((r) => {
    const completed = Number(r.completed);
    const failed = Number(r.failed);
    const finished = completed + failed;
    return {
      providerId: String(r.provider_id),
      total: Number(r.total),
      completed,
      failed,
      open: Number(r.open),
      successRate: finished ? Math.round((completed / finished) * 1000) / 10 : null,
      avgSecondsToComplete: r.avg_s === null ? null : Math.round(Number(r.avg_s) * 10) / 10,
      p95SecondsToComplete: r.p95_s === null ? null : Math.round(Number(r.p95_s) * 10) / 10,
    };
  });
}
