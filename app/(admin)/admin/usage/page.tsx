import { UsageExplorer } from '@/components/admin/usage-explorer';
import { Forbidden } from '@/components/shell/forbidden';
import { Alert } from '@/components/ui/feedback';
import { PageHeader } from '@/components/ui/page';
import { exploreUsage, usageFiltersSchema } from '@/lib/admin-views/usage';
import { requireAdminPage } from '@/lib/auth/session';
import { withPlatform } from '@/lib/db/tenant';

export const metadata = { title: 'Usage' };

export default async function UsagePage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireAdminPage('usage.read');
  if (!access.ok) return <Forbidden reason={access.reason} />;
  const raw = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = usageFiltersSchema.safeParse(raw);
  const data = await withPlatform((tx) =>
    exploreUsage(tx, parsed.success ? parsed.data : {}, { cursor: typeof raw.cursor === 'string' ? raw.cursor : undefined }),
  );
  return (
    <>
      <PageHeader
        title="Usage explorer"
        description="Every metered request with the cost, markup and price recorded when it ran. Days are UTC; times show in your timezone."
      />
      {!parsed.success ? (
        <div className="mb-4">
          <Alert tone="warning" title="Some filters were invalid and were ignored">
            {parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}
          </Alert>
        </div>
      ) : null}
      <UsageExplorer key={JSON.stringify(data.filters)} data={data} />
    </>
  );
}
