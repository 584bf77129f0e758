/**
 * Tenant isolation, proven through the real `radiant_app` role (no mocks): for every
 * tenant-owned table, with tenant A set only A's rows are visible; with no tenant set, none;
 * updating or deleting B's rows changes nothing; inserting a row for B is refused.
 * Runs on PGlite and, when TEST_DATABASE_URL is set, on the real PostgreSQL server.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '../../lib/db/client';
import { withAppRoleNoTenant, withPlatform, withTenant } from '../../lib/db/tenant';
import { testDb } from '../support/db';
import { anyChatModel, createTenant, uniqueSuffix } from '../support/factories';

type Fixture = (tx: Tx, tenantId: string, ctx: { modelId: string; providerId: string }) => Promise<unknown>;

/** Minimal valid row per tenant-owned table, inserted with raw SQL so the fixture is the table. */
const FIXTURES: Record<string, Fixture> = {
  users: (tx, t) => tx.execute(sql`INSERT INTO users (tenant_id, email) VALUES (${t}, ${`u-${uniqueSuffix()}@x.test`})`),
  api_keys: (tx, t) =>
    tx.execute(sql`INSERT INTO api_keys (tenant_id, name, key_prefix, key_hash) VALUES (${t}, 'k', 'rk_', ${uniqueSuffix() + uniqueSuffix()})`),
  tenant_model_access: (tx, t, c) => tx.execute(sql`INSERT INTO tenant_model_access (tenant_id, model_id) VALUES (${t}, ${c.modelId})`),
  usage_events: (tx, t, c) =>
    tx.execute(sql`INSERT INTO usage_events (tenant_id, request_id, model_id, provider_id, markup_percent, markup_source)
                   VALUES (${t}, ${`req-${uniqueSuffix()}`}, ${c.modelId}, ${c.providerId}, 40, 'default')`),
  provider_rejections: (tx, t, c) =>
    tx.execute(sql`INSERT INTO provider_rejections (tenant_id, request_id, model_id, provider_id) VALUES (${t}, 'r', ${c.modelId}, ${c.providerId})`),
  user_rejection_notifications: (tx, t) => tx.execute(sql`INSERT INTO user_rejection_notifications (tenant_id, message) VALUES (${t}, 'm')`),
  idempotency_keys: (tx, t) =>
    tx.execute(
      sql`INSERT INTO idempotency_keys (tenant_id, key, request_hash, request_id, expires_at) VALUES (${t}, ${uniqueSuffix()}, 'h', 'r', now() + interval '1 day')`,
    ),
  request_logs: (tx, t) =>
    tx.execute(sql`INSERT INTO request_logs (tenant_id, request_id, model, request_body, expires_at) VALUES (${t}, 'r', 'm', '{}', now() + interval '1 day')`),
  usage_rollups: (tx, t, c) =>
    tx.execute(sql`INSERT INTO usage_rollups (tenant_id, rollup_date, model_id, provider_id) VALUES (${t}, current_date, ${c.modelId}, ${c.providerId})`),
  invoices: (tx, t) => tx.execute(sql`INSERT INTO invoices (tenant_id, period, period_start, period_end) VALUES (${t}, '2020-01', '2020-01-01', '2020-01-31')`),
  invoice_lines: async (tx, t) => {
    const [inv] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO invoices (tenant_id, period, period_start, period_end) VALUES (${t}, '2019-12', '2019-12-01', '2019-12-31') RETURNING id`,
    );
    return tx.execute(
      sql`INSERT INTO invoice_lines (tenant_id, invoice_id, line_no, kind, description, amount) VALUES (${t}, ${inv!.id}, 1, 'usage', 'd', 1.00)`,
    );
  },
  revenue_entries: (tx, t) =>
    tx.execute(sql`INSERT INTO revenue_entries (tenant_id, period, entry_date, kind, amount) VALUES (${t}, '2020-01', '2020-01-01', 'credit', 1)`),
  cost_entries: (tx, t) =>
    tx.execute(sql`INSERT INTO cost_entries (tenant_id, period, entry_date, kind, amount) VALUES (${t}, '2020-01', '2020-01-01', 'provider_usage', 1)`),
  consent_records: (tx, t) =>
    tx.execute(sql`INSERT INTO consent_records (tenant_id, consent_type, granted, policy_version) VALUES (${t}, 'marketing', true, 'v1')`),
  gdpr_requests: (tx, t) =>
    tx.execute(sql`INSERT INTO gdpr_requests (tenant_id, subject_email, request_type, due_at) VALUES (${t}, 's@x.test', 'access', now() + interval '30 days')`),
  data_retention_policies: (tx, t) =>
    tx.execute(sql`INSERT INTO data_retention_policies (tenant_id, data_type, retention_days) VALUES (${t}, ${'t-' + uniqueSuffix()}, 30)`),
  hipaa_config: (tx, t) => tx.execute(sql`INSERT INTO hipaa_config (tenant_id) VALUES (${t})`),
  phi_access_log: (tx, t) =>
    tx.execute(sql`INSERT INTO phi_access_log (tenant_id, accessor_type, resource_type, action) VALUES (${t}, 'user', 'request_log', 'read')`),
  notifications: (tx, t) => tx.execute(sql`INSERT INTO notifications (tenant_id, event, title) VALUES (${t}, 'budget.80', 'Budget')`),
  tenant_invitations: (tx, t) =>
    tx.execute(
      sql`INSERT INTO tenant_invitations (tenant_id, email, role, token_hash, expires_at) VALUES (${t}, ${`i-${uniqueSuffix()}@x.test`}, 'member', ${uniqueSuffix() + uniqueSuffix()}, now() + interval '1 day')`,
    ),
  password_reset_tokens: async (tx, t) => {
    const [u] = await queryRows<{ id: string }>(tx, sql`INSERT INTO users (tenant_id, email) VALUES (${t}, ${`r-${uniqueSuffix()}@x.test`}) RETURNING id`);
    return tx.execute(
      sql`INSERT INTO password_reset_tokens (tenant_id, user_id, token_hash, expires_at) VALUES (${t}, ${u!.id}, ${uniqueSuffix() + uniqueSuffix()}, now() + interval '1 hour')`,
    );
  },
  generation_jobs: (tx, t, c) =>
    tx.execute(sql`INSERT INTO generation_jobs (tenant_id, kind, model_id, provider_id, requested_model, prompt, pricing, deadline_at)
                   VALUES (${t}, 'video', ${c.modelId}, ${c.providerId}, 'm', 'p', '{}', now() + interval '1 hour')`),
  tenant_webhooks: (tx, t) =>
    tx.execute(sql`INSERT INTO tenant_webhooks (tenant_id, url, secret_sealed, secret_prefix) VALUES (${t}, 'https://hooks.example/x', 's', 'whsec_ab')`),
  webhook_deliveries: async (tx, t) => {
    const [w] = await queryRows<{ id: string }>(
      tx,
      sql`INSERT INTO tenant_webhooks (tenant_id, url, secret_sealed, secret_prefix) VALUES (${t}, 'https://hooks.example/y', 's', 'whsec_cd') RETURNING id`,
    );
    return tx.execute(
      sql`INSERT INTO webhook_deliveries (tenant_id, webhook_id, message_id, event, payload) VALUES (${t}, ${w!.id}, ${`msg_${uniqueSuffix()}`}, 'job.completed', '{}')`,
    );
  },
  audit_logs: (tx, t) => tx.execute(sql`INSERT INTO audit_logs (actor_type, tenant_id, action, resource_type) VALUES ('system', ${t}, 'test', 'test')`),
};

const TABLES = Object.keys(FIXTURES);

/** Platform tables that merely REFER to a tenant (configuration and the platform's own books),
 * reached only on the platform path: routing rules narrowed to a tenant, a billing run for one
 * tenant, a reconciliation adjustment about a tenant. */
const PLATFORM_TABLES_REFERRING_TO_A_TENANT = ['routing_rules', 'billing_runs', 'reconciliation_entries'];

/** Per-tenant platform data that carries our cost: no privilege at all for radiant_app, and
 * forced RLS with a platform-only policy (drizzle/0007; metering_quarantine: drizzle/0010). */
const PLATFORM_ONLY_TENANT_TABLES = ['tenant_daily_aggregates', 'metering_quarantine'];

/** drizzle wraps driver errors ("Failed query: ..."); the database's words are in the cause. */
function errorChainText(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err; e instanceof Error; e = (e as Error & { cause?: unknown }).cause) parts.push(e.message);
  return parts.join(' <- ');
}

async function expectDbRefusal(p: Promise<unknown>, re: RegExp): Promise<void> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'statement should have been refused').not.toBeNull();
  expect(errorChainText(err)).toMatch(re);
}

let db: Db;
let ctx: { modelId: string; providerId: string };

beforeAll(async () => {
  db = (await testDb()).db;
  const m = await anyChatModel(db);
  ctx = { modelId: m.id, providerId: m.providerId };
});

async function countAs(tenantId: string | null, table: string): Promise<number> {
  const run = async (tx: Tx) => {
    const [r] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM ${sql.identifier(table)}`);
    return Number(r!.n);
  };
  return tenantId ? withTenant(tenantId, run, db) : withAppRoleNoTenant(run, db);
}

