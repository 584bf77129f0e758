/**
 * What the jobs code needs at run time, built once per process: the database, the gateway's
 * budget ledger (shared, so chat and jobs draw on one cap), result storage, the catalog (cached),
 * provider endpoints (the same resolution as the chat gateway: <ID>_BASE_URL, credentials by
 * env var or sealed in the providers table), and the timing knobs.
 */
import crypto from 'node:crypto';
import type { Db } from '../../db/client';
import { getDbHandle } from '../../db/client';
import { decryptSecret } from '../../platform/secret-box';
import type { BudgetLedger } from '../limits/budget';
import { resolveProviderEndpoint } from '../providers';
import { loadCatalogSnapshot, loadTenantConfig, type CatalogSnapshot, type GatewayProvider, type TenantConfig } from '../state';
import type { ResultStorage } from './storage';
import type { JobKind, TaskEndpoint } from './task-types';

export interface JobsOptions {
  /** First poll delay and the cap of the backoff (x1.5 per poll). */
  pollMinMs: number;
  pollMaxMs: number;
  /** A job not finished by then is expired (hold released, provider task cancelled where possible). */
  deadlineMs: Record<JobKind, number>;
  /** How long an instance owns a job it is working on (a crashed instance's lease lapses). */
  leaseMs: number;
  /** Tasks running at once per provider (all instances together); default for unlisted ones. */
  concurrency: Record<string, number>;
  defaultConcurrency: number;
  /** Days results (files and rows) are kept after a job ends. */
  retentionDays: number;
  /** Consecutive poll errors after which a job fails (e.g. our credential was revoked). */
  maxPollErrors: number;
  /** Public base URL for provider callbacks (Luma, Kling); null = poll only. */
  publicBaseUrl: string | null;
  providerTimeoutMs: number;
  /** Work only on these tenants' jobs and deliveries (tests sharing one database); null = all. */
  onlyTenants: (() => readonly string[]) | null;
}

export const DEFAULT_JOBS_OPTIONS: JobsOptions = {
  pollMinMs: 2_000,
  pollMaxMs: 30_000,
  deadlineMs: { video: 30 * 60_000, '3d': 20 * 60_000 },
  leaseMs: 60_000,
  concurrency: {},
  defaultConcurrency: 8,
  retentionDays: 7,
  maxPollErrors: 10,
  publicBaseUrl: null,
  providerTimeoutMs: 30_000,
  onlyTenants: null,
};

/** RADIANT_JOBS_* settings (docs/jobs.md). */
export function jobsOptionsFromEnv(env: Record<string, string | undefined>): JobsOptions {
  const n = (v: string | undefined, d: number) => (v && /^\d+$/.test(v) ? Number(v) : d);
  const concurrency: Record<string, number> = {};
  for (const part of (env.RADIANT_JOBS_CONCURRENCY ?? '').split(',')) {
    const [k, v] = part.split('=').map((x) => x.trim());
    if (k && v && /^\d+$/.test(v)) concurrency[k] = Number(v);
  }
  return {
    ...DEFAULT_JOBS_OPTIONS,
    pollMinMs: n(env.RADIANT_JOBS_POLL_MIN_MS, DEFAULT_JOBS_OPTIONS.pollMinMs),
    pollMaxMs: n(env.RADIANT_JOBS_POLL_MAX_MS, DEFAULT_JOBS_OPTIONS.pollMaxMs),
    deadlineMs: {
      video: n(env.RADIANT_JOBS_VIDEO_DEADLINE_S, 1800) * 1000,
      '3d': n(env.RADIANT_JOBS_3D_DEADLINE_S, 1200) * 1000,
    },
    concurrency,
    defaultConcurrency: n(env.RADIANT_JOBS_DEFAULT_CONCURRENCY, DEFAULT_JOBS_OPTIONS.defaultConcurrency),
    retentionDays: n(env.RADIANT_JOBS_RETENTION_DAYS, DEFAULT_JOBS_OPTIONS.retentionDays),
    publicBaseUrl: env.RADIANT_PUBLIC_URL?.replace(/\/+$/, '') || null,
  };
}

export interface JobsRuntime {
  db: () => Promise<Db>;
  ledger: BudgetLedger;
  storage: ResultStorage;
  env: Record<string, string | undefined>;
  options: JobsOptions;
  instanceId: string;
  now: () => number;
  catalog(): Promise<CatalogSnapshot>;
  tenant(tenantId: string): Promise<TenantConfig>;
  endpoint(p: GatewayProvider): TaskEndpoint;
  /** Called when a job becomes due now (wakes this instance's poller). */
  wake(): void;
}

export function createJobsRuntime(args: {
  ledger: BudgetLedger;
  storage: ResultStorage;
  env?: Record<string, string | undefined>;
  options?: Partial<JobsOptions>;
  db?: () => Promise<Db>;
  instanceId?: string;
  now?: () => number;
  catalogTtlMs?: number;
}): JobsRuntime {
  const env = args.env ?? process.env;
  const db = args.db ?? (async () => (await getDbHandle()).db);
  const ttl = args.catalogTtlMs ?? 30_000;
  let snap: { at: number; value: Promise<CatalogSnapshot> } | null = null;
  let version = 0;
  const listeners = new Set<() => void>();
  const rt: JobsRuntime & { onWake(f: () => void): () => void } = {
    db,
    ledger: args.ledger,
    storage: args.storage,
    env,
    options: { ...jobsOptionsFromEnv(env), ...args.options },
    instanceId: args.instanceId ?? `${process.pid}-${crypto.randomBytes(4).toString('hex')}`,
    now: args.now ?? Date.now,
    catalog() {
      if (!snap || Date.now() - snap.at > ttl) {
        const value = db().then((d) => loadCatalogSnapshot(d, ++version));
        value.catch(() => (snap = null));
        snap = { at: Date.now(), value };
      }
      return snap.value;
    },
    async tenant(tenantId) {
      return loadTenantConfig(await db(), tenantId);
    },
    endpoint(p) {
      const ep = resolveProviderEndpoint(p, env, (c, id) => {
        try {
          return decryptSecret(c, `provider:${id}`);
        } catch {
          return null;
        }
      });
      return { baseUrl: ep.baseUrl, apiKey: ep.apiKey ?? '', timeoutMs: this.options.providerTimeoutMs };
    },
    wake() {
      for (const f of listeners) f();
    },
    onWake(f) {
      listeners.add(f);
      return () => listeners.delete(f);
    },
  };
  return rt;
}

export function onWake(rt: JobsRuntime, f: () => void): () => void {
  const r = rt as JobsRuntime & { onWake?: (f: () => void) => () => void };
  return r.onWake ? r.onWake(f) : () => {};
}
