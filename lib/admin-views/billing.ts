/**
 * Billing screens' data: thin compositions over lib/billing (which opens its own platform
 * transactions) plus the lists the screens' forms need (tenants, providers). The billing verbs
 * themselves (runs, void, mark paid, close, adjustments, exports) are called from the server
 * actions with the admin's context.
 */
import { desc, inArray } from 'drizzle-orm';
import { providers, tenants } from '../db/schema';
import { withPlatform } from '../db/tenant';
import { getMarginReport, MARGIN_GROUPS, type MarginGroupBy, type MarginReport } from '../billing/books';
import { listExports, type ExportLogView } from '../billing/exports';
import { getInvoiceAdmin, type InvoiceView } from '../billing/invoices';
import { currentPeriod, previousPeriod } from '../billing/period';
import { listPeriods, type PeriodSummary } from '../billing/periods';
import { getReconciliation, type ReconciliationOverview } from '../billing/reconciliation';
import { listBillingRuns, type BillingRunView } from '../billing/runs';

import { PERIOD_RE } from '../platform/schemas';

type Opt = { id: string; name: string };

async function tenantOptions(): Promise<Array<Opt & { slug: string }>> {
  return withPlatform((tx) => tx.select({ id: tenants.id, name: tenants.name, slug: tenants.slug }).from(tenants).orderBy(tenants.name));
}

/** The last 12 months (newest first) for period pickers. */
export function recentPeriods(now = new Date()): string[] {
  const out: string[] = [];
  let y = now.getUTCFullYear();
  let m = now.getUTCMonth() + 1;
  for (let i = 0; i < 12; i++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
    m -= 1;
    if (m === 0) {
      m = 12;
      y -= 1;
    }
  }
  return out;
}

export function periodOrDefault(v: unknown, fallback = previousPeriod()): string {
  return typeof v === 'string' && PERIOD_RE.test(v) ? v : fallback;
}

export interface RunsPageData {
  runs: BillingRunView[];
  /** Names of the tenants the listed runs were scoped to (not every tenant: the form looks
   * tenants up as you type). */
  tenantNames: Opt[];
  periods: string[];
  defaultPeriod: string;
  active: boolean;
}

export async function getRunsPage(): Promise<RunsPageData> {
  const runs = await listBillingRuns({ limit: 50 });
  const ids = [...new Set(runs.map((r) => r.tenantId).filter((x): x is string => Boolean(x)))];
  const tenantNames = ids.length
    ? await withPlatform((tx) => tx.select({ id: tenants.id, name: tenants.name }).from(tenants).where(inArray(tenants.id, ids)))
    : [];
  return {
    runs,
    tenantNames,
    periods: recentPeriods(),
    defaultPeriod: previousPeriod(),
    active: runs.some((r) => r.status === 'running' || r.status === 'queued'),
  };
}

export type AdminInvoice = InvoiceView & { usageCost: string; usageMargin: string };
export async function getInvoicePage(id: string): Promise<AdminInvoice> {
  return getInvoiceAdmin(id);
}

export async function getPeriodsPage(): Promise<{ periods: PeriodSummary[]; current: string }> {
  return { periods: await listPeriods({ limit: 24 }), current: currentPeriod() };
}

export interface ReconciliationPageData {
  overview: ReconciliationOverview;
  periods: string[];
  tenants: Opt[];
  providers: Opt[];
}

export async function getReconciliationPage(period: string): Promise<ReconciliationPageData> {
  const [overview, tenantRows, providerRows] = await Promise.all([
    getReconciliation(period),
    tenantOptions(),
    withPlatform((tx) => tx.select({ id: providers.id, name: providers.displayName }).from(providers).orderBy(desc(providers.enabled), providers.displayName)),
  ]);
  return { overview, periods: recentPeriods(), tenants: tenantRows, providers: providerRows };
}

export async function getExportsPage(): Promise<{ log: ExportLogView[]; periods: string[]; defaultPeriod: string }> {
  return { log: await listExports({ limit: 200 }), periods: recentPeriods(), defaultPeriod: previousPeriod() };
}

export async function getMarginPage(period: string, groupBy: string): Promise<{ report: MarginReport; periods: string[]; groups: readonly MarginGroupBy[] }> {
  const g = (MARGIN_GROUPS as readonly string[]).includes(groupBy) ? (groupBy as MarginGroupBy) : 'provider';
  return { report: await getMarginReport({ period, groupBy: g, reconcile: true }), periods: recentPeriods(), groups: MARGIN_GROUPS };
}