async function countForTenantOnPlatform(table: string, tenantId: string): Promise<number> {
  return withPlatform(async (tx) => {
    const [r] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE tenant_id = ${tenantId}`);
    return Number(r!.n);
  }, db);
}

/** Runs a statement as tenant A; a refusal (privilege or policy error) counts as "nothing changed". */
async function tryAs(tenantId: string, q: (tx: Tx) => Promise<unknown>): Promise<'ok' | 'refused'> {
  try {
    await withTenant(tenantId, async (tx) => void (await q(tx)), db);
    return 'ok';
  } catch {
    return 'refused';
  }
}

describe('every table with a tenant_id column is under forced RLS with a fixture here', () => {
  it('catalog of tenant-owned tables is complete', async () => {
    const rows = await withPlatform(
      (tx) =>
        queryRows<{ table_name: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>(
          tx,
          sql`SELECT c.table_name, k.relrowsecurity, k.relforcerowsecurity
              FROM information_schema.columns c
              JOIN pg_class k ON k.relname = c.table_name AND k.relkind IN ('r', 'p') AND NOT k.relispartition
              JOIN pg_namespace n ON n.oid = k.relnamespace AND n.nspname = 'public'
              WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id'`,
        ),
      db,
    );
    const names = rows
      .map((r) => r.table_name)
      .filter((n) => !PLATFORM_TABLES_REFERRING_TO_A_TENANT.includes(n) && !PLATFORM_ONLY_TENANT_TABLES.includes(n))
      .sort();
    expect(names).toEqual([...TABLES].sort());
    for (const r of rows.filter((x) => TABLES.includes(x.table_name) || PLATFORM_ONLY_TENANT_TABLES.includes(x.table_name))) {
      expect(r.relrowsecurity, `${r.table_name} RLS enabled`).toBe(true);
      expect(r.relforcerowsecurity, `${r.table_name} RLS forced`).toBe(true);
    }
  });

  it('partitions (usage_events by month) are reached only through their forced-RLS parent', async () => {
    const parts = await withPlatform(
      (tx) =>
        queryRows<{ rel: string; app: boolean; platform: boolean; rls: boolean }>(
          tx,
          sql`SELECT k.relname AS rel, has_table_privilege('radiant_app', k.oid, 'SELECT, INSERT, UPDATE, DELETE') AS app,
                     has_table_privilege('radiant_platform', k.oid, 'SELECT, INSERT, UPDATE, DELETE') AS platform, k.relrowsecurity AS rls
                FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace AND n.nspname = 'public'
               WHERE k.relispartition AND k.relkind = 'r'`,
        ),
      db,
    );
    expect(parts.map((p) => p.rel)).toContain('usage_events_default');
    for (const p of parts) {
      expect(p.app, `${p.rel}: no privilege for radiant_app`).toBe(false);
      expect(p.platform, `${p.rel}: no privilege for radiant_platform`).toBe(false);
      expect(p.rls, `${p.rel}: RLS enabled`).toBe(true);
    }
    const a = await createTenant(db);
    await expectDbRefusal(
      withTenant(a.id, (tx) => tx.execute(sql`SELECT count(*) FROM usage_events_default`), db),
      /permission denied/,
    );
  });
});

