/**
 * npm run billing:run -- --period YYYY-MM [--tenant SLUG]
 *
 * Folds pending usage into the rollups, then issues the period's invoices for every tenant with
 * usage (or one tenant), printing progress. Idempotent: tenants already invoiced for the period
 * are left unchanged. Uses DATABASE_URL (PostgreSQL) or the embedded database (.radiant/). Exit
 * code 0 when every tenant was billed, 1 otherwise; 2 for bad arguments.
 */
import { closeDb, getDbHandle } from '../lib/db/client';
import { migrate } from '../lib/db/migrate';
import { systemCtx } from '../lib/platform/context';
import { previousPeriod } from '../lib/billing/period';
import { runBilling } from '../lib/billing/runs';
import { isAppError } from '../lib/errors';
import { PERIOD_RE } from '../lib/platform/schemas';

function usage(msg?: string): never {
  if (msg) console.error(msg);
  console.error('usage: npm run billing:run -- --period YYYY-MM [--tenant SLUG]   (default period: last month)');
  process.exit(2);
}

function parseArgs(argv: string[]): { period: string; tenant?: string } {
  let period: string | undefined;
  let tenant: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? (a.split(/=(.*)/s) as [string, string]) : [a, undefined];
    const value = () => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    if (flag === '--period') period = value();
    else if (flag === '--tenant') tenant = value();
    else if (flag === '--help' || flag === '-h') usage();
    else usage(`unknown argument: ${a}`);
  }
  period ??= previousPeriod();
  if (!PERIOD_RE.test(period)) usage(`--period must be YYYY-MM (got ${period})`);
  return { period, tenant };
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const handle = await getDbHandle();
  await migrate(handle.db);
  console.log(`billing ${args.period}${args.tenant ? ` for tenant ${args.tenant}` : ' for all tenants with usage'} on ${handle.describe}`);
  const started = Date.now();
  const tty = process.stdout.isTTY;
  let lastPrinted = -1;
  const run = await runBilling({
    period: args.period,
    tenantSlug: args.tenant,
    ctx: systemCtx('cli'),
    onStarted: (r) => console.log(`run ${r.id} started; folding pending usage into the rollups...`),
    onProgress: ({ processed, total, created }) => {
      const pct = total === 0 ? 100 : Math.floor((processed / total) * 100);
      const bar = `[${'#'.repeat(Math.floor(pct / 5)).padEnd(20, '.')}] ${String(pct).padStart(3)}%  ${processed}/${total} tenants, ${created} invoice(s) issued`;
      if (tty) process.stdout.write(`\r${bar}`);
      else if (pct >= lastPrinted + 10 || processed === total) {
        lastPrinted = pct;
        console.log(bar);
      }
    },
  });
  if (tty) process.stdout.write('\n');
  console.log(
    `done in ${((Date.now() - started) / 1000).toFixed(1)} s: ${run.invoicesCreated} issued, ${run.unchanged} already invoiced (unchanged), ${run.failures.length} failed — run ${run.id} ${run.status}`,
  );
  for (const f of run.failures) console.error(`  tenant ${f.tenantId}: ${f.error}`);
  return run.status === 'succeeded' ? 0 : 1;
}

main()
  .then((code) => {
    process.exitCode = code;
  })
  .catch((err: unknown) => {
    console.error(isAppError(err) ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => closeDb());
