import { headers } from 'next/headers';
import { ListFilters } from '@/components/data-table/server-table';
import { Forbidden } from '@/components/shell/forbidden';
import { KeysView } from '@/components/portal/keys-view';
import { PageHeader } from '@/components/ui/page';
import { requireTenantPage } from '@/lib/auth/session';
import { apiKeyListParamsSchema, listApiKeys } from '@/lib/gateway/keys';
import { portalKeyCtx } from '@/lib/gateway/key-routes';
import { plainParams } from '@/lib/lists/keyset';
import { createKeyAction, revokeKeyAction } from './actions';

export const metadata = { title: 'API keys' };

export default async function KeysPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const access = await requireTenantPage(['owner', 'member']);
  if (!access.ok) return <Forbidden reason={access.reason} home="/portal" />;
  const values = plainParams(await searchParams);
  const params = apiKeyListParamsSchema.parse(values);
  // One page, searched, filtered and sorted in SQL: a tenant with 100,000 keys costs what one with 10 does.
  const page = await listApiKeys({ ctx: portalKeyCtx(access.ctx), input: params });
  const qs = new URLSearchParams(values);
  qs.delete('cursor');
  qs.set('format', 'csv');
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost:3000';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') || host.startsWith('127.') ? 'http' : 'https');
  return (
    <>
      <PageHeader title="API keys" description="Create keys for your programs, set their scopes and limits, and revoke them." />
      <KeysView
        page={page}
        sort={params.sort}
        dir={params.dir}
        csvHref={`/api/portal/keys?${qs.toString()}`}
        filters={
          <ListFilters
            values={values}
            fields={[
              { name: 'q', label: 'Search', type: 'search', placeholder: 'Name or key prefix' },
              { name: 'status', label: 'Status', type: 'select', options: ['active', 'expired', 'revoked'].map((s) => ({ value: s, label: s })) },
            ]}
          />
        }
        canManage
        create={createKeyAction}
        revoke={revokeKeyAction}
        origin={`${proto}://${host}`}
      />
    </>
  );
}