describe.each(TABLES)('tenant isolation on %s', (table) => {
  it('A sees only A; no tenant sees nothing; B rows cannot be changed or created by A', async () => {
    const a = await createTenant(db);
    const b = await createTenant(db);
    await withPlatform(async (tx) => {
      await FIXTURES[table]!(tx, a.id, ctx);
      await FIXTURES[table]!(tx, b.id, ctx);
    }, db);
    const bBefore = await countForTenantOnPlatform(table, b.id);
    expect(bBefore).toBeGreaterThan(0);

    // Reads: with A set, every visible row is A's.
    const visibleForeign = await withTenant(
      a.id,
      async (tx) => {
        const [r] = await queryRows<{ n: number | string }>(tx, sql`SELECT count(*) AS n FROM ${sql.identifier(table)} WHERE tenant_id <> ${a.id}`);
        return Number(r!.n);
      },
      db,
    );
    expect(visibleForeign).toBe(0);
    expect(await countAs(a.id, table)).toBeGreaterThan(0);

    // No tenant set: zero rows (fail closed).
    expect(await countAs(null, table)).toBe(0);

    // Update and delete of B's rows as A: nothing changes (0 rows or refused).
    await tryAs(a.id, (tx) => tx.execute(sql`UPDATE ${sql.identifier(table)} SET tenant_id = ${a.id} WHERE tenant_id = ${b.id}`));
    await tryAs(a.id, (tx) => tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE tenant_id = ${b.id}`));
    expect(await countForTenantOnPlatform(table, b.id)).toBe(bBefore);

    // Insert a row for B as A: refused.
    const insertForB = await tryAs(a.id, (tx) => FIXTURES[table]!(tx, b.id, ctx));
    expect(insertForB).toBe('refused');
    expect(await countForTenantOnPlatform(table, b.id)).toBe(bBefore);
  });
});

describe.each(PLATFORM_ONLY_TENANT_TABLES)('platform-only table %s', (table) => {
  it('cannot be read or written by the tenant role, even with the tenant set', async () => {
    const a = await createTenant(db);
    expect(await tryAs(a.id, (tx) => tx.execute(sql`SELECT count(*) FROM ${sql.identifier(table)}`))).toBe('refused');
    expect(await tryAs(a.id, (tx) => tx.execute(sql`DELETE FROM ${sql.identifier(table)} WHERE tenant_id = ${a.id}`))).toBe('refused');
  });
});

describe('tenants table', () => {
  it('a tenant sees only its own row, and none without a tenant', async () => {
    const a = await createTenant(db);
    await createTenant(db);
    const seen = await withTenant(a.id, (tx) => queryRows<{ id: string }>(tx, sql`SELECT id FROM tenants`), db);
    expect(seen.map((r) => r.id)).toEqual([a.id]);
    const none = await withAppRoleNoTenant((tx) => queryRows(tx, sql`SELECT id FROM tenants`), db);
    expect(none).toHaveLength(0);
  });
});

describe('the radiant_app role', () => {
  it('is not a superuser, lacks BYPASSRLS and owns no table', async () => {
    const [role] = await withPlatform(
      (tx) => queryRows<{ rolsuper: boolean; rolbypassrls: boolean }>(tx, sql`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'radiant_app'`),
      db,
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false });
    const owned = await withPlatform(
      (tx) => queryRows(tx, sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tableowner IN ('radiant_app', 'radiant_platform')`),
      db,
    );
    expect(owned).toHaveLength(0);
  });

  it('really runs tenant work as radiant_app', async () => {
    const a = await createTenant(db);
    const [who] = await withTenant(a.id, (tx) => queryRows<{ u: string }>(tx, sql`SELECT current_user AS u`), db);
    expect(who!.u).toBe('radiant_app');
  });

  it('cannot write invoices or the books (read-only for tenants)', async () => {
    const a = await createTenant(db);
    await withPlatform((tx) => FIXTURES.invoices!(tx, a.id, ctx), db);
    const result = await tryAs(a.id, (tx) => tx.execute(sql`UPDATE invoices SET total_amount = 0 WHERE tenant_id = ${a.id}`));
    expect(result).toBe('refused');
    expect(await tryAs(a.id, (tx) => FIXTURES.revenue_entries!(tx, a.id, ctx))).toBe('refused');
  });
});

describe('audit trail', () => {
  it('is append-only for the app role, the platform role and the owner', async () => {
    const a = await createTenant(db);
    await withPlatform((tx) => FIXTURES.audit_logs!(tx, a.id, ctx), db);
    expect(await tryAs(a.id, (tx) => tx.execute(sql`UPDATE audit_logs SET action = 'x' WHERE tenant_id = ${a.id}`))).toBe('refused');
    await expect(withPlatform((tx) => tx.execute(sql`DELETE FROM audit_logs WHERE tenant_id = ${a.id}`), db)).rejects.toThrow();
    await expectDbRefusal(db.execute(sql`UPDATE audit_logs SET action = 'x' WHERE tenant_id = ${a.id}`), /append-only/);
    await expectDbRefusal(db.execute(sql`TRUNCATE audit_logs`), /append-only/);
    expect(await countForTenantOnPlatform('audit_logs', a.id)).toBe(1);
  });
});
